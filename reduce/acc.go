package reduce

import (
	"math"
	"math/big"
	"math/bits"
)

// The exact accumulators are fixed-point integers held in little-endian
// int64 limbs of 32 payload bits each: a run of limbs l[0..K) stands for
// Σ l[k]·2^(32k) units, the unit being 2^-1074 for Σx and 2^-2148 for Σx².
//
// A limb may hold any int64 while values are being added; the value is then
// still Σ l[k]·2^(32k). The normalised (canonical) form is sign-magnitude:
// every limb but the top one is in (−2^32, 2^32) and all non-zero limbs have
// the sign of the sum. It is unique, so equal sums encode to equal bytes, and
// small negative sums stay as sparse as positive ones. Adding one value changes at most five
// limbs by less than 2^32 each, so ~2^30 additions (or elementwise sums of
// normalised limbs, as MPI_SUM does) fit in an int64 before a normalisation.
const (
	limbBits = 32
	limbMask = 1<<limbBits - 1

	// sumLimbs covers Σx: bit 0 is 2^-1074, a single finite value is below
	// 2^1024 (bit 2098) and n < 2^63 values below 2^1087 (bit 2161); 68
	// limbs hold 2176 bits, so the top limb stays below 2^17 in magnitude.
	sumLimbs = 68
	// sqLimbs covers Σx²: bit 0 is 2^-2148 (the square of 2^-1074), a
	// square is below 2^2048 (bit 4196) and n < 2^63 squares below 2^2111
	// (bit 4259); 134 limbs hold 4288 bits.
	sqLimbs = 134
	// cubeLimbs covers Σx³: bit 0 is 2^-3222, a cube is below 2^3072 (bit
	// 6294) and n < 2^63 cubes below bit 6357; 199 limbs hold 6368 bits.
	cubeLimbs = 199
	// quartLimbs covers Σx⁴: bit 0 is 2^-4296, a fourth power is below
	// 2^4096 (bit 8392) and n < 2^63 of them below bit 8455; 265 limbs hold
	// 8480 bits.
	quartLimbs = 265

	// maxPending bounds the additions between normalisations: each adds
	// less than 2^32 to a limb, so limbs stay below (maxPending+1)·2^32 <
	// 2^63 in magnitude.
	maxPending = 1 << 30

	// topLimit bounds the top limb of a normalised accumulator read from
	// outside (a message or a reduction); true sums stay far below it.
	topLimit = 1 << 31
)

// decompose splits a finite non-zero |x| into m·2^(p-1074) with m < 2^53
// and p in [0, 2045], the bit position of m's lowest bit in Σx units.
func decompose(x float64) (m uint64, p uint, neg bool) {
	b := math.Float64bits(x)
	neg = b>>63 != 0
	e := uint(b>>52) & 0x7ff
	m = b & (1<<52 - 1)
	if e == 0 { // subnormal: m·2^-1074
		return m, 0, neg
	}
	return m | 1<<52, e - 1, neg
}

// addValue adds x to the Σx limbs s and x² to the Σx² limbs q. x must be
// finite. It changes at most 3 limbs of s and 5 of q.
func addValue(s, q []int64, x float64) {
	if x == 0 {
		return
	}
	m, p, neg := decompose(x)

	// Σx: m<<(p%32) spans at most 53+31 = 84 bits: three limbs.
	j, sh := p/limbBits, p%limbBits
	lo := m << sh
	hi := m >> (64 - sh) // 0 when sh == 0
	c0, c1, c2 := int64(lo&limbMask), int64(lo>>32), int64(hi)
	s = s[j : j+3 : j+3]
	if neg {
		s[0] -= c0
		s[1] -= c1
		s[2] -= c2
	} else {
		s[0] += c0
		s[1] += c1
		s[2] += c2
	}

	// Σx²: m² < 2^106 at bit 2p, shifted by (2p)%32 spans at most 137 bits:
	// five limbs.
	h, l := bits.Mul64(m, m)
	p2 := 2 * p
	j, sh = p2/limbBits, p2%limbBits
	l2 := l << sh
	h2 := h<<sh | l>>(64-sh)
	t := h >> (64 - sh)
	q = q[j : j+5 : j+5]
	q[0] += int64(l2 & limbMask)
	q[1] += int64(l2 >> 32)
	q[2] += int64(h2 & limbMask)
	q[3] += int64(h2 >> 32)
	q[4] += int64(t)
}

// addHigher adds x³ to the Σx³ limbs c and x⁴ to the Σx⁴ limbs f. x must be
// finite. It changes at most 8 limbs of c and 10 of f, each by less than
// 2^32.
func addHigher(c, f []int64, x float64) {
	if x == 0 {
		return
	}
	m, p, neg := decompose(x)
	h, l := bits.Mul64(m, m) // m² < 2^106
	// m³ = m²·m < 2^159 in three words.
	a1, a0 := bits.Mul64(l, m)
	b1, b0 := bits.Mul64(h, m)
	w1, cy := bits.Add64(a1, b0, 0)
	addWords(c, [4]uint64{a0, w1, b1 + cy}, 3, 3*p, neg)
	// m⁴ = l² + 2lh·2^64 + h²·2^128 < 2^212 in four words.
	c1, c0 := bits.Mul64(l, l)
	d1, d0 := bits.Mul64(l, h) // < 2^106
	t1, t0 := d1<<1|d0>>63, d0<<1
	e1, e0 := bits.Mul64(h, h)
	v1, cy := bits.Add64(c1, t0, 0)
	v2, cy := bits.Add64(e0, t1, cy)
	addWords(f, [4]uint64{c0, v1, v2, e1 + cy}, 4, 4*p, false)
}

// addWords adds (or subtracts, neg) the little-endian words w[:nw] shifted
// to bit pos of the limbs l: 2(nw+1) limbs from pos/32, each by less than
// 2^32.
func addWords(l []int64, w [4]uint64, nw int, pos uint, neg bool) {
	j, sh := pos/limbBits, pos%limbBits
	var prev uint64
	l = l[j:]
	for t := 0; t <= nw; t++ {
		var cur uint64
		if t < nw {
			cur = w[t]
		}
		v := cur<<sh | prev>>(64-sh) // prev>>64 is 0 when sh is 0
		prev = cur
		for q, part := range [2]int64{int64(v & limbMask), int64(v >> 32)} {
			i := 2*t + q
			switch {
			case i >= len(l):
				// Beyond the top limb there are only zeros, by the bounds
				// of cubeLimbs and quartLimbs.
				if part != 0 {
					panic("reduce: higher sum out of range")
				}
			case neg:
				l[i] -= part
			default:
				l[i] += part
			}
		}
	}
}

// normalize writes the canonical form of the limbs src to dst (which may be
// src itself). It never overflows for any int64 inputs below the top limb:
// see carry.
func normalize(dst, src []int64) {
	carry(dst, src)
	top := len(dst) - 1
	if dst[top] >= 0 {
		return
	}
	// Negative: normalise the magnitude, then give every limb the sign.
	for k := range dst {
		dst[k] = -dst[k]
	}
	carry(dst, dst)
	for k := range dst {
		dst[k] = -dst[k]
	}
}

// carry writes to dst (which may be src) the limbs of the same value with
// every limb but the top one in [0, 2^32), so the top limb has the sum's sign.
// Each limb is split into its low 32 bits and its signed high part before the
// high part is carried, so a step adds three terms of at most 2^32 in
// magnitude and cannot overflow.
func carry(dst, src []int64) {
	var hiPrev, c int64
	top := len(src) - 1
	for k := 0; k < top; k++ {
		v := src[k]
		w := v&limbMask + hiPrev + c
		hiPrev = v >> limbBits
		dst[k] = w & limbMask
		c = w >> limbBits
	}
	dst[top] = src[top] + hiPrev + c
}

// toBig returns the value of the normalised limbs l as an integer.
func toBig(l []int64) *big.Int {
	top := len(l) - 1
	neg := false
	for _, v := range l {
		if v != 0 {
			neg = v < 0
		}
	}
	buf := make([]byte, 4*top)
	for k := 0; k < top; k++ {
		i := len(buf) - 4*(k+1)
		v := uint32(l[k])
		if neg {
			v = uint32(-l[k])
		}
		buf[i], buf[i+1], buf[i+2], buf[i+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	z := new(big.Int).SetBytes(buf)
	if neg {
		z.Neg(z)
	}
	if l[top] != 0 {
		t := big.NewInt(l[top])
		z.Add(z, t.Lsh(t, uint(limbBits*top)))
	}
	return z
}
