package spec

import (
	"runtime"
	"testing"
)

// BenchmarkWorkerMemory runs single SIR repetitions at n = 10^6, mean
// degree 5, the way a worker does (one Runner, reused), and reports the
// worker's peak heap against the size of its graph's arrays (offsets and
// adjacency).
func BenchmarkWorkerMemory(b *testing.B) {
	s, err := Parse("mem.toml", []byte(`name = "mem"
seed = 1
repetitions = 1
[network]
generator = "er"
n = 1000000
mean_degree = 5.0
[process]
model = "sir"
beta = 1.0
gamma = 1.0
seed_fraction = 0.0001
`))
	if err != nil {
		b.Fatal(err)
	}
	r := s.NewRunner()
	out := make([]float64, len(s.Metrics))
	if err := r.Run(0, 0, out); err != nil { // allocates the worker's buffers
		b.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := r.Run(0, i+1, out); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	// The worker's memory is what it keeps between repetitions (live heap
	// after a collection) plus what one repetition allocates anew.
	perRun := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
	peak := float64(before.HeapAlloc) + perRun
	graph := 4 * float64(len(r.g.Off)+len(r.g.Adj))
	b.ReportMetric(graph/1e6, "graph-MB")
	b.ReportMetric(float64(before.HeapAlloc)/1e6, "kept-MB")
	b.ReportMetric(perRun/1e6, "alloc-MB/run")
	b.ReportMetric(peak/graph, "peak/graph")
}
