package sim

import (
	"fmt"
	"testing"
)

// BenchmarkPercolationGnp: bond and site percolation on G(n,p), n = 1e5
// and 1e6, mean degree 5, occupation 0.5; reports edges processed per
// second.
func BenchmarkPercolationGnp(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		g := benchGraph(b, n, 5)
		for _, model := range []string{"bond_percolation", "site_percolation"} {
			b.Run(fmt.Sprintf("%s/n=%d", model, n), func(b *testing.B) {
				p, err := (&ProcessConfig{Model: model, Occupation: 0.5}).New(g.N)
				if err != nil {
					b.Fatal(err)
				}
				out := make([]float64, 1)
				r := NewRand(2)
				for b.Loop() {
					_ = p.Run(g, r, out)
				}
				b.ReportMetric(float64(g.Edges())*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
				b.ReportMetric(out[0], "giant")
			})
		}
	}
}
