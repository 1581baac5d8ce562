package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
)

// RawTable is the content of raw.parquet: one row per repetition, in
// canonical (point, repetition) order.
type RawTable struct {
	Metrics []string // the metrics kept, in the spec's order of [output] raw
	Rows    []RawRow
}

// RawRow is one repetition.
type RawRow struct {
	Point       int    // the point's index in the grid, as in results.csv
	Key         string // the point's key (hex SHA-256 of its settings)
	Rep         int    // the repetition
	NetworkSeed uint64 // seed of the repetition's network stream
	ProcessSeed uint64 // seed of its process stream
	Failed      bool   // the repetition failed: its values are NaN (null in the file)
	Values      []float64
}

// The fixed columns of raw.parquet, before one column per metric.
var rawFixed = []string{"point", "point_key", "rep", "network_seed", "process_seed", "failed"}

// EncodeRaw writes t as Parquet to w. The bytes depend on t alone: equal
// tables give byte-identical files (row groups of a fixed number of
// rows, Snappy pages, a fixed created_by).
func EncodeRaw(w io.Writer, t *RawTable) error {
	return EncodeRawRows(w, t.Metrics, len(t.Rows), func(i int, r *RawRow) error {
		src := &t.Rows[i]
		if len(src.Values) != len(t.Metrics) {
			return fmt.Errorf("report: raw row %d has %d values for %d metrics", i, len(src.Values), len(t.Metrics))
		}
		values := r.Values
		*r = *src
		r.Values = values
		copy(r.Values, src.Values)
		return nil
	})
}

// RawRun is a run of consecutive rows of a raw table that share their
// point: repetitions Rep, Rep+1, ..., one row each, their columns as
// slices of one element a row.
type RawRun struct {
	Point        int    // the point's index in the grid
	Key          string // the point's key
	Rep          int    // the first row's repetition
	Failed       []bool // per row: the repetition failed (its values are null in the file)
	NetworkSeeds []uint64
	ProcessSeeds []uint64
	Values       [][]float64 // per metric, per row; NaN (or a failed row's) is null
	// Dict and Index, where Dict[j] is not nil, give metric j's values
	// instead of Values[j]: a dictionary of at most 256 values and each
	// row's index into it, the form in which discrete values travel
	// (mpirun.RawValues), encoded without decoding them.
	Dict  [][]float64
	Index [][]uint8
}

// EncodeRawRuns writes as Parquet to w the n rows of a raw table with
// these metrics, run after run, without the whole table in memory: next
// fills in r with the next run of rows, into whatever slices r holds from
// the call before (next must not keep r), until n rows have come. Its
// error stops the encoding. The bytes are those EncodeRaw writes for the
// same rows, however they are cut into runs.
func EncodeRawRuns(w io.Writer, metrics []string, n int, next func(r *RawRun) error) error {
	if err := checkRawMetrics(metrics); err != nil {
		return err
	}
	return newRawEncoder(w, metrics, n, true, true).encode(n, next)
}

// checkRawMetrics refuses a metric named as one of raw.parquet's fixed
// columns.
func checkRawMetrics(metrics []string) error {
	for _, m := range metrics {
		if slices.Contains(rawFixed, m) {
			return fmt.Errorf("report: a metric named %q clashes with raw.parquet's column", m)
		}
	}
	return nil
}

// encode adds the runs that next gives until n rows have come, and
// finishes the file.
func (e *rawEncoder) encode(n int, next func(r *RawRun) error) error {
	r := RawRun{Values: make([][]float64, len(e.metrics))}
	for e.rows < n {
		if err := next(&r); err != nil {
			return err
		}
		if len(r.Failed) == 0 || len(r.Failed) > n-e.rows {
			return fmt.Errorf("report: a run of %d rows after %d of %d", len(r.Failed), e.rows, n)
		}
		if err := e.addRun(&r); err != nil {
			return fmt.Errorf("could not encode raw.parquet: %w", err)
		}
	}
	return e.finish()
}

// RawLayout is where a raw table's rows lie, before any value: Rows rows,
// each point's repetitions 0, 1, ..., Reps-1 in turn (the last point's
// may stop short), point after point from 0. Its columns point,
// point_key, rep, network_seed and process_seed depend on nothing else:
// Key gives a point's key, and NetworkSeeds and ProcessSeeds fill in
// seeds with those of repetitions rep, rep+1, ... of point. They are
// called from another goroutine than the encoding's caller, a row
// group's rows in order (a point's repetitions from the first the group
// holds) for one column, then for the next.
type RawLayout struct {
	Rows, Reps   int
	Key          func(point int) string
	NetworkSeeds func(point, rep int, seeds []uint64)
	ProcessSeeds func(point, rep int, seeds []uint64)
}

// EncodeRawLayout is EncodeRawRuns for a table laid out as l: the runs
// that next gives need only their values (Failed, and Values or Dict and
// Index), and Point and Rep, which must be where the run lies (their
// seeds and key are not read). The layout's columns are encoded on
// another goroutine meanwhile. The bytes are those EncodeRawRuns writes
// for the same rows.
func EncodeRawLayout(w io.Writer, metrics []string, l RawLayout, next func(r *RawRun) error) error {
	p, err := startRawLayout(nil, l)
	if err != nil {
		return err
	}
	defer p.Stop()
	return p.encode(w, metrics, next)
}

// WriteRawLayout writes to path as Parquet, atomically, what
// EncodeRawLayout encodes; path is left alone if next fails.
func WriteRawLayout(path string, metrics []string, l RawLayout, next func(r *RawRun) error) error {
	p, err := StartRawLayout(path, l)
	if err != nil {
		return err
	}
	return p.WriteFile(metrics, next)
}

// RawLayoutEncoding is a raw.parquet being written: its layout columns
// from StartRawLayout on, on a goroutine of their own, so that they are
// written, or nearly, when the values are known (WriteFile): a campaign
// starts it with its run, since the layout depends on the spec alone.
// The first row group's layout goes to the file as it is encoded; the
// layout of a later group is held in memory until WriteFile takes it,
// about 16 bytes a row (the seeds, which hardly compress), and the
// encoding works on the next group meanwhile. WriteFile or Stop must be
// called once, to end the goroutine.
type RawLayoutEncoding struct {
	l      RawLayout
	file   *atomicFile   // nil for EncodeRawLayout's encoding to a writer
	bw     *bufio.Writer // file's, the layout's for its first group, then the values'
	groups chan rawLayoutGroup
	done   chan struct{} // closed to stop the goroutine
	exited chan struct{} // closed when it has
	once   sync.Once
}

// StartRawLayout starts writing the raw.parquet of layout l to path
// (a temporary file beside it until WriteFile completes it).
func StartRawLayout(path string, l RawLayout) (*RawLayoutEncoding, error) {
	f, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	p, err := startRawLayout(f, l)
	if err != nil {
		f.abort()
	}
	return p, err
}

// startRawLayout starts encoding the layout columns of l, the first row
// group's into f if it is not nil.
func startRawLayout(f *atomicFile, l RawLayout) (*RawLayoutEncoding, error) {
	if l.Rows < 0 || l.Reps <= 0 {
		return nil, fmt.Errorf("report: a layout of %d rows of %d repetitions a point", l.Rows, l.Reps)
	}
	p := &RawLayoutEncoding{l: l, file: f, groups: make(chan rawLayoutGroup), done: make(chan struct{}), exited: make(chan struct{})}
	le := newRawEncoder(nil, nil, l.Rows, true, false)
	if f != nil {
		p.bw = bufio.NewWriterSize(f.f, 64<<10)
		le.file, le.out.w = p.bw, p.bw
	}
	le.stop = p.done
	le.sink = func(g rawLayoutGroup) bool {
		select {
		case p.groups <- g:
			return true
		case <-p.done:
			return false
		}
	}
	go func() {
		defer close(p.exited)
		if err := le.encodeLayout(l); err != nil && !errors.Is(err, errRawStopped) {
			select {
			case p.groups <- rawLayoutGroup{err: err}:
			case <-p.done:
			}
		}
	}()
	return p, nil
}

// Stop ends the encoding of the layout and removes the temporary file,
// if WriteFile has not completed it; it may be called more than once,
// and after WriteFile.
func (p *RawLayoutEncoding) Stop() {
	p.once.Do(func() {
		close(p.done)
		<-p.exited
		if p.file != nil {
			p.file.abort()
		}
	})
}

// encode writes to w as Parquet the table of p's layout with these
// metrics, the values of its rows from the runs that next gives, after
// what p has written to w already.
func (p *RawLayoutEncoding) encode(w io.Writer, metrics []string, next func(r *RawRun) error) error {
	select {
	case <-p.done:
		return errRawStopped
	default:
	}
	if err := checkRawMetrics(metrics); err != nil {
		return err
	}
	e := newRawEncoder(w, metrics, p.l.Rows, false, true)
	e.layoutIn, e.reps, e.stop = p.groups, p.l.Reps, p.done
	return e.encode(p.l.Rows, next)
}

// WriteFile completes p's raw.parquet with these metrics, the values of
// its rows from the runs that next gives, as EncodeRawLayout does, and
// stops p; path is left alone if next fails.
func (p *RawLayoutEncoding) WriteFile(metrics []string, next func(r *RawRun) error) error {
	defer p.Stop()
	// The values' encoder writes nothing before it has the first
	// group's layout, which the layout's encoder has written then.
	err := p.encode(p.bw, metrics, next)
	if err == nil {
		err = p.bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("could not write %s: %w", p.file.path, err)
	}
	return p.file.commit()
}

// encodeLayout adds l's rows, in runs of up to a page, to an encoder of
// the layout's columns, until its stop is closed; the seeds are asked
// for group by group (layoutSeeds).
func (e *rawEncoder) encodeLayout(l RawLayout) error {
	e.layout = &l
	r := RawRun{}
	failed := make([]bool, rawPageRows) // the runs' lengths
	for row := 0; row < l.Rows; {
		select {
		case <-e.stop:
			return errRawStopped
		default:
		}
		p, rep := row/l.Reps, row%l.Reps
		k := min(len(failed), l.Reps-rep, l.Rows-row)
		if rep == 0 || row == 0 {
			r.Key = l.Key(p)
		}
		r.Point, r.Rep, r.Failed = p, rep, failed[:k]
		if err := e.addRun(&r); err != nil {
			return fmt.Errorf("could not encode raw.parquet's layout: %w", err)
		}
		row += k
	}
	return e.finish()
}

// EncodeRawRows is EncodeRawRuns for rows that come one at a time:
// row(i, r) fills in every field of row i, for i = 0, 1, ..., n-1 in
// turn, into an r that still holds row i-1 and whose Values has room for
// one value per metric (row must not keep r).
func EncodeRawRows(w io.Writer, metrics []string, n int, row func(i int, r *RawRow) error) error {
	const most = 1024 // rows a run
	i := 0
	rr := RawRow{Values: make([]float64, len(metrics))}
	pending := false // rr holds row i-1, not yet in a run
	return EncodeRawRuns(w, metrics, n, func(r *RawRun) error {
		r.Failed, r.NetworkSeeds, r.ProcessSeeds = r.Failed[:0], r.NetworkSeeds[:0], r.ProcessSeeds[:0]
		for j := range r.Values {
			r.Values[j] = r.Values[j][:0]
		}
		for len(r.Failed) < most && (pending || i < n) {
			if !pending {
				if err := row(i, &rr); err != nil {
					return err
				}
				i++
			}
			if k := len(r.Failed); k > 0 && (rr.Point != r.Point || rr.Key != r.Key || rr.Rep != r.Rep+k) {
				pending = true // rr starts the next run
				return nil
			}
			pending = false
			if len(r.Failed) == 0 {
				r.Point, r.Key, r.Rep = rr.Point, rr.Key, rr.Rep
			}
			r.Failed = append(r.Failed, rr.Failed)
			r.NetworkSeeds = append(r.NetworkSeeds, rr.NetworkSeed)
			r.ProcessSeeds = append(r.ProcessSeeds, rr.ProcessSeed)
			for j, v := range rr.Values {
				r.Values[j] = append(r.Values[j], v)
			}
		}
		return nil
	})
}

// WriteRaw writes t to path as Parquet, atomically.
func WriteRaw(path string, t *RawTable) error {
	return writeFileAtomic(path, func(w io.Writer) error { return EncodeRaw(w, t) })
}

// WriteRawRuns writes to path as Parquet, atomically, the n rows that
// next fills in, as EncodeRawRuns does; path is left alone if next fails.
func WriteRawRuns(path string, metrics []string, n int, next func(r *RawRun) error) error {
	return writeFileAtomic(path, func(w io.Writer) error { return EncodeRawRuns(w, metrics, n, next) })
}

// WriteRawRows writes to path as Parquet, atomically, the n rows that row
// fills in, as EncodeRawRows does; path is left alone if row fails.
func WriteRawRows(path string, metrics []string, n int, row func(i int, r *RawRow) error) error {
	return writeFileAtomic(path, func(w io.Writer) error { return EncodeRawRows(w, metrics, n, row) })
}

// ReadRaw reads a raw.parquet written by WriteRaw.
func ReadRaw(path string) (*RawTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not read raw values: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", path, err)
	}
	cols := pf.Schema().Columns()
	if len(cols) < len(rawFixed) {
		return nil, fmt.Errorf("%s: not a netsweep raw.parquet", path)
	}
	t := &RawTable{}
	for i, c := range cols {
		if i < len(rawFixed) {
			if len(c) != 1 || c[0] != rawFixed[i] {
				return nil, fmt.Errorf("%s: column %d is %v, want %s", path, i, c, rawFixed[i])
			}
			continue
		}
		t.Metrics = append(t.Metrics, c[0])
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	buf := make([]parquet.Row, 1024)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			rr := RawRow{Values: make([]float64, len(t.Metrics))}
			for _, v := range row {
				c := v.Column()
				switch {
				case c == 0:
					rr.Point = int(v.Int64())
				case c == 1:
					rr.Key = string(v.ByteArray())
				case c == 2:
					rr.Rep = int(v.Int64())
				case c == 3:
					rr.NetworkSeed = uint64(v.Int64())
				case c == 4:
					rr.ProcessSeed = uint64(v.Int64())
				case c == 5:
					rr.Failed = v.Boolean()
				case c < len(rawFixed)+len(t.Metrics):
					if v.IsNull() {
						rr.Values[c-len(rawFixed)] = math.NaN()
					} else {
						rr.Values[c-len(rawFixed)] = v.Double()
					}
				}
			}
			t.Rows = append(t.Rows, rr)
		}
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("could not read %s: %w", path, err)
		}
	}
}

// orderedGroup is a Parquet group node whose fields keep their order
// (parquet.Group sorts them by name).
type orderedGroup []orderedField

type orderedField struct {
	name string
	parquet.Node
}

func (f orderedField) Name() string                           { return f.name }
func (f orderedField) Value(base reflect.Value) reflect.Value { return base.FieldByName(f.name) }

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return parquet.Group{}.String() }
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) GoType() reflect.Type        { return reflect.TypeOf(map[string]any{}) }
func (g orderedGroup) Fields() []parquet.Field {
	f := make([]parquet.Field, len(g))
	for i := range g {
		f[i] = g[i]
	}
	return f
}
