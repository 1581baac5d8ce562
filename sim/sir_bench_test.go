package sim

import (
	"fmt"
	"testing"
)

// benchGraph generates one G(n,p) graph with mean degree c.
func benchGraph(b *testing.B, n int, c float64) *Graph {
	b.Helper()
	var g Graph
	gnpGraph(b, &g, n, c, NewRand(1))
	return &g
}

// benchSIR runs c's process on g b.N times and reports state transitions
// (infections plus recoveries) per second of wall time (transitions/s) and
// of the process's CPU time (transitions/cpu-s, steadier on a shared
// machine). Metric 0 must be final_size.
func benchSIR(b *testing.B, g *Graph, c *ProcessConfig) {
	p, err := c.New(g.N)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, len(p.Metrics()))
	r := NewRand(2)
	var infections, cpu0 float64
	for b.Loop() {
		if cpu0 == 0 {
			cpu0 = cpuSeconds()
		}
		if err := p.Run(g, r, out); err != nil {
			b.Fatal(err)
		}
		infections += out[0] * float64(g.N)
	}
	b.ReportMetric(2*infections/b.Elapsed().Seconds(), "transitions/s")
	if cpu := cpuSeconds() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(2*infections/cpu, "transitions/cpu-s")
		b.ReportMetric(cpu/float64(b.N)*1e3, "cpu-ms/op")
	}
	b.ReportMetric(infections/float64(b.N)/float64(g.N), "final_size")
}

var sirBenchConfig = ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, SeedFraction: 0.001,
	Metrics: []string{"final_size", "peak_infected", "duration"}}

// BenchmarkSIRGnp: major outbreaks on G(n,p), mean degree 5, T = 1/2.
func BenchmarkSIRGnp(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			c := sirBenchConfig
			benchSIR(b, benchGraph(b, n, 5), &c)
		})
	}
}

// BenchmarkSIRPowerLaw: major outbreaks on a configuration model with
// P(k) ∝ k^-2.5, 2 ≤ k ≤ 1000, T = 1/2.
func BenchmarkSIRPowerLaw(b *testing.B) {
	var g Graph
	powerLawGraph(b, &g, 1_000_000, 2.5, 2, 1000, NewRand(1))
	c := sirBenchConfig
	benchSIR(b, &g, &c)
}

// BenchmarkSIRWholeRun: one repetition as a worker runs it, generating a
// G(n,p) graph (n = 1e5, mean degree 5) and simulating a major outbreak.
func BenchmarkSIRWholeRun(b *testing.B) {
	gen, _ := (&NetworkConfig{Generator: "er", N: 100_000, MeanDegree: 5}).New()
	c := sirBenchConfig
	p, _ := c.New(100_000)
	out := make([]float64, len(p.Metrics()))
	var g Graph
	r := NewRand(3)
	var cpu0 float64
	for b.Loop() {
		if cpu0 == 0 {
			cpu0 = cpuSeconds()
		}
		if err := gen.Generate(&g, r); err != nil {
			b.Fatal(err)
		}
		if err := p.Run(&g, r, out); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := cpuSeconds() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(cpu/float64(b.N)*1e3, "cpu-ms/op")
	}
}

// BenchmarkSIRDiscreteGnp: discrete-time SIR on G(n,p), n = 1e5, mean
// degree 5, beta = gamma = 0.5.
func BenchmarkSIRDiscreteGnp(b *testing.B) {
	benchSIR(b, benchGraph(b, 100_000, 5), &ProcessConfig{Model: "sir_discrete", Beta: 0.5, Gamma: 0.5,
		SeedFraction: 0.001, Metrics: []string{"final_size", "peak_infected"}})
}

// BenchmarkSIROneSeed: an outbreak from a single seed on a denser G(n,p)
// (n = 1e5, mean degree 10, T = 1/2), the regime in which a run that took
// every push before its end grew without bound and made the heap
// quadratic.
func BenchmarkSIROneSeed(b *testing.B) {
	c := sirBenchConfig
	c.SeedFraction, c.Seeds = 0, 1
	benchSIR(b, benchGraph(b, 100_000, 10), &c)
}

// BenchmarkSIRPeriod: major outbreaks on G(n,p), n = 1e5, mean degree 5,
// beta = 1, with infectious periods of mean 1 from each distribution:
// "markov" is the exponential drawn by the Markovian path (sirBenchConfig),
// the others go through period.draw (fast_nonMarkov_SIR).
func BenchmarkSIRPeriod(b *testing.B) {
	g := benchGraph(b, 100_000, 5)
	for _, pk := range []periodKeys{
		{},
		{Infectious: PeriodFixed, PeriodMean: 1},
		{Infectious: PeriodGamma, PeriodMean: 1, PeriodShape: 2},
		{Infectious: PeriodLognormal, PeriodMean: 1, PeriodShape: 0.5},
		{Infectious: PeriodWeibull, PeriodMean: 1, PeriodShape: 2},
	} {
		name := pk.Infectious
		if name == "" {
			name = "markov"
		}
		b.Run(name, func(b *testing.B) {
			c := sirBenchConfig
			if pk.Infectious != "" {
				c.Gamma, c.Infectious, c.PeriodMean, c.PeriodShape = 0, pk.Infectious, pk.PeriodMean, pk.PeriodShape
			}
			benchSIR(b, g, &c)
		})
	}
}
