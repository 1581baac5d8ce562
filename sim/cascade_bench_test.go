package sim

import (
	"fmt"
	"testing"
)

// BenchmarkCascadeGnp: watts_threshold (φ = 0.18, fixed and with SD 0.05)
// and bootstrap_percolation (k = 2) on G(n,p), n = 1e5 and 1e6, mean
// degree 4, seed fraction 0.01, where the Watts model cascades; reports
// edges per second and the final active fraction.
func BenchmarkCascadeGnp(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		g := benchGraph(b, n, 4)
		for _, tc := range []struct {
			name, model string
			params      Params
		}{
			{"watts", "watts_threshold", Params{"threshold": 0.18}},
			{"watts_sd", "watts_threshold", Params{"threshold": 0.18, "threshold_sd": 0.05}},
			{"bootstrap", "bootstrap_percolation", Params{"k": int64(2)}},
		} {
			b.Run(fmt.Sprintf("%s/n=%d", tc.name, n), func(b *testing.B) {
				tc.params["seed_fraction"] = 0.01
				p := newCascadeProc(b, tc.model, tc.params, g.N)
				out := make([]float64, len(p.Metrics()))
				r := NewRand(3)
				for b.Loop() {
					_ = p.Run(g, r, out)
				}
				b.ReportMetric(float64(g.Edges())*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
				b.ReportMetric(out[0], "final")
			})
		}
	}
}
