package sim

import (
	"fmt"
	"math"
	"testing"
)

// benchTransitions runs p on g b.N times and reports state transitions
// per second of wall time and of CPU time, counted as benchSIR counts
// them: perNode per node ever in compartment ever (for SIR two, its
// infection and its recovery, seeds included), so that an SIR declared
// as a compartmental model and sir compare.
func benchTransitions(b *testing.B, g *Graph, p Process, ever int, perNode float64) {
	out := make([]float64, len(p.Metrics()))
	r := NewRand(2)
	var entered, cpu0 float64
	for b.Loop() {
		if cpu0 == 0 {
			cpu0 = cpuSeconds()
		}
		if err := p.Run(g, r, out); err != nil {
			b.Fatal(err)
		}
		entered += out[ever] * float64(g.N)
	}
	b.ReportMetric(perNode*entered/b.Elapsed().Seconds(), "transitions/s")
	if cpu := cpuSeconds() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(perNode*entered/cpu, "transitions/cpu-s")
		b.ReportMetric(cpu/float64(b.N)*1e3, "cpu-ms/op")
	}
	b.ReportMetric(entered/float64(b.N)/float64(g.N), "final_size")
}

// BenchmarkCompartmentalSIR compares, side by side on one G(n,p) graph
// (n = 1e5, mean degree 5), SIR declared as a compartmental model with
// sir, both with beta = gamma = 1 (T = 1/2) from 0.1% of the nodes, as
// BenchmarkSIRGnp runs sir: major outbreaks, transitions per second.
func BenchmarkCompartmentalSIR(b *testing.B) {
	g := benchGraph(b, 100_000, 5)
	b.Run("model=sir", func(b *testing.B) {
		p, err := ProcessSettings{Model: "sir", Params: Params{"beta": 1.0, "gamma": 1.0, "seed_fraction": 0.001,
			"metrics": []string{"final_size"}}}.New(g.N)
		if err != nil {
			b.Fatal(err)
		}
		benchTransitions(b, g, p, 0, 2)
	})
	b.Run("model=compartmental", func(b *testing.B) {
		params := sirModel(1, 1)
		delete(params, "initial_count")
		params["initial_fraction"] = []float64{0.001}
		params["metrics"] = []string{"ever_I"}
		p := compartmental(b, params, g.N)
		benchTransitions(b, g, p, 0, 2)
	})
}

// BenchmarkCompartmentalSEIR: SEIR (beta = sigma = gamma = 1) from 0.1% of
// the nodes on G(n,p), mean degree 5, the model of scripts/bench/eon-seir.py;
// three transitions per node ever exposed.
func BenchmarkCompartmentalSEIR(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			g := benchGraph(b, n, 5)
			params := seirModel(1, 1, 1)
			delete(params, "initial_count")
			params["initial_fraction"] = []float64{0.001}
			params["metrics"] = []string{"ever_E"}
			benchTransitions(b, g, compartmental(b, params, g.N), 0, 3)
		})
	}
}

// BenchmarkCompartmentalFixedSIR compares, side by side on one G(n,p)
// graph (n = 1e5, mean degree 5), SIR with a fixed infectious period
// declared as a compartmental model ("I -> R : fixed(tau)", event-driven)
// with sir's infectious = "fixed", both with beta = 1 and tau = ln 2
// (T = 1/2) from 0.1% of the nodes: transitions per second.
func BenchmarkCompartmentalFixedSIR(b *testing.B) {
	g := benchGraph(b, 100_000, 5)
	b.Run("model=sir", func(b *testing.B) {
		p, err := ProcessSettings{Model: "sir", Params: Params{"beta": 1.0, "infectious": PeriodFixed, "period_mean": math.Ln2,
			"seed_fraction": 0.001, "metrics": []string{"final_size"}}}.New(g.N)
		if err != nil {
			b.Fatal(err)
		}
		benchTransitions(b, g, p, 0, 2)
	})
	b.Run("model=compartmental", func(b *testing.B) {
		params := timedSIR(1, "fixed(tau)", math.Ln2, 0)
		delete(params, "initial_count")
		params["initial_fraction"] = []float64{0.001}
		params["metrics"] = []string{"ever_I"}
		benchTransitions(b, g, compartmental(b, params, g.N), 0, 2)
	})
}
