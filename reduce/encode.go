package reduce

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// Versions of AppendBinary's encoding: the first byte.
const (
	binaryVersion  = 1 // a layout with neither moments nor a condition
	binaryVersion2 = 2 // with Layout.Moments or Layout.Given
)

// Flags of a version 2 encoding: which extra sums it holds.
const (
	flagMoments = 1 << iota
	flagGiven
)

// AppendBinary appends the compact encoding of s to b and returns it. The
// encoding is canonical: summaries that are Equal encode to equal bytes.
//
// Format (varints as in encoding/binary; "svarint" is its zig-zag Varint):
//
//	version byte (1, or 2 where the layout has moments or a condition)
//	uvarint n, uvarint failed, uvarint k (number of metrics)
//	version 2: uvarint flags (1: moments, 2: condition; not 0);
//	    with a condition: uvarint metric index, value (8 bytes), uvarint n'
//	if n > 0, for each of the k metrics a block:
//	    min, max: 8 bytes each, little-endian IEEE 754
//	    Σx:  uvarint c, then c × (uvarint gap, svarint limb)
//	    Σx²: uvarint c, then c × (uvarint gap, uvarint limb)
//	    with moments, Σx³ as Σx and Σx⁴ as Σx²
//	    histogram: uvarint c, then c × (uvarint gap, uvarint count)
//	with a condition and n' > 0, a block for each of the k metrics over the
//	    n' repetitions that met it
//
// Sparse lists hold the non-zero entries of the normalised limbs (32 bits
// each, least significant first, all with the sign of the sum) or of the
// histogram slots (underflow, bins, overflow), by increasing index; gap is the
// first index, then the distance from the previous one. A summary that
// merged one without the moments or the condition encodes without them.
// A version 1 encoding, or one without a flag the layout wants, decodes
// into a summary that lacks those sums (Moments and GivenStats say so).
func (s *Summary) AppendBinary(b []byte) []byte {
	sh := s.sh
	n := s.ints[offN]
	var flags uint64
	if sh.moments && s.ints[sh.lackMom] == 0 {
		flags |= flagMoments
	}
	if sh.given >= 0 && s.ints[sh.lackGiv] == 0 {
		flags |= flagGiven
	}
	if flags == 0 {
		b = append(b, binaryVersion)
	} else {
		b = append(b, binaryVersion2)
	}
	b = binary.AppendUvarint(b, uint64(n))
	b = binary.AppendUvarint(b, uint64(s.ints[offFailed]))
	k := len(sh.binners)
	b = binary.AppendUvarint(b, uint64(k))
	if flags != 0 {
		b = binary.AppendUvarint(b, flags)
	}
	if flags&flagGiven != 0 {
		b = binary.AppendUvarint(b, uint64(sh.given))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(sh.value))
		b = binary.AppendUvarint(b, uint64(s.ints[sh.nGiven]))
	}
	if n == 0 {
		return b
	}
	var limbs [quartLimbs]int64
	blocks := k
	if flags&flagGiven != 0 && s.ints[sh.nGiven] > 0 {
		blocks = 2 * k
	}
	for bl := range blocks {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.mins[bl]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.maxs[bl]))
		off, bn := sh.block(bl)
		sums := sh.sums(s.ints, off)
		if flags&flagMoments == 0 {
			sums = sums[:2]
		}
		for j, acc := range sums {
			normalize(limbs[:len(acc)], acc)
			b = appendSparse(b, limbs[:len(acc)], j%2 == 0)
		}
		b = appendSparse(b, sh.hist(s.ints, off, bn), false)
	}
	return b
}

func appendSparse(b []byte, v []int64, signed bool) []byte {
	c := 0
	for _, x := range v {
		if x != 0 {
			c++
		}
	}
	b = binary.AppendUvarint(b, uint64(c))
	prev := 0
	for j, x := range v {
		if x == 0 {
			continue
		}
		b = binary.AppendUvarint(b, uint64(j-prev))
		prev = j
		if signed {
			b = binary.AppendVarint(b, x)
		} else {
			b = binary.AppendUvarint(b, uint64(x))
		}
	}
	return b
}

// errCorrupt is wrapped by every decoding error.
var errCorrupt = errors.New("reduce: corrupt summary encoding")

// decoder reads AppendBinary's format, accepting only its canonical form.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, a ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{errCorrupt}, a...)...)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Uvarint(d.b)
	if k <= 0 || k != uvarintLen(v) {
		d.fail("bad varint for %s", what)
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Varint(d.b)
	if k <= 0 || k != uvarintLen(uint64(v<<1)^uint64(v>>63)) {
		d.fail("bad varint for %s", what)
		return 0
	}
	d.b = d.b[k:]
	return v
}

// uvarintLen returns the length of the minimal uvarint encoding of v.
func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// count reads a non-negative int64.
func (d *decoder) count(what string) int64 {
	v := d.uvarint(what)
	if v > math.MaxInt64 {
		d.fail("%s=%d out of range", what, v)
		return 0
	}
	return int64(v)
}

func (d *decoder) float(what string) float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.fail("truncated %s", what)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

// Kinds of sparse lists, for validation.
const (
	listSum   = iota // normalised limbs of one sign
	listSq           // normalised non-negative limbs
	listCount        // non-negative counts summing to at most a limit
)

// sparse reads a sparse list of the given kind into dst, which must be zero,
// validating its canonical form; it returns the sum of a listCount list,
// which may not exceed limit.
func (d *decoder) sparse(dst []int64, kind int, limit int64, what string) (total int64) {
	c := d.uvarint(what)
	if c > uint64(len(dst)) {
		d.fail("%s: %d entries for %d slots", what, c, len(dst))
		return 0
	}
	j, top := 0, len(dst)-1
	var sign int64 // of the first limb
	for e := uint64(0); e < c && d.err == nil; e++ {
		gap := d.uvarint(what)
		if gap >= uint64(len(dst)) || (e > 0 && (gap == 0 || gap >= uint64(len(dst)-j))) {
			d.fail("%s: bad index gap %d", what, gap)
			return 0
		}
		j += int(gap)
		var v int64
		if kind == listSum {
			v = d.varint(what)
		} else {
			v = d.count(what)
		}
		if d.err != nil {
			return 0
		}
		switch {
		case v == 0:
			d.fail("%s: explicit zero at %d", what, j)
		case kind == listCount:
			if v > limit-total {
				d.fail("%s: counts exceed n=%d", what, limit)
			}
			total += v
		case j < top && (v > limbMask || v < -limbMask), j == top && (v >= topLimit || v <= -topLimit):
			d.fail("%s: limb %d at %d out of range", what, v, j)
		case e == 0:
			sign = v >> 63
		case v>>63 != sign:
			d.fail("%s: limbs of mixed signs", what)
		}
		dst[j] = v
	}
	return total
}

// UnmarshalBinary replaces s's contents with the summary encoded in b by
// AppendBinary. s must have been made for the same layout. Corrupt or
// non-canonical input is an error, after which s is empty.
func (s *Summary) UnmarshalBinary(b []byte) error {
	s.Reset()
	if err := s.unmarshal(b); err != nil {
		s.Reset()
		return err
	}
	return nil
}

func (s *Summary) unmarshal(b []byte) error {
	if len(b) == 0 || b[0] != binaryVersion && b[0] != binaryVersion2 {
		return fmt.Errorf("%w: want version %d or %d", errCorrupt, binaryVersion, binaryVersion2)
	}
	sh := s.sh
	d := &decoder{b: b[1:]}
	n := d.count("n")
	failed := d.count("failed")
	k := d.uvarint("metrics")
	if d.err == nil && k != uint64(len(sh.binners)) {
		d.fail("%d metrics, layout has %d", k, len(sh.binners))
	}
	var flags uint64
	if b[0] == binaryVersion2 {
		flags = d.uvarint("flags")
		if d.err == nil && (flags == 0 || flags&^(flagMoments|flagGiven) != 0) {
			d.fail("flags %d", flags)
		}
	}
	var cond int = -1
	var value float64
	var nGiven int64
	if flags&flagGiven != 0 {
		c := d.uvarint("condition metric")
		value = d.float("condition value")
		nGiven = d.count("n given")
		switch {
		case d.err != nil:
		case c >= k:
			d.fail("condition on metric %d of %d", c, k)
		case math.IsNaN(value) || math.IsInf(value, 0):
			d.fail("condition value %v", value)
		case nGiven > n:
			d.fail("n given %d above n=%d", nGiven, n)
		}
		cond = int(c)
	}
	if d.err != nil {
		return d.err
	}
	s.ints[offN], s.ints[offFailed] = n, failed
	moments := flags&flagMoments != 0
	// The record's condition is the layout's: its blocks are kept.
	same := cond >= 0 && cond == sh.given && math.Float64bits(value) == math.Float64bits(sh.value)
	if n > 0 {
		if sh.moments && !moments {
			s.ints[sh.lackMom] = 1
		}
		if sh.given >= 0 && !same {
			s.ints[sh.lackGiv] = 1
		}
	}
	if same {
		s.ints[sh.nGiven] = nGiven
	}
	if n == 0 {
		if nGiven != 0 {
			return fmt.Errorf("%w: n given %d with no repetitions", errCorrupt, nGiven)
		}
	} else {
		groups := []int64{n}
		if cond >= 0 && nGiven > 0 {
			groups = append(groups, nGiven)
		}
		for g, gn := range groups {
			keep := g == 0 || same
			for i := range sh.binners {
				if err := s.readBlock(d, g*len(sh.binners)+i, gn, moments, keep); err != nil {
					return err
				}
			}
		}
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	s.forget()
	s.pending = 1
	return nil
}

// readBlock reads block b, of n repetitions, holding the higher sums if
// moments; into s if keep, else into scratch space to be dropped.
func (s *Summary) readBlock(d *decoder, b int, n int64, moments, keep bool) error {
	sh := s.sh
	i := b % len(sh.binners)
	name := sh.layout.Metrics[i]
	bn := &sh.binners[i]
	var sum, sq, cube, quart, hist []int64
	if keep {
		off, _ := sh.block(b)
		acc := sh.sums(s.ints, off)
		sum, sq = acc[0], acc[1]
		if sh.moments {
			cube, quart = acc[2], acc[3]
		}
		hist = sh.hist(s.ints, off, bn)
	} else {
		sum, sq, hist = make([]int64, sumLimbs), make([]int64, sqLimbs), make([]int64, bn.h.Bins+2)
	}
	if moments && cube == nil {
		cube, quart = make([]int64, cubeLimbs), make([]int64, quartLimbs)
	}
	lo, hi := d.float("min"), d.float("max")
	d.sparse(sum, listSum, 0, "sum")
	d.sparse(sq, listSq, 0, "sumsq")
	if moments {
		d.sparse(cube, listSum, 0, "sumcube")
		d.sparse(quart, listSq, 0, "sumquart")
	}
	total := d.sparse(hist, listCount, n, "hist")
	if d.err != nil {
		return d.err
	}
	if total != n {
		return fmt.Errorf("%w: %s: histogram counts %d for n=%d", errCorrupt, name, total, n)
	}
	if err := checkExtremes(n, lo, hi); err != nil {
		return fmt.Errorf("%w: %s: %w", errCorrupt, name, err)
	}
	if keep {
		s.mins[b], s.maxs[b] = lo, hi
	}
	return nil
}

// checkExtremes validates a metric's min and max for n repetitions.
func checkExtremes(n int64, lo, hi float64) error {
	if n == 0 {
		if lo != math.Inf(1) || hi != math.Inf(-1) {
			return fmt.Errorf("min=%v max=%v with no repetitions", lo, hi)
		}
		return nil
	}
	if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) ||
		math.Signbit(lo) && lo == 0 || math.Signbit(hi) && hi == 0 {
		return fmt.Errorf("min=%v max=%v", lo, hi)
	}
	return nil
}

// check normalises the accumulators of s, as set from a flat reduction,
// and validates its contents.
func (s *Summary) check() error {
	sh := s.sh
	n := s.ints[offN]
	if n < 0 || s.ints[offFailed] < 0 {
		return fmt.Errorf("%w: negative count: n=%d failed=%d", errCorrupt, n, s.ints[offFailed])
	}
	for _, off := range []int{sh.lackMom, sh.lackGiv} {
		if off >= 0 && s.ints[off] < 0 {
			return fmt.Errorf("%w: negative count", errCorrupt)
		}
	}
	s.forget()
	k := len(sh.binners)
	groups := 1
	if sh.given >= 0 && s.ints[sh.lackGiv] == 0 {
		groups = 2
		if g := s.ints[sh.nGiven]; g < 0 || g > n {
			return fmt.Errorf("%w: n given %d for n=%d", errCorrupt, g, n)
		}
	}
	for b := range k * groups {
		gn := s.ints[sh.groupN(b/k)]
		name := sh.layout.Metrics[b%k]
		off, bn := sh.block(b)
		for j, acc := range sh.sums(s.ints, off) {
			if top := acc[len(acc)-1]; top <= -1<<62 || top >= 1<<62 {
				return fmt.Errorf("%w: %s: sum out of range", errCorrupt, name)
			}
			normalize(acc, acc)
			if top := acc[len(acc)-1]; top <= -topLimit || top >= topLimit {
				return fmt.Errorf("%w: %s: sum out of range", errCorrupt, name)
			}
			if j%2 == 1 {
				for _, l := range acc {
					if l < 0 {
						return fmt.Errorf("%w: %s: negative sum of even powers", errCorrupt, name)
					}
				}
			}
			if gn == 0 {
				for _, l := range acc {
					if l != 0 {
						return fmt.Errorf("%w: %s: non-zero sums with no repetitions", errCorrupt, name)
					}
				}
			}
		}
		var total int64
		for _, c := range sh.hist(s.ints, off, bn) {
			if c < 0 || c > gn-total {
				return fmt.Errorf("%w: %s: histogram counts exceed n=%d", errCorrupt, name, gn)
			}
			total += c
		}
		if total != gn {
			return fmt.Errorf("%w: %s: histogram counts %d for n=%d", errCorrupt, name, total, gn)
		}
		if err := checkExtremes(gn, s.mins[b], s.maxs[b]); err != nil {
			return fmt.Errorf("%w: %s: %w", errCorrupt, name, err)
		}
	}
	s.pending = 1
	return nil
}

// FlatLen returns the lengths of the slices Flat returns: ints for sums,
// floats for each of mins and maxs. They depend only on the layout and the
// number of points.
func (t *Table) FlatLen() (ints, floats int) {
	return len(t.enc) * t.sh.ints, len(t.enc) * len(t.sh.binners) * t.sh.groups
}

// Flat returns t as fixed-length slices for an MPI reduction: sums to be
// added elementwise (MPI_SUM on int64), mins to be reduced with MPI_MIN and
// maxs with MPI_MAX. SetFlat reads the reduced slices back; the result equals
// merging the tables, in any order, for up to 2^30 tables. The slices are
// dense (a summary's full size per point, ~16 kB with five metrics):
// netsweep's runtime sends chunk summaries to rank 0 as AppendBinary
// encodings instead.
//
// sums holds, point after point, a summary's ints: n, failed, then per
// metric its Σx limbs (68), Σx² limbs (134), with moments its Σx³ (199) and
// Σx⁴ (265) limbs, and its histogram (underflow, bins, overflow), the limbs
// normalised; then with moments a counter of tables that lacked them, and
// with a condition a counter of tables that lacked it, n' and a block per
// metric. mins and maxs hold point after point one value per metric (and
// per metric again with a condition).
func (t *Table) Flat() (sums []int64, mins []float64, maxs []float64) {
	ni, nf := t.FlatLen()
	sums, mins, maxs = make([]int64, ni), make([]float64, nf), make([]float64, nf)
	if err := t.FlatInto(sums, mins, maxs); err != nil {
		panic(err) // lengths are right by construction
	}
	return sums, mins, maxs
}

// FlatInto is Flat writing into caller-owned slices of the FlatLen lengths.
func (t *Table) FlatInto(sums []int64, mins, maxs []float64) error {
	ni, nf := t.FlatLen()
	if len(sums) != ni || len(mins) != nf || len(maxs) != nf {
		return fmt.Errorf("reduce: flat lengths %d, %d, %d: want %d, %d, %d", len(sums), len(mins), len(maxs), ni, nf, nf)
	}
	if t.acc == nil {
		t.acc = newSummary(t.sh)
	}
	p := t.acc
	a, k := len(p.ints), len(p.mins)
	for i := range t.enc {
		t.Read(i, p)
		p.canonical(sums[i*a : (i+1)*a])
		copy(mins[i*k:(i+1)*k], p.mins)
		copy(maxs[i*k:(i+1)*k], p.maxs)
	}
	return nil
}

// SetFlat replaces t's contents with slices in Flat's format, typically the
// elementwise reduction of several tables' Flat. Inconsistent input is an
// error, after which every point of t is empty.
func (t *Table) SetFlat(sums []int64, mins, maxs []float64) error {
	ni, nf := t.FlatLen()
	if len(sums) != ni || len(mins) != nf || len(maxs) != nf {
		t.reset()
		return fmt.Errorf("reduce: flat lengths %d, %d, %d: want %d, %d, %d", len(sums), len(mins), len(maxs), ni, nf, nf)
	}
	if t.acc == nil {
		t.acc = newSummary(t.sh)
	}
	p := t.acc
	a, k := len(p.ints), len(p.mins)
	for i := range t.enc {
		copy(p.ints, sums[i*a:(i+1)*a])
		copy(p.mins, mins[i*k:(i+1)*k])
		copy(p.maxs, maxs[i*k:(i+1)*k])
		if err := p.check(); err != nil {
			t.reset()
			return fmt.Errorf("reduce: bad flat table at point %d: %w", i, err)
		}
		t.set(i, p)
	}
	return nil
}

func (t *Table) reset() { clear(t.enc) }
