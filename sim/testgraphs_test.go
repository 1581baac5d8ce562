package sim

import (
	"math"
	"slices"
	"testing"
)

// Test-only graph builders and theory. The generators proper live in their
// own files; these are small and obviously correct.

// buildGraph returns the graph on n nodes with the given undirected edges.
func buildGraph(tb testing.TB, n int, edges [][2]int32) *Graph {
	tb.Helper()
	var src, dst []int32
	for _, e := range edges {
		src = append(src, e[0])
		dst = append(dst, e[1])
	}
	g := new(Graph)
	if err := g.BuildFromEdges(n, src, dst); err != nil {
		tb.Fatal(err)
	}
	return g
}

func completeGraph(tb testing.TB, n int) *Graph {
	var edges [][2]int32
	for u := range int32(n) {
		for v := u + 1; v < int32(n); v++ {
			edges = append(edges, [2]int32{u, v})
		}
	}
	return buildGraph(tb, n, edges)
}

func pathGraph(tb testing.TB, n int) *Graph {
	var edges [][2]int32
	for u := range int32(n - 1) {
		edges = append(edges, [2]int32{u, u + 1})
	}
	return buildGraph(tb, n, edges)
}

// starGraph is node 0 joined to nodes 1..n-1.
func starGraph(tb testing.TB, n int) *Graph {
	var edges [][2]int32
	for v := int32(1); v < int32(n); v++ {
		edges = append(edges, [2]int32{0, v})
	}
	return buildGraph(tb, n, edges)
}

// gnpGraph fills g with a G(n,p) graph of mean degree c.
func gnpGraph(tb testing.TB, g *Graph, n int, c float64, r *Rand) {
	tb.Helper()
	gen, err := (&NetworkConfig{Generator: "er", N: n, MeanDegree: c}).New()
	if err != nil {
		tb.Fatal(err)
	}
	if err := gen.Generate(g, r); err != nil {
		tb.Fatal(err)
	}
}

// powerLawGraph fills g with a configuration-model graph whose degrees are
// drawn from P(k) ∝ k^-exponent on kMin..kMax, with self-loops and
// multi-edges erased (so the realised degrees are a little lower; theory
// must use degreeDist(g)).
func powerLawGraph(tb testing.TB, g *Graph, n int, exponent float64, kMin, kMax int, r *Rand) {
	tb.Helper()
	cdf := make([]float64, kMax+1)
	for k := kMin; k <= kMax; k++ {
		cdf[k] = cdf[k-1] + math.Pow(float64(k), -exponent)
	}
	for k := range cdf {
		cdf[k] /= cdf[kMax]
	}
	var stubs []int32
	for v := range int32(n) {
		k, _ := slices.BinarySearch(cdf, r.Float64())
		for range k {
			stubs = append(stubs, v)
		}
	}
	if len(stubs)%2 == 1 {
		stubs = append(stubs, 0)
	}
	for i := len(stubs) - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		stubs[i], stubs[j] = stubs[j], stubs[i]
	}
	type edge struct{ u, v int32 }
	seen := make(map[edge]bool, len(stubs)/2)
	var src, dst []int32
	for i := 0; i < len(stubs); i += 2 {
		u, v := min(stubs[i], stubs[i+1]), max(stubs[i], stubs[i+1])
		if u == v || seen[edge{u, v}] {
			continue
		}
		seen[edge{u, v}] = true
		src = append(src, u)
		dst = append(dst, v)
	}
	if err := g.BuildFromEdges(n, src, dst); err != nil {
		tb.Fatal(err)
	}
}

// degreeDist returns the degree distribution p_k of g.
func degreeDist(g *Graph) []float64 {
	var p []float64
	for v := range int32(g.N) {
		k := g.Degree(v)
		for len(p) <= k {
			p = append(p, 0)
		}
		p[k]++
	}
	for k := range p {
		p[k] /= float64(g.N)
	}
	return p
}

// moments returns <k> and <k²> of p.
func moments(p []float64) (k1, k2 float64) {
	for k, pk := range p {
		k1 += float64(k) * pk
		k2 += float64(k*k) * pk
	}
	return k1, k2
}

// genFunc returns G0(x) = Σ p_k x^k and G1(x) = G0'(x)/G0'(1).
func genFunc(p []float64, x float64) (g0, g1 float64) {
	mean, _ := moments(p)
	xk := 1.0 // x^(k-1) for the G1 term
	for k, pk := range p {
		if k == 0 {
			g0 += pk
			continue
		}
		g1 += float64(k) * pk * xk
		xk *= x
		g0 += pk * xk
	}
	return g0, g1 / mean
}

// bondGiant returns the giant component's share of the nodes under bond
// percolation with occupation T on a configuration model with degree
// distribution p, which is also the final size of an SIR epidemic of
// transmissibility T: u = G1(1-T+Tu), S = 1-G0(1-T+Tu) (M. E. J. Newman,
// "Spread of epidemic disease on networks", Phys. Rev. E 66, 016128
// (2002), eqs. 17-18).
func bondGiant(p []float64, T float64) float64 {
	u := 0.0
	for range 100000 {
		_, g1 := genFunc(p, 1-T+T*u)
		if math.Abs(g1-u) < 1e-14 {
			u = g1
			break
		}
		u = g1
	}
	g0, _ := genFunc(p, 1-T+T*u)
	return 1 - g0
}

// siteGiant returns the giant component's share of the nodes under site
// percolation with occupation phi on a configuration model: u =
// 1-phi+phi·G1(u), S = phi·(1-G0(u)) (D. S. Callaway, M. E. J. Newman,
// S. H. Strogatz and D. J. Watts, "Network robustness and fragility:
// percolation on random graphs", Phys. Rev. Lett. 85, 5468 (2000)).
func siteGiant(p []float64, phi float64) float64 {
	u := 0.0
	for range 100000 {
		_, g1 := genFunc(p, u)
		next := 1 - phi + phi*g1
		if math.Abs(next-u) < 1e-14 {
			u = next
			break
		}
		u = next
	}
	g0, _ := genFunc(p, u)
	return phi * (1 - g0)
}

// poissonDist returns the Poisson(c) distribution truncated where it is
// negligible.
func poissonDist(c float64) []float64 {
	var p []float64
	pk := math.Exp(-c)
	for k := 0; k < 10 || pk > 1e-18; k++ {
		p = append(p, pk)
		pk *= c / float64(k+1)
	}
	return p
}

// runMany runs process c on graphs from next (called before each run with
// the run's index) and returns the metrics of every run.
func runMany(tb testing.TB, c *ProcessConfig, runs int, seed uint64, next func(i int, r *Rand) *Graph) [][]float64 {
	tb.Helper()
	r := NewRand(seed)
	var p Process
	var res [][]float64
	for i := range runs {
		g := next(i, r)
		if p == nil {
			var err error
			if p, err = c.New(g.N); err != nil {
				tb.Fatal(err)
			}
		}
		out := make([]float64, len(p.Metrics()))
		if err := p.Run(g, r, out); err != nil {
			tb.Fatal(err)
		}
		res = append(res, out)
	}
	return res
}

// column returns metric j of every run.
func column(res [][]float64, j int) []float64 {
	col := make([]float64, len(res))
	for i, row := range res {
		col[i] = row[j]
	}
	return col
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}
