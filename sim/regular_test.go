package sim

import (
	"math"
	"testing"
)

func TestRegularInvariants(t *testing.T) {
	for _, tc := range []struct{ n, k int }{
		{1, 0}, {2, 1}, {3, 2}, {4, 3}, {5, 2}, {6, 3}, {7, 4}, {8, 5}, {10, 3},
		{10, 9}, {11, 6}, {50, 7}, {60, 33}, {100, 40}, {100, 60}, {1000, 3},
		{1000, 4}, {2000, 10}, {200, 48}, {101, 34},
	} {
		for seed := uint64(0); seed < 3; seed++ {
			g := generate(t, NetworkConfig{Generator: "regular", N: tc.n, K: tc.k}, seed)
			checkGraph(t, g, true)
			for v := range g.N {
				if d := g.Degree(int32(v)); d != tc.k {
					t.Fatalf("n=%d k=%d: node %d has degree %d", tc.n, tc.k, v, d)
				}
			}
			if g.Edges() != tc.n*tc.k/2 {
				t.Fatalf("n=%d k=%d: %d edges", tc.n, tc.k, g.Edges())
			}
		}
	}
}

// TestRegularUniform compares the frequencies of the labelled 3-regular
// graphs on 6 nodes with uniform. There are 70 of them (OEIS A002829: 1, 0,
// 70 labelled cubic graphs on 2, 4, 6 nodes: K4 gives 1 on 4 nodes; on 6
// nodes K_{3,3} gives 10 labellings and the prism 60). A chi-square over
// the 70 counts (69 df) must stay within 5 sd of its mean. Steger–Wormald
// is only asymptotically uniform, so this guards against gross bias (for
// example, favouring the prism by its pairing count).
func TestRegularUniform(t *testing.T) {
	gen := newGen(t, NetworkConfig{Generator: "regular", N: 6, K: 3})
	const reps = 70000
	counts := map[uint64]int{}
	var g Graph
	r := NewRand(2)
	for range reps {
		if err := gen.Generate(&g, r); err != nil {
			t.Fatal(err)
		}
		var key uint64 // bit v*6+w for each edge v<w
		for v := range int32(6) {
			for _, w := range g.Neighbors(v) {
				if w > v {
					key |= 1 << (v*6 + w)
				}
			}
		}
		counts[key]++
	}
	if len(counts) != 70 {
		t.Fatalf("saw %d distinct labelled graphs, want 70", len(counts))
	}
	want := float64(reps) / 70
	var chi2 float64
	for _, c := range counts {
		chi2 += (float64(c) - want) * (float64(c) - want) / want
	}
	t.Logf("chi2 = %.1f over 69 df", chi2)
	if df := 69.0; chi2 > df+5*math.Sqrt(2*df) {
		t.Errorf("chi2 = %.1f over %g df", chi2, df)
	}
}

func TestRegularDeterminism(t *testing.T) {
	checkDeterminism(t,
		NetworkConfig{Generator: "regular", N: 500, K: 4},
		NetworkConfig{Generator: "regular", N: 3000, K: 6})
	checkDeterminism(t,
		NetworkConfig{Generator: "regular", N: 100, K: 40},
		NetworkConfig{Generator: "regular", N: 300, K: 70})
}

func TestRegularParamErrors(t *testing.T) {
	checkParamErrors(t, []struct {
		c   NetworkConfig
		key string
	}{
		{NetworkConfig{Generator: "regular", N: 10, K: -1}, "k"},
		{NetworkConfig{Generator: "regular", N: 10, K: 10}, "k"},
		{NetworkConfig{Generator: "regular", N: 9, K: 3}, "k"},
		{NetworkConfig{Generator: "regular", N: 1 << 30, K: 4}, "k"},
	})
}
