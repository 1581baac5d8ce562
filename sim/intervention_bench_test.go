package sim

import (
	"testing"
)

// BenchmarkImmunise: what an intervention adds to each run on G(n,p), n =
// 1e5, mean degree 5: choosing 20% of the nodes by each strategy and
// copying the graph without their edges (intervened.prepare), CPU ms per
// run; compare with an outbreak there (BenchmarkSIRGnp/n=100000).
func BenchmarkImmunise(b *testing.B) {
	g := benchGraph(b, 100_000, 5)
	for _, by := range immuniseStrategies {
		b.Run(by, func(b *testing.B) {
			p, err := ProcessSettings{Model: "sir", Params: Params{"beta": 1.0, "gamma": 1.0, "immunise": 0.2, "immunise_by": by}}.New(g.N)
			if err != nil {
				b.Fatal(err)
			}
			w := p.(*intervened)
			r := NewRand(2)
			var cpu0 float64
			for b.Loop() {
				if cpu0 == 0 {
					cpu0 = cpuSeconds()
				}
				if _, err := w.prepare(g, r); err != nil {
					b.Fatal(err)
				}
			}
			if cpu := cpuSeconds() - cpu0; cpu0 > 0 && cpu > 0 {
				b.ReportMetric(cpu/float64(b.N)*1e3, "cpu-ms/op")
			}
		})
	}
}
