package reduce

import (
	"math"
	"math/big"

	"gonum.org/v1/gonum/stat/distuv"
)

// Stats returns the statistics of metric i, computed from the exact sums and
// rounded once each (see Stats). Equal summaries give bit-identical Stats.
func (s *Summary) Stats(i int) Stats {
	nan := math.NaN()
	n := s.ints[offN]
	st := Stats{N: n, Mean: nan, Std: nan, SEM: nan, Min: nan, Max: nan,
		CI95Lo: nan, CI95Hi: nan, Q05: nan, Q50: nan, Q95: nan}
	if n <= 0 {
		return st
	}
	st.Min, st.Max = s.mins[i], s.maxs[i]
	st.Q05, st.Q50, st.Q95 = s.Quantile(i, 0.05), s.Quantile(i, 0.5), s.Quantile(i, 0.95)

	off, _ := s.sh.metric(i)
	var limbs [sqLimbs]int64
	normalize(limbs[:sumLimbs], s.ints[off:off+sumLimbs])
	sum := toBig(limbs[:sumLimbs]) // Σx in units of 2^-1074
	normalize(limbs[:], s.ints[off+sumLimbs:off+sumLimbs+sqLimbs])
	sq := toBig(limbs[:]) // Σx² in units of 2^-2148

	bn := big.NewInt(n)
	den := new(big.Int).Lsh(bn, 1074)
	st.Mean, _ = new(big.Rat).SetFrac(sum, den).Float64()
	if n == 1 {
		return st
	}
	// var = (nQ − S²)/(n(n−1)) = (n·sq − sum²) / (n(n−1)·2^2148).
	num := new(big.Int).Mul(bn, sq)
	num.Sub(num, new(big.Int).Mul(sum, sum))
	if num.Sign() < 0 { // impossible for sums of real values: corrupt input
		return st
	}
	den = new(big.Int).Mul(bn, big.NewInt(n-1))
	den.Lsh(den, 2148)
	st.Std = sqrtRat(num, den)
	st.SEM = sqrtRat(num, den.Mul(den, bn))
	half := float64(tQuantile975(n-1) * st.SEM)
	st.CI95Lo, st.CI95Hi = st.Mean-half, st.Mean+half
	return st
}

// sqrtRat returns √(num/den) correctly rounded to nearest, num ≥ 0, den > 0.
//
// It takes the integer square root of num·4^k/den with k chosen so that the
// root r has at least 56 bits, then rounds 2r+s (s = 1 when the root is
// inexact) scaled by 2^(−k−1): no rounding boundary of a float64 lies
// strictly between the true root and that sticky-bit stand-in, so the one
// rounding in Float64 is the correct one, subnormals included.
func sqrtRat(num, den *big.Int) float64 {
	if num.Sign() == 0 {
		return 0
	}
	// num/den ≥ 2^(bn−bd−1); want num·4^k/den ≥ 2^112.
	k := (113 - num.BitLen() + den.BitLen() + 1) / 2
	n, d := new(big.Int).Set(num), new(big.Int).Set(den)
	if k >= 0 {
		n.Lsh(n, uint(2*k))
	} else {
		d.Lsh(d, uint(-2*k))
	}
	q, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	r := new(big.Int).Sqrt(q)
	exact := rem.Sign() == 0 && new(big.Int).Mul(r, r).Cmp(q) == 0
	r.Lsh(r, 1)
	if !exact {
		r.SetBit(r, 0, 1)
	}
	f := new(big.Float).SetInt(r)
	f.SetMantExp(f, -k-1)
	v, _ := f.Float64()
	return v
}

// tQuantile975 returns the 0.975 quantile of Student's t distribution with
// nu degrees of freedom. Up to 1000 degrees it uses gonum's inverse
// incomplete beta function; above, where that loses digits to 1−t (10^-11
// relative at 10^5 degrees), the Cornish–Fisher expansion around the normal
// quantile (Abramowitz & Stegun 26.7.5) to the 1/ν⁴ term, whose omitted
// terms are below 10^-14 relative there.
func tQuantile975(nu int64) float64 {
	if nu <= 1000 {
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(nu)}.Quantile(0.975)
	}
	const (
		z  = 1.959963984540054 // Φ^-1(0.975)
		z3 = z * z * z
		z5 = z3 * z * z
		z7 = z5 * z * z
		z9 = z7 * z * z
		g1 = (z3 + z) / 4
		g2 = (5*z5 + 16*z3 + 3*z) / 96
		g3 = (3*z7 + 19*z5 + 17*z3 - 15*z) / 384
		g4 = (79*z9 + 776*z7 + 1482*z5 - 1920*z3 - 945*z) / 92160
	)
	x := 1 / float64(nu)
	return z + x*float64(g1+x*float64(g2+x*float64(g3+x*g4)))
}

// Quantile returns the q-quantile (0 < q < 1) of metric i estimated from its
// histogram, or NaN with no repetitions.
//
// Let c be the bin, among [Min, Lo), the Bins bins of [Lo, Hi) and
// [Hi, Max], in which the cumulative count first reaches h = q·n. The
// estimate interpolates linearly in c's count (in log space for log bins) and
// is clamped to [Min, Max]. The sample's inverse-ECDF quantile, its ⌈h⌉-th
// smallest value, lies in the same bin, so the two differ by at most the
// width of c ∩ [Min, Max] (for log bins, the ratio of its edges): the bin
// width inside the histogram range, and the whole span to Min or Max outside.
func (s *Summary) Quantile(i int, q float64) float64 {
	n := s.ints[offN]
	if n <= 0 || !(q > 0 && q < 1) {
		return math.NaN()
	}
	lo, hi := s.mins[i], s.maxs[i]
	off, bn := s.sh.metric(i)
	counts := s.ints[off+sumLimbs+sqLimbs : off+sumLimbs+sqLimbs+bn.h.Bins+2]
	h := q * float64(n)
	var cum int64
	for j, c := range counts {
		if c <= 0 || float64(cum+c) < h {
			cum += c
			continue
		}
		f := (h - float64(cum)) / float64(c)
		var v float64
		switch {
		case j == 0: // underflow: [Min, Lo)
			v = lerp(lo, min(bn.h.Lo, hi), f)
		case j == len(counts)-1: // overflow: [Hi, Max]
			v = lerp(max(bn.h.Hi, lo), hi, f)
		case bn.h.Log:
			v = math.Exp(lerp(bn.edge(j-1), bn.edge(j), f))
		default:
			v = lerp(bn.edge(j-1), bn.edge(j), f)
		}
		return min(max(v, lo), hi)
	}
	return hi // unreachable when the counts sum to n
}

// lerp returns a + f·(b−a), unfused so every platform rounds alike.
func lerp(a, b, f float64) float64 { return a + float64(f*(b-a)) }
