package sim

import (
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"
)

// newGen builds c's generator or fails the test.
func newGen(tb testing.TB, c NetworkConfig) Generator {
	tb.Helper()
	gen, err := c.New()
	if err != nil {
		tb.Fatalf("%v: %v", c.String(), err)
	}
	return gen
}

// generate fills a fresh graph from c with seed.
func generate(tb testing.TB, c NetworkConfig, seed uint64) *Graph {
	tb.Helper()
	var g Graph
	if err := newGen(tb, c).Generate(&g, NewRand(seed)); err != nil {
		tb.Fatalf("%v: %v", c.String(), err)
	}
	return &g
}

// checkDeterminism checks that the same seed gives the same graph, and that
// a graph reused after a larger network gives what a fresh one gives.
func checkDeterminism(t *testing.T, small, large NetworkConfig) {
	t.Helper()
	a := generate(t, small, 7)
	b := generate(t, small, 7)
	sameGraph(t, a, b)
	var reused Graph
	if err := newGen(t, large).Generate(&reused, NewRand(3)); err != nil {
		t.Fatal(err)
	}
	if err := newGen(t, small).Generate(&reused, NewRand(7)); err != nil {
		t.Fatal(err)
	}
	sameGraph(t, a, &reused)
	if c := generate(t, small, 8); slices.Equal(a.Adj, c.Adj) && a.Edges() > 10 {
		t.Errorf("seeds 7 and 8 gave the same graph")
	}
}

// checkParamErrors runs a table of bad configs and wants a *ParamError
// naming key for each.
func checkParamErrors(t *testing.T, cases []struct {
	c   NetworkConfig
	key string
}) {
	t.Helper()
	for _, tc := range cases {
		_, err := tc.c.New()
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%+v: got %v, want a *ParamError", tc.c, err)
			continue
		}
		if pe.Key != tc.key {
			t.Errorf("%+v: error names %q (%v), want %q", tc.c, pe.Key, err, tc.key)
		}
	}
}

func TestGnpInvariants(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10, 100, 1000} {
		for _, p := range []float64{0, 1e-9, 0.001, 0.01, 0.1, 0.5, 0.9, 1} {
			if n > 100 && p > 0.01 {
				continue // keep the dense cases small
			}
			for seed := uint64(0); seed < 3; seed++ {
				g := generate(t, NetworkConfig{Generator: "er", N: n, P: p}, seed)
				checkGraph(t, g, true)
				for v := range g.N {
					if !slices.IsSorted(g.Neighbors(int32(v))) {
						t.Fatalf("n=%d p=%g: row %d not sorted", n, p, v)
					}
				}
				if p == 1 && g.Edges() != n*(n-1)/2 {
					t.Errorf("n=%d p=1: %d edges, want %d", n, g.Edges(), n*(n-1)/2)
				}
				if p == 0 && g.Edges() != 0 {
					t.Errorf("n=%d p=0: %d edges", n, g.Edges())
				}
			}
		}
	}
}

// TestGnpMoments compares the edge count and the degree variance with
// G(n,p) theory: the edge count is Binomial(n(n-1)/2, p) and each degree
// Binomial(n-1, p), so Var(k) = (n-1)p(1-p) (Bollobás, Random Graphs, 2nd
// ed., ch. 3). A graph's own degree variance (1/n)Σ(k_i - <k>)² has mean
// Var(k) - Var(<k>) = (n-1)p(1-p)(1 - 2/n), since <k> = 2m/n.
func TestGnpMoments(t *testing.T) {
	for _, tc := range []struct {
		n    int
		mean float64
	}{{200, 0.5}, {2000, 5}, {500, 50}, {60, 40}} {
		c := NetworkConfig{Generator: "er", N: tc.n, MeanDegree: tc.mean}
		gen := newGen(t, c)
		p := tc.mean / float64(tc.n-1)
		const reps = 400
		var g Graph
		r := NewRand(11)
		var edges, vars meanVar
		for range reps {
			if err := gen.Generate(&g, r); err != nil {
				t.Fatal(err)
			}
			edges.add(float64(g.Edges()))
			k1, k2 := DegreeMoments(&g)
			vars.add(k2 - k1*k1)
		}
		pairs := pairs(tc.n)
		sd := math.Sqrt(pairs * p * (1 - p) / reps)
		if got := edges.mean(); math.Abs(got-pairs*p) > 4*sd {
			t.Errorf("n=%d <k>=%g: mean edges %g, want %g ± %g", tc.n, tc.mean, got, pairs*p, 4*sd)
		}
		wantVar := float64(tc.n-1) * p * (1 - p) * (1 - 2/float64(tc.n))
		if got, tol := vars.mean(), 4*vars.sem(); math.Abs(got-wantVar) > tol {
			t.Errorf("n=%d <k>=%g: degree variance %g, want %g ± %g", tc.n, tc.mean, got, wantVar, tol)
		}
	}
}

// meanVar accumulates a sample's mean and variance (Welford).
type meanVar struct {
	n       int
	mu, sum float64
}

func (a *meanVar) add(x float64) {
	a.n++
	d := x - a.mu
	a.mu += d / float64(a.n)
	a.sum += d * (x - a.mu)
}

func (a *meanVar) mean() float64 { return a.mu }

// sem returns the standard error of the mean.
func (a *meanVar) sem() float64 {
	return math.Sqrt(a.sum / float64(a.n-1) / float64(a.n))
}

func TestGnpDeterminism(t *testing.T) {
	checkDeterminism(t,
		NetworkConfig{Generator: "er", N: 500, MeanDegree: 4},
		NetworkConfig{Generator: "er", N: 3000, MeanDegree: 8})
}

func TestGnpParamErrors(t *testing.T) {
	checkParamErrors(t, []struct {
		c   NetworkConfig
		key string
	}{
		{NetworkConfig{Generator: "er", N: 0, P: 0.1}, "n"},
		{NetworkConfig{Generator: "er", N: 1 << 31, P: 0.1}, "n"},
		{NetworkConfig{Generator: "er", N: 10, P: 0.1, MeanDegree: 1}, "p"},
		{NetworkConfig{Generator: "er", N: 10, P: -0.1}, "p"},
		{NetworkConfig{Generator: "er", N: 10, P: 1.5}, "p"},
		{NetworkConfig{Generator: "er", N: 10, P: math.NaN()}, "p"},
		{NetworkConfig{Generator: "er", N: 10, MeanDegree: -1}, "mean_degree"},
		{NetworkConfig{Generator: "er", N: 10, MeanDegree: 10}, "mean_degree"},
		{NetworkConfig{Generator: "er", N: 1e6, MeanDegree: 5000}, "mean_degree"},
		{NetworkConfig{Generator: "nope", N: 10}, "generator"},
	})
}

// TestGnpPeakMemory checks the memory goal: generating into a fresh graph
// allocates less than twice the graph's Off and Adj arrays (there is no
// edge list; the only extra array is one int32 per node).
func TestGnpPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 30 MB")
	}
	gen := newGen(t, NetworkConfig{Generator: "er", N: 1e6, MeanDegree: 5})
	var g Graph
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := gen.Generate(&g, NewRand(1)); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	arrays := 4 * uint64(len(g.Off)+len(g.Adj))
	t.Logf("allocated %d bytes for Off+Adj of %d bytes: ratio %.3f", alloc, arrays, float64(alloc)/float64(arrays))
	if alloc >= 2*arrays {
		t.Errorf("allocated %d bytes, want < 2 × %d", alloc, arrays)
	}
}
