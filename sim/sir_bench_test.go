package sim

import (
	"fmt"
	"testing"
)

// benchGraph generates one G(n,p) graph with mean degree c.
func benchGraph(b *testing.B, n int, c float64) *Graph {
	b.Helper()
	var g Graph
	gen, err := (&NetworkConfig{Generator: "er", N: n, MeanDegree: c}).New()
	if err != nil {
		b.Fatal(err)
	}
	if err := gen.Generate(&g, NewRand(1)); err != nil {
		b.Fatal(err)
	}
	return &g
}

// benchEpidemic runs process p on g b.N times and reports state
// transitions (infections plus recoveries) per second.
func benchSIR(b *testing.B, g *Graph, c *ProcessConfig) {
	p, err := c.New(g.N)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, len(p.Metrics()))
	r := NewRand(2)
	var infections float64
	b.ResetTimer()
	for b.Loop() {
		if err := p.Run(g, r, out); err != nil {
			b.Fatal(err)
		}
		infections += out[0] * float64(g.N)
	}
	b.ReportMetric(2*infections/b.Elapsed().Seconds(), "transitions/s")
	b.ReportMetric(infections/float64(b.N)/float64(g.N), "final_size")
}

// BenchmarkSIRGnp: major outbreaks on G(n,p), mean degree 5, T = 1/2.
func BenchmarkSIRGnp(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			g := benchGraph(b, n, 5)
			benchSIR(b, g, &ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, SeedFraction: 0.001, Metrics: []string{"final_size"}})
		})
	}
}
