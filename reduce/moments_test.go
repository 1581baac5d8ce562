package reduce

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestHigherSumsExact checks Σx³ and Σx⁴ against math/big for values over
// the whole float64 range, subnormals and signs included.
func TestHigherSumsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for trial := range 60 {
		vals := genValues(r, trial%nKinds, 1+r.IntN(100))
		var c [cubeLimbs]int64
		var f [quartLimbs]int64
		wantC, wantF := new(big.Rat), new(big.Rat)
		for _, v := range vals {
			addHigher(c[:], f[:], v)
			x := new(big.Rat).SetFloat64(v)
			x3 := new(big.Rat).Mul(x, new(big.Rat).Mul(x, x))
			wantC.Add(wantC, x3)
			wantF.Add(wantF, x3.Mul(x3, x))
		}
		normalize(c[:], c[:])
		normalize(f[:], f[:])
		gotC := new(big.Rat).SetFrac(toBig(c[:]), new(big.Int).Lsh(big.NewInt(1), 3*1074))
		gotF := new(big.Rat).SetFrac(toBig(f[:]), new(big.Int).Lsh(big.NewInt(1), 4*1074))
		if gotC.Cmp(wantC) != 0 || gotF.Cmp(wantF) != 0 {
			t.Errorf("trial %d (kind %d): Σx³, Σx⁴ differ from math/big", trial, trial%nKinds)
		}
	}
	// The extremes: the largest and smallest magnitudes, many times.
	var c [cubeLimbs]int64
	var f [quartLimbs]int64
	for range 1000 {
		addHigher(c[:], f[:], -math.MaxFloat64)
		addHigher(c[:], f[:], math.SmallestNonzeroFloat64)
	}
	normalize(c[:], c[:])
	normalize(f[:], f[:])
	m := new(big.Rat).SetFloat64(math.MaxFloat64)
	s := new(big.Rat).SetFloat64(math.SmallestNonzeroFloat64)
	m3 := new(big.Rat).Mul(m, new(big.Rat).Mul(m, m))
	s3 := new(big.Rat).Mul(s, new(big.Rat).Mul(s, s))
	wantC := new(big.Rat).Sub(s3, m3)
	wantC.Mul(wantC, big.NewRat(1000, 1))
	wantF := new(big.Rat).Add(new(big.Rat).Mul(m3, m), new(big.Rat).Mul(s3, s))
	wantF.Mul(wantF, big.NewRat(1000, 1))
	gotC := new(big.Rat).SetFrac(toBig(c[:]), new(big.Int).Lsh(big.NewInt(1), 3*1074))
	gotF := new(big.Rat).SetFrac(toBig(f[:]), new(big.Int).Lsh(big.NewInt(1), 4*1074))
	if gotC.Cmp(wantC) != 0 || gotF.Cmp(wantF) != 0 {
		t.Errorf("extremes: Σx³, Σx⁴ differ from math/big")
	}
}

// refMoments computes skewness, excess kurtosis and the Binder cumulant of
// vals exactly with math/big, then rounds.
func refMoments(vals []float64) Moments {
	n := big.NewRat(int64(len(vals)), 1)
	var S [5]*big.Rat
	for k := range S {
		S[k] = new(big.Rat)
	}
	for _, v := range vals {
		x := new(big.Rat).SetFloat64(v)
		p := big.NewRat(1, 1)
		for k := 1; k <= 4; k++ {
			p = new(big.Rat).Mul(p, x)
			S[k].Add(S[k], p)
		}
	}
	mean := new(big.Rat).Quo(S[1], n)
	// central moments by expanding Σ(x−μ)^k
	var c [5]*big.Rat
	for k := range c {
		c[k] = new(big.Rat)
	}
	for _, v := range vals {
		d := new(big.Rat).Sub(new(big.Rat).SetFloat64(v), mean)
		p := big.NewRat(1, 1)
		for k := 1; k <= 4; k++ {
			p = new(big.Rat).Mul(p, d)
			c[k].Add(c[k], p)
		}
	}
	m2, _ := new(big.Rat).Quo(c[2], n).Float64()
	m3, _ := new(big.Rat).Quo(c[3], n).Float64()
	m4, _ := new(big.Rat).Quo(c[4], n).Float64()
	b := new(big.Rat).Quo(new(big.Rat).Mul(n, S[4]), new(big.Rat).Mul(big.NewRat(3, 1), new(big.Rat).Mul(S[2], S[2])))
	binder, _ := new(big.Rat).Sub(big.NewRat(1, 1), b).Float64()
	return Moments{Skewness: m3 / math.Pow(m2, 1.5), Kurtosis: m4/(m2*m2) - 3, Binder: binder}
}

func closeRel(a, b, tol float64) bool {
	return a == b || math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

// TestMomentsMatchReference compares Moments with a math/big evaluation
// by central moments, on samples of several shapes.
func TestMomentsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	samples := map[string][]float64{}
	for _, name := range []string{"uniform", "exponential", "offset normal", "bimodal"} {
		v := make([]float64, 500)
		for i := range v {
			switch name {
			case "uniform":
				v[i] = r.Float64()
			case "exponential":
				v[i] = r.ExpFloat64()
			case "offset normal":
				v[i] = 1e6 + r.NormFloat64()
			case "bimodal":
				v[i] = float64(r.IntN(2))*0.9 + 0.01*r.Float64()
			}
		}
		samples[name] = v
	}
	l := &Layout{Metrics: []string{"x"}, Moments: true}
	for name, vals := range samples {
		s := NewSummary(l)
		for _, v := range vals {
			if err := s.Add([]float64{v}); err != nil {
				t.Fatal(err)
			}
		}
		got, ok := s.Moments(0)
		if !ok {
			t.Fatalf("%s: moments unknown", name)
		}
		want := refMoments(vals)
		// The reference rounds m2, m3, m4 before dividing: a few ulps.
		if !closeRel(got.Skewness, want.Skewness, 1e-9) || !closeRel(got.Kurtosis, want.Kurtosis, 1e-9) || got.Binder != want.Binder {
			t.Errorf("%s: moments %+v, want %+v", name, got, want)
		}
	}
	// Known values: {0, 0, 0, 1}: m2 = 3/16, m3 = 3/32, m4 = 21/256.
	s := NewSummary(l)
	for _, v := range []float64{0, 0, 0, 1} {
		s.Add([]float64{v})
	}
	got, _ := s.Moments(0)
	if want := (3.0 / 32) / math.Pow(3.0/16, 1.5); !closeRel(got.Skewness, want, 1e-15) {
		t.Errorf("skewness %v, want %v", got.Skewness, want)
	}
	if want := (21.0/256)/(9.0/256) - 3; got.Kurtosis != want {
		t.Errorf("kurtosis %v, want %v", got.Kurtosis, want)
	}
	if want := 1 - 4.0/3; got.Binder != want { // ⟨x⁴⟩ = ⟨x²⟩ = 1/4
		t.Errorf("binder %v, want %v", got.Binder, want)
	}
}

// TestGivenStats checks that the conditional statistics equal those of a
// summary of the selected repetitions alone, through merges, the binary
// encoding and Flat/SetFlat, and that layouts without extras encode as
// before.
func TestGivenStats(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	l := &Layout{Metrics: []string{"size", "major"}, Moments: true, Given: &Condition{Metric: "major", Value: 1}}
	plain := &Layout{Metrics: []string{"size", "major"}, Moments: true}
	all, sel := NewSummary(l), NewSummary(plain)
	parts := []*Summary{NewSummary(l), NewSummary(l), NewSummary(l)}
	for i := range 3000 {
		major := float64(r.IntN(3) / 2)
		size := 0.01 * r.Float64()
		if major == 1 {
			size = 0.8 + 0.1*r.NormFloat64()
		}
		row := []float64{size, major}
		all.Add(row)
		parts[i%3].Add(row)
		if major == 1 {
			sel.Add(row)
		}
	}
	merged := NewSummary(l)
	for _, p := range []*Summary{parts[2], parts[0], parts[1]} {
		var dec = NewSummary(l)
		if err := dec.UnmarshalBinary(p.AppendBinary(nil)); err != nil {
			t.Fatal(err)
		}
		merged.Merge(dec)
	}
	if !merged.Equal(all) || string(merged.AppendBinary(nil)) != string(all.AppendBinary(nil)) {
		t.Fatal("merged parts differ from the whole")
	}
	tab := tableOf(l, all)
	ints, mins, maxs := tab.Flat()
	back := NewTable(l, 1)
	if err := back.SetFlat(ints, mins, maxs); err != nil || !back.Point(0).Equal(all) {
		t.Fatalf("Flat/SetFlat: %v", err)
	}
	n, ok := all.GivenReps()
	if !ok || n != sel.Reps() {
		t.Fatalf("GivenReps %d %v, want %d", n, ok, sel.Reps())
	}
	for i := range 2 {
		got, ok := all.GivenStats(i)
		if want := sel.Stats(i); !ok || got != want {
			t.Errorf("metric %d: GivenStats %+v, want %+v", i, got, want)
		}
		gm, _ := all.GivenMoments(i)
		wm, _ := sel.Moments(i)
		if gm != wm && !(i == 1 && math.IsNaN(gm.Skewness)) {
			t.Errorf("metric %d: GivenMoments %+v, want %+v", i, gm, wm)
		}
	}
}

// TestLackingExtras checks that a summary without the higher sums or the
// condition (a version 1 record of an older run, or one with another
// condition) makes them unknown once merged, and that the rest stays exact.
func TestLackingExtras(t *testing.T) {
	old := &Layout{Metrics: []string{"size", "major"}}
	l := &Layout{Metrics: []string{"size", "major"}, Moments: true, Given: &Condition{Metric: "major", Value: 1}}
	other := &Layout{Metrics: []string{"size", "major"}, Moments: true, Given: &Condition{Metric: "major", Value: 0}}
	rows := [][]float64{{0.5, 1}, {0.01, 0}, {0.7, 1}}
	mk := func(l *Layout, rows [][]float64) *Summary {
		s := NewSummary(l)
		for _, r := range rows {
			s.Add(r)
		}
		return s
	}
	v1 := mk(old, rows[:1]).AppendBinary(nil)
	if v1[0] != binaryVersion {
		t.Fatalf("a layout without extras encodes version %d", v1[0])
	}
	for name, rec := range map[string][]byte{"v1": v1, "other condition": mk(other, rows[:1]).AppendBinary(nil)} {
		s := mk(l, rows[1:])
		dec := NewSummary(l)
		if err := dec.UnmarshalBinary(rec); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s.Merge(dec)
		if _, ok := s.GivenReps(); ok {
			t.Errorf("%s: condition known after merging a record without it", name)
		}
		if _, ok := s.Moments(0); ok == (name == "v1") {
			t.Errorf("%s: moments known = %v", name, ok)
		}
		if got, want := s.Stats(0), mk(l, rows).Stats(0); got != want {
			t.Errorf("%s: Stats %+v, want %+v", name, got, want)
		}
		// Lacking is sticky and canonical: through the encoding and Flat.
		again := NewSummary(l)
		if err := again.UnmarshalBinary(s.AppendBinary(nil)); err != nil || !again.Equal(s) {
			t.Errorf("%s: round trip: %v", name, err)
		}
		a, b := tableOf(l, s), tableOf(l, mk(l, rows))
		ia, fa, xa := a.Flat()
		ib, fb, xb := b.Flat()
		for i := range ia {
			ia[i] += ib[i]
		}
		for i := range fa {
			fa[i], xa[i] = min(fa[i], fb[i]), max(xa[i], xb[i])
		}
		back := NewTable(l, 1)
		if err := back.SetFlat(ia, fa, xa); err != nil {
			t.Fatalf("%s: SetFlat: %v", name, err)
		}
		want := s
		want.Merge(mk(l, rows))
		if !back.Point(0).Equal(want) {
			t.Errorf("%s: Flat reduction differs from Merge", name)
		}
	}
	// A record with the extras decodes into a layout without them.
	plain := NewSummary(old)
	if err := plain.UnmarshalBinary(mk(l, rows).AppendBinary(nil)); err != nil || !plain.Equal(mk(old, rows)) {
		t.Errorf("extras into a plain layout: %v", err)
	}
}
