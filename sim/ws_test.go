package sim

import (
	"math"
	"testing"
)

func TestWSInvariants(t *testing.T) {
	for _, tc := range []struct{ n, k int }{
		{1, 0}, {3, 2}, {5, 4}, {6, 4}, {10, 2}, {10, 8}, {100, 6}, {1000, 10}, {51, 50},
	} {
		for _, beta := range []float64{0, 0.01, 0.2, 0.5, 1} {
			for seed := uint64(0); seed < 3; seed++ {
				g := generate(t, NetworkConfig{Generator: "ws", N: tc.n, K: tc.k, Rewire: beta}, seed)
				checkGraph(t, g, true)
				if g.Edges() != tc.n*tc.k/2 {
					t.Fatalf("n=%d k=%d rewire=%g: %d edges, want %d", tc.n, tc.k, beta, g.Edges(), tc.n*tc.k/2)
				}
				if beta == 0 {
					for v := range tc.n {
						for _, w := range g.Neighbors(int32(v)) {
							if d := ringDist(v, int(w), tc.n); d < 1 || d > tc.k/2 {
								t.Fatalf("n=%d k=%d: lattice edge %d-%d at ring distance %d", tc.n, tc.k, v, w, d)
							}
						}
					}
				}
			}
		}
	}
}

func ringDist(u, v, n int) int {
	d := (u - v + n) % n
	return min(d, n-d)
}

// TestWSRewired counts the edges that are no longer lattice edges. Each
// of the m = nk/2 edges is rewired with probability β, independently, and
// a rewired end lands on a lattice neighbour with probability O(k/n), so
// the count is close to Binomial(m, β) (Watts & Strogatz 1998). Rewired
// ends are uniform, so a rewired edge's length is uniform on 1..n/2, mean
// about n/4.
func TestWSRewired(t *testing.T) {
	const n, k = 5000, 10
	for _, beta := range []float64{0.05, 0.3, 0.9} {
		gen := newGen(t, NetworkConfig{Generator: "ws", N: n, K: k, Rewire: beta})
		var g Graph
		r := NewRand(12)
		const reps = 20
		var far, length float64
		for range reps {
			if err := gen.Generate(&g, r); err != nil {
				t.Fatal(err)
			}
			for v := range n {
				for _, w := range g.Neighbors(int32(v)) {
					if d := ringDist(v, int(w), n); int(w) > v && d > k/2 {
						far++
						length += float64(d)
					}
				}
			}
		}
		m := float64(n * k / 2)
		want := reps * m * beta * (1 - float64(k)/n)
		sd := math.Sqrt(reps * m * beta * (1 - beta))
		if math.Abs(far-want) > 4*sd+0.002*want {
			t.Errorf("rewire=%g: %g long edges in %d graphs, want %g ± %g", beta, far, reps, want, 4*sd)
		}
		if mean := length / far; math.Abs(mean-n/4.0) > 0.02*n/4 {
			t.Errorf("rewire=%g: mean length of rewired edges %g, want about %g", beta, mean, n/4.0)
		}
	}
}

func TestWSDeterminism(t *testing.T) {
	checkDeterminism(t,
		NetworkConfig{Generator: "ws", N: 500, K: 4, Rewire: 0.1},
		NetworkConfig{Generator: "ws", N: 3000, K: 8, Rewire: 0.5})
}

func TestWSParamErrors(t *testing.T) {
	checkParamErrors(t, []struct {
		c   NetworkConfig
		key string
	}{
		{NetworkConfig{Generator: "ws", N: 10, K: 3, Rewire: 0.1}, "k"},
		{NetworkConfig{Generator: "ws", N: 10, K: -2, Rewire: 0.1}, "k"},
		{NetworkConfig{Generator: "ws", N: 10, K: 10, Rewire: 0.1}, "k"},
		{NetworkConfig{Generator: "ws", N: 10, K: 4, Rewire: -0.1}, "rewire"},
		{NetworkConfig{Generator: "ws", N: 10, K: 4, Rewire: 1.1}, "rewire"},
		{NetworkConfig{Generator: "ws", N: 10, K: 4, Rewire: math.NaN()}, "rewire"},
		{NetworkConfig{Generator: "ws", N: 1 << 30, K: 4}, "k"},
	})
}
