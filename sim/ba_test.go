package sim

import (
	"math"
	"testing"
)

func TestBAInvariants(t *testing.T) {
	for _, tc := range []struct{ n, m int }{
		{2, 1}, {3, 1}, {3, 2}, {10, 1}, {10, 3}, {10, 9}, {100, 2}, {1000, 5}, {500, 40},
	} {
		for seed := uint64(0); seed < 3; seed++ {
			g := generate(t, NetworkConfig{Generator: "ba", N: tc.n, M: tc.m}, seed)
			checkGraph(t, g, true)
			if want := int(baEdges(tc.n, tc.m)); g.Edges() != want {
				t.Fatalf("n=%d m=%d: %d edges, want %d", tc.n, tc.m, g.Edges(), want)
			}
			for v := range g.N {
				if g.Degree(int32(v)) < tc.m {
					t.Fatalf("n=%d m=%d: node %d has degree %d < m", tc.n, tc.m, v, g.Degree(int32(v)))
				}
			}
		}
	}
}

// TestBADegrees compares the fractions of nodes of degree m, m+1, m+2 and
// m+3 with the large-n law P(k) = 2m(m+1)/(k(k+1)(k+2)) (Dorogovtsev,
// Mendes & Samukhin 2000; Bollobás et al. 2001), and checks that the hubs
// are old: preferential attachment makes the oldest nodes the largest.
func TestBADegrees(t *testing.T) {
	for _, m := range []int{1, 2, 4} {
		const n, reps = 20000, 5
		gen := newGen(t, NetworkConfig{Generator: "ba", N: n, M: m})
		var g Graph
		r := NewRand(6)
		var hist []int64
		sum := make([]float64, 4)
		var oldDeg, youngDeg float64
		for range reps {
			if err := gen.Generate(&g, r); err != nil {
				t.Fatal(err)
			}
			hist = DegreeHistogram(hist, &g)
			for i := range sum {
				sum[i] += float64(hist[m+i]) / n
			}
			for v := range 100 {
				oldDeg += float64(g.Degree(int32(v)))
				youngDeg += float64(g.Degree(int32(n - 1 - v)))
			}
		}
		for i := range sum {
			k := float64(m + i)
			want := 2 * float64(m) * float64(m+1) / (k * (k + 1) * (k + 2))
			got := sum[i] / reps
			// sd of a fraction over reps·n nodes is below 0.5/sqrt(reps·n)
			// = 0.0016; the O(1/n) finite-size terms are far smaller.
			if math.Abs(got-want) > 0.008 {
				t.Errorf("m=%d: P(%g) = %.4f, want %.4f", m, k, got, want)
			}
		}
		if oldDeg < 5*youngDeg {
			t.Errorf("m=%d: the 100 oldest nodes have %g stubs, the 100 youngest %g; want hubs among the old", m, oldDeg, youngDeg)
		}
	}
}

func TestBADeterminism(t *testing.T) {
	checkDeterminism(t,
		NetworkConfig{Generator: "ba", N: 500, M: 3},
		NetworkConfig{Generator: "ba", N: 3000, M: 5})
}

func TestBAParamErrors(t *testing.T) {
	checkParamErrors(t, []struct {
		c   NetworkConfig
		key string
	}{
		{NetworkConfig{Generator: "ba", N: 10, M: 0}, "m"},
		{NetworkConfig{Generator: "ba", N: 10, M: -2}, "m"},
		{NetworkConfig{Generator: "ba", N: 10, M: 10}, "m"},
		{NetworkConfig{Generator: "ba", N: 1e9, M: 5}, "m"},
	})
}
