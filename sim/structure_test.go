package sim

import (
	"math"
	"testing"
)

// TestStructureExact measures small graphs whose values are known by hand.
func TestStructureExact(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		g                    *Graph
		comps                int
		giant, clust, assort float64
	}{
		// A triangle 0-1-2 with a tail 2-3-4, a separate edge 5-6 and an
		// isolated node 7. Clustering: nodes 0 and 1 have C = 1, node 2
		// (degree 3, one triangle) 1/3, the rest 0: (2+1/3)/8 = 7/24.
		// Assortativity by Newman 2002 eq. (4) over the 6 edges' end
		// degrees (2,2) (2,3) (2,3) (3,2) (2,1) (1,1): Σjk/M = 25/6,
		// [Σ(j+k)/2M]² = 4, Σ(j²+k²)/2M = 27/6, r = (1/6)/(1/2) = 1/3.
		{"triangle and path", buildGraph(t, 8, [][2]int32{{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {5, 6}}), 3, 5.0 / 8, 7.0 / 24, 1.0 / 3},
		// A star: every edge joins the hub to a leaf, r = −1.
		{"star", starGraph(t, 6), 1, 1, 0, -1},
		// A complete graph: every pair of neighbours is joined; regular,
		// so r is undefined and reported as 0.
		{"K5", completeGraph(t, 5), 1, 1, 1, 0},
		// A path of 5: end degrees (1,2) (2,2) (2,2) (2,1): Σjk/M = 3,
		// mean 7/4, Σ(j²+k²)/2M = 13/4, r = (3−49/16)/(13/4−49/16) = −1/3.
		{"path", pathGraph(t, 5), 1, 1, 0, -1.0 / 3},
		{"empty", buildGraph(t, 4, nil), 4, 0.25, 0, 0},
		{"no nodes", buildGraph(t, 0, nil), 0, 0, 0, 0},
	} {
		var cc ComponentCounter
		var tc2 TriangleCounter
		st := cc.Count(tc.g)
		if st.Components != tc.comps || math.Abs(st.GiantFraction()-tc.giant) > 1e-15 {
			t.Errorf("%s: %d components, giant %v; want %d, %v", tc.name, st.Components, st.GiantFraction(), tc.comps, tc.giant)
		}
		if c := tc2.MeanClustering(tc.g); math.Abs(c-tc.clust) > 1e-15 {
			t.Errorf("%s: clustering %v, want %v", tc.name, c, tc.clust)
		}
		if r := Assortativity(tc.g); math.Abs(r-tc.assort) > 1e-12 {
			t.Errorf("%s: assortativity %v, want %v", tc.name, r, tc.assort)
		}
	}
}

// TestTrianglesBruteForce compares the forward algorithm's triangles per
// node with a check of every pair of neighbours, on G(n,p) and power-law
// graphs, reusing one counter across sizes.
func TestTrianglesBruteForce(t *testing.T) {
	var tc TriangleCounter
	r := NewRand(3)
	var g Graph
	for i, n := range []int{300, 50, 1000} {
		if i%2 == 0 {
			gnpGraph(t, &g, n, 12, r)
		} else {
			powerLawGraph(t, &g, n, 2.2, 2, n/3, r)
		}
		adj := map[[2]int32]bool{}
		for v := range int32(g.N) {
			for _, w := range g.Neighbors(v) {
				adj[[2]int32{v, w}] = true
			}
		}
		tri := tc.Count(&g)
		total := int64(0)
		for v := range int32(g.N) {
			var want int64
			nb := g.Neighbors(v)
			for a := range nb {
				for b := a + 1; b < len(nb); b++ {
					if adj[[2]int32{nb[a], nb[b]}] {
						want++
					}
				}
			}
			if tri[v] != want {
				t.Fatalf("n=%d: node %d in %d triangles, want %d", n, v, tri[v], want)
			}
			total += want
		}
		if total == 0 {
			t.Fatalf("n=%d: no triangles: a weak test", n)
		}
	}
}

// TestGiantGnp compares the components of G(n,p) with Erdős–Rényi
// theory: the largest component's share S solves S = 1 − exp(−c·S) (M. E.
// J. Newman, Networks, 2nd ed. (2018), eq. 11.16), and the number of
// components per node tends to (1−S) − c(1−S)²/2: the small components are
// trees, so their number is their nodes, n(1−S), less their edges, whose
// ends have mean degree c(1−S) (a node outside the giant has Poisson(c·u)
// neighbours, u = 1−S; same chapter). Reps graphs of 20,000 nodes; each
// mean must lie within 5 standard errors plus an allowance for the O(1/n)
// and, for S, O(log n / n) finite-size terms.
func TestGiantGnp(t *testing.T) {
	const n, reps = 20000, 40
	var cc ComponentCounter
	var g Graph
	r := NewRand(17)
	for _, c := range []float64{0.5, 1.5, 3} {
		var sum, sq, csum, csq float64
		for range reps {
			gnpGraph(t, &g, n, c, r)
			st := cc.Count(&g)
			s, k := st.GiantFraction(), float64(st.Components)/n
			sum += s
			sq += s * s
			csum += k
			csq += k * k
		}
		mean, cmean := sum/reps, csum/reps
		sem := math.Sqrt(max(0, sq/reps-mean*mean) / (reps - 1))
		csem := math.Sqrt(max(0, csq/reps-cmean*cmean) / (reps - 1))
		S := 0.0
		if c > 1 {
			S = 0.5
			for range 1000 {
				S = 1 - math.Exp(-c*S)
			}
		}
		comps := (1 - S) - c*(1-S)*(1-S)/2
		// Below the threshold the largest component is O(log n) nodes:
		// under 1% of n.
		tol := 5*sem + 1e-3
		if c < 1 {
			tol = 0.01
		}
		t.Logf("c=%g: giant %.5f ± %.5f, theory %.5f; components/n %.5f ± %.5f, theory %.5f", c, mean, sem, S, cmean, csem, comps)
		if math.Abs(mean-S) > tol {
			t.Errorf("c=%g: giant fraction %.5f ± %.5f, want %.5f", c, mean, sem, S)
		}
		if math.Abs(cmean-comps) > 5*csem+1e-3 {
			t.Errorf("c=%g: components per node %.5f ± %.5f, want %.5f", c, cmean, csem, comps)
		}
	}
}

// TestClusteringWS: the ring lattice of the Watts–Strogatz model (rewire =
// 0) has clustering 3(k−2)/(4(k−1)) at every node (A. Barrat and M.
// Weigt, "On the properties of small-world network models", Eur. Phys. J.
// B 13, 547–560 (2000), eq. 2), exactly, and assortativity 0 (regular).
// Rewiring lowers it, about as C(0)(1−p)³ (same paper, eq. 3).
func TestClusteringWS(t *testing.T) {
	var tc TriangleCounter
	for _, k := range []int{2, 4, 6, 10} {
		g := generate(t, NetworkConfig{Generator: "ws", N: 1000, K: k}, 1)
		want := 3 * float64(k-2) / (4 * float64(k-1))
		if c := tc.MeanClustering(g); math.Abs(c-want) > 1e-12 {
			t.Errorf("ring lattice k=%d: clustering %v, want %v", k, c, want)
		}
	}
	const k, p = 10, 0.1
	var sum float64
	for seed := range uint64(10) {
		sum += tc.MeanClustering(generate(t, NetworkConfig{Generator: "ws", N: 5000, K: k, Rewire: p}, seed))
	}
	c0 := 3 * float64(k-2) / (4 * float64(k-1))
	want := c0 * math.Pow(1-p, 3)
	// Barrat–Weigt's formula neglects O(k/n) terms and triangles made by
	// rewiring: allow 2%.
	if got := sum / 10; math.Abs(got-want) > 0.02*want {
		t.Errorf("WS k=%d p=%g: clustering %.4f, want %.4f (Barrat & Weigt)", k, p, got, want)
	}
}
