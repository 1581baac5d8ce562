package mpirun

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// RawValues is a chunk's raw values (RawJob), encoded metric by metric
// so that the discrete metrics that most campaigns keep (final sizes of
// finite networks, 0/1 flags) take a few bits a value rather than 8
// bytes: they travel to rank 0, and rank 0 journals and keeps them, in
// this form. AppendRawValues encodes, Decode decodes.
//
// The encoding: uvarint repetitions, uvarint metrics, then each metric's
// values in repetition order as one block, a mode byte first:
//
//	0 (plain)      8 bytes a value, the float64's bits little-endian
//	1 (dictionary) uvarint distinct values d (1 to 256), each 8 bytes as
//	               above in order of first use, then each value's index
//	               in w = 0, 1, 2, 4 or 8 bits (the least w with 2^w >= d),
//	               packed from each byte's least significant bit on
//
// A failed repetition's values are NaN, as any other value.
type RawValues []byte

// Modes of a metric's block.
const (
	rawPlain = 0
	rawDict  = 1
)

// rawDictMax is the most distinct values a dictionary block holds.
const rawDictMax = 256

// RawEncoder's hash table has rawSlots slots: 4 times rawDictMax, so
// that few look-ups collide.
const (
	rawSlotBits = 10
	rawSlots    = 1 << rawSlotBits
)

// errRawValues reports RawValues that do not decode.
var errRawValues = errors.New("mpirun: bad raw values")

// RawEncoder encodes RawValues, reusing its scratch space from call to
// call. Its zero value is ready to use.
type RawEncoder struct {
	slots [rawSlots]rawSlot // open addressing
	gen   uint16            // the current look-ups' slots are of this generation
	dict  [rawDictMax]uint64
	idx   []uint8
}

// rawSlot is a slot of RawEncoder's table: a value's bits and its index
// into the dictionary, empty unless gen is the encoder's (so that a new
// metric's look-ups start without clearing the table).
type rawSlot struct {
	bits     uint64
	idx, gen uint16
}

// Append appends to b the encoding of values, which hold reps
// repetitions' values of metrics metrics each, repetition after
// repetition.
func (e *RawEncoder) Append(b []byte, reps, metrics int, values []float64) RawValues {
	if len(values) != reps*metrics {
		panic("mpirun: RawEncoder.Append: len(values) != reps*metrics")
	}
	return e.AppendStrided(b, reps, metrics, metrics, values)
}

// AppendStrided is Append for values whose repetitions lie stride values
// apart: metric j of repetition r is values[r*stride+j].
func (e *RawEncoder) AppendStrided(b []byte, reps, metrics, stride int, values []float64) RawValues {
	if reps > 0 && (stride < metrics || len(values) < (reps-1)*stride+metrics) {
		panic("mpirun: RawEncoder.AppendStrided: values too short for reps and stride")
	}
	b = binary.AppendUvarint(b, uint64(reps))
	b = binary.AppendUvarint(b, uint64(metrics))
	if cap(e.idx) < reps {
		e.idx = make([]uint8, reps)
	}
	idx := e.idx[:reps]
	for j := range metrics {
		d, ok := e.index(values, stride, j, idx)
		if !ok || d == 0 {
			b = append(b, rawPlain)
			for r := range reps {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(values[r*stride+j]))
			}
			continue
		}
		b = append(b, rawDict)
		b = binary.AppendUvarint(b, uint64(d))
		for _, v := range e.dict[:d] {
			b = binary.LittleEndian.AppendUint64(b, v)
		}
		b = appendPacked(b, idx, rawWidth(d))
	}
	return b
}

// index writes to idx the dictionary index of metric j's value in each
// repetition (values[r*stride+j]), building e.dict, and returns the number of distinct values,
// or false if there are more than rawDictMax.
func (e *RawEncoder) index(values []float64, stride, j int, idx []uint8) (int, bool) {
	if e.gen++; e.gen == 0 {
		clear(e.slots[:])
		e.gen = 1
	}
	gen, d := e.gen, 0
	for r := range idx {
		v := math.Float64bits(values[r*stride+j])
		h := (v * 0x9e3779b97f4a7c15) >> (64 - rawSlotBits)
		s := &e.slots[h]
		for s.bits != v || s.gen != gen {
			if s.gen != gen {
				if d == rawDictMax {
					return 0, false
				}
				e.dict[d] = v
				*s = rawSlot{bits: v, idx: uint16(d), gen: gen}
				d++
				break
			}
			h = (h + 1) & (rawSlots - 1)
			s = &e.slots[h]
		}
		idx[r] = uint8(s.idx)
	}
	return d, true
}

// rawWidth returns the bits an index into a dictionary of d values takes:
// 0, 1, 2, 4 or 8.
func rawWidth(d int) int {
	w := bits.Len(uint(d - 1))
	if w > 2 {
		w = 4 << (w / 5) // 3 and 4 bits: 4; 5 to 8: 8
	}
	return w
}

// appendPacked appends idx packed in w bits each, from each byte's least
// significant bit on.
func appendPacked(b []byte, idx []uint8, w int) []byte {
	switch w {
	case 0:
		return b
	case 8:
		return append(b, idx...)
	}
	per := 8 / w // indices a byte
	full := len(idx) / per
	at := len(b)
	b = slices.Grow(b, full+1)[:at+full]
	out := b[at:]
	// A byte's indices at once, for each width.
	switch w {
	case 1:
		for i := range out {
			v := idx[8*i : 8*i+8 : 8*i+8]
			out[i] = v[0] | v[1]<<1 | v[2]<<2 | v[3]<<3 | v[4]<<4 | v[5]<<5 | v[6]<<6 | v[7]<<7
		}
	case 2:
		for i := range out {
			v := idx[4*i : 4*i+4 : 4*i+4]
			out[i] = v[0] | v[1]<<2 | v[2]<<4 | v[3]<<6
		}
	case 4:
		for i := range out {
			v := idx[2*i : 2*i+2 : 2*i+2]
			out[i] = v[0] | v[1]<<4
		}
	}
	if rest := idx[full*per:]; len(rest) > 0 {
		var x uint8
		for k, v := range rest {
			x |= v << (k * w)
		}
		b = append(b, x)
	}
	return b
}

// unpack writes to dst the len(dst) indices that packed holds in w bits
// each (appendPacked); w = 0 leaves dst alone (all zero).
func unpack(dst []uint8, packed []byte, w int) {
	switch w {
	case 0:
		return
	case 8:
		copy(dst, packed)
		return
	}
	per := 8 / w
	full := len(dst) / per
	switch w {
	case 1:
		for i, x := range packed[:full] {
			v := dst[8*i : 8*i+8 : 8*i+8]
			v[0], v[1], v[2], v[3] = x&1, x>>1&1, x>>2&1, x>>3&1
			v[4], v[5], v[6], v[7] = x>>4&1, x>>5&1, x>>6&1, x>>7
		}
	case 2:
		for i, x := range packed[:full] {
			v := dst[4*i : 4*i+4 : 4*i+4]
			v[0], v[1], v[2], v[3] = x&3, x>>2&3, x>>4&3, x>>6
		}
	case 4:
		for i, x := range packed[:full] {
			v := dst[2*i : 2*i+2 : 2*i+2]
			v[0], v[1] = x&15, x>>4
		}
	}
	if full*per < len(dst) {
		x, mask := packed[full], uint8(1)<<w-1
		for k := range dst[full*per:] {
			dst[full*per+k] = x >> (k * w) & mask
		}
	}
}

// Shape returns the repetitions and metrics that v holds, having checked
// its structure (Decode checks the rest).
func (v RawValues) Shape() (reps, metrics int, err error) {
	return v.walk(nil)
}

// Decode appends v's values to dst, repetition after repetition, and
// returns it with the number of metrics a repetition.
func (v RawValues) Decode(dst []float64) ([]float64, int, error) {
	at := len(dst)
	reps, metrics, err := v.Shape()
	if err != nil {
		return dst, 0, err
	}
	dst = append(dst, make([]float64, reps*metrics)...)
	_, _, err = v.walk(func(j int, blk rawBlock) error {
		return blk.decode(reps, dst[at+j:], metrics)
	})
	if err != nil {
		return dst[:at], 0, err
	}
	return dst, metrics, nil
}

// DecodeMetric appends to dst the values of metric j (counted from 0) of
// every repetition of v.
func (v RawValues) DecodeMetric(j int, dst []float64) ([]float64, error) {
	at := len(dst)
	reps, metrics, err := v.Shape()
	if err != nil {
		return dst, err
	}
	if j < 0 || j >= metrics {
		return dst, fmt.Errorf("mpirun: metric %d of raw values of %d", j, metrics)
	}
	dst = append(dst, make([]float64, reps)...)
	_, _, err = v.walk(func(k int, blk rawBlock) error {
		if k != j {
			return nil
		}
		return blk.decode(reps, dst[at:], 1)
	})
	if err != nil {
		return dst[:at], err
	}
	return dst, nil
}

// DecodeMetricDict appends to dict and index the dictionary of metric j
// (counted from 0) and each repetition's index into it, where v keeps the
// metric as a dictionary (at most 256 distinct values); where it keeps it
// as plain values, ok is false and nothing is appended (DecodeMetric
// decodes them).
func (v RawValues) DecodeMetricDict(j int, dict []float64, index []uint8) (_ []float64, _ []uint8, ok bool, err error) {
	reps, metrics, err := v.Shape()
	if err != nil {
		return dict, index, false, err
	}
	if j < 0 || j >= metrics {
		return dict, index, false, fmt.Errorf("mpirun: metric %d of raw values of %d", j, metrics)
	}
	_, _, err = v.walk(func(k int, blk rawBlock) error {
		if k != j || blk.plain != nil {
			return nil
		}
		d := len(blk.dict) / 8
		at := len(index)
		index = append(index, make([]uint8, reps)...)
		unpack(index[at:], blk.packed, blk.w)
		// Where w bits could index past the dictionary.
		if reps > 0 && d < 1<<blk.w && int(slices.Max(index[at:])) >= d {
			return errRawValues
		}
		for i := range d {
			dict = append(dict, math.Float64frombits(binary.LittleEndian.Uint64(blk.dict[8*i:])))
		}
		ok = true
		return nil
	})
	return dict, index, ok, err
}

// decode writes the block's reps values to out[0], out[stride], ...
func (blk rawBlock) decode(reps int, out []float64, stride int) error {
	if blk.plain != nil {
		for r := range reps {
			out[r*stride] = math.Float64frombits(binary.LittleEndian.Uint64(blk.plain[8*r:]))
		}
		return nil
	}
	// The indices, unpacked 256 at a time (a whole number of bytes of
	// any width).
	d := len(blk.dict) / 8
	var idx [256]uint8
	for r := 0; r < reps; r += len(idx) {
		n := min(len(idx), reps-r)
		unpack(idx[:n], blk.packed[r*blk.w/8:], blk.w)
		for i, k := range idx[:n] {
			if int(k) >= d {
				return errRawValues
			}
			out[(r+i)*stride] = math.Float64frombits(binary.LittleEndian.Uint64(blk.dict[8*int(k):]))
		}
	}
	return nil
}

// rawBlock is one metric's block: its plain values, or its dictionary,
// index width and packed indices.
type rawBlock struct {
	plain, dict []byte
	w           int
	packed      []byte
}

// walk checks v's structure and calls block, if not nil, for each
// metric's block, stopping at its first error.
func (v RawValues) walk(block func(j int, blk rawBlock) error) (reps, metrics int, err error) {
	b := []byte(v)
	next := func() (int, bool) {
		x, k := binary.Uvarint(b)
		if k <= 0 || x > 1<<40 {
			return 0, false
		}
		b = b[k:]
		return int(x), true
	}
	reps, ok1 := next()
	metrics, ok2 := next()
	if !ok1 || !ok2 || metrics > len(b) {
		return 0, 0, errRawValues
	}
	for j := range metrics {
		if len(b) == 0 {
			return 0, 0, errRawValues
		}
		var blk rawBlock
		mode := b[0]
		b = b[1:]
		switch mode {
		case rawPlain:
			if reps > len(b)/8 {
				return 0, 0, errRawValues
			}
			blk.plain, b = b[:8*reps], b[8*reps:]
		case rawDict:
			d, ok := next()
			if !ok || d < 1 || d > rawDictMax || d > len(b)/8 {
				return 0, 0, errRawValues
			}
			blk.dict, b = b[:8*d], b[8*d:]
			blk.w = rawWidth(d)
			n := (reps*blk.w + 7) / 8
			if n > len(b) {
				return 0, 0, errRawValues
			}
			blk.packed, b = b[:n], b[n:]
		default:
			return 0, 0, errRawValues
		}
		if block != nil {
			if err := block(j, blk); err != nil {
				return 0, 0, err
			}
		}
	}
	if len(b) != 0 {
		return 0, 0, errRawValues
	}
	return reps, metrics, nil
}
