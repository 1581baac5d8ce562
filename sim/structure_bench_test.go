package sim

import (
	"fmt"
	"testing"
)

// BenchmarkStructure measures the network metrics on G(n,p) of mean
// degree 10 at two sizes, in edges per second (and per CPU second).
func BenchmarkStructure(b *testing.B) {
	for _, n := range []int{1e5, 1e6} {
		var g Graph
		gnpGraph(b, &g, n, 10, NewRand(1))
		for _, name := range []string{"components", "clustering", "assortativity"} {
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
				nm, err := (&NetworkConfig{Generator: "er", Metrics: []string{name}}).NewMetrics()
				if err != nil {
					b.Fatal(err)
				}
				out := make([]float64, 1)
				cpu0 := cpuSeconds()
				for b.Loop() {
					nm.Measure(&g, out)
				}
				b.ReportMetric(float64(g.Edges())*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
				if cpu := cpuSeconds() - cpu0; cpu > 0 {
					b.ReportMetric(float64(g.Edges())*float64(b.N)/cpu, "edges/cpu-s")
				}
			})
		}
	}
}

// BenchmarkNewGenerators generates SBM (two blocks, mean degree 10) and
// clustered graphs (mean degree 10: 4 singles and 3 triangles a node) at
// two sizes, in edges per second (and per CPU second).
func BenchmarkNewGenerators(b *testing.B) {
	for _, n := range []int{1e5, 1e6} {
		for _, c := range []NetworkConfig{
			{Generator: "sbm", N: n, Sizes: []int{n / 2, n / 2}, BlockMeans: []float64{8, 2, 2, 8}},
			{Generator: "clustered", N: n, Singles: 4, Triangles: 3},
		} {
			gen := newGen(b, c)
			b.Run(fmt.Sprintf("%s/n=%d", c.Generator, n), func(b *testing.B) {
				var g Graph
				r := NewRand(1)
				var edges float64
				cpu0 := cpuSeconds()
				for b.Loop() {
					if err := gen.Generate(&g, r); err != nil {
						b.Fatal(err)
					}
					edges += float64(g.Edges())
				}
				b.ReportMetric(edges/b.Elapsed().Seconds(), "edges/s")
				if cpu := cpuSeconds() - cpu0; cpu > 0 {
					b.ReportMetric(edges/cpu, "edges/cpu-s")
				}
			})
		}
	}
}
