package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// encodeRawRowWise is EncodeRaw as it was first written (commit
// 303e846): a parquet.Row per repetition through parquet.Writer.WriteRows.
// It is the reference for the content of raw.parquet.
func encodeRawRowWise(w io.Writer, t *RawTable) error {
	return encodeRawRowWiseGroups(w, t, math.MaxInt64)
}

// encodeRawRowWiseGroups is encodeRawRowWise in row groups of at most
// groupRows rows.
func encodeRawRowWiseGroups(w io.Writer, t *RawTable, groupRows int64) error {
	pw := parquet.NewWriter(w, rawSchema(t.Metrics),
		parquet.CreatedBy("netsweep", "raw-1", ""),
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(groupRows),
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

// rawSchema returns the schema of a raw table with these metrics for
// parquet.Writer (what encodeRawRowWise writes): the
// fixed columns, then an optional double per metric (null where the
// repetition failed), in that order.
func rawSchema(metrics []string) *parquet.Schema {
	g := orderedGroup{
		{"point", parquet.Int(64)},
		{"point_key", parquet.Encoded(parquet.String(), &parquet.RLEDictionary)},
		{"rep", parquet.Int(64)},
		{"network_seed", parquet.Uint(64)},
		{"process_seed", parquet.Uint(64)},
		{"failed", parquet.Leaf(parquet.BooleanType)},
	}
	for _, m := range metrics {
		g = append(g, orderedField{m, parquet.Optional(parquet.Leaf(parquet.DoubleType))})
	}
	return parquet.NewSchema("netsweep_raw", g)
}

// rawTestTable returns a raw table of n repetitions of k metrics over
// points of per repetitions each, with failed repetitions, NaN values
// and values that repeat (as major's 0 and 1 do, and a discrete final
// size); with k > 2 a continuous metric, with k > 4 one null over the
// first page and a half.
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
			case j == 2:
				// continuous: more values than a dictionary holds
				r.Values[j] = float64(i) / 7
			case j == 4 && i < rawPageRows+1000:
				// null over the first page and some of the second
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

// TestEncodeRawParquetWriter checks EncodeRaw, which lays out the file
// itself, against parquet-go's own writer (encodeRawRowWise, what
// raw.parquet was written with before): both files, read back with
// parquet-go, have the same schema, the same values, row by row and
// column by column, and the same statistics of every column chunk; for
// empty and tiny tables, row counts on either side of a page, tables
// large enough (3·10^5 rows) for several pages a column, metrics
// dictionary-encoded, falling back to PLAIN and null over whole pages.
func TestEncodeRawParquetWriter(t *testing.T) {
	for _, tc := range []struct{ n, per, k int }{
		{0, 1, 2}, {1, 1, 1}, {63, 10, 2}, {64, 10, 2}, {65, 7, 3}, {4095, 1000, 2},
		{rawPageRows - 1, 100, 2}, {rawPageRows, 4097, 1}, {rawPageRows + 1, 1, 2}, {rawSeedPageRows, 1000, 1}, {rawSeedPageRows + 1, 1000, 2}, {20000, 5000, 0}, {300000, 10000, 2}, {3 * rawPageRows / 2, 1000, 5},
	} {
		name := fmt.Sprintf("%d rows, %d a point, %d metrics", tc.n, tc.per, tc.k)
		_, gf, wf := encodeAgainst(t, name, rawTestTable(tc.n, tc.per, tc.k), encodeRawRowWise)
		if tc.n == 0 {
			continue
		}
		gm, wm := gf.Metadata().RowGroups[0].Columns, wf.Metadata().RowGroups[0].Columns
		if tc.k == 5 {
			// m0 discrete: a dictionary; m2 continuous: none, PLAIN pages;
			// m4: a PLAIN page of nulls, then a dictionary-encoded one.
			var got []string
			for _, c := range gm[len(rawFixed):] {
				got = append(got, fmt.Sprint(c.MetaData.DictionaryPageOffset != 0, []format.PageEncodingStats(c.MetaData.EncodingStats)))
			}
			dict := "true [{DICTIONARY_PAGE PLAIN 1} {DATA_PAGE_V2 RLE_DICTIONARY 2}]"
			want := []string{dict, dict, "false [{DATA_PAGE_V2 PLAIN 2}]", dict,
				"true [{DICTIONARY_PAGE PLAIN 1} {DATA_PAGE_V2 RLE_DICTIONARY 1} {DATA_PAGE_V2 PLAIN 1}]"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: dictionaries and page encodings %q, want %q", name, got, want)
			}
		}
		for c := range wm {
			g, w := gm[c].MetaData, wm[c].MetaData
			if g.NumValues != w.NumValues || g.Statistics.NullCount != w.Statistics.NullCount ||
				!bytes.Equal(g.Statistics.MinValue, w.Statistics.MinValue) || !bytes.Equal(g.Statistics.MaxValue, w.Statistics.MaxValue) {
				t.Errorf("%s: column %s: %d values, %d nulls, min %x, max %x; parquet.Writer's %d, %d, %x, %x", name, w.PathInSchema[0],
					g.NumValues, g.Statistics.NullCount, g.Statistics.MinValue, g.Statistics.MaxValue,
					w.NumValues, w.Statistics.NullCount, w.Statistics.MinValue, w.Statistics.MaxValue)
			}
		}
	}
}

// encodeAgainst encodes tab with EncodeRaw and with ref (parquet.Writer),
// checks that parquet-go reads both back with the same schema and rows,
// and returns EncodeRaw's bytes and both files.
func encodeAgainst(t *testing.T, name string, tab *RawTable, ref func(io.Writer, *RawTable) error) (got []byte, gf, wf *parquet.File) {
	t.Helper()
	var want, buf bytes.Buffer
	if err := ref(&want, tab); err != nil {
		t.Fatal(err)
	}
	if err := EncodeRaw(&buf, tab); err != nil {
		t.Fatal(err)
	}
	wf, err := parquet.OpenFile(bytes.NewReader(want.Bytes()), int64(want.Len()))
	if err != nil {
		t.Fatal(err)
	}
	gf, err = parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("%s: parquet-go cannot open EncodeRaw's file: %v", name, err)
	}
	if g, w := gf.Schema().String(), wf.Schema().String(); g != w {
		t.Fatalf("%s: schema\n%s\nwant\n%s", name, g, w)
	}
	if g, w := gf.NumRows(), wf.NumRows(); g != w || g != int64(len(tab.Rows)) {
		t.Fatalf("%s: %d rows, parquet.Writer's file %d", name, g, w)
	}
	gr, wr := readRows(t, gf), readRows(t, wf)
	for i := range wr {
		if !parquet.Row(gr[i]).Equal(wr[i]) {
			t.Fatalf("%s: row %d is %v, want %v", name, i, gr[i], wr[i])
		}
	}
	return buf.Bytes(), gf, wf
}

// readRows reads every row of f.
func readRows(t *testing.T, f *parquet.File) []parquet.Row {
	r := parquet.NewReader(f)
	defer r.Close()
	rows := make([]parquet.Row, f.NumRows())
	for n := 0; n < len(rows); {
		k, err := r.ReadRows(rows[n:])
		n += k
		if err != nil && (err != io.EOF || n < len(rows)) {
			t.Fatal(err)
		}
	}
	for i := range rows {
		rows[i] = rows[i].Clone()
	}
	return rows
}
