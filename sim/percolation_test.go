package sim

import (
	"math"
	"testing"
)

// largestCluster returns the size of the largest cluster of g restricted to
// the nodes with nodeOn and the edges with edgeOn (edge i is the i-th pair
// u < v in CSR order), by depth-first search.
func largestCluster(g *Graph, nodeOn func(int32) bool, edgeOn func(int) bool) int {
	type arc struct{ u, v int32 }
	var arcs []arc
	for u := range int32(g.N) {
		for _, v := range g.Neighbors(u) {
			if v > u {
				arcs = append(arcs, arc{u, v})
			}
		}
	}
	adj := make([][]int32, g.N)
	for i, a := range arcs {
		if edgeOn(i) && nodeOn(a.u) && nodeOn(a.v) {
			adj[a.u] = append(adj[a.u], a.v)
			adj[a.v] = append(adj[a.v], a.u)
		}
	}
	seen := make([]bool, g.N)
	best := 0
	for s := range int32(g.N) {
		if seen[s] || !nodeOn(s) {
			continue
		}
		size, stack := 0, []int32{s}
		seen[s] = true
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			for _, v := range adj[u] {
				if !seen[v] {
					seen[v] = true
					stack = append(stack, v)
				}
			}
		}
		best = max(best, size)
	}
	return best
}

// TestPercolationExactSmall compares the distribution of the largest
// cluster on small graphs with exact enumeration of all 2^m bond (2^n site)
// occupation patterns, each frequency within 4 binomial SEs.
func TestPercolationExactSmall(t *testing.T) {
	const runs = 20000
	graphs := map[string]*Graph{
		"paw":   buildGraph(t, 4, [][2]int32{{0, 1}, {1, 2}, {0, 2}, {2, 3}}),
		"path5": pathGraph(t, 5),
		"k4":    completeGraph(t, 4),
	}
	for name, g := range graphs {
		m := g.Edges()
		for _, site := range []bool{false, true} {
			model, items := "bond_percolation", m
			if site {
				model, items = "site_percolation", g.N
			}
			const phi = 0.6
			exact := make([]float64, g.N+1)
			for mask := range 1 << items {
				on := func(i int) bool { return mask>>i&1 == 1 }
				p := 1.0
				for i := range items {
					if on(i) {
						p *= phi
					} else {
						p *= 1 - phi
					}
				}
				all := func(int) bool { return true }
				if site {
					exact[largestCluster(g, func(v int32) bool { return on(int(v)) }, all)] += p
				} else {
					exact[largestCluster(g, func(int32) bool { return true }, on)] += p
				}
			}
			res := runMany(t, &ProcessConfig{Model: model, Occupation: phi}, runs, 31, func(int, *Rand) *Graph { return g })
			counts := make([]float64, g.N+1)
			for _, row := range res {
				counts[int(math.Round(row[0]*float64(g.N)))]++
			}
			checkProbabilities(t, name+" "+model, exact, counts, runs)
		}
	}
}

// TestPercolationGnp compares the giant cluster on G(n,p), n=1e5, c=4 with
// Newman (2002) for bonds and Callaway et al. (2000) for sites (see
// bondGiant, siteGiant). The run-to-run SD is at most 0.003, so the mean of
// 12 runs is within 0.004 (over 4 SE) unless the model is wrong: a 0.02
// error in phi moves the giant by more than 0.02.
func TestPercolationGnp(t *testing.T) {
	const n, c, runs = 100000, 4.0, 12
	for _, tc := range []struct {
		model string
		phi   float64
		want  float64
	}{
		{"bond_percolation", 0.5, bondGiant(poissonDist(c), 0.5)},
		{"bond_percolation", 0.2, 0},
		{"site_percolation", 0.5, siteGiant(poissonDist(c), 0.5)},
		{"site_percolation", 1, bondGiant(poissonDist(c), 1)}, // the giant component itself
	} {
		var g Graph
		res := runMany(t, &ProcessConfig{Model: tc.model, Occupation: tc.phi}, runs, 32, func(_ int, r *Rand) *Graph {
			gnpGraph(t, &g, n, c, r)
			return &g
		})
		got, sd := meanSD(column(res, 0))
		t.Logf("%s phi=%g: giant %.4f (SD %.4f), theory %.4f", tc.model, tc.phi, got, sd, tc.want)
		if math.Abs(got-tc.want) > 0.004 {
			t.Errorf("%s phi=%g: giant fraction %.4f, want %.4f ± 0.004", tc.model, tc.phi, got, tc.want)
		}
	}
}
