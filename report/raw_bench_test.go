package report

import (
	"io"
	"testing"
)

// benchRawTable is 10^5 repetitions of two metrics, as the end of a
// campaign of 10^5 short repetitions writes raw.parquet.
func benchRawTable() *RawTable {
	tab := &RawTable{Metrics: []string{"final_size", "major"}}
	for i := range 100000 {
		tab.Rows = append(tab.Rows, RawRow{Point: i / 10000, Key: "b99864e869de86e4d3c9e7516ba6402ece817b88965bb9110a1ebbec93a072aa", Rep: i % 10000,
			NetworkSeed: uint64(i) * 0x9e3779b97f4a7c15, ProcessSeed: uint64(i) * 0xbf58476d1ce4e5b9, Values: []float64{float64(i%97) / 100, float64(i % 2)}})
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
