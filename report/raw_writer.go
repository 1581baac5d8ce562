package report

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"

	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/encoding/plain"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// raw.parquet is laid out here, with parquet-go's format structures,
// encodings and thrift codec, rather than through parquet.Writer: its
// value path (a parquet.Value per value, column buffers, page buffers of
// the whole column, a zstd encoder with a window of 8 MB) cost most of
// what keeping raw values cost a campaign of short repetitions
// (BENCHMARKS.md, issue 17). The file is plain Parquet as before: the
// same schema, row groups of rawGroupRows rows (the last one partial; a
// table of no rows has one empty group), data pages v2 (rawSeedPageRows,
// rawPageRows), the point key and the metrics dictionary-encoded (a
// metric falls back to PLAIN once its dictionary would pass rawDictMax
// values), point and rep DELTA_BINARY_PACKED, the seeds PLAIN,
// definition levels RLE, Snappy pages (Snappy needs no encoder state
// and, with the metrics as dictionary indices, leaves files 6 % larger
// than zstd's did), statistics per column chunk.
//
// The encoder writes each row group to its io.Writer as soon as the
// group is full, and keeps of it only its metadata for the footer: what
// it holds is the pages of one row group (about 11 bytes a row for two
// metrics), whatever the size of the file. Dictionaries and statistics
// are per column chunk, so each group starts them afresh.
//
// The columns point, point_key, rep and the seeds depend only on where a
// row lies (RawLayout), failed and the metrics on the repetition's
// values. EncodeRawRuns encodes both on one goroutine; EncodeRawLayout
// and RawLayoutEncoding encode the layout's on another (an encoder of
// the layout alone, which hands its column chunks over group by group)
// and the values' on the caller's, with the same code and so the same
// bytes. RawLayoutEncoding's encoder of the layout writes the first
// group's layout chunks to the file itself, the seeds' pages as they
// are encoded, and hands over where they lie: the file's first group
// holds its layout before its values, so a run's layout is on disk,
// not in memory, while the repetitions run.
//
// A metric's page keeps its values as indices into the column's
// dictionary while they fit in it (a short loop, addCoded, for values
// seen before), and as values only from the first that does not; the
// definition levels of a page with no null are encoded once for its size.

// rawSeedPageRows is how many rows a data page of the seeds holds,
// rawPageRows the other columns': the seeds' pages are 512 KiB, large
// enough for Snappy to find the network seeds that points sharing their
// networks repeat (10^4 repetitions apart on the short campaign of
// BENCHMARKS.md; pages of 16384 rows made that file 28 % larger), while
// the other columns, which compress to little whatever their pages, keep
// only small pages in memory.
const (
	rawSeedPageRows = 65536
	rawPageRows     = 8192
)

// rawGroupRows is how many rows a row group holds, a multiple of
// rawSeedPageRows (and so of rawPageRows), so that a group ends where
// the pages of every column end: 16 pages of the seeds, 128 of the other
// columns. A file of at most rawGroupRows rows is one row group, byte
// for byte what the writer wrote when every file was one. Tests lower it.
var rawGroupRows = 1 << 20

// rawCreatedBy is the file's created_by: raw-2 is the layout of this
// writer (raw-1 was parquet.Writer's).
const rawCreatedBy = "netsweep version raw-2"

// rawColumn is one column chunk as it is written: its pages so far and
// what the footer says of them.
type rawColumn struct {
	name     string
	typ      format.Type
	enc      format.Encoding // of the values of its data pages
	optional bool
	pages    [][]byte // the data pages, in pieces: header, levels, compressed values
	npages   int32    // data pages of encoding enc
	nplain   int32    // data pages PLAIN although enc is not
	size     int64    // uncompressed size of the pages, headers included
	nulls    int64
	min, max []byte // statistics, in the column's order; nil if no value
	dict     doubleDict
	// The pages of a column whose encoder streams them (the seeds of the
	// group that an encoder of the layout writes) go to the file as they
	// come, from offset start, rather than to pages.
	streamed bool
	start    int64
}

// rawDictMax is the most values a metric's dictionary holds: a metric
// with more distinct values (a continuous one) has its later pages
// PLAIN, as Parquet writers fall back from a dictionary that grows too
// large.
const rawDictMax = 1 << 12

// doubleDict is the dictionary of a metric's column: its distinct values
// in order of first use, found by their bits in an open-addressing hash
// table that keeps the bits beside the index (one load a look-up) and
// grows with the dictionary.
type doubleDict struct {
	values []float64
	slots  []dictSlot
	full   bool // a value found no room: no page uses the dictionary since
}

// dictSlot is a slot of doubleDict's table.
type dictSlot struct {
	bits uint64
	idx  int32 // 1 + index into values; 0 for an empty slot
}

// index returns x's index in d, adding it if new, or false if d is full.
func (d *doubleDict) index(x float64) (int32, bool) {
	if d.slots == nil {
		d.slots = make([]dictSlot, 64)
	}
	b := math.Float64bits(x)
	mask := uint64(len(d.slots) - 1)
	for h := (b * 0x9e3779b97f4a7c15) >> 32 & mask; ; h = (h + 1) & mask {
		s := &d.slots[h]
		if s.bits == b && s.idx != 0 {
			return s.idx - 1, true
		}
		if s.idx == 0 {
			if len(d.values) == rawDictMax {
				d.full = true
				return 0, false
			}
			d.values = append(d.values, x)
			s.bits, s.idx = b, int32(len(d.values))
			if 2*len(d.values) > len(d.slots) {
				d.grow()
			}
			return int32(len(d.values) - 1), true
		}
	}
}

// grow doubles d's table.
func (d *doubleDict) grow() {
	d.slots = make([]dictSlot, 2*len(d.slots))
	mask := uint64(len(d.slots) - 1)
	for i, x := range d.values {
		b := math.Float64bits(x)
		h := (b * 0x9e3779b97f4a7c15) >> 32 & mask
		for d.slots[h].idx != 0 {
			h = (h + 1) & mask
		}
		d.slots[h] = dictSlot{bits: b, idx: int32(i + 1)}
	}
}

// rawEncoder holds one encoding's buffers.
type rawEncoder struct {
	metrics []string
	cols    []rawColumn
	// the current pages' values, column by column, n rows (ns of the
	// seeds, nv[j] non-null values of metric j)
	n, ns    int
	pageRows int // rows a page of the columns but the seeds
	nv       []int
	pageRuns []rawPageRun // the layout's: the current page's rows, run by run
	ints     []int64      // scratch: a page's points, then its reps
	seeds    [2][]byte    // PLAIN: 8 bytes little-endian a seed
	seedRows int          // rows a page of the seeds
	seedLo   [2]uint64    // the least and greatest seed of each page
	seedHi   [2]uint64
	pointLo  int64 // the least and greatest point and rep of the page
	pointHi  int64
	repLo    int64
	repHi    int64
	keyIdx   []int32 // scratch: a page's point keys
	failed   []bool
	// Per metric, the current page's non-null values, nv of them: the
	// first nd as indices into the column's dictionary (gidx), the rest,
	// from the first that found the dictionary full, as values (values);
	// and each row's definition level (defs). A page is PLAIN if nd < nv.
	gidx   [][]int32
	values [][]float64
	nd     []int
	defs   [][]uint8
	remap  []int32 // a run's dictionary's indices into a column's
	// the definition levels of a page of onesRows rows, none null
	ones     []byte
	onesRows int
	// the dictionary of point keys, in order of first use
	keys    []string
	keyMap  map[string]int32
	lastKey int32 // the dictionary index of the last row's key, -1 before
	// scratch
	plain, levels, packed, comp, hdr []byte
	idx                              []int32
	rows                             int // rows added so far
	// the file: where it goes, the row groups written, the first row of
	// the current one
	out      offsetWriter
	groups   []format.RowGroup
	groupRow int
	// Which columns it encodes: the layout's (point, point_key, rep and
	// the seeds, which depend only on where a row is), the values'
	// (failed and the metrics), or both. An encoder of the values alone
	// takes the layout's column chunks, group by group, from layoutIn;
	// an encoder of the layout alone hands them to sink rather than
	// writing them, and stops when stop is closed.
	layoutCols, valueCols bool
	reps                  int        // repetitions a point, to check runs against, where a layout gives them
	layout                *RawLayout // an encoder of the layout alone: the seeds, asked for column by column
	layoutIn              <-chan rawLayoutGroup
	sink                  func(rawLayoutGroup) bool
	stop                  <-chan struct{}
	// An encoder of the layout with a file writes the first row group's
	// layout column chunks there itself (handGroup), through file.
	file *bufio.Writer
}

// rawLayoutGroup is a row group's layout column chunks (its first
// rcFailed columns) and point keys, handed from the encoder of the
// layout to the encoder of the values; or the error that stopped the
// encoder of the layout. The chunks of the file's first group may come
// written already: chunks describes them, written from offset first to
// end, size bytes uncompressed.
type rawLayoutGroup struct {
	rows             int
	cols             []rawColumn
	keys             []string
	chunks           []format.ColumnChunk
	first, end, size int64
	err              error
}

// errRawStopped ends an encoder of the layout whose encoder of the values
// has returned.
var errRawStopped = errors.New("report: the encoding of raw.parquet stopped")

// Column indices of the fixed columns.
const (
	rcPoint = iota
	rcKey
	rcRep
	rcNetworkSeed
	rcProcessSeed
	rcFailed
)

// newRawEncoder returns an encoder of n rows of these metrics to w, of
// the layout's columns, the values' columns or both.
func newRawEncoder(w io.Writer, metrics []string, n int, layoutCols, valueCols bool) *rawEncoder {
	if rawGroupRows <= 0 || rawGroupRows%rawSeedPageRows != 0 {
		panic(fmt.Sprintf("report: rawGroupRows %d is not a multiple of %d", rawGroupRows, rawSeedPageRows))
	}
	e := &rawEncoder{metrics: metrics, keyMap: map[string]int32{}, lastKey: -1, out: offsetWriter{w: w}, layoutCols: layoutCols, valueCols: valueCols}
	p, ps := min(n, rawPageRows), min(n, rawSeedPageRows)
	e.pageRows, e.seedRows = p, ps
	if layoutCols {
		e.ints, e.keyIdx = make([]int64, p), make([]int32, p)
	}
	if layoutCols && valueCols {
		e.seeds[0], e.seeds[1] = make([]byte, 0, 8*ps), make([]byte, 0, 8*ps)
	}
	if valueCols {
		e.failed = make([]bool, p)
	}
	e.seedLo, e.seedHi = [2]uint64{math.MaxUint64, math.MaxUint64}, [2]uint64{}
	e.pointLo, e.pointHi, e.repLo, e.repHi = math.MaxInt64, math.MinInt64, math.MaxInt64, math.MinInt64
	e.plain = make([]byte, 0, 8*p+8)
	types := []format.Type{format.Int64, format.ByteArray, format.Int64, format.Int64, format.Int64, format.Boolean}
	for i, name := range rawFixed {
		enc := format.Plain
		switch i {
		case rcPoint, rcRep:
			enc = format.DeltaBinaryPacked
		case rcKey:
			enc = format.RLEDictionary
		}
		e.cols = append(e.cols, rawColumn{name: name, typ: types[i], enc: enc})
	}
	for _, m := range metrics {
		e.cols = append(e.cols, rawColumn{name: m, typ: format.Double, enc: format.RLEDictionary, optional: true})
	}
	if valueCols {
		e.values, e.gidx, e.defs = make([][]float64, len(metrics)), make([][]int32, len(metrics)), make([][]uint8, len(metrics))
		e.nv, e.nd = make([]int, len(metrics)), make([]int, len(metrics))
		for j := range metrics {
			e.gidx[j], e.defs[j] = make([]int32, p), make([]uint8, p) // values[j] when a page needs it
		}
	}
	return e
}

// addRun appends the rows of r to the current pages, and writes those
// it fills.
func (e *rawEncoder) addRun(r *RawRun) error {
	n := len(r.Failed)
	if n == 0 {
		return nil
	}
	if e.seedsByRun() && (len(r.NetworkSeeds) != n || len(r.ProcessSeeds) != n) || len(r.Values) != len(e.metrics) {
		return fmt.Errorf("a run of %d rows with %d and %d seeds and %d metrics' values, want %d", n, len(r.NetworkSeeds), len(r.ProcessSeeds), len(r.Values), len(e.metrics))
	}
	if !e.layoutCols && (r.Point != e.rows/e.reps || r.Rep != e.rows%e.reps) {
		return fmt.Errorf("a run of point %d from repetition %d at row %d, which is point %d repetition %d", r.Point, r.Rep, e.rows, e.rows/e.reps, e.rows%e.reps)
	}
	for j, v := range r.Values {
		if j < len(r.Dict) && r.Dict[j] != nil {
			if len(r.Dict[j]) > 256 || j >= len(r.Index) || len(r.Index[j]) != n {
				return fmt.Errorf("a run of %d rows with a dictionary of %d values of %s", n, len(r.Dict[j]), e.metrics[j])
			}
			if len(r.Dict[j]) < 256 {
				if k := slices.Max(r.Index[j]); int(k) >= len(r.Dict[j]) {
					return fmt.Errorf("an index %d past the %d values of %s's dictionary", k, len(r.Dict[j]), e.metrics[j])
				}
			}
		} else if len(v) != n {
			return fmt.Errorf("a run of %d rows with %d values of %s", n, len(v), e.metrics[j])
		}
	}
	for off := 0; off < n; {
		// The key, in the dictionary of the current group (a run may
		// start a group partway through).
		if e.layoutCols && (e.lastKey < 0 || e.keys[e.lastKey] != r.Key) {
			k, ok := e.keyMap[r.Key]
			if !ok {
				k = int32(len(e.keys))
				e.keys = append(e.keys, r.Key)
				e.keyMap[r.Key] = k
			}
			e.lastKey = k
		}
		// The rows that fit in the current pages of every column.
		k := min(n-off, e.pageRows-e.n, e.seedRows-e.ns)
		at := e.n
		if e.layoutCols {
			point, rep := int64(r.Point), int64(r.Rep+off)
			e.pageRuns = append(e.pageRuns, rawPageRun{rows: k, point: point, rep: rep, key: e.lastKey})
			e.pointLo, e.pointHi = min(e.pointLo, point), max(e.pointHi, point)
			e.repLo, e.repHi = min(e.repLo, rep), max(e.repHi, rep+int64(k-1))
			if e.seedsByRun() {
				e.addSeeds(0, r.NetworkSeeds[off:off+k])
				e.addSeeds(1, r.ProcessSeeds[off:off+k])
			}
		}
		if e.valueCols {
			failed := r.Failed[off : off+k]
			copy(e.failed[at:], failed)
			for j := range e.metrics {
				if j < len(r.Dict) && r.Dict[j] != nil {
					e.addDict(j, r.Dict[j], r.Index[j][off:off+k], failed, at)
				} else {
					e.addValues(j, r.Values[j][off:off+k], failed, at)
				}
			}
		}
		e.n, e.ns, e.rows, off = e.n+k, e.ns+k, e.rows+k, off+k
		if e.ns == e.seedRows {
			if err := e.flushSeeds(); err != nil {
				return err
			}
		}
		if e.n == e.pageRows {
			if err := e.flush(); err != nil {
				return err
			}
		}
		// A full group ends where the pages of every column end
		// (rawGroupRows): write it.
		if e.rows-e.groupRow == rawGroupRows {
			if err := e.writeGroup(); err != nil {
				return err
			}
		}
	}
	return nil
}

// addValues appends metric j's values of rows at, at+1, ... of the
// current page, null where failed or NaN, each looked up in the column's
// dictionary while it has room (in row order, so that it lists the values
// in order of first use, whatever the runs).
func (e *rawEncoder) addValues(j int, values []float64, failed []bool, at int) {
	col := &e.cols[len(rawFixed)+j]
	defs, vals, gidx := e.defs[j][at:at+len(values)], e.values[j], e.gidx[j]
	nv, nd := e.nv[j], e.nd[j]
	coded := nd == nv && !col.dict.full // the page's values so far are indices
	for i, x := range values {
		if failed[i] || math.IsNaN(x) {
			defs[i] = 0
			continue
		}
		defs[i] = 1
		if coded {
			if g, ok := col.index(x); ok {
				gidx[nv] = g
				nv++
				nd = nv
				continue
			}
			coded = false
		}
		if vals == nil {
			vals = e.plainValues(j)
		}
		vals[nv] = x
		nv++
	}
	e.nv[j], e.nd[j] = nv, nd
}

// addDict is addValues for values given as a dictionary and each row's
// index into it: each of the run's dictionary values is looked up in the
// column's once, at its first use by a row that is not null.
func (e *rawEncoder) addDict(j int, dict []float64, index []uint8, failed []bool, at int) {
	col := &e.cols[len(rawFixed)+j]
	const unseen, null = -1, -2
	e.remap = e.remap[:0]
	for _, x := range dict {
		g := int32(unseen)
		if math.IsNaN(x) {
			g = null
		}
		e.remap = append(e.remap, g)
	}
	remap := e.remap
	defs, vals, gidx := e.defs[j][at:at+len(index)], e.values[j], e.gidx[j]
	nv, nd := e.nv[j], e.nd[j]
	coded := nd == nv && !col.dict.full
	for i := 0; i < len(index); i++ {
		if coded {
			// Rows of values the column's dictionary holds, at once.
			k := addCoded(remap, index[i:], failed[i:], defs[i:], gidx[nv:])
			i, nv = i+k, nv+k
			if i == len(index) {
				break
			}
		}
		k := index[i]
		g := remap[k]
		if failed[i] || g == null {
			defs[i] = 0
			continue
		}
		defs[i] = 1
		if coded {
			if g == unseen {
				if x, ok := col.index(dict[k]); ok {
					g, remap[k] = x, x
				}
			}
			if g >= 0 {
				gidx[nv] = g
				nv++
				continue
			}
			coded = false
			nd = nv
		}
		if vals == nil {
			vals = e.plainValues(j)
		}
		vals[nv] = dict[k]
		nv++
	}
	if coded {
		nd = nv
	}
	e.nv[j], e.nd[j] = nv, nd
}

// plainValues returns the buffer of metric j's values, made at the first
// page that needs it (most metrics' pages are dictionary indices).
func (e *rawEncoder) plainValues(j int) []float64 {
	if e.values[j] == nil {
		e.values[j] = make([]float64, e.pageRows)
	}
	return e.values[j]
}

// addCoded adds to a page of dictionary indices the first rows of index
// while they did not fail and their values are in the column's
// dictionary (remap's index not negative), and returns how many.
func addCoded(remap []int32, index []uint8, failed []bool, defs []uint8, gidx []int32) int {
	gidx = gidx[:len(index)]
	failed = failed[:len(index)]
	defs = defs[:len(index)]
	for i, k := range index {
		g := remap[k]
		if g < 0 || failed[i] {
			return i
		}
		defs[i], gidx[i] = 1, g
	}
	return len(index)
}

// addSeeds appends seeds to the current page of seed column s (0 the
// network's, 1 the process's), PLAIN, noting their least and greatest.
func (e *rawEncoder) addSeeds(s int, seeds []uint64) {
	lo, hi, b := e.seedLo[s], e.seedHi[s], e.seeds[s]
	for _, x := range seeds {
		lo, hi = min(lo, x), max(hi, x)
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	e.seedLo[s], e.seedHi[s], e.seeds[s] = lo, hi, b
}

// seedsByRun tells whether the seeds come with the runs (EncodeRawRuns),
// page by page beside the other columns; an encoder of the layout alone
// asks for them column by column (layoutSeeds), one of the values alone
// has none.
func (e *rawEncoder) seedsByRun() bool { return e.layoutCols && e.layout == nil }

// flushSeeds writes the current page of the seeds and starts the next.
func (e *rawEncoder) flushSeeds() error {
	n := e.ns
	if n == 0 || !e.seedsByRun() {
		e.ns = 0
		return nil
	}
	for s, c := range []int{rcNetworkSeed, rcProcessSeed} {
		col := &e.cols[c]
		col.statsInt64(int64(e.seedLo[s]), int64(e.seedHi[s]), true)
		if err := e.page(col, n, 0, col.enc, nil, e.seeds[s]); err != nil {
			return err
		}
		e.seeds[s], e.seedLo[s], e.seedHi[s] = e.seeds[s][:0], math.MaxUint64, 0
	}
	e.ns = 0
	return nil
}

// flush writes the current page of every column but the seeds and
// starts the next.
func (e *rawEncoder) flush() error {
	n := e.n
	if n == 0 {
		return nil
	}
	if e.layoutCols {
		if err := e.flushLayout(n); err != nil {
			return err
		}
	}
	if e.valueCols {
		if err := e.flushValues(n); err != nil {
			return err
		}
	}
	e.n = 0
	return nil
}

// flushLayout writes the current pages of the layout's columns but the
// seeds: point, rep and point_key, of n rows.
func (e *rawEncoder) flushLayout(n int) error {
	var err error
	for _, c := range []struct {
		col    int
		lo, hi int64
	}{{rcPoint, e.pointLo, e.pointHi}, {rcRep, e.repLo, e.repHi}} {
		// The page's points, or its reps, run by run.
		v, at := e.ints[:n], 0
		for _, r := range e.pageRuns {
			seg := v[at : at+r.rows]
			if c.col == rcPoint {
				for i := range seg {
					seg[i] = r.point
				}
			} else {
				for i := range seg {
					seg[i] = r.rep + int64(i)
				}
			}
			at += r.rows
		}
		col := &e.cols[c.col]
		col.statsInt64(c.lo, c.hi, false)
		if e.plain, err = (&delta.BinaryPackedEncoding{}).EncodeInt64(e.plain[:0], v); err != nil {
			return err
		}
		if err := e.page(col, n, 0, col.enc, nil, e.plain); err != nil {
			return err
		}
	}
	e.pointLo, e.pointHi, e.repLo, e.repHi = math.MaxInt64, math.MinInt64, math.MaxInt64, math.MinInt64

	// The point key: indices into the dictionary, bit width first.
	idx, at, maxIdx := e.keyIdx[:n], 0, int32(0)
	for _, r := range e.pageRuns {
		seg := idx[at : at+r.rows]
		for i := range seg {
			seg[i] = r.key
		}
		at += r.rows
		maxIdx = max(maxIdx, r.key)
	}
	e.pageRuns = e.pageRuns[:0]
	width := max(1, bits.Len32(uint32(maxIdx)))
	if e.packed, err = (&rle.Encoding{BitWidth: width}).EncodeInt32(e.packed, idx); err != nil {
		return err
	}
	e.plain = append(append(e.plain[:0], byte(width)), e.packed...)
	return e.page(&e.cols[rcKey], n, 0, e.cols[rcKey].enc, nil, e.plain)
}

// rawPageRun is a run of a page's rows of one point: their number, the
// point, the first row's rep and the point key's index in the group's
// dictionary.
type rawPageRun struct {
	rows       int
	point, rep int64
	key        int32
}

// flushValues writes the current pages of the values' columns, failed
// and the metrics, of n rows.
func (e *rawEncoder) flushValues(n int) error {
	var plainEnc plain.Encoding
	// failed: PLAIN booleans, one bit each, least significant first; the
	// least and greatest, false and false where none failed.
	e.plain = append(e.plain[:0], make([]byte, (n+7)/8)...)
	lo, hi := false, false
	if slices.Contains(e.failed[:n], true) {
		lo, hi = true, true
		for i, f := range e.failed[:n] {
			if f {
				e.plain[i/8] |= 1 << (i % 8)
			}
			lo = lo && f
		}
	}
	col := &e.cols[rcFailed]
	col.statsBool(lo, hi)
	if err := e.page(col, n, 0, format.Plain, nil, e.plain); err != nil {
		return err
	}

	for j := range e.metrics {
		col := &e.cols[len(rawFixed)+j]
		nv, nd := e.nv[j], e.nd[j]
		levels, err := e.defLevels(e.defs[j][:n], nv == n)
		if err != nil {
			return err
		}
		// Dictionary indices while the dictionary has room, PLAIN values
		// from the page that finds it full on (addValues); a page of
		// nulls only is PLAIN (empty), so that a dictionary-encoded page
		// always has a dictionary.
		enc := format.RLEDictionary
		if nv > 0 && nd == nv {
			idx := e.gidx[j][:nv]
			top := int32(0)
			for _, g := range idx {
				top = max(top, g)
			}
			width := max(1, bits.Len32(uint32(top)))
			if e.packed, err = (&rle.Encoding{BitWidth: width}).EncodeInt32(e.packed, idx); err != nil {
				return err
			}
			e.plain = append(append(e.plain[:0], byte(width)), e.packed...)
		} else {
			// The page's first nd values, kept as indices, from the
			// dictionary; a chunk whose first pages are PLAIN has no
			// dictionary page.
			vals := e.values[j][:nv]
			for i, g := range e.gidx[j][:nd] {
				vals[i] = col.dict.values[g]
			}
			if nd < nv && col.npages == 0 {
				col.dict.values = nil
			}
			// A dictionary page's values are in the statistics since
			// each was added to the dictionary (rawColumn.index).
			col.statsDouble(vals)
			enc = format.Plain
			e.plain, _ = plainEnc.EncodeDouble(e.plain[:0], vals)
		}
		if err := e.page(col, n, n-nv, enc, levels, e.plain); err != nil {
			return err
		}
		e.nv[j], e.nd[j] = 0, 0
	}
	return nil
}

// defLevels returns the definition levels of a page of these rows', RLE;
// those of a page with no null are made once for its size.
func (e *rawEncoder) defLevels(defs []uint8, noNull bool) ([]byte, error) {
	if !noNull || len(defs) != e.onesRows {
		var err error
		if e.levels, err = (&rle.Encoding{BitWidth: 1}).EncodeLevels(e.levels[:0], defs); err != nil || !noNull {
			return e.levels, err
		}
		e.ones, e.onesRows = append(e.ones[:0], e.levels...), len(defs)
	}
	return e.ones, nil
}

// page appends a data page (v2) of n rows, nulls of them null, to col
// (or, for a streamed column, writes it): its definition levels
// (uncompressed, as v2 keeps them) and values.
func (e *rawEncoder) page(col *rawColumn, n, nulls int, enc format.Encoding, levels, values []byte) error {
	// Compressed into a buffer kept from page to page, then copied to
	// one of the compressed size: snappy.Encode(nil, values) would
	// allocate, and clear, its bound of 7/6 of values. Values that
	// hardly compress (random seeds) keep the buffer itself, rather
	// than a copy as large, and the next page gets a new one; a
	// streamed page is written at once, and the buffer serves the next.
	e.comp = s2.EncodeSnappy(e.comp[:cap(e.comp)], values)
	comp := e.comp
	switch {
	case col.streamed:
	case len(comp) < cap(comp)*3/4:
		comp = bytes.Clone(comp)
	default:
		e.comp = nil
	}
	h := format.PageHeader{
		Type:                 format.DataPageV2,
		UncompressedPageSize: int32(len(levels) + len(values)),
		CompressedPageSize:   int32(len(levels) + len(comp)),
		DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
			NumValues:                  int32(n),
			NumNulls:                   int32(nulls),
			NumRows:                    int32(n),
			Encoding:                   enc,
			DefinitionLevelsByteLength: int32(len(levels)),
			IsCompressed:               thrift.New(true),
			Statistics:                 format.Statistics{NullCount: int64(nulls)},
		}),
	}
	var hdr []byte
	if col.streamed {
		e.hdr = appendDataPageV2Header(e.hdr[:0], &h)
		hdr = e.hdr
		e.out.write(hdr)
		e.out.write(levels)
		e.out.write(comp)
	} else {
		hdr = appendDataPageV2Header(nil, &h)
		col.pages = append(col.pages, hdr)
		if len(levels) > 0 {
			col.pages = append(col.pages, append([]byte(nil), levels...))
		}
		col.pages = append(col.pages, comp)
	}
	col.size += int64(len(hdr)) + int64(h.UncompressedPageSize)
	col.nulls += int64(nulls)
	if enc == col.enc {
		col.npages++
	} else {
		col.nplain++
	}
	return nil
}

// appendDataPageV2Header appends h, a header of a data page v2 as page
// writes them, in Thrift's compact protocol: the bytes of
// thrift.Marshal(new(thrift.CompactProtocol), h) (TestDataPageV2Header),
// without its reflection, which took a tenth of the encoding's time.
func appendDataPageV2Header(b []byte, h *format.PageHeader) []byte {
	const (
		i32, boolTrue, i64, structType = 5, 1, 6, 12
	)
	field := func(b []byte, delta, typ byte) []byte { return append(b, delta<<4|typ) }
	varint := func(b []byte, v int64) []byte { return binary.AppendUvarint(b, uint64(v<<1^v>>63)) }
	v2 := &h.DataPageHeaderV2.V
	b = varint(field(b, 1, i32), int64(h.Type))
	b = varint(field(b, 1, i32), int64(h.UncompressedPageSize))
	b = varint(field(b, 1, i32), int64(h.CompressedPageSize))
	b = field(b, 5, structType) // field 8
	b = varint(field(b, 1, i32), int64(v2.NumValues))
	b = varint(field(b, 1, i32), int64(v2.NumNulls))
	b = varint(field(b, 1, i32), int64(v2.NumRows))
	b = varint(field(b, 1, i32), int64(v2.Encoding))
	b = varint(field(b, 1, i32), int64(v2.DefinitionLevelsByteLength))
	b = varint(field(b, 1, i32), int64(v2.RepetitionLevelsByteLength))
	b = field(b, 1, boolTrue) // is_compressed, always true here
	b = field(b, 1, structType)
	b = varint(field(b, 3, i64), v2.Statistics.NullCount) // null_count, written when 0
	return append(b, 0, 0, 0)                             // the ends of the statistics, the v2 header and the header
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// statsInt64 folds a page's least and greatest values, lo and hi, into
// col's minimum and maximum, compared as signed or, for unsigned columns,
// unsigned integers.
func (col *rawColumn) statsInt64(lo, hi int64, unsigned bool) {
	if col.min != nil {
		clo, chi := int64(binary.LittleEndian.Uint64(col.min)), int64(binary.LittleEndian.Uint64(col.max))
		if unsigned {
			lo, hi = int64(min(uint64(lo), uint64(clo))), int64(max(uint64(hi), uint64(chi)))
		} else {
			lo, hi = min(lo, clo), max(hi, chi)
		}
	}
	col.min = binary.LittleEndian.AppendUint64(col.min[:0], uint64(lo))
	col.max = binary.LittleEndian.AppendUint64(col.max[:0], uint64(hi))
}

// index returns x's index in col's dictionary, adding it if new, and
// then folding it into col's minimum and maximum; or false if the
// dictionary is full.
func (col *rawColumn) index(x float64) (int32, bool) {
	n := len(col.dict.values)
	g, ok := col.dict.index(x)
	if len(col.dict.values) > n {
		col.statsDouble(col.dict.values[n:])
	}
	return g, ok
}

// statsDouble folds v, which holds no NaN, into col's minimum and
// maximum.
func (col *rawColumn) statsDouble(v []float64) {
	if len(v) == 0 {
		return
	}
	lo, hi := v[0], v[0]
	if col.min != nil {
		lo, hi = math.Float64frombits(binary.LittleEndian.Uint64(col.min)), math.Float64frombits(binary.LittleEndian.Uint64(col.max))
	}
	for _, x := range v {
		// Comparisons rather than min and max, which order NaN and -0:
		// v holds no NaN, and either zero will do.
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	col.min = binary.LittleEndian.AppendUint64(col.min[:0], math.Float64bits(lo))
	col.max = binary.LittleEndian.AppendUint64(col.max[:0], math.Float64bits(hi))
}

// statsBool folds a page's booleans, whose least is lo and greatest hi,
// into col's minimum and maximum.
func (col *rawColumn) statsBool(lo, hi bool) {
	if col.min != nil {
		lo, hi = lo && col.min[0] == 1, hi || col.max[0] == 1
	}
	col.min, col.max = append(col.min[:0], b2u(lo)), append(col.max[:0], b2u(hi))
}

// writeGroup writes the current row group, its rows' pages all flushed:
// the magic first if it is the file's first, then its column chunks; it
// keeps the group's metadata for the footer and starts the next group,
// with no page, statistics or dictionary.
func (e *rawEncoder) writeGroup() error {
	if e.sink != nil {
		return e.handGroup()
	}
	rows := int64(e.rows - e.groupRow)
	g := rawLayoutGroup{keys: e.keys}
	if e.layoutIn != nil {
		select {
		case g = <-e.layoutIn:
		case <-e.stop:
			return errRawStopped
		}
		switch {
		case g.err != nil:
			return g.err
		case int64(g.rows) != rows:
			return fmt.Errorf("report: a row group of %d rows, its layout of %d", rows, g.rows)
		}
	}
	out := &e.out
	if g.chunks != nil {
		out.n = g.end // the layout's chunks are written, from the magic on
	} else if out.n == 0 {
		out.write([]byte("PAR1"))
	}
	first, total := out.n, g.size
	if g.chunks != nil {
		first = g.first
	}
	chunks := g.chunks
	for i := len(g.chunks); i < len(e.cols); i++ {
		col := &e.cols[i]
		if i < len(g.cols) {
			col = &g.cols[i]
		}
		c, size, err := e.writeChunk(i, col, g.keys, rows)
		if err != nil {
			return err
		}
		chunks = append(chunks, c)
		total += size
	}
	e.groups = append(e.groups, format.RowGroup{Columns: chunks, TotalByteSize: total, NumRows: rows, FileOffset: first, TotalCompressedSize: out.n - first})
	e.nextGroup()
	return out.err
}

// writeChunk writes column i's chunk of a row group of these rows and
// point keys, col: its dictionary page, if any, and its pages, unless
// they are written already (col.streamed); it returns the chunk's
// metadata and uncompressed size, and starts col's next chunk afresh.
func (e *rawEncoder) writeChunk(i int, col *rawColumn, keys []string, rows int64) (format.ColumnChunk, int64, error) {
	out := &e.out
	start := out.n
	if col.streamed {
		start = col.start
	}
	md := format.ColumnMetaData{
		Type:         col.typ,
		PathInSchema: []string{col.name},
		Codec:        format.Snappy,
		NumValues:    rows,
		Statistics:   format.Statistics{NullCount: col.nulls, MinValue: col.min, MaxValue: col.max},
	}
	// The dictionary, PLAIN, first in the chunk.
	var dict []byte
	ndict := 0
	switch {
	case i == rcKey:
		for _, k := range keys {
			dict = binary.LittleEndian.AppendUint32(dict, uint32(len(k)))
			dict = append(dict, k...)
			if md.Statistics.MinValue == nil || k < string(md.Statistics.MinValue) {
				md.Statistics.MinValue = []byte(k)
			}
			if md.Statistics.MaxValue == nil || k > string(md.Statistics.MaxValue) {
				md.Statistics.MaxValue = []byte(k)
			}
		}
		ndict = len(keys)
	case col.typ == format.Double:
		dict, _ = (&plain.Encoding{}).EncodeDouble(nil, col.dict.values)
		ndict = len(col.dict.values)
	}
	size := col.size
	if ndict > 0 {
		comp := s2.EncodeSnappy(nil, dict)
		h := format.PageHeader{
			Type:                 format.DictionaryPage,
			UncompressedPageSize: int32(len(dict)),
			CompressedPageSize:   int32(len(comp)),
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(ndict), Encoding: format.Plain}),
		}
		hdr, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
		if err != nil {
			return format.ColumnChunk{}, 0, err
		}
		md.DictionaryPageOffset = out.n
		out.write(hdr)
		out.write(comp)
		size += int64(len(hdr) + len(dict))
		md.Encoding = append(md.Encoding, format.Plain)
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1})
	}
	if col.optional {
		md.Encoding = append(md.Encoding, format.RLE)
	}
	if col.npages > 0 {
		md.Encoding = append(md.Encoding, col.enc)
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPageV2, Encoding: col.enc, Count: col.npages})
	}
	if col.nplain > 0 {
		if ndict == 0 {
			md.Encoding = append(md.Encoding, format.Plain)
		}
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPageV2, Encoding: format.Plain, Count: col.nplain})
	}
	slices.Sort(md.Encoding)
	md.Encoding = slices.Compact(md.Encoding)
	md.DataPageOffset = out.n
	if col.streamed {
		md.DataPageOffset = col.start
	}
	for _, b := range col.pages {
		out.write(b)
	}
	md.TotalUncompressedSize = size
	md.TotalCompressedSize = out.n - start

	// The next group's column chunk starts afresh. The statistics are in
	// md: they get new slices.
	clear(col.pages)
	col.pages = col.pages[:0]
	col.npages, col.nplain, col.size, col.nulls = 0, 0, 0, 0
	col.min, col.max = nil, nil
	col.dict.reset()
	col.streamed = false
	return format.ColumnChunk{FileOffset: start, MetaData: md}, size, nil
}

// layoutSeeds adds to an encoder of the layout the pages of seed column
// s (0 the network's, 1 the process's) of rows [from, to), a group's:
// pages of seedRows rows from the group's first, as addRun cuts them,
// through one buffer.
func (e *rawEncoder) layoutSeeds(s, from, to int) error {
	l := e.layout
	if cap(e.seeds[0]) < 8*e.seedRows {
		e.seeds[0] = make([]byte, 0, 8*e.seedRows)
	}
	fill := l.NetworkSeeds
	if s == 1 {
		fill = l.ProcessSeeds
	}
	var chunk [512]uint64
	col := &e.cols[rcNetworkSeed+s]
	for row := from; row < to; {
		n := min(e.seedRows, to-row)
		lo, hi, b := uint64(math.MaxUint64), uint64(0), e.seeds[0][:0]
		for i := 0; i < n; {
			p, rep := (row+i)/l.Reps, (row+i)%l.Reps
			k := min(n-i, l.Reps-rep, len(chunk))
			fill(p, rep, chunk[:k])
			for _, x := range chunk[:k] {
				lo, hi = min(lo, x), max(hi, x)
				b = binary.LittleEndian.AppendUint64(b, x)
			}
			i += k
		}
		e.seeds[0] = b
		col.statsInt64(int64(lo), int64(hi), true)
		if err := e.page(col, n, 0, col.enc, nil, b); err != nil {
			return err
		}
		row += n
	}
	return nil
}

// handGroup is writeGroup for an encoder of the layout: it hands the
// group's layout column chunks and keys to sink, and starts the next
// group with new ones. With a file, it writes the first group's chunks
// there, the seeds' pages as they are encoded, and hands over where they
// lie.
func (e *rawEncoder) handGroup() error {
	rows := e.rows - e.groupRow
	g := rawLayoutGroup{rows: rows}
	if e.file != nil {
		if err := e.writeLayoutGroup(&g); err != nil {
			return err
		}
	} else {
		for s := range 2 {
			if err := e.layoutSeeds(s, e.groupRow, e.rows); err != nil {
				return err
			}
		}
		g.cols, g.keys = slices.Clone(e.cols[:rcFailed]), slices.Clone(e.keys)
		for i := range rcFailed {
			col := &e.cols[i]
			col.pages, col.min, col.max = nil, nil, nil
			col.npages, col.nplain, col.size, col.nulls = 0, 0, 0, 0
		}
	}
	e.groups = append(e.groups, format.RowGroup{NumRows: int64(rows)})
	e.nextGroup()
	if !e.sink(g) {
		return errRawStopped
	}
	return nil
}

// writeLayoutGroup writes to an encoder of the layout's file the magic
// and the first group's layout column chunks, the seeds' pages as they
// are encoded, and notes in g where they lie; the file is the encoder of
// the values' from then on.
func (e *rawEncoder) writeLayoutGroup(g *rawLayoutGroup) error {
	out := &e.out
	out.write([]byte("PAR1"))
	g.first = out.n
	rows := int64(g.rows)
	for i := range rcFailed {
		if s := i - rcNetworkSeed; s >= 0 {
			e.cols[i].streamed, e.cols[i].start = true, out.n
			if err := e.layoutSeeds(s, e.groupRow, e.rows); err != nil {
				return err
			}
		}
		c, size, err := e.writeChunk(i, &e.cols[i], e.keys, rows)
		if err != nil {
			return err
		}
		g.chunks = append(g.chunks, c)
		g.size += size
	}
	if err := e.file.Flush(); err != nil && out.err == nil {
		out.err = fmt.Errorf("could not write raw.parquet: %w", err)
	}
	g.end = out.n
	e.file, out.w = nil, nil
	return out.err
}

// nextGroup starts the next row group's dictionary of point keys at the
// current row.
func (e *rawEncoder) nextGroup() {
	e.keys = e.keys[:0]
	clear(e.keyMap)
	e.lastKey = -1
	e.groupRow = e.rows
}

// reset empties d, keeping its table's room.
func (d *doubleDict) reset() {
	d.values = d.values[:0]
	clear(d.slots)
	d.full = false
}

// finish writes the last row group, partial (or the one empty group of a
// table of no rows), and the footer listing every group.
func (e *rawEncoder) finish() error {
	if err := e.flush(); err != nil {
		return err
	}
	if err := e.flushSeeds(); err != nil {
		return err
	}
	if e.rows > e.groupRow || len(e.groups) == 0 {
		if err := e.writeGroup(); err != nil {
			return err
		}
	}
	if e.sink != nil {
		return nil
	}
	schema := []format.SchemaElement{{Name: "netsweep_raw", NumChildren: thrift.New(int32(len(e.cols)))}}
	for i := range e.cols {
		schema = append(schema, e.cols[i].schema())
	}
	orders := make([]format.ColumnOrder, len(e.cols))
	for i := range orders {
		orders[i].Value = &format.TypeDefinedOrder{}
	}
	meta := format.FileMetaData{
		Version:      2,
		Schema:       schema,
		NumRows:      int64(e.rows),
		RowGroups:    e.groups,
		CreatedBy:    rawCreatedBy,
		ColumnOrders: orders,
	}
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), &meta)
	if err != nil {
		return err
	}
	out := &e.out
	out.write(footer)
	out.write(binary.LittleEndian.AppendUint32(nil, uint32(len(footer))))
	out.write([]byte("PAR1"))
	return out.err
}

// schema returns col's schema element.
func (col *rawColumn) schema() format.SchemaElement {
	s := format.SchemaElement{Name: col.name, Type: thrift.New(col.typ), RepetitionType: thrift.New(format.Required)}
	switch {
	case col.optional:
		s.RepetitionType = thrift.New(format.Optional)
	case col.typ == format.ByteArray:
		s.ConvertedType = thrift.New(deprecated.UTF8)
		s.LogicalType.Value = &format.StringType{}
	case col.name == "network_seed" || col.name == "process_seed":
		s.ConvertedType = thrift.New(deprecated.Uint64)
		s.LogicalType.Value = &format.IntType{BitWidth: 64, IsSigned: false}
	case col.typ == format.Int64:
		s.ConvertedType = thrift.New(deprecated.Int64)
		s.LogicalType.Value = &format.IntType{BitWidth: 64, IsSigned: true}
	}
	return s
}

// offsetWriter counts what it writes and keeps the first error.
type offsetWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (o *offsetWriter) write(b []byte) {
	if o.err != nil {
		return
	}
	k, err := o.w.Write(b)
	o.n += int64(k)
	if err != nil {
		o.err = fmt.Errorf("could not write raw.parquet: %w", err)
	}
}
