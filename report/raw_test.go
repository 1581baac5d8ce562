package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// encodeRawRowWise is EncodeRaw as it was before it wrote column by
// column (commit 303e846): a parquet.Row per repetition through
// parquet.Writer.WriteRows. It is the reference for the bytes of
// raw.parquet.
func encodeRawRowWise(w io.Writer, t *RawTable) error {
	pw := parquet.NewWriter(w, rawSchema(t.Metrics),
		parquet.CreatedBy("netsweep", "raw-1", ""),
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(math.MaxInt64),
		parquet.PageBufferSize(1<<20),
	)
	k := len(t.Metrics)
	width := len(rawFixed) + k
	const batch = 4096
	vals := make([]parquet.Value, batch*width)
	rows := make([]parquet.Row, 0, batch)
	var key []byte
	for i := range t.Rows {
		r := &t.Rows[i]
		if string(key) != r.Key {
			key = []byte(r.Key)
		}
		row := parquet.Row(vals[len(rows)*width : len(rows)*width : (len(rows)+1)*width])
		row = append(row,
			parquet.Int64Value(int64(r.Point)).Level(0, 0, 0),
			parquet.ByteArrayValue(key).Level(0, 0, 1),
			parquet.Int64Value(int64(r.Rep)).Level(0, 0, 2),
			parquet.Int64Value(int64(r.NetworkSeed)).Level(0, 0, 3),
			parquet.Int64Value(int64(r.ProcessSeed)).Level(0, 0, 4),
			parquet.BooleanValue(r.Failed).Level(0, 0, 5),
		)
		for j, v := range r.Values {
			c := len(rawFixed) + j
			if r.Failed || math.IsNaN(v) {
				row = append(row, parquet.NullValue().Level(0, 0, c))
			} else {
				row = append(row, parquet.DoubleValue(v).Level(0, 1, c))
			}
		}
		rows = append(rows, row)
		if len(rows) == batch || i == len(t.Rows)-1 {
			if _, err := pw.WriteRows(rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return pw.Close()
}

// rawTestTable returns a raw table of n repetitions of k metrics over
// points of per repetitions each, with failed repetitions, NaN values
// and values that repeat (as major's 0 and 1 do).
func rawTestTable(n, per, k int) *RawTable {
	t := &RawTable{}
	for j := range k {
		t.Metrics = append(t.Metrics, fmt.Sprintf("m%d", j))
	}
	for i := range n {
		r := RawRow{Point: i / per, Key: fmt.Sprintf("%064x", uint64(i/per)*0x9e3779b97f4a7c15), Rep: i % per,
			NetworkSeed: uint64(i) * 0x9e3779b97f4a7c15, ProcessSeed: uint64(i) * 0xbf58476d1ce4e5b9, Values: make([]float64, k)}
		for j := range k {
			switch {
			case j%2 == 1:
				r.Values[j] = float64(i % 2)
			case i%31 == 5:
				r.Values[j] = math.NaN()
			default:
				r.Values[j] = float64(i%977) / 977
			}
		}
		if i%97 == 3 {
			r.Failed = true
			for j := range r.Values {
				r.Values[j] = math.NaN()
			}
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

// TestEncodeRawRowWise checks that EncodeRaw, which writes column by
// column, gives the bytes of the row-wise writer it replaced, so that
// raw.parquet is what it was: for empty and tiny tables, row counts on
// either side of the 64-row pieces and the 4096-row batches, and a table
// large enough (3·10^5 rows) for several pages a column.
func TestEncodeRawRowWise(t *testing.T) {
	for _, tc := range []struct{ n, per, k int }{
		{0, 1, 2}, {1, 1, 1}, {63, 10, 2}, {64, 10, 2}, {65, 7, 3}, {4095, 1000, 2},
		{4096, 100, 2}, {4097, 4097, 1}, {10000, 1, 2}, {20000, 5000, 0}, {300000, 10000, 2},
	} {
		tab := rawTestTable(tc.n, tc.per, tc.k)
		var want, got bytes.Buffer
		if err := encodeRawRowWise(&want, tab); err != nil {
			t.Fatal(err)
		}
		if err := EncodeRaw(&got, tab); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d rows, %d a point, %d metrics: EncodeRaw wrote %d bytes unlike the row-wise writer's %d", tc.n, tc.per, tc.k, got.Len(), want.Len())
		}
	}
}
