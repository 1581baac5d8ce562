package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// Magic opens every journal file; the format version byte follows it.
const Magic = "NSJOURNAL"

// Version is the format version this package writes and reads. Version 2
// (netsweep 0.2) records each chunk by its point's key, a hash of the
// point's settings, where version 1 recorded the point's position in the
// grid; their seeds differ, so a version 1 journal is not read.
const Version = 2

// MaxKeyLen bounds a chunk's point key.
const MaxKeyLen = 256

// Record types (the byte after a frame's length).
const (
	typeHeader byte = 1
	typeChunk  byte = 2
)

const (
	prefixLen     = len(Magic) + 1 // magic, version byte
	frameOverhead = 4 + 1 + 4      // length, type, CRC-32C
	// MaxRecordSize bounds a record's payload. A length field above it is
	// damage, not a record; Append refuses chunks that would exceed it.
	MaxRecordSize = 256 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header is a journal's first record: which campaign it belongs to.
type Header struct {
	// SpecSHA256 identifies the campaign (hex SHA-256 of its spec); a
	// journal is only resumed by the campaign whose spec hashes the same.
	SpecSHA256 string
	// Meta is opaque to this package (JSON: netsweep version, seed,
	// points, repetitions).
	Meta []byte
}

// Failure is one repetition of a chunk that failed.
type Failure struct {
	Rep     int    // repetition index, in [Start, End) of its chunk
	Seed    uint64 // the repetition's seed, to rerun it alone
	Message string // what went wrong
}

// Chunk is one completed chunk: repetitions [Start, End) of the point
// whose key is Key.
type Chunk struct {
	// Key identifies the point by its settings (the spec package's point
	// key), not by its place in a grid, so a campaign whose spec gained,
	// lost or reordered points still finds its finished repetitions.
	Key        string
	Start, End int
	// Summary is opaque to this package (the reduce package's sparse
	// encoding of the chunk's summary).
	Summary  []byte
	Failures []Failure
}

// validate reports whether c can be written and read back.
func (c *Chunk) validate() error {
	switch {
	case c.Key == "" || len(c.Key) > MaxKeyLen:
		return fmt.Errorf("journal: bad chunk: point key %q: need 1 to %d bytes", c.Key, MaxKeyLen)
	case c.Start < 0 || c.End <= c.Start:
		return fmt.Errorf("journal: bad chunk: repetitions [%d,%d) of point %.12s: need 0 <= start < end", c.Start, c.End, c.Key)
	}
	for _, f := range c.Failures {
		if f.Rep < c.Start || f.Rep >= c.End {
			return fmt.Errorf("journal: bad chunk: failure rep=%d outside the chunk's repetitions [%d,%d) of point %.12s", f.Rep, c.Start, c.End, c.Key)
		}
	}
	return nil
}

// appendFrame appends a framed record of type typ to dst; payload is
// built by fill, which appends to the slice it is given.
func appendFrame(dst []byte, typ byte, fill func([]byte) []byte) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, typ)
	dst = fill(dst)
	n := len(dst) - start - 5
	binary.LittleEndian.PutUint32(dst[start:], uint32(n))
	crc := crc32.Checksum(dst[start+4:], castagnoli)
	return binary.LittleEndian.AppendUint32(dst, crc)
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// appendPrefix appends the file prefix and the header record.
func appendPrefix(dst []byte, h Header) []byte {
	dst = append(dst, Magic...)
	dst = append(dst, Version)
	return appendFrame(dst, typeHeader, func(b []byte) []byte {
		b = appendBytes(b, []byte(h.SpecSHA256))
		return appendBytes(b, h.Meta)
	})
}

// appendChunk appends c's framed record to dst.
func appendChunk(dst []byte, c *Chunk) []byte {
	return appendFrame(dst, typeChunk, func(b []byte) []byte {
		b = appendBytes(b, []byte(c.Key))
		b = binary.AppendUvarint(b, uint64(c.Start))
		b = binary.AppendUvarint(b, uint64(c.End))
		b = appendBytes(b, c.Summary)
		b = binary.AppendUvarint(b, uint64(len(c.Failures)))
		for _, f := range c.Failures {
			b = binary.AppendUvarint(b, uint64(f.Rep))
			b = binary.LittleEndian.AppendUint64(b, f.Seed)
			b = appendBytes(b, []byte(f.Message))
		}
		return b
	})
}

// frame is one record as found in a file.
type frame struct {
	typ     byte
	payload []byte
	next    int // offset just past the frame
}

// readFrame reads the frame at data[off:]. A non-empty reason says why
// there is no intact frame there.
func readFrame(data []byte, off int) (fr frame, reason string) {
	rest := len(data) - off
	if rest < 5 {
		return fr, fmt.Sprintf("truncated frame header (%d of 5 bytes)", rest)
	}
	n := int64(binary.LittleEndian.Uint32(data[off:]))
	if n > MaxRecordSize {
		return fr, fmt.Sprintf("bad length %d (limit %d)", n, MaxRecordSize)
	}
	end := int64(off) + frameOverhead + n
	if end > int64(len(data)) {
		return fr, fmt.Sprintf("truncated record (%d of %d bytes)", rest, end-int64(off))
	}
	body := data[off+4 : int(end)-4]
	want := binary.LittleEndian.Uint32(data[int(end)-4:])
	if got := crc32.Checksum(body, castagnoli); got != want {
		return fr, fmt.Sprintf("CRC mismatch (stored %08x, computed %08x)", want, got)
	}
	return frame{typ: body[0], payload: body[1:], next: int(end)}, ""
}

// decoder reads the fields of one payload.
type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("payload ends inside a field")

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		if n < 0 {
			d.err = errors.New("varint overflows 64 bits")
		}
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v := d.uvarint()
	if v > math.MaxInt {
		if d.err == nil {
			d.err = fmt.Errorf("value %d overflows int", v)
		}
		return 0
	}
	return int(v)
}

func (d *decoder) u64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.err = errShort
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

// bytes returns the next length-prefixed field, aliasing the payload.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d unexpected bytes after the last field", len(d.b))
	}
	return d.err
}

func decodeHeader(p []byte) (Header, error) {
	d := decoder{b: p}
	h := Header{SpecSHA256: string(d.bytes())}
	if m := d.bytes(); len(m) > 0 {
		h.Meta = m
	}
	return h, d.done()
}

// decodeChunk decodes a chunk payload; Summary aliases p.
func decodeChunk(p []byte) (Chunk, error) {
	d := decoder{b: p}
	c := Chunk{Key: string(d.bytes())}
	c.Start, c.End = d.int(), d.int()
	if s := d.bytes(); len(s) > 0 {
		c.Summary = s
	}
	nf := d.uvarint()
	// Each failure takes at least 10 bytes: bounds the allocation below
	// by the payload, whatever the count says.
	if d.err == nil && nf > uint64(len(d.b))/10 {
		return c, fmt.Errorf("failure count %d exceeds the payload", nf)
	}
	if nf > 0 && d.err == nil {
		c.Failures = make([]Failure, nf)
		for i := range c.Failures {
			c.Failures[i] = Failure{Rep: d.int(), Seed: d.u64(), Message: string(d.bytes())}
		}
	}
	if err := d.done(); err != nil {
		return c, err
	}
	return c, c.validate()
}
