package reduce

import (
	"math"
	"math/big"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Stats returns the statistics of metric i, computed from the exact sums and
// rounded once each (see Stats). Equal summaries give bit-identical Stats.
func (s *Summary) Stats(i int) Stats { return s.stats(0, i) }

// GivenStats returns the statistics of metric i over the repetitions that
// met the layout's condition, computed like Stats, and whether they are
// known (see GivenReps).
func (s *Summary) GivenStats(i int) (Stats, bool) {
	if _, ok := s.GivenReps(); !ok {
		return s.stats(-1, i), false
	}
	return s.stats(1, i), true
}

// stats returns the Stats of metric i of group g; g < 0 gives all NaN.
func (s *Summary) stats(g, i int) Stats {
	nan := math.NaN()
	var n int64
	if g >= 0 {
		n = s.ints[s.sh.groupN(g)]
	}
	st := Stats{N: n, Mean: nan, Std: nan, SEM: nan, Min: nan, Max: nan,
		CI95Lo: nan, CI95Hi: nan, Q05: nan, Q50: nan, Q95: nan}
	if n <= 0 {
		return st
	}
	b := g*len(s.sh.binners) + i
	st.Min, st.Max = s.mins[b], s.maxs[b]
	st.Q05, st.Q50, st.Q95 = s.quantile(b, n, 0.05), s.quantile(b, n, 0.5), s.quantile(b, n, 0.95)

	sums := s.exactSums(b, 2)
	sum, sq := sums[0], sums[1] // Σx in units of 2^-1074, Σx² of 2^-2148

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

// exactSums returns the first m exact sums of block b as integers: Σx^k in
// units of 2^(−1074k).
func (s *Summary) exactSums(b, m int) []*big.Int {
	off, _ := s.sh.block(b)
	var limbs [quartLimbs]int64
	out := make([]*big.Int, m)
	for k, acc := range s.sh.sums(s.ints, off)[:m] {
		normalize(limbs[:len(acc)], acc)
		out[k] = toBig(limbs[:len(acc)])
	}
	return out
}

// Moments are the shape statistics of one metric at one point, each
// computed from the exact sums Sk = Σx^k of n values and rounded once:
//
//	Skewness = m3/m2^(3/2)      (g1, of the central moments mk of the sample)
//	Kurtosis = m4/m2² − 3       (excess kurtosis g2)
//	Binder   = 1 − ⟨x⁴⟩/(3⟨x²⟩²) = 1 − n·S4/(3·S2²)
//
// with m2 = S2/n − (S1/n)², m3 and m4 likewise from S1..S4. These are the
// moment ratios of the sample, without small-sample corrections. Skewness
// and kurtosis are NaN with n < 2 or no spread, Binder with n = 0 or
// S2 = 0.
type Moments struct {
	Skewness, Kurtosis, Binder float64
}

// Moments returns the moments of metric i and whether they are known: the
// layout must ask for them (Layout.Moments) and every summary merged into
// s must have had them.
func (s *Summary) Moments(i int) (Moments, bool) { return s.moments(0, i) }

// GivenMoments returns the moments of metric i over the repetitions that
// met the layout's condition, and whether they are known.
func (s *Summary) GivenMoments(i int) (Moments, bool) {
	if _, ok := s.GivenReps(); !ok {
		return s.moments(-1, i)
	}
	return s.moments(1, i)
}

func (s *Summary) moments(g, i int) (Moments, bool) {
	nan := math.NaN()
	mo := Moments{nan, nan, nan}
	if g < 0 || !s.sh.moments || s.ints[s.sh.lackMom] != 0 {
		return mo, false
	}
	n := s.ints[s.sh.groupN(g)]
	if n <= 0 {
		return mo, true
	}
	S := s.exactSums(g*len(s.sh.binners)+i, 4)
	bn := big.NewInt(n)
	mul := func(a ...*big.Int) *big.Int {
		z := big.NewInt(1)
		for _, x := range a {
			z.Mul(z, x)
		}
		return z
	}
	c := func(k int64) *big.Int { return big.NewInt(k) }
	// Binder: (3·S2² − n·S4)/(3·S2²); the units cancel.
	if S[1].Sign() > 0 {
		den := mul(c(3), S[1], S[1])
		num := new(big.Int).Sub(den, mul(bn, S[3]))
		mo.Binder, _ = new(big.Rat).SetFrac(num, den).Float64()
	}
	// n²·m2 = B = n·S2 − S1²; n³·m3 = A = n²·S3 − 3n·S1·S2 + 2·S1³;
	// n⁴·m4 = C = n³·S4 − 4n²·S1·S3 + 6n·S1²·S2 − 3·S1⁴.
	B := new(big.Int).Sub(mul(bn, S[1]), mul(S[0], S[0]))
	if n < 2 || B.Sign() <= 0 {
		return mo, true
	}
	A := mul(bn, bn, S[2])
	A.Sub(A, mul(c(3), bn, S[0], S[1]))
	A.Add(A, mul(c(2), S[0], S[0], S[0]))
	C := mul(bn, bn, bn, S[3])
	C.Sub(C, mul(c(4), bn, bn, S[0], S[2]))
	C.Add(C, mul(c(6), bn, S[0], S[0], S[1]))
	C.Sub(C, mul(c(3), S[0], S[0], S[0], S[0]))
	// Skewness = A/B^(3/2) = sign(A)·√(A²/B³); Kurtosis = (C − 3B²)/B².
	sk := sqrtRat(mul(A, A), mul(B, B, B))
	if A.Sign() < 0 {
		sk = -sk
	}
	mo.Skewness = sk
	B2 := mul(B, B)
	mo.Kurtosis, _ = new(big.Rat).SetFrac(new(big.Int).Sub(C, mul(c(3), B2)), B2).Float64()
	return mo, true
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
func (s *Summary) Quantile(i int, q float64) float64 { return s.quantile(i, s.ints[offN], q) }

// quantile is Quantile for block b of n repetitions.
func (s *Summary) quantile(b int, n int64, q float64) float64 {
	if n <= 0 || !(q > 0 && q < 1) {
		return math.NaN()
	}
	lo, hi := s.mins[b], s.maxs[b]
	off, bn := s.sh.block(b)
	counts := s.sh.hist(s.ints, off, bn)
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

// Histogram returns a copy of metric i's histogram counts: the underflow
// count (values below Lo), the Bins bins, then the overflow count (values
// at or above Hi). Edges gives the bins' edges.
func (s *Summary) Histogram(i int) []int64 {
	off, bn := s.sh.metric(i)
	return slices.Clone(s.sh.hist(s.ints, off, bn))
}

// Edges returns the Bins+1 edges of metric i's histogram bins, from Lo to
// Hi, as Summary.Add places values (for log bins, spaced evenly in log).
func (l *Layout) Edges(i int) []float64 {
	bn := newBinner(l.hist(i))
	e := make([]float64, bn.h.Bins+1)
	for j := range e {
		e[j] = bn.edge(j)
		if bn.h.Log {
			e[j] = math.Exp(e[j])
		}
	}
	e[0], e[len(e)-1] = bn.h.Lo, bn.h.Hi
	return e
}
