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

// BenchmarkEncodeRawRuns encodes benchRawTable from runs of 312 rows
// built beforehand (benchRawRuns).
func BenchmarkEncodeRawRuns(b *testing.B) {
	values, dicts := benchRawRuns(benchRawTable())
	for _, bc := range []struct {
		name string
		runs []RawRun
	}{{"values", values}, {"dict", dicts}} {
		b.Run(bc.name, func(b *testing.B) {
			benchEncode(b, func(w io.Writer, t *RawTable) error {
				next := 0
				return EncodeRawRuns(w, t.Metrics, len(t.Rows), func(r *RawRun) error {
					*r = bc.runs[next]
					next++
					return nil
				})
			})
		})
	}
}

// BenchmarkEncodeRawLayout encodes benchRawTable as BenchmarkEncodeRawRuns
// does from dictionaries, with EncodeRawLayout: the layout's columns on
// a goroutine of their own, the values' on the benchmark's (wall time
// ns/op; cpu-ms/op is both goroutines').
func BenchmarkEncodeRawLayout(b *testing.B) {
	tab := benchRawTable()
	_, dicts := benchRawRuns(tab)
	l := rawTableLayout(tab, 10000)
	benchEncode(b, func(w io.Writer, t *RawTable) error {
		next := 0
		return EncodeRawLayout(w, t.Metrics, l, func(r *RawRun) error {
			*r = dicts[next]
			next++
			return nil
		})
	})
}

// benchRawRuns cuts tab into runs of 312 rows, as a campaign's chunks of
// the short campaign come: the metrics as values, and as the
// dictionaries and indices that discrete metrics travel as
// (mpirun.RawValues), which campaign hands over.
func benchRawRuns(tab *RawTable) (values, dicts []RawRun) {
	for i := 0; i < len(tab.Rows); {
		first := &tab.Rows[i]
		v := RawRun{Point: first.Point, Key: first.Key, Rep: first.Rep, Values: make([][]float64, 2)}
		d := RawRun{Point: first.Point, Key: first.Key, Rep: first.Rep, Values: make([][]float64, 2), Dict: make([][]float64, 2), Index: make([][]uint8, 2)}
		at := []map[float64]uint8{{}, {}}
		for ; i < len(tab.Rows) && len(v.Failed) < 312 && tab.Rows[i].Point == first.Point; i++ {
			row := &tab.Rows[i]
			v.appendRow(row)
			for j, x := range row.Values {
				k, ok := at[j][x]
				if !ok {
					k = uint8(len(d.Dict[j]))
					at[j][x] = k
					d.Dict[j] = append(d.Dict[j], x)
				}
				d.Index[j] = append(d.Index[j], k)
			}
		}
		d.Failed, d.NetworkSeeds, d.ProcessSeeds = v.Failed, v.NetworkSeeds, v.ProcessSeeds
		values, dicts = append(values, v), append(dicts, d)
	}
	return values, dicts
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
// held after a run (held-MB), the file's size (file-MB) and its bytes a row: the
// encoder's memory is that of one row group, not of the file.
func BenchmarkEncodeRawGroups(b *testing.B) {
	const n, per, run = 1 << 22, 10000, 312
	metrics := []string{"final_size", "major"}
	var held, size int64
	for b.Loop() {
		e := newRawEncoder(io.Discard, metrics, n, true, true)
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
			held = max(held, e.heldBytes())
			i += k
		}
		if err := e.finish(); err != nil {
			b.Fatal(err)
		}
		size = e.out.n
	}
	b.ReportMetric(float64(held)/1e6, "held-MB")
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(size)/n, "bytes/row")
}
