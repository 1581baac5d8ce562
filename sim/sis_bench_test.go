package sim

import "testing"

// benchSIS runs SIS on g for a fixed time and reports events per second
// (transitions and phantom transmissions; about rate·time per run).
func benchSIS(b *testing.B, g *Graph, c *ProcessConfig) {
	p, err := c.New(g.N)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, len(p.Metrics()))
	r := NewRand(2)
	var prev float64
	for b.Loop() {
		if err := p.Run(g, r, out); err != nil {
			b.Fatal(err)
		}
		prev += out[0]
	}
	// In the stationary state recoveries balance infections: about
	// 2·gamma·prevalence·n·time transitions per run.
	transitions := 2 * c.Gamma * prev / float64(b.N) * float64(g.N) * (c.BurnIn + c.Window)
	b.ReportMetric(transitions*float64(b.N)/b.Elapsed().Seconds(), "transitions/s")
	b.ReportMetric(prev/float64(b.N), "prevalence")
}

// BenchmarkSISGnp: endemic SIS on G(n,p), n = 1e5, mean degree 5,
// beta/gamma = 0.5 (prevalence about 0.6), for 10 time units.
func BenchmarkSISGnp(b *testing.B) {
	benchSIS(b, benchGraph(b, 100_000, 5), &ProcessConfig{Model: "sis", Beta: 0.5, Gamma: 1,
		SeedFraction: 0.01, BurnIn: 5, Window: 5})
}

// BenchmarkSISPowerLaw: SIS on a configuration model with P(k) ∝ k^-2.5,
// 2 ≤ k ≤ 1000, n = 1e5, beta/gamma = 0.2, for 10 time units.
func BenchmarkSISPowerLaw(b *testing.B) {
	var g Graph
	powerLawGraph(b, &g, 100_000, 2.5, 2, 1000, NewRand(1))
	benchSIS(b, &g, &ProcessConfig{Model: "sis", Beta: 0.2, Gamma: 1, SeedFraction: 0.01, BurnIn: 5, Window: 5})
}
