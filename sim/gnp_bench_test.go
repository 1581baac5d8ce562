package sim

import (
	"fmt"
	"testing"
)

// benchGenerate generates from c b.N times into one reused graph and
// reports edges per second of wall time (edges/s) and of the process's CPU
// time (edges/cpu-s, steadier on a shared machine).
func benchGenerate(b *testing.B, c NetworkConfig) {
	gen, err := c.New()
	if err != nil {
		b.Fatal(err)
	}
	var g Graph
	r := NewRand(1)
	var edges int
	b.ReportAllocs()
	var cpu0 float64
	for b.Loop() {
		if cpu0 == 0 {
			cpu0 = cpuSeconds()
		}
		if err := gen.Generate(&g, r); err != nil {
			b.Fatal(err)
		}
		edges += g.Edges()
	}
	b.ReportMetric(float64(edges)/b.Elapsed().Seconds(), "edges/s")
	if cpu := cpuSeconds() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(float64(edges)/cpu, "edges/cpu-s")
	}
}

func BenchmarkGnp(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%d/k=5", n), func(b *testing.B) {
			benchGenerate(b, NetworkConfig{Generator: "er", N: n, MeanDegree: 5})
		})
	}
}
