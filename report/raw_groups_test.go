package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// setRawGroupRows sets rawGroupRows to rows until the end of t.
func setRawGroupRows(t testing.TB, rows int) {
	old := rawGroupRows
	rawGroupRows = rows
	t.Cleanup(func() { rawGroupRows = old })
}

// rawGroupTable is rawTestTable(n, per, k) with, in every row group of
// g rows, metric m2 (k > 2) discrete over the group's first page and
// continuous after it (its dictionary fills up in the second page), and
// m4 (k > 4) null over the group's first page and a half.
func rawGroupTable(n, per, k, g int) *RawTable {
	t := rawTestTable(n, per, k)
	for i := range t.Rows {
		r := &t.Rows[i]
		if k > 2 && !math.IsNaN(r.Values[2]) && i%g < rawPageRows {
			r.Values[2] = float64(i % 1000)
		}
		if k > 4 && i%g < rawPageRows+1000 {
			r.Values[4] = math.NaN()
		}
	}
	return t
}

// TestEncodeRawGroups checks files of several row groups (rawGroupRows
// lowered to two pages of the seeds) against parquet-go's own writer,
// cutting its row groups at the same rows: the same rows, as many groups
// of as many rows, and the same statistics of every column chunk of
// every group. Each group is byte for byte the one-group file of its
// rows (its pages, dictionaries and statistics start afresh), shifted;
// a metric whose dictionary fills up in a group starts a new one in the
// next, and one null over a group's first page has a PLAIN page of
// nulls in each group.
func TestEncodeRawGroups(t *testing.T) {
	g := 2 * rawSeedPageRows
	setRawGroupRows(t, g)
	for _, tc := range []struct{ n, per, k int }{
		{0, 1, 2}, {1, 1, 1}, {g, 1000, 5}, {g + 1, 7, 2}, {2 * g, 50000, 3}, {3*g + 12345, 40000, 5},
	} {
		name := fmt.Sprintf("%d rows, %d a point, %d metrics", tc.n, tc.per, tc.k)
		tab := rawGroupTable(tc.n, tc.per, tc.k, g)
		got, gf, wf := encodeAgainst(t, name, tab, func(w io.Writer, tab *RawTable) error {
			return encodeRawRowWiseGroups(w, tab, int64(g))
		})
		groups := gf.Metadata().RowGroups
		ngroups := max(1, (tc.n+g-1)/g)
		if len(groups) != ngroups {
			t.Fatalf("%s: %d row groups, want %d", name, len(groups), ngroups)
		}
		if tc.n > 0 && len(wf.Metadata().RowGroups) != ngroups {
			t.Fatalf("%s: parquet.Writer wrote %d row groups, want %d", name, len(wf.Metadata().RowGroups), ngroups)
		}
		for i, rg := range groups {
			lo, hi := i*g, min(tc.n, (i+1)*g)
			if rg.NumRows != int64(hi-lo) {
				t.Errorf("%s: group %d of %d rows, want %d", name, i, rg.NumRows, hi-lo)
			}
			// The group is the one-group file of its rows, shifted.
			var one bytes.Buffer
			if err := EncodeRaw(&one, &RawTable{Metrics: tab.Metrics, Rows: tab.Rows[lo:hi]}); err != nil {
				t.Fatal(err)
			}
			of, err := parquet.OpenFile(bytes.NewReader(one.Bytes()), int64(one.Len()))
			if err != nil {
				t.Fatal(err)
			}
			org := of.Metadata().RowGroups[0]
			if rg.TotalCompressedSize != org.TotalCompressedSize || rg.TotalByteSize != org.TotalByteSize ||
				!bytes.Equal(got[rg.FileOffset:rg.FileOffset+rg.TotalCompressedSize], one.Bytes()[4:4+org.TotalCompressedSize]) {
				t.Errorf("%s: group %d (%d bytes at %d) is not the file of its rows (%d bytes)", name, i, rg.TotalCompressedSize, rg.FileOffset, org.TotalCompressedSize)
			}
			if tc.n == 0 {
				continue
			}
			for c, wc := range wf.Metadata().RowGroups[i].Columns {
				g, w := rg.Columns[c].MetaData, wc.MetaData
				if g.NumValues != w.NumValues || g.Statistics.NullCount != w.Statistics.NullCount ||
					!bytes.Equal(g.Statistics.MinValue, w.Statistics.MinValue) || !bytes.Equal(g.Statistics.MaxValue, w.Statistics.MaxValue) {
					t.Errorf("%s: group %d, column %s: %d values, %d nulls, min %x, max %x; parquet.Writer's %d, %d, %x, %x", name, i, w.PathInSchema[0],
						g.NumValues, g.Statistics.NullCount, g.Statistics.MinValue, g.Statistics.MaxValue,
						w.NumValues, w.Statistics.NullCount, w.Statistics.MinValue, w.Statistics.MaxValue)
				}
				if want := org.Columns[c].MetaData.DataPageOffset - 4 + rg.FileOffset; g.DataPageOffset != want {
					t.Errorf("%s: group %d, column %s: data pages at %d, want %d", name, i, w.PathInSchema[0], g.DataPageOffset, want)
				}
			}
			if pages := (hi - lo + rawPageRows - 1) / rawPageRows; tc.k == 5 && pages > 1 {
				var got []string
				for _, c := range []int{2, 4} {
					md := rg.Columns[len(rawFixed)+c].MetaData
					got = append(got, fmt.Sprint(md.DictionaryPageOffset != 0, []format.PageEncodingStats(md.EncodingStats)))
				}
				want := []string{
					fmt.Sprintf("true [{DICTIONARY_PAGE PLAIN 1} {DATA_PAGE_V2 RLE_DICTIONARY 1} {DATA_PAGE_V2 PLAIN %d}]", pages-1),
					fmt.Sprintf("true [{DICTIONARY_PAGE PLAIN 1} {DATA_PAGE_V2 RLE_DICTIONARY %d} {DATA_PAGE_V2 PLAIN 1}]", pages-1),
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s: group %d: m2's and m4's dictionaries and page encodings %q, want %q", name, i, got, want)
				}
			}
		}
	}
}

// TestReadRawGroups checks that ReadRaw reads a file of several row
// groups, row by row.
func TestReadRawGroups(t *testing.T) {
	setRawGroupRows(t, rawSeedPageRows)
	tab := rawGroupTable(2*rawSeedPageRows+5, 30000, 5, rawSeedPageRows)
	path := filepath.Join(t.TempDir(), "raw.parquet")
	if err := WriteRaw(path, tab); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Metrics) != fmt.Sprint(tab.Metrics) || len(got.Rows) != len(tab.Rows) {
		t.Fatalf("read metrics %v and %d rows, want %v and %d", got.Metrics, len(got.Rows), tab.Metrics, len(tab.Rows))
	}
	for i := range tab.Rows {
		g, w := got.Rows[i], tab.Rows[i]
		if w.Failed {
			for j := range w.Values {
				w.Values[j] = math.NaN()
			}
		}
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Fatalf("row %d read as %v, want %v", i, g, w)
		}
	}
}

// TestEncodeRawMemory checks that the encoder holds the pages of one row
// group at most: a table of six groups (rawGroupRows lowered), encoded
// without a writer that keeps it in runs of at most 1000 rows, never has
// more page bytes in memory after a run than the whole one-group file of
// its first group's rows, a sixth of the file it writes.
func TestEncodeRawMemory(t *testing.T) {
	g := rawSeedPageRows
	setRawGroupRows(t, g)
	tab := rawTestTable(6*g, 10000, 2)
	var one bytes.Buffer
	if err := EncodeRaw(&one, &RawTable{Metrics: tab.Metrics, Rows: tab.Rows[:g]}); err != nil {
		t.Fatal(err)
	}
	runs := rawRuns(rand.New(rand.NewPCG(31, 37)), tab, 1000)
	e := newRawEncoder(io.Discard, tab.Metrics, len(tab.Rows), true, true)
	most := int64(0) // the most bytes of pages the columns held after a run
	for i := range runs {
		if err := e.addRun(&runs[i]); err != nil {
			t.Fatal(err)
		}
		most = max(most, e.heldBytes())
	}
	if err := e.finish(); err != nil {
		t.Fatal(err)
	}
	if len(e.groups) != 6 {
		t.Fatalf("%d row groups, want 6", len(e.groups))
	}
	if most == 0 || most > int64(one.Len()) || 5*most > e.out.n {
		t.Errorf("the encoder held up to %d bytes of pages after a run, for a file of %d bytes whose first group's rows make a file of %d",
			most, e.out.n, one.Len())
	}
}

// heldBytes returns the bytes of the pages that e's columns hold.
func (e *rawEncoder) heldBytes() int64 {
	held := int64(0)
	for _, c := range e.cols {
		for _, p := range c.pages {
			held += int64(len(p))
		}
	}
	return held
}
