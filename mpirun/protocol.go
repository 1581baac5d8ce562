package mpirun

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Tags of the controller–worker protocol.
const (
	tagWork   = 1 // controller → worker: a chunk, or stop
	tagResult = 2 // worker → controller: a request for work, with the last chunk's result
)

// Chunk is a range of repetitions [Start, End) of one parameter point.
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
// summary in reduce's sparse encoding, and its failures. Never raw values.
type Result struct {
	Chunk    Chunk
	Rank     int
	Summary  []byte
	Failures []Failure
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

// encodeResult encodes a request for work, carrying r's result unless r is nil.
func encodeResult(r *Result) []byte {
	if r == nil {
		return []byte{0}
	}
	b := make([]byte, 0, 32+len(r.Summary))
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
	return b
}

func decodeResult(b []byte) (*Result, error) {
	d := decoder{b: b}
	switch d.byte() {
	case 0:
		return nil, d.done()
	case 1:
	default:
		return nil, errors.New("mpirun: bad result message")
	}
	r := &Result{}
	r.Chunk.Point, r.Chunk.Start, r.Chunk.End = d.int(), d.int(), d.int()
	r.Summary = d.bytes()
	n := d.int()
	for i := 0; i < n && d.err == nil; i++ {
		r.Failures = append(r.Failures, Failure{Point: d.int(), Rep: d.int(), Seed: d.uint(), Message: string(d.bytes())})
	}
	return r, d.done()
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
