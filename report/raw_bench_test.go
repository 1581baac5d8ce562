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
