package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// rawRuns cuts t's rows into runs of random lengths (at most most rows,
// never across points), giving each metric of a run, at random, as values
// or, where it has at most 256 distinct values, as a dictionary in random
// order with values no row uses (and NaN) thrown in.
func rawRuns(rng *rand.Rand, t *RawTable, most int) []RawRun {
	var runs []RawRun
	for i := 0; i < len(t.Rows); {
		first := t.Rows[i]
		n := 1 + rng.IntN(most)
		r := RawRun{Point: first.Point, Key: first.Key, Rep: first.Rep,
			Values: make([][]float64, len(t.Metrics)), Dict: make([][]float64, len(t.Metrics)), Index: make([][]uint8, len(t.Metrics))}
		for ; i < len(t.Rows) && len(r.Failed) < n && t.Rows[i].Point == first.Point && t.Rows[i].Rep == first.Rep+len(r.Failed); i++ {
			r.appendRow(&t.Rows[i])
		}
		for j, vals := range r.Values {
			if rng.IntN(3) == 0 {
				continue
			}
			seen := map[uint64]bool{}
			var dict []float64
			for _, v := range vals {
				if b := math.Float64bits(v); !seen[b] {
					seen[b] = true
					dict = append(dict, v)
				}
			}
			dict = append(dict, math.NaN(), -1e300, 42.5)
			if len(dict) > 256 {
				continue
			}
			rng.Shuffle(len(dict), func(a, b int) { dict[a], dict[b] = dict[b], dict[a] })
			at := map[uint64]uint8{}
			for k, v := range dict {
				at[math.Float64bits(v)] = uint8(k)
			}
			r.Dict[j], r.Values[j] = dict, nil
			for _, v := range vals {
				r.Index[j] = append(r.Index[j], at[math.Float64bits(v)])
			}
		}
		runs = append(runs, r)
	}
	return runs
}

// appendRow appends row to r, its metrics as values.
func (r *RawRun) appendRow(row *RawRow) {
	r.Failed = append(r.Failed, row.Failed)
	r.NetworkSeeds = append(r.NetworkSeeds, row.NetworkSeed)
	r.ProcessSeeds = append(r.ProcessSeeds, row.ProcessSeed)
	for j, v := range row.Values {
		r.Values[j] = append(r.Values[j], v)
	}
}

// TestEncodeRawRuns checks that EncodeRawRuns writes the bytes that
// EncodeRaw writes for the same rows, however they are cut into runs and
// whichever metrics come as dictionaries: the column's dictionary lists
// values in order of first use by a row that is not null, and falls back
// to PLAIN at the same page, as when every value is looked up in turn;
// with row groups of the default size and of one page of the seeds, so
// that runs cross from group to group and start their dictionaries
// afresh. So do EncodeRawLayout and WriteRawLayout, given the tables'
// layout and the same runs without their seeds and keys (their encoder of
// the layout hands over several groups, WriteRawLayout's the first one
// written to the file); a run that is not where the layout puts it, or a
// failing next, stops them with an error, and their goroutine, and
// leaves no file.
func TestEncodeRawRuns(t *testing.T) {
	t.Run("default groups", func(t *testing.T) { testEncodeRawRuns(t, rand.New(rand.NewPCG(17, 19))) })
	t.Run("small groups", func(t *testing.T) {
		setRawGroupRows(t, rawSeedPageRows)
		testEncodeRawRuns(t, rand.New(rand.NewPCG(41, 43)))
	})
}

func testEncodeRawRuns(t *testing.T, rng *rand.Rand) {
	dir := t.TempDir()
	// The encoders of the layout end with their encodings, even those
	// stopped early.
	base := runtime.NumGoroutine()
	defer func() {
		for range 100 {
			if runtime.NumGoroutine() <= base {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Errorf("%d goroutines left running, %d before", runtime.NumGoroutine(), base)
	}()
	for _, tc := range []struct{ n, per, k, most int }{
		{0, 1, 2, 1}, {1, 1, 1, 1}, {65, 7, 3, 5}, {4095, 1000, 2, 300}, {rawPageRows + 1, 1, 2, 1},
		{rawSeedPageRows + 1, 1000, 2, 700}, {20000, 5000, 0, 200}, {3 * rawPageRows / 2, 1000, 5, 250}, {100000, 10000, 3, 256},
		{3*rawSeedPageRows + 100, 40000, 5, 256},
	} {
		name := fmt.Sprintf("%d rows, %d a point, %d metrics, runs of up to %d", tc.n, tc.per, tc.k, tc.most)
		tab := rawGroupTable(tc.n, tc.per, tc.k, rawGroupRows)
		var want bytes.Buffer
		if err := EncodeRaw(&want, tab); err != nil {
			t.Fatal(err)
		}
		runs := rawRuns(rng, tab, tc.most)
		l := rawTableLayout(tab, tc.per)
		for _, enc := range []string{"EncodeRawRuns", "EncodeRawLayout", "WriteRawLayout"} {
			var got bytes.Buffer
			next := 0
			give := func(r *RawRun) error {
				*r = runs[next]
				next++
				if enc != "EncodeRawRuns" {
					r.NetworkSeeds, r.ProcessSeeds, r.Key = nil, nil, "" // not read
				}
				return nil
			}
			var err error
			switch enc {
			case "EncodeRawRuns":
				err = EncodeRawRuns(&got, tab.Metrics, tc.n, give)
			case "EncodeRawLayout":
				err = EncodeRawLayout(&got, tab.Metrics, l, give)
			default:
				path := filepath.Join(dir, "raw.parquet")
				if err = WriteRawLayout(path, tab.Metrics, l, give); err == nil {
					var b []byte
					b, err = os.ReadFile(path)
					got.Write(b)
				}
			}
			if err != nil {
				t.Fatalf("%s: %s: %v", name, enc, err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s: %s wrote %d bytes, unlike EncodeRaw's %d", name, enc, got.Len(), want.Len())
			}
		}

		// A run one repetition off, and a failing next, after the
		// first run.
		if tc.n < 2 {
			continue
		}
		for _, bad := range []string{"off", "fails"} {
			next := 0
			give := func(r *RawRun) error {
				*r = runs[next]
				if next++; next == 2 || len(runs) == 1 {
					if bad == "fails" {
						return errors.New("next failed")
					}
					r.Rep++
				}
				return nil
			}
			if err := EncodeRawLayout(io.Discard, tab.Metrics, l, give); err == nil {
				t.Errorf("%s: a run %s: no error", name, bad)
			}
			next = 0
			bdir := t.TempDir()
			if err := WriteRawLayout(filepath.Join(bdir, "raw.parquet"), tab.Metrics, l, give); err == nil {
				t.Errorf("%s: a run %s: WriteRawLayout: no error", name, bad)
			}
			if left, _ := os.ReadDir(bdir); len(left) > 0 {
				t.Errorf("%s: a run %s: WriteRawLayout left %s", name, bad, left[0].Name())
			}
		}
	}
}

// rawTableLayout is the layout of a table of rawTestTable's: per
// repetitions a point.
func rawTableLayout(tab *RawTable, per int) RawLayout {
	return RawLayout{Rows: len(tab.Rows), Reps: per,
		Key: func(p int) string { return tab.Rows[p*per].Key },
		NetworkSeeds: func(p, rep int, seeds []uint64) {
			for i := range seeds {
				seeds[i] = tab.Rows[p*per+rep+i].NetworkSeed
			}
		},
		ProcessSeeds: func(p, rep int, seeds []uint64) {
			for i := range seeds {
				seeds[i] = tab.Rows[p*per+rep+i].ProcessSeed
			}
		}}
}

// TestEncodeRawRunsBad checks that malformed runs stop the encoding with
// an error rather than a panic or a file.
func TestEncodeRawRunsBad(t *testing.T) {
	good := func() RawRun {
		return RawRun{Key: "k", Failed: []bool{false, false}, NetworkSeeds: []uint64{1, 2}, ProcessSeeds: []uint64{3, 4},
			Values: [][]float64{{0.5, 1}}, Dict: [][]float64{nil}, Index: [][]uint8{nil}}
	}
	for name, bad := range map[string]func(r *RawRun){
		"empty run":       func(r *RawRun) { *r = RawRun{Values: [][]float64{nil}} },
		"too many rows":   func(r *RawRun) { r.Failed = append(r.Failed, false) },
		"short seeds":     func(r *RawRun) { r.ProcessSeeds = r.ProcessSeeds[:1] },
		"short values":    func(r *RawRun) { r.Values[0] = r.Values[0][:1] },
		"index past dict": func(r *RawRun) { r.Dict[0], r.Index[0] = []float64{0.5}, []uint8{0, 1} },
		"short index":     func(r *RawRun) { r.Dict[0], r.Index[0] = []float64{0.5}, []uint8{0} },
	} {
		var b bytes.Buffer
		err := EncodeRawRuns(&b, []string{"m"}, 2, func(r *RawRun) error {
			*r = good()
			bad(r)
			return nil
		})
		if err == nil || b.Len() != 0 {
			t.Errorf("%s: err %v, %d bytes written", name, err, b.Len())
		}
	}
}

// TestDataPageV2Header checks appendDataPageV2Header against parquet-go's
// thrift encoder, for headers as the writer makes them.
func TestDataPageV2Header(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 29))
	for i := range 2000 {
		size := func() int32 { return int32(rng.Uint32() >> uint(rng.IntN(32))) }
		n := size()
		h := format.PageHeader{
			Type:                 format.DataPageV2,
			UncompressedPageSize: size(),
			CompressedPageSize:   size(),
			DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
				NumValues:                  n,
				NumNulls:                   n / int32(1+rng.IntN(3)),
				NumRows:                    n,
				Encoding:                   []format.Encoding{format.Plain, format.RLEDictionary, format.DeltaBinaryPacked}[rng.IntN(3)],
				DefinitionLevelsByteLength: size() * int32(rng.IntN(2)),
				IsCompressed:               thrift.New(true),
			}),
		}
		h.DataPageHeaderV2.V.Statistics.NullCount = int64(h.DataPageHeaderV2.V.NumNulls)
		if i == 0 {
			h.UncompressedPageSize, h.CompressedPageSize, h.DataPageHeaderV2.V.NumValues = 0, 0, 0
			h.DataPageHeaderV2.V.NumNulls, h.DataPageHeaderV2.V.Statistics.NullCount = 0, 0
		}
		want, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendDataPageV2Header(nil, &h); !bytes.Equal(got, want) {
			t.Fatalf("header %+v: %x, want %x", h, got, want)
		}
	}
}
