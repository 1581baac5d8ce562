package sim

import (
	"math"
	"slices"
	"testing"
)

func TestGnmInvariants(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10, 100, 1000} {
		all := n * (n - 1) / 2
		for _, m := range []int{0, 1, 2, n / 2, n, 3 * n, all / 2, all - 3, all - 1, all} {
			if m < 0 || m > all || (n > 100 && m > 5*n) {
				continue // keep the dense cases small
			}
			for seed := uint64(0); seed < 3; seed++ {
				g := generate(t, NetworkConfig{Generator: "gnm", N: n, Edges: m}, seed)
				checkGraph(t, g, true)
				if g.Edges() != m {
					t.Fatalf("n=%d edges=%d: got %d edges", n, m, g.Edges())
				}
				for v := range g.N {
					if !slices.IsSorted(g.Neighbors(int32(v))) {
						t.Fatalf("n=%d edges=%d: row %d not sorted", n, m, v)
					}
				}
			}
		}
	}
}

// TestGnmUniform checks that every node pair is an edge equally often. In
// G(n,m) each of the N = n(n-1)/2 pairs is an edge with probability m/N
// (Bollobás, Random Graphs, 2nd ed., 2.1), so over R graphs the counts are
// Binomial(R, m/N) and their chi-square against R·m/N has N-1 degrees of
// freedom; the thinning of the oversampled G(n,p') would show up here if
// it favoured early or late pairs.
func TestGnmUniform(t *testing.T) {
	for _, tc := range []struct{ n, m int }{{12, 5}, {12, 33}, {12, 60}, {9, 35}} {
		gen := newGen(t, NetworkConfig{Generator: "gnm", N: tc.n, Edges: tc.m})
		const reps = 20000
		counts := make([]int, tc.n*tc.n)
		var g Graph
		r := NewRand(4)
		for range reps {
			if err := gen.Generate(&g, r); err != nil {
				t.Fatal(err)
			}
			for v := range tc.n {
				for _, w := range g.Neighbors(int32(v)) {
					if int(w) < v {
						counts[v*tc.n+int(w)]++
					}
				}
			}
		}
		npairs := tc.n * (tc.n - 1) / 2
		q := float64(tc.m) / float64(npairs)
		want := reps * q
		var chi2 float64
		for v := range tc.n {
			for w := range v {
				d := float64(counts[v*tc.n+w]) - want
				chi2 += d * d / (want * (1 - q))
			}
		}
		// chi-square with df = N-1: mean df, sd sqrt(2 df); allow 5 sd.
		df := float64(npairs - 1)
		if chi2 > df+5*math.Sqrt(2*df) {
			t.Errorf("n=%d m=%d: chi2 = %.1f over %g df", tc.n, tc.m, chi2, df)
		}
	}
}

func TestGnmDeterminism(t *testing.T) {
	checkDeterminism(t,
		NetworkConfig{Generator: "gnm", N: 500, Edges: 1000},
		NetworkConfig{Generator: "gnm", N: 3000, Edges: 12000})
}

func TestGnmParamErrors(t *testing.T) {
	checkParamErrors(t, []struct {
		c   NetworkConfig
		key string
	}{
		{NetworkConfig{Generator: "gnm", N: 10, Edges: -1}, "edges"},
		{NetworkConfig{Generator: "gnm", N: 10, Edges: 46}, "edges"},
		{NetworkConfig{Generator: "gnm", N: 1, Edges: 1}, "edges"},
		{NetworkConfig{Generator: "gnm", N: 1e6, Edges: 1 << 31}, "edges"},
		{NetworkConfig{Generator: "gnm", N: 0, Edges: 0}, "n"},
	})
}
