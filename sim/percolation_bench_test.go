package sim

import "testing"

// BenchmarkPercolationGnp: bond and site percolation on G(n,p), n = 1e6,
// mean degree 5, occupation 0.5; reports edges processed per second.
func BenchmarkPercolationGnp(b *testing.B) {
	g := benchGraph(b, 1_000_000, 5)
	for _, model := range []string{"bond_percolation", "site_percolation"} {
		b.Run(model, func(b *testing.B) {
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
