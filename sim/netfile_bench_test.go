package sim

import (
	"bytes"
	"fmt"
	"os"
	"testing"
)

// BenchmarkReadNetwork reads G(n,p) edge lists of mean degree 10 (plain
// and gzipped) and MatrixMarket files; b.SetBytes gives MB/s of the file
// as stored, and edges/s is reported.
func BenchmarkReadNetwork(b *testing.B) {
	for _, n := range []int{1e4, 2e5} {
		var g Graph
		gnpGraph(b, &g, n, 10, NewRand(1))
		edges := writeEdgeList(&g, "\t", func(v int32) string { return fmt.Sprint(v) })
		for _, tc := range []struct {
			name, format string
			data         []byte
		}{
			{"edges", FormatEdges, edges},
			{"edges.gz", FormatEdges, gzipped(b, edges)},
			{"mtx", FormatMTX, writeMTX(&g, true)},
		} {
			b.Run(fmt.Sprintf("%s/n=%d", tc.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(tc.data)))
				for range b.N {
					if _, err := ReadNetwork(bytes.NewReader(tc.data), tc.format, "bench"); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(g.Edges())*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
			})
		}
	}
}

// BenchmarkRewire rewires a G(n,p) network of mean degree 10 with the
// default 10 attempted swaps per edge.
func BenchmarkRewire(b *testing.B) {
	for _, n := range []int{1e4, 1e5} {
		var g0 Graph
		gnpGraph(b, &g0, n, 10, NewRand(1))
		path := writeTemp(b, "g.txt", writeEdgeList(&g0, " ", func(v int32) string { return fmt.Sprint(v) }))
		gen, _ := newFromFile(b, "rewire", path, nil)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var g Graph
			r := NewRand(2)
			for range b.N {
				if err := gen.Generate(&g, r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(10*float64(g0.Edges())*float64(b.N)/b.Elapsed().Seconds(), "swaps/s")
		})
	}
}

// BenchmarkReadNetworkFile reads the network file that
// NETSWEEP_BENCH_NETFILE names, an edge list, plain or gzipped (skipped
// when it is unset): scripts/bench/netfile.sh runs it on a 10^7-edge
// file beside igraph's reader. b.SetBytes gives MB/s of the file as
// stored; edges/s counts the file's edge lines, removed ones included.
// The file is read as LoadNetwork reads it, estimate included; cpu-s/op
// is the process's CPU time per read, which the other processes on a
// shared machine disturb less than wall time.
func BenchmarkReadNetworkFile(b *testing.B) {
	path := os.Getenv("NETSWEEP_BENCH_NETFILE")
	if path == "" {
		b.Skip("set NETSWEEP_BENCH_NETFILE to an edge list to read")
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	var lines int
	cpu0 := cpuSeconds()
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		// As LoadNetwork reads it: with the estimate of its edges.
		edges, err := EstimateEdges(path)
		if err != nil {
			b.Fatal(err)
		}
		net, err := readNetworkHint(f, FormatEdges, path, edges)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		lines = net.Graph.Edges() + net.Repeats + net.SelfLoops
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	}
}
