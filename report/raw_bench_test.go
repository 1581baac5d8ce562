package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/netsweep/netsweep/sim"
)

// benchRawTable is 10^5 repetitions of two metrics, as the end of a
// campaign of 10^5 short repetitions writes raw.parquet.
func benchRawTable() *RawTable {
	tab := &RawTable{Metrics: []string{"final_size", "major"}}
	var key string
	for i := range 100000 {
		p, rep := i/10000, i%10000
		if rep == 0 {
			key = fmt.Sprintf("%064x", p*0x9e3779b9) // one string a point, as campaign passes them
		}
		tab.Rows = append(tab.Rows, RawRow{Point: p, Key: key, Rep: rep,
			NetworkSeed: sim.StreamSeed(3, 5, rep, sim.StreamNetwork), ProcessSeed: sim.StreamSeed(3, uint64(p), rep, sim.StreamProcess),
			Values: []float64{float64(i%97) / 100, float64(i % 2)}})
	}
	return tab
}

// BenchmarkEncodeRaw encodes benchRawTable column by column, as
// EncodeRaw does.
func BenchmarkEncodeRaw(b *testing.B) {
	benchEncode(b, EncodeRaw)
}

// BenchmarkEncodeRawRuns encodes benchRawTable in runs of 312 rows, as
// a campaign's chunks of the short campaign come.
func BenchmarkEncodeRawRuns(b *testing.B) {
	benchEncode(b, func(w io.Writer, t *RawTable) error {
		i := 0
		return EncodeRawRuns(w, t.Metrics, len(t.Rows), func(r *RawRun) error {
			first := &t.Rows[i]
			r.Point, r.Key, r.Rep = first.Point, first.Key, first.Rep
			r.Failed, r.NetworkSeeds, r.ProcessSeeds = r.Failed[:0], r.NetworkSeeds[:0], r.ProcessSeeds[:0]
			for j := range r.Values {
				r.Values[j] = r.Values[j][:0]
			}
			for ; i < len(t.Rows) && len(r.Failed) < 312 && t.Rows[i].Point == first.Point; i++ {
				row := &t.Rows[i]
				r.Failed = append(r.Failed, row.Failed)
				r.NetworkSeeds = append(r.NetworkSeeds, row.NetworkSeed)
				r.ProcessSeeds = append(r.ProcessSeeds, row.ProcessSeed)
				for j, v := range row.Values {
					r.Values[j] = append(r.Values[j], v)
				}
			}
			return nil
		})
	})
}

// BenchmarkEncodeRawRowWise encodes it row by row, as EncodeRaw did
// before (the same bytes), for a side-by-side comparison.
func BenchmarkEncodeRawRowWise(b *testing.B) {
	benchEncode(b, encodeRawRowWise)
}

// benchEncode reports, besides wall time, the process's CPU time per
// encoding (cpu-ms/op, steadier on a shared machine).
func benchEncode(b *testing.B, encode func(io.Writer, *RawTable) error) {
	tab := benchRawTable()
	b.ReportAllocs()
	var cpu0 float64
	for b.Loop() {
		if cpu0 == 0 {
			cpu0 = cpuSeconds()
		}
		if err := encode(io.Discard, tab); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := cpuSeconds() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(cpu/float64(b.N)*1e3, "cpu-ms/op")
	}
}

// BenchmarkEncodeRawGroups encodes 2^22 rows of two metrics (four row
// groups of rawGroupRows), as benchRawTable's rows go on, in runs of 312
// rows, to io.Discard, and reports the most bytes of pages the encoder
// held (held-MB), the file's size (file-MB) and its bytes a row: the
// encoder's memory is that of one row group, not of the file.
func BenchmarkEncodeRawGroups(b *testing.B) {
	const n, per, run = 1 << 22, 10000, 312
	metrics := []string{"final_size", "major"}
	var held, size int64
	for b.Loop() {
		e := newRawEncoder(io.Discard, metrics, n)
		r := RawRun{Values: make([][]float64, 2)}
		for i := 0; i < n; {
			p, rep := i/per, i%per
			k := min(run, per-rep, n-i)
			r.Point, r.Key, r.Rep = p, fmt.Sprintf("%064x", p*0x9e3779b9), rep
			r.Failed, r.NetworkSeeds, r.ProcessSeeds = r.Failed[:0], r.NetworkSeeds[:0], r.ProcessSeeds[:0]
			r.Values[0], r.Values[1] = r.Values[0][:0], r.Values[1][:0]
			for x := i; x < i+k; x++ {
				rep := x % per
				r.Failed = append(r.Failed, false)
				r.NetworkSeeds = append(r.NetworkSeeds, sim.StreamSeed(3, 5, rep, sim.StreamNetwork))
				r.ProcessSeeds = append(r.ProcessSeeds, sim.StreamSeed(3, uint64(p), rep, sim.StreamProcess))
				r.Values[0] = append(r.Values[0], float64(x%97)/100)
				r.Values[1] = append(r.Values[1], float64(x%2))
			}
			if err := e.addRun(&r); err != nil {
				b.Fatal(err)
			}
			i += k
		}
		if err := e.finish(); err != nil {
			b.Fatal(err)
		}
		held, size = e.mostHeld, e.out.n
	}
	b.ReportMetric(float64(held)/1e6, "held-MB")
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(size)/n, "bytes/row")
}
