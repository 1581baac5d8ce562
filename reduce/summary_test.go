package reduce

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	randv1 "math/rand"
	"math/rand/v2"
	"slices"
	"testing"
)

// genValues returns n values of one of several kinds chosen to stress the
// accumulators: huge, tiny, subnormal, signed zeros, repeats and mixtures.
func genValues(r *rand.Rand, kind, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		switch kind {
		case 0: // uniform fractions, the common case
			v[i] = r.Float64()
		case 1: // ±1e300 and exact cancellations
			v[i] = []float64{1e300, -1e300, 3e299, -math.MaxFloat64, math.MaxFloat64}[r.IntN(5)]
		case 2: // subnormals and zeros
			v[i] = []float64{math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64 * 3,
				0x1p-1060, math.Copysign(0, -1), 0, 0x1p-1022}[r.IntN(6)] * float64(1+r.IntN(3))
		case 3: // huge and tiny mixed, random signs and exponents
			v[i] = math.Ldexp(r.Float64()+0.5, r.IntN(2098)-1074)
			if r.IntN(2) == 0 {
				v[i] = -v[i]
			}
		case 4: // one repeated value
			v[i] = 0.1
		default: // normal with a large offset: catastrophic cancellation for naive sums
			v[i] = 1e8 + r.NormFloat64()
		}
	}
	return v
}

const nKinds = 6

// testLayout has a linear, a log and a default histogram.
func testLayout() *Layout {
	return &Layout{
		Metrics: []string{"a", "b", "c"},
		Hists:   []Hist{{Lo: -1, Hi: 1, Bins: 20}, {Lo: 1e-3, Hi: 1e3, Bins: 30, Log: true}, {}},
	}
}

// addAll adds vals[i] as every metric of one repetition (metric j gets the
// value scaled by j+1 so metrics differ), or a failure every 17th one.
func addAll(tb testing.TB, s *Summary, vals []float64, from int) {
	tb.Helper()
	row := make([]float64, len(s.mins))
	for i, v := range vals {
		if (from+i)%17 == 16 {
			s.AddFailed()
		}
		for j := range row {
			row[j] = v
			if j == 1 {
				row[j] = math.Abs(v) // exercise the log bins
			}
		}
		if err := s.Add(row); err != nil {
			tb.Fatal(err)
		}
	}
}

func statsBits(s *Summary) []uint64 {
	var b []uint64
	for i := range s.mins {
		st := s.Stats(i)
		b = append(b, uint64(st.N))
		for _, f := range []float64{st.Mean, st.Std, st.SEM, st.Min, st.Max, st.CI95Lo, st.CI95Hi, st.Q05, st.Q50, st.Q95} {
			b = append(b, math.Float64bits(f))
		}
	}
	return b
}

// TestMergeOrderIndependent splits random data into random chunks and merges
// them in random orders directly, through the binary encoding and through
// Flat/SetFlat with a simulated MPI reduction, checking bit-identical
// summaries, encodings and Stats.
func TestMergeOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	l := testLayout()
	for trial := range 60 {
		kind := trial % nKinds
		vals := genValues(r, kind, 1+r.IntN(300))
		whole := NewSummary(l)
		addAll(t, whole, vals, 0)
		want := statsBits(whole)
		wantEnc := whole.AppendBinary(nil)

		// Random chunks, as workers would produce.
		var chunks []*Summary
		var encs [][]byte
		for i := 0; i < len(vals); {
			j := min(len(vals), i+1+r.IntN(40))
			c := NewSummary(l)
			addAll(t, c, vals[i:j], i)
			chunks = append(chunks, c)
			encs = append(encs, c.AppendBinary(nil))
			i = j
		}

		// Direct merges in a random order.
		direct := NewSummary(l)
		for _, k := range r.Perm(len(chunks)) {
			direct.Merge(chunks[k])
		}
		// Through the encoding, in another order.
		decoded, scratch := NewSummary(l), NewSummary(l)
		for _, k := range r.Perm(len(chunks)) {
			if err := scratch.UnmarshalBinary(encs[k]); err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
			decoded.Merge(scratch)
		}
		// Through Flat: chunks dealt to ranks, each rank's table merged
		// locally, then elementwise SUM/MIN/MAX as MPI_Allreduce would.
		ranks := 1 + r.IntN(5)
		tables := make([]*Table, ranks)
		for i := range tables {
			tables[i] = NewTable(l, 2)
		}
		for _, k := range r.Perm(len(chunks)) {
			tables[r.IntN(ranks)].Add(1, chunks[k])
		}
		sums, mins, maxs := tables[0].Flat()
		for _, tb := range tables[1:] {
			s2, mn2, mx2 := tb.Flat()
			for i := range sums {
				sums[i] += s2[i]
			}
			for i := range mins {
				mins[i] = min(mins[i], mn2[i])
				maxs[i] = max(maxs[i], mx2[i])
			}
		}
		reduced := NewTable(l, 2)
		if err := reduced.SetFlat(sums, mins, maxs); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}

		merged := NewTable(l, 2)
		for _, k := range r.Perm(ranks) {
			merged.Merge(tables[k])
		}
		if !merged.Equal(reduced) {
			t.Errorf("trial %d: Table.Merge differs from the flat reduction", trial)
		}

		for name, got := range map[string]*Summary{"direct": direct, "decoded": decoded, "flat": reduced.Point(1)} {
			if !got.Equal(whole) {
				t.Errorf("trial %d (kind %d): %s merge not Equal to the whole", trial, kind, name)
			}
			if g := statsBits(got); !slices.Equal(g, want) {
				t.Errorf("trial %d (kind %d): %s merge Stats differ:\n got %x\nwant %x", trial, kind, name, g, want)
			}
			if enc := got.AppendBinary(nil); !bytes.Equal(enc, wantEnc) {
				t.Errorf("trial %d (kind %d): %s merge encodes differently", trial, kind, name)
			}
		}
		if reduced.Point(0).Reps() != 0 || !reduced.Point(0).Equal(NewSummary(l)) {
			t.Errorf("trial %d: untouched point not empty after SetFlat", trial)
		}
	}
}

// refStats computes mean and sample variance with math/big by the two-pass
// formula Σ(x−mean)²/(n−1), independent of the implementation's.
func refStats(vals []float64) (mean, variance float64, varRat *big.Rat) {
	n := int64(len(vals))
	sum := new(big.Rat)
	for _, v := range vals {
		sum.Add(sum, new(big.Rat).SetFloat64(v))
	}
	m := new(big.Rat).Quo(sum, new(big.Rat).SetInt64(n))
	mean, _ = m.Float64()
	if n < 2 {
		return mean, math.NaN(), nil
	}
	ss := new(big.Rat)
	for _, v := range vals {
		d := new(big.Rat).Sub(new(big.Rat).SetFloat64(v), m)
		ss.Add(ss, d.Mul(d, d))
	}
	varRat = ss.Quo(ss, new(big.Rat).SetInt64(n-1))
	variance, _ = varRat.Float64()
	return mean, variance, varRat
}

// refSqrt returns √r rounded to float64 via a 3000-bit big.Float: a double
// rounding could only matter within 2^-2900 relative of a tie.
func refSqrt(r *big.Rat) float64 {
	f := new(big.Float).SetPrec(3000).SetRat(r)
	v, _ := f.Sqrt(f).Float64()
	return v
}

func TestStatsMatchBigReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	l := &Layout{Metrics: []string{"x"}}
	for trial := range 120 {
		kind := trial % nKinds
		vals := genValues(r, kind, 1+r.IntN(200))
		s := NewSummary(l)
		for _, v := range vals {
			if err := s.Add([]float64{v}); err != nil {
				t.Fatal(err)
			}
		}
		st := s.Stats(0)
		mean, variance, vr := refStats(vals)
		if st.Mean != mean {
			t.Errorf("trial %d (kind %d): mean %v, want %v", trial, kind, st.Mean, mean)
		}
		if len(vals) < 2 {
			continue
		}
		// The implementation's variance is only exposed through Std and SEM.
		std := refSqrt(vr)
		sem := refSqrt(new(big.Rat).Quo(vr, new(big.Rat).SetInt64(int64(len(vals)))))
		if st.Std != std || st.SEM != sem {
			t.Errorf("trial %d (kind %d): std %v sem %v, want %v %v (var %v)", trial, kind, st.Std, st.SEM, std, sem, variance)
		}
		if lo, hi := slices.Min(vals), slices.Max(vals); st.Min != lo+0 || st.Max != hi+0 {
			t.Errorf("trial %d: min/max %v %v, want %v %v", trial, st.Min, st.Max, lo, hi)
		}
		half := tQuantile975(int64(len(vals)-1)) * st.SEM
		if st.CI95Lo != st.Mean-half || st.CI95Hi != st.Mean+half {
			t.Errorf("trial %d: CI [%v, %v], want mean ± %v", trial, st.CI95Lo, st.CI95Hi, half)
		}
	}
}

// TestSumsExact checks the limbs against Σx and Σx² computed with big.Rat.
func TestSumsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 60 {
		vals := genValues(r, trial%nKinds, 1+r.IntN(100))
		var s [sumLimbs]int64
		var q [sqLimbs]int64
		wantS, wantQ := new(big.Rat), new(big.Rat)
		for _, v := range vals {
			addValue(s[:], q[:], v)
			x := new(big.Rat).SetFloat64(v)
			wantS.Add(wantS, x)
			wantQ.Add(wantQ, x.Mul(x, x))
		}
		normalize(s[:], s[:])
		normalize(q[:], q[:])
		gotS := new(big.Rat).SetFrac(toBig(s[:]), new(big.Int).Lsh(big.NewInt(1), 1074))
		gotQ := new(big.Rat).SetFrac(toBig(q[:]), new(big.Int).Lsh(big.NewInt(1), 2148))
		if gotS.Cmp(wantS) != 0 || gotQ.Cmp(wantQ) != 0 {
			t.Errorf("trial %d: sums %v %v, want %v %v", trial, gotS.FloatString(5), gotQ.FloatString(5), wantS.FloatString(5), wantQ.FloatString(5))
		}
	}
}

// rawBig is the value of limbs that may not be normalised.
func rawBig(l []int64) *big.Int {
	z := new(big.Int)
	for k := len(l) - 1; k >= 0; k-- {
		z.Lsh(z, limbBits)
		z.Add(z, big.NewInt(l[k]))
	}
	return z
}

// TestNormalizeExtremeLimbs checks that normalising any int64 limbs (top
// limb kept moderate) preserves the value and gives the canonical form.
func TestNormalizeExtremeLimbs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 200 {
		l := make([]int64, 2+r.IntN(10))
		for i := range l {
			switch r.IntN(4) {
			case 0:
				l[i] = math.MaxInt64
			case 1:
				l[i] = math.MinInt64
			default:
				l[i] = int64(r.Uint64())
			}
		}
		l[len(l)-1] >>= 2
		want := rawBig(l)
		normalize(l, l)
		if got := rawBig(l); got.Cmp(want) != 0 {
			t.Fatalf("trial %d: value changed: %v → %v", trial, want, got)
		}
		neg := want.Sign() < 0
		for _, x := range l[:len(l)-1] {
			if x < -limbMask || x > limbMask || x != 0 && (x < 0) != neg {
				t.Fatalf("trial %d: limbs %d not normalised", trial, l)
			}
		}
		if got := toBig(l); got.Cmp(want) != 0 {
			t.Fatalf("trial %d: toBig %v, want %v", trial, got, want)
		}
	}
}

// TestPendingNormalisation forces the limb-overflow guard in Add and Merge.
func TestPendingNormalisation(t *testing.T) {
	l := &Layout{Metrics: []string{"x"}}
	a, b, ref := NewSummary(l), NewSummary(l), NewSummary(l)
	for _, s := range []*Summary{a, b, ref} {
		for range 3 {
			if err := s.Add([]float64{-math.MaxFloat64}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Pretend both are at the limit: the guard must normalise, and the
	// result must still be exact.
	a.pending, b.pending = maxPending, maxPending
	a.Merge(b)
	if a.pending > maxPending {
		t.Errorf("pending %d after Merge exceeds %d", a.pending, maxPending)
	}
	a.pending = maxPending
	if err := a.Add([]float64{1}); err != nil {
		t.Fatal(err)
	}
	ref.Merge(b)
	if err := ref.Add([]float64{1}); err != nil {
		t.Fatal(err)
	}
	if !a.Equal(ref) || a.Stats(0) != ref.Stats(0) {
		t.Errorf("normalisation changed the sums")
	}
}

func TestAddRejects(t *testing.T) {
	l := &Layout{Metrics: []string{"x", "y"}}
	for _, tc := range []struct {
		name string
		vals []float64
	}{
		{"NaN", []float64{1, math.NaN()}},
		{"+Inf", []float64{math.Inf(1), 1}},
		{"-Inf", []float64{1, math.Inf(-1)}},
		{"short", []float64{1}},
		{"long", []float64{1, 2, 3}},
	} {
		s := NewSummary(l)
		if err := s.Add(tc.vals); err == nil {
			t.Errorf("%s: Add accepted %v", tc.name, tc.vals)
		}
		if !s.Equal(NewSummary(l)) {
			t.Errorf("%s: rejected Add recorded something", tc.name)
		}
	}
}

func TestStatsSmallN(t *testing.T) {
	l := &Layout{Metrics: []string{"x"}}
	s := NewSummary(l)
	st := s.Stats(0)
	for _, f := range []float64{st.Mean, st.Std, st.SEM, st.Min, st.Max, st.CI95Lo, st.CI95Hi, st.Q05, st.Q50, st.Q95} {
		if !math.IsNaN(f) {
			t.Errorf("n=0: %+v, want all NaN", st)
			break
		}
	}
	if err := s.Add([]float64{0.25}); err != nil {
		t.Fatal(err)
	}
	st = s.Stats(0)
	if st.N != 1 || st.Mean != 0.25 || st.Min != 0.25 || st.Max != 0.25 || st.Q05 != 0.25 || st.Q50 != 0.25 || st.Q95 != 0.25 {
		t.Errorf("n=1: %+v", st)
	}
	if !math.IsNaN(st.Std) || !math.IsNaN(st.SEM) || !math.IsNaN(st.CI95Lo) || !math.IsNaN(st.CI95Hi) {
		t.Errorf("n=1: want NaN spread, got %+v", st)
	}
	// Constant values: exactly zero spread.
	for range 9 {
		_ = s.Add([]float64{0.25})
	}
	if st = s.Stats(0); st.Std != 0 || st.SEM != 0 || st.CI95Lo != 0.25 || st.CI95Hi != 0.25 {
		t.Errorf("constant: %+v", st)
	}
	// −0 is recorded as +0.
	z := NewSummary(l)
	_ = z.Add([]float64{math.Copysign(0, -1)})
	if st = z.Stats(0); math.Signbit(st.Min) || math.Signbit(st.Max) || math.Signbit(st.Mean) {
		t.Errorf("−0: %+v", st)
	}
}

func TestSqrtRat(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	r1 := randv1.New(randv1.NewSource(9)) // big.Int.Rand wants math/rand
	for _, tc := range []struct{ num, den int64 }{{4, 1}, {1, 4}, {2, 1}, {9, 16}, {1, 3}, {1 << 62, 1}} {
		got := sqrtRat(big.NewInt(tc.num), big.NewInt(tc.den))
		want := refSqrt(big.NewRat(tc.num, tc.den))
		if got != want {
			t.Errorf("√(%d/%d) = %v, want %v", tc.num, tc.den, got, want)
		}
	}
	for trial := range 300 {
		num := new(big.Int).Rand(r1, new(big.Int).Lsh(big.NewInt(1), uint(1+r.IntN(4000))))
		den := new(big.Int).Rand(r1, new(big.Int).Lsh(big.NewInt(1), uint(1+r.IntN(4000))))
		num.Add(num, big.NewInt(1))
		den.Add(den, big.NewInt(1))
		if trial%3 == 0 { // perfect squares of rationals
			num.Mul(num, num)
			den.Mul(den, den)
		}
		got := sqrtRat(num, den)
		want := refSqrt(new(big.Rat).SetFrac(num, den))
		if got != want {
			t.Errorf("trial %d: √(%v/%v) = %v, want %v", trial, num.BitLen(), den.BitLen(), got, want)
		}
	}
	// Subnormal result: √(2^-2148·9) = 3·2^-1074.
	if got := sqrtRat(big.NewInt(9), new(big.Int).Lsh(big.NewInt(1), 2148)); got != 3*math.SmallestNonzeroFloat64 {
		t.Errorf("subnormal root %v", got)
	}
}

func TestTQuantile(t *testing.T) {
	// References from the closed form of A&S 26.7.3 for even ν,
	// P(|T| ≤ t) = sin θ (1 + cos²θ/2 + 1·3/(2·4) cos⁴θ + ...), θ = atan(t/√ν),
	// solved by bisection in double precision; ν = 1 is tan(0.475π).
	for _, tc := range []struct {
		nu   int64
		want float64
	}{
		{1, 12.706204736174698}, {2, 4.302652729749459}, {10, 2.2281388519862735},
		{30, 2.0422724563012378}, {120, 1.979930405082442},
	} {
		if got := tQuantile975(tc.nu); math.Abs(got-tc.want) > 1e-13*tc.want {
			t.Errorf("t(0.975, %d) = %v, want %v", tc.nu, got, tc.want)
		}
	}
	// The expansion used above 1000 degrees agrees with gonum where gonum is
	// still accurate, and the switch is continuous.
	for _, nu := range []int64{500, 1000} {
		z := 1.959963984540054
		v := float64(nu)
		z3, z5, z7, z9 := z*z*z, z*z*z*z*z, z*z*z*z*z*z*z, z*z*z*z*z*z*z*z*z
		cf := z + (z3+z)/4/v + (5*z5+16*z3+3*z)/96/(v*v) + (3*z7+19*z5+17*z3-15*z)/384/(v*v*v) +
			(79*z9+776*z7+1482*z5-1920*z3-945*z)/92160/(v*v*v*v)
		if got := tQuantile975(nu); math.Abs(got-cf) > 3e-13 {
			t.Errorf("nu=%d: gonum %v vs Cornish–Fisher %v", nu, got, cf)
		}
	}
	// d t/dν ≈ −(z³+z)/(4ν²) = −2.37e-6 at ν = 1000.
	if d := tQuantile975(1000) - tQuantile975(1001); d < 2.3e-6 || d > 2.4e-6 {
		t.Errorf("step at the switch: %v", d)
	}
	for _, nu := range []int64{1e4, 1e9, math.MaxInt64} {
		if got := tQuantile975(nu); !(got >= 1.959963984540054 && got < 1.9602013) {
			t.Errorf("t(0.975, %d) = %v", nu, got)
		}
	}
}

// TestQuantilesWithinBin compares histogram quantiles with the inverse-ECDF
// sample quantile, which Quantile's doc promises lies in the same bin.
func TestQuantilesWithinBin(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	hists := []Hist{
		{Lo: 0, Hi: 1, Bins: 50},
		{Lo: -2, Hi: 2, Bins: 7},
		{Lo: 1e-2, Hi: 1e2, Bins: 40, Log: true},
		{Lo: 0.3, Hi: 0.6, Bins: 10}, // much mass outside
	}
	for trial := range 80 {
		h := hists[trial%len(hists)]
		l := &Layout{Metrics: []string{"x"}, Hists: []Hist{h}}
		n := 1 + r.IntN(2000)
		vals := make([]float64, n)
		for i := range vals {
			switch trial % 3 {
			case 0:
				vals[i] = r.Float64()
			case 1:
				vals[i] = r.NormFloat64()
			default:
				vals[i] = r.ExpFloat64()
			}
		}
		s := NewSummary(l)
		for _, v := range vals {
			_ = s.Add([]float64{v})
		}
		slices.Sort(vals)
		bn := newBinner(h)
		for _, q := range []float64{0.05, 0.5, 0.95} {
			got := s.Quantile(0, q)
			x := vals[int(math.Ceil(q*float64(n)))-1]
			// The bin of x, intersected with [min, max].
			lo, hi := vals[0], vals[n-1]
			switch j := bn.slot(x); {
			case j == 0:
				hi = min(hi, h.Lo)
			case j == h.Bins+1:
				lo = max(lo, h.Hi)
			case h.Log:
				lo, hi = max(lo, math.Exp(bn.edge(j-1))), min(hi, math.Exp(bn.edge(j)))
			default:
				lo, hi = max(lo, bn.edge(j-1)), min(hi, bn.edge(j))
			}
			slack := 1e-12 * (math.Abs(lo) + math.Abs(hi))
			if got < lo-slack || got > hi+slack {
				t.Errorf("trial %d %+v n=%d: Q(%v) = %v, sample %v, outside its bin [%v, %v]", trial, h, n, q, got, x, lo, hi)
			}
		}
		st := s.Stats(0)
		if st.Q05 != s.Quantile(0, 0.05) || st.Q50 != s.Quantile(0, 0.5) || st.Q95 != s.Quantile(0, 0.95) {
			t.Errorf("trial %d: Stats quantiles differ from Quantile", trial)
		}
		if !(st.Min <= st.Q05 && st.Q05 <= st.Q50 && st.Q50 <= st.Q95 && st.Q95 <= st.Max) {
			t.Errorf("trial %d: quantiles out of order: %+v", trial, st)
		}
	}
}

func TestLayoutValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    Layout
		ok   bool
	}{
		{"defaults", Layout{Metrics: []string{"a", "b"}}, true},
		{"zero hist", Layout{Metrics: []string{"a"}, Hists: []Hist{{}}}, true},
		{"log", Layout{Metrics: []string{"a"}, Hists: []Hist{{Lo: 1e-3, Hi: 10, Bins: 8, Log: true}}}, true},
		{"hist count", Layout{Metrics: []string{"a", "b"}, Hists: []Hist{{}}}, false},
		{"no bins", Layout{Metrics: []string{"a"}, Hists: []Hist{{Lo: 0, Hi: 1}}}, false},
		{"too many bins", Layout{Metrics: []string{"a"}, Hists: []Hist{{Lo: 0, Hi: 1, Bins: MaxBins + 1}}}, false},
		{"empty range", Layout{Metrics: []string{"a"}, Hists: []Hist{{Lo: 1, Hi: 1, Bins: 3}}}, false},
		{"NaN", Layout{Metrics: []string{"a"}, Hists: []Hist{{Lo: math.NaN(), Hi: 1, Bins: 3}}}, false},
		{"infinite width", Layout{Metrics: []string{"a"}, Hists: []Hist{{Lo: -math.MaxFloat64, Hi: math.MaxFloat64, Bins: 3}}}, false},
		{"log from 0", Layout{Metrics: []string{"a"}, Hists: []Hist{{Lo: 0, Hi: 1, Bins: 3, Log: true}}}, false},
	} {
		if err := tc.l.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestDefaultHist(t *testing.T) {
	s := NewSummary(&Layout{Metrics: []string{"x"}})
	off, bn := s.sh.metric(0)
	if bn.h != DefaultHist {
		t.Fatalf("default hist %+v", bn.h)
	}
	_ = s.Add([]float64{0.555})
	if c := s.ints[off+sumLimbs+sqLimbs+1+55]; c != 1 {
		t.Errorf("0.555 not in bin 55 of the default histogram")
	}
}

func TestMergeLayoutMismatchPanics(t *testing.T) {
	a := NewSummary(&Layout{Metrics: []string{"x"}})
	b := NewSummary(&Layout{Metrics: []string{"x"}, Hists: []Hist{{Lo: 0, Hi: 2, Bins: 100}}})
	c := NewSummary(&Layout{Metrics: []string{"y"}}) // same shape: mergeable
	a.Merge(c)
	defer func() {
		if recover() == nil {
			t.Error("Merge of different histograms did not panic")
		}
	}()
	a.Merge(b)
}

func TestUnmarshalRejects(t *testing.T) {
	l := testLayout()
	s := NewSummary(l)
	addAll(t, s, []float64{0.5, -0.25, 3}, 0)
	good := s.AppendBinary(nil)
	other := NewSummary(&Layout{Metrics: []string{"a"}})
	for _, tc := range []struct {
		name string
		b    []byte
		dst  *Summary
	}{
		{"empty", nil, s},
		{"version", append([]byte{2}, good[1:]...), s},
		{"truncated", good[:len(good)-1], s},
		{"trailing", append(slices.Clip(good), 0), s},
		{"metrics", good, other},
		{"non-minimal varint", append([]byte{1, 0x80, 0x00}, good[2:]...), s},
		{"hist mismatch", []byte{1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0}, other},
	} {
		err := tc.dst.UnmarshalBinary(tc.b)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !errors.Is(err, errCorrupt) {
			t.Errorf("%s: error %v does not wrap errCorrupt", tc.name, err)
		}
		if tc.dst.Reps() != 0 {
			t.Errorf("%s: summary not empty after error", tc.name)
		}
	}
}

func TestSetFlatRejects(t *testing.T) {
	l := testLayout()
	tb := NewTable(l, 3)
	one := NewSummary(l)
	addAll(t, one, []float64{0.5, -0.25, 3}, 0)
	tb.Add(1, one)
	sums, mins, maxs := tb.Flat()
	per := len(sums) / 3
	for _, tc := range []struct {
		name   string
		mutate func(s []int64, mn, mx []float64) ([]int64, []float64, []float64)
	}{
		{"length", func(s []int64, mn, mx []float64) ([]int64, []float64, []float64) { return s[1:], mn, mx }},
		{"negative n", func(s []int64, mn, mx []float64) ([]int64, []float64, []float64) { s[per] = -1; return s, mn, mx }},
		{"hist sum", func(s []int64, mn, mx []float64) ([]int64, []float64, []float64) { s[per]++; return s, mn, mx }},
		{"min>max", func(s []int64, mn, mx []float64) ([]int64, []float64, []float64) { mn[3] = 10; return s, mn, mx }},
		{"sums without reps", func(s []int64, mn, mx []float64) ([]int64, []float64, []float64) { s[5] = 1; return s, mn, mx }},
		{"huge top limb", func(s []int64, mn, mx []float64) ([]int64, []float64, []float64) {
			s[per+offFirst+sumLimbs-1] = 1 << 40
			return s, mn, mx
		}},
	} {
		s2, mn2, mx2 := tc.mutate(slices.Clone(sums), slices.Clone(mins), slices.Clone(maxs))
		dst := NewTable(l, 3)
		two := NewSummary(l)
		addAll(t, two, []float64{1}, 0)
		dst.Add(2, two)
		if err := dst.SetFlat(s2, mn2, mx2); err == nil {
			t.Errorf("%s: accepted", tc.name)
		} else if dst.Point(2).Reps() != 0 {
			t.Errorf("%s: table not emptied after error", tc.name)
		}
	}
	if err := NewTable(l, 3).FlatInto(sums[:1], mins, maxs); err == nil {
		t.Error("FlatInto accepted short slices")
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	l := testLayout()
	r := rand.New(rand.NewPCG(13, 14))
	for kind := range nKinds {
		s := NewSummary(l)
		addAll(f, s, genValues(r, kind, 1+kind*3), 0)
		f.Add(s.AppendBinary(nil))
	}
	f.Add(NewSummary(l).AppendBinary(nil))
	f.Add([]byte{1, 0x80, 0x80, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		s := NewSummary(l)
		if err := s.UnmarshalBinary(b); err != nil {
			return
		}
		// Accepted input is canonical: it re-encodes to itself, and its
		// statistics and merges are computable.
		if enc := s.AppendBinary(nil); !bytes.Equal(enc, b) {
			t.Fatalf("re-encoding differs:\n in %x\nout %x", b, enc)
		}
		for i := range s.mins {
			s.Stats(i)
		}
		s.Merge(s)
	})
}

// TestEncodingCompact checks that chunk messages stay small and that negative
// sums are as sparse as positive ones (sign-magnitude limbs).
func TestEncodingCompact(t *testing.T) {
	l := &Layout{Metrics: []string{"x"}, Hists: []Hist{{Lo: -1, Hi: 1, Bins: 100}}}
	r := rand.New(rand.NewPCG(15, 16))
	pos, neg := NewSummary(l), NewSummary(l)
	for range 1000 {
		v := r.Float64()
		_ = pos.Add([]float64{v})
		_ = neg.Add([]float64{-v})
	}
	p, n := pos.AppendBinary(nil), neg.AppendBinary(nil)
	// 1000 values in [0, 1): Σx spans ~2 limbs of payload plus the 53-bit
	// tail, Σx² ~4; 50 histogram bins of ~20 counts: about 200 bytes.
	if len(p) > 300 || len(n) != len(p) {
		t.Errorf("encodings of %d and %d bytes, want equal and at most 300", len(p), len(n))
	}
}
