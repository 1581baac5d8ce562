package mpirun

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Tags of the controller–worker protocol.
const (
	tagWork   = 1 // controller → worker: a chunk, or stop
	tagResult = 2 // worker → controller: a request for work, with the last chunk's result
)

// Chunk is a range of repetitions [Start, End) of one parameter point.
// Journal records, Options.Work and Result are per chunk; the controller
// may hand out the chunks of several points as one task (see Grouper).
type Chunk struct {
	Point      int
	Start, End int
}

// Len returns the number of repetitions in c.
func (c Chunk) Len() int { return c.End - c.Start }

func (c Chunk) String() string { return fmt.Sprintf("point %d reps [%d,%d)", c.Point, c.Start, c.End) }

// Failure records one repetition that panicked or returned an error.
type Failure struct {
	Point   int    `json:"point"`
	Rep     int    `json:"rep"`
	Seed    uint64 `json:"seed"`
	Message string `json:"message"`
}

// Result is what a worker sends back for a finished chunk: the chunk's
// summary in reduce's sparse encoding, and its failures; and, only where
// the job asks for them (RawJob), the chosen metrics of every repetition.
type Result struct {
	Chunk    Chunk
	Rank     int
	Summary  []byte
	Failures []Failure
	// Raw holds, repetition after repetition of the chunk, the values of
	// the metrics RawJob.RawMetrics names, encoded (RawValues.Decode
	// decodes them); a failed repetition's are NaN (no metric value is
	// NaN). Nil unless the job asks for them. On rank 0 it shares the
	// received message's memory, which nothing else uses.
	Raw RawValues
	// Elapsed is the controller's measure of the chunk's wall time on its
	// rank (its share of its task's), set on rank 0 before OnResult; it
	// does not travel between ranks.
	Elapsed time.Duration
	// More tells OnResult that results of the same message follow at
	// once (the chunks of a task of several points), so that it may
	// write their records together; set on rank 0, it does not travel.
	More bool
}

// task is what the controller hands out: repetitions [Start, End) of one
// point or, for points that share their networks (see Grouper), of every
// point of points, run repetition by repetition. Chunk.Point is
// points[0].
type task struct {
	Chunk
	points []int // nil for one point
}

// single returns the task of chunk c alone.
func single(c Chunk) task { return task{Chunk: c} }

// Points returns the task's points, in order.
func (t task) Points() []int {
	if t.points == nil {
		return []int{t.Point}
	}
	return t.points
}

// size returns the task's repetitions, summed over its points.
func (t task) size() int64 { return int64(t.Len()) * int64(len(t.Points())) }

// chunk returns the chunk of the task's i-th point.
func (t task) chunk(i int) Chunk { return Chunk{Point: t.Points()[i], Start: t.Start, End: t.End} }

func (t task) String() string {
	if t.points == nil {
		return t.Chunk.String()
	}
	return fmt.Sprintf("points %v reps [%d,%d)", t.points, t.Start, t.End)
}

// reportedBy tells whether results are t's, one chunk per point in order.
func (t task) reportedBy(results []*Result) bool {
	points := t.Points()
	if len(results) != len(points) {
		return false
	}
	for i, r := range results {
		if r.Chunk != t.chunk(i) {
			return false
		}
	}
	return true
}

// encodeTask encodes a task: a one-point task as encodeWork does, a task
// of several points as 2, start, end, the number of points and the points.
func encodeTask(t task) []byte {
	if t.points == nil {
		return encodeWork(t.Chunk, false)
	}
	b := make([]byte, 0, 16+4*len(t.points))
	b = append(b, 2)
	b = binary.AppendUvarint(b, uint64(t.Start))
	b = binary.AppendUvarint(b, uint64(t.End))
	b = binary.AppendUvarint(b, uint64(len(t.points)))
	for _, p := range t.points {
		b = binary.AppendUvarint(b, uint64(p))
	}
	return b
}

// decodeTask decodes what encodeTask or encodeWork encoded.
func decodeTask(b []byte) (t task, stop bool, err error) {
	if len(b) == 0 || b[0] != 2 {
		c, stop, err := decodeWork(b)
		return single(c), stop, err
	}
	d := decoder{b: b[1:]}
	t.Start, t.End = d.int(), d.int()
	n := d.int()
	if n < 2 || n > len(d.b) {
		return t, false, errors.New("mpirun: bad work message")
	}
	t.points = make([]int, n)
	for i := range t.points {
		t.points[i] = d.int()
	}
	t.Point = t.points[0]
	return t, false, d.done()
}

// encodeWork encodes a chunk assignment; stop encodes the order to stop.
func encodeWork(c Chunk, stop bool) []byte {
	b := make([]byte, 0, 16)
	if stop {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(c.Point))
	b = binary.AppendUvarint(b, uint64(c.Start))
	return binary.AppendUvarint(b, uint64(c.End))
}

func decodeWork(b []byte) (c Chunk, stop bool, err error) {
	d := decoder{b: b}
	switch d.byte() {
	case 0:
		return c, true, d.done()
	case 1:
		c.Point, c.Start, c.End = d.int(), d.int(), d.int()
		return c, false, d.done()
	}
	return c, false, errors.New("mpirun: bad work message")
}

// encodeResults encodes a request for work carrying the results of a
// task, one per point: none or one as encodeResult does, several as 2,
// their number, and each as encodeResult writes it after its leading 1.
func encodeResults(rs []*Result) []byte {
	return appendResults(nil, rs)
}

// appendResults appends encodeResults(rs) to b.
func appendResults(b []byte, rs []*Result) []byte {
	switch len(rs) {
	case 0:
		return append(b, 0)
	case 1:
		return appendResult(slices.Grow(b, 32+len(rs[0].Summary)+len(rs[0].Raw)), rs[0])
	}
	n := 0
	for _, r := range rs {
		n += 32 + len(r.Summary) + len(r.Raw)
	}
	b = slices.Grow(b, 8+n)
	b = append(b, 2)
	b = binary.AppendUvarint(b, uint64(len(rs)))
	for _, r := range rs {
		b = appendResult(b, r)
	}
	return b
}

// decodeResults decodes what encodeResults or encodeResult encoded; a
// request without a result decodes to none.
func decodeResults(b []byte) ([]*Result, error) {
	if len(b) == 0 || b[0] != 2 {
		r, err := decodeResult(b)
		if r == nil {
			return nil, err
		}
		return []*Result{r}, err
	}
	d := decoder{b: b[1:]}
	n := d.int()
	if n < 2 || n > len(d.b) {
		return nil, errors.New("mpirun: bad result message")
	}
	rs := make([]*Result, n)
	for i := range rs {
		rs[i] = d.result()
	}
	return rs, d.done()
}

// encodeResult encodes a request for work, carrying r's result unless r is nil.
func encodeResult(r *Result) []byte {
	if r == nil {
		return []byte{0}
	}
	return appendResult(make([]byte, 0, 32+len(r.Summary)+len(r.Raw)), r)
}

// appendResult appends 1 and r's result to b.
func appendResult(b []byte, r *Result) []byte {
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(r.Chunk.Point))
	b = binary.AppendUvarint(b, uint64(r.Chunk.Start))
	b = binary.AppendUvarint(b, uint64(r.Chunk.End))
	b = binary.AppendUvarint(b, uint64(len(r.Summary)))
	b = append(b, r.Summary...)
	b = binary.AppendUvarint(b, uint64(len(r.Failures)))
	for _, f := range r.Failures {
		b = binary.AppendUvarint(b, uint64(f.Point))
		b = binary.AppendUvarint(b, uint64(f.Rep))
		b = binary.AppendUvarint(b, f.Seed)
		b = binary.AppendUvarint(b, uint64(len(f.Message)))
		b = append(b, f.Message...)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Raw)))
	return append(b, r.Raw...)
}

func decodeResult(b []byte) (*Result, error) {
	switch {
	case len(b) > 0 && b[0] == 0:
		d := decoder{b: b[1:]}
		return nil, d.done()
	case len(b) > 0 && b[0] == 1:
		d := decoder{b: b}
		r := d.result()
		return r, d.done()
	}
	return nil, errors.New("mpirun: bad result message")
}

// result reads one result as appendResult writes it.
func (d *decoder) result() *Result {
	if d.byte() != 1 {
		d.fail()
		return nil
	}
	r := &Result{}
	r.Chunk.Point, r.Chunk.Start, r.Chunk.End = d.int(), d.int(), d.int()
	r.Summary = d.bytes()
	n := d.int()
	for i := 0; i < n && d.err == nil; i++ {
		r.Failures = append(r.Failures, Failure{Point: d.int(), Rep: d.int(), Seed: d.uint(), Message: string(d.bytes())})
	}
	if raw := d.bytes(); len(raw) > 0 {
		r.Raw = raw
	}
	return r
}

// decoder reads uvarints and length-prefixed bytes, remembering the first
// error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errors.New("mpirun: truncated message")
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0xff
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v := d.uint()
	if v > 1<<40 {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *decoder) bytes() []byte {
	n := d.int()
	if n > len(d.b) {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		return errors.New("mpirun: trailing bytes in message")
	}
	return d.err
}
