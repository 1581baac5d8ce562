package sim

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigurationInvariants(t *testing.T) {
	list := []int{3, 1, 2, 2, 0, 4, 1, 1}
	for _, c := range []NetworkConfig{
		{N: 1, Degrees: "poisson", MeanDegree: 3},
		{N: 2, Degrees: "poisson", MeanDegree: 0.5},
		{N: 100, Degrees: "poisson", MeanDegree: 0},
		{N: 100, Degrees: "poisson", MeanDegree: 3},
		{N: 1000, Degrees: "poisson", MeanDegree: 10},
		{N: 1000, Degrees: "poisson", MeanDegree: 2, MultiEdges: "reject"},
		{N: 30, Degrees: "poisson", MeanDegree: 1.5, MultiEdges: "reject"},
		{N: 1000, Degrees: "powerlaw", Exponent: 2.5},
		{N: 1000, Degrees: "powerlaw", Exponent: 2.1, KMin: 2, KMax: 999},
		{N: 500, Degrees: "powerlaw", Exponent: 3, KMin: 3, KMax: 3, MultiEdges: "reject"},
		{N: 8, Degrees: "list", DegreeList: list},
		{N: 8, Degrees: "list", DegreeList: list, MultiEdges: "reject"},
	} {
		c.Generator = "configuration"
		for seed := uint64(0); seed < 3; seed++ {
			g := generate(t, c, seed)
			checkGraph(t, g, true)
			if c.Degrees == "list" {
				for v, d := range c.DegreeList {
					got := g.Degree(int32(v))
					if got > d || (c.MultiEdges == "reject" && got != d) {
						t.Fatalf("%+v: node %d has degree %d, listed %d", c, v, got, d)
					}
				}
			}
			if c.Degrees == "powerlaw" && c.MultiEdges == "reject" {
				for v := range g.N {
					if g.Degree(int32(v)) != c.KMin {
						t.Fatalf("%+v: node %d has degree %d", c, v, g.Degree(int32(v)))
					}
				}
			}
		}
	}
}

// TestDrawDegrees compares the drawn degrees with their target law by a
// chi-square over degree classes (classes with expected count < 20 are
// pooled into their neighbour): Poisson, P(k) = e^-λ λ^k / k!, and the
// discrete power law P(k) = k^-γ / Σ_{j=k_min}^{k_max} j^-γ.
func TestDrawDegrees(t *testing.T) {
	for _, c := range []NetworkConfig{
		{N: 1000, Degrees: "poisson", MeanDegree: 4},
		{N: 1000, Degrees: "poisson", MeanDegree: 0.3},
		{N: 1000, Degrees: "poisson", MeanDegree: 1200}, // split into pieces
		{N: 1000, Degrees: "powerlaw", Exponent: 2.5},
		{N: 1000, Degrees: "powerlaw", Exponent: 2.1, KMin: 3, KMax: 200},
		{N: 1000, Degrees: "powerlaw", Exponent: 3.5, KMin: 1, KMax: 10},
	} {
		c.Generator = "configuration"
		gen := newGen(t, c).(*Configuration)
		var pmf func(k int) float64
		if c.Degrees == "poisson" {
			lam := c.MeanDegree
			pmf = func(k int) float64 {
				lg, _ := math.Lgamma(float64(k + 1))
				return math.Exp(-lam + float64(k)*math.Log(lam) - lg)
			}
		} else {
			kMin, kMax := c.configuration().powerlawRange()
			var z float64
			for k := kMin; k <= kMax; k++ {
				z += math.Pow(float64(k), -c.Exponent)
			}
			pmf = func(k int) float64 {
				if k < kMin || k > kMax {
					return 0
				}
				return math.Pow(float64(k), -c.Exponent) / z
			}
		}
		const reps = 200
		deg := make([]int32, c.N)
		counts := map[int]int{}
		r := NewRand(3)
		var parity int
		for range reps {
			sum, err := gen.drawDegrees(deg, r)
			if err != nil {
				t.Fatal(err)
			}
			parity |= sum % 2
			for _, d := range deg {
				counts[int(d)]++
			}
		}
		if parity != 0 {
			t.Errorf("%+v: odd degree sum", c)
		}
		total := float64(reps * c.N)
		hi := 0
		for k := range counts {
			hi = max(hi, k)
		}
		hi = max(hi, int(c.MeanDegree*2)+10)
		// Pool classes left to right until each expects >= 20.
		var chi2, e float64
		var o, df int
		for k := 0; k <= hi+1; k++ {
			if k <= hi {
				e += total * pmf(k)
				o += counts[k]
			} else {
				// Everything above hi: the tail's mass.
				var mass float64
				for j := 0; j <= hi; j++ {
					mass += pmf(j)
				}
				e += total * math.Max(0, 1-mass)
			}
			if e >= 20 || k == hi+1 {
				if e > 0 {
					chi2 += (float64(o) - e) * (float64(o) - e) / e
					df++
				}
				e, o = 0, 0
			}
		}
		df--
		if lim := float64(df) + 5*math.Sqrt(2*float64(df)); chi2 > lim {
			t.Errorf("%+v: chi2 = %.1f over %d df", c, chi2, df)
		}
	}
}

// TestConfigurationMoments checks the realised degrees: with reject the
// graph keeps the drawn sequence, so <k> and <k²> match the Poisson law
// (λ, λ+λ²); with erase the number of erased edges matches the large-n
// expectation ν/2 self-loops + ν²/4 double edges, ν = <k(k-1)>/<k> = λ for
// Poisson degrees (Newman, Networks, 2nd ed., 12.1; Janson 2009).
func TestConfigurationMoments(t *testing.T) {
	const lam = 2.0
	for _, mode := range []string{"reject", "erase"} {
		c := NetworkConfig{Generator: "configuration", N: 3000, Degrees: "poisson", MeanDegree: lam, MultiEdges: mode}
		gen := newGen(t, c)
		var g Graph
		r := NewRand(8)
		var k1s, k2s, lost meanVar
		reps := 200
		if mode == "erase" {
			reps = 1000
		}
		deg := make([]int32, c.N)
		for range reps {
			// Replay the degree draw to know the stubs before erasure.
			state := *r
			sum, _ := gen.(*Configuration).drawDegrees(deg, &state)
			if err := gen.Generate(&g, r); err != nil {
				t.Fatal(err)
			}
			k1, k2 := DegreeMoments(&g)
			k1s.add(k1)
			k2s.add(k2)
			lost.add(float64(sum/2 - g.Edges()))
		}
		if mode == "reject" {
			if lost.mean() != 0 {
				t.Errorf("reject lost %g edges on average", lost.mean())
			}
			if got, tol := k1s.mean(), 4*k1s.sem(); math.Abs(got-lam) > tol {
				t.Errorf("reject: <k> = %g, want %g ± %g", got, lam, tol)
			}
			if got, tol := k2s.mean(), 4*k2s.sem(); math.Abs(got-lam-lam*lam) > tol {
				t.Errorf("reject: <k²> = %g, want %g ± %g", got, lam+lam*lam, tol)
			}
			continue
		}
		want := lam/2 + lam*lam/4
		if got, tol := lost.mean(), 4*lost.sem()+0.02*want; math.Abs(got-want) > tol {
			t.Errorf("erase: %g edges erased per graph, want %g ± %g", got, want, tol)
		}
	}
}

func TestConfigurationPowerlawMoments(t *testing.T) {
	// The realised <k> after erasing stays within 1% of the law's mean
	// Σ k^(1-γ) / Σ k^-γ over [k_min, k_max]: erasing removes O(1) edges.
	c := NetworkConfig{Generator: "configuration", N: 20000, Degrees: "powerlaw", Exponent: 2.7, KMin: 2}
	gen := newGen(t, c)
	kMin, kMax := c.configuration().powerlawRange()
	var z0, z1, z2 float64
	for k := kMin; k <= kMax; k++ {
		p := math.Pow(float64(k), -c.Exponent)
		z0 += p
		z1 += p * float64(k)
		z2 += p * float64(k) * float64(k)
	}
	var g Graph
	r := NewRand(1)
	var k1s, k2s meanVar
	for range 50 {
		if err := gen.Generate(&g, r); err != nil {
			t.Fatal(err)
		}
		k1, k2 := DegreeMoments(&g)
		k1s.add(k1)
		k2s.add(k2)
	}
	if got, want := k1s.mean(), z1/z0; math.Abs(got-want) > 4*k1s.sem()+0.01*want {
		t.Errorf("<k> = %g, want %g", got, want)
	}
	if got, want := k2s.mean(), z2/z0; math.Abs(got-want) > 4*k2s.sem()+0.01*want {
		t.Errorf("<k²> = %g, want %g", got, want)
	}
}

func TestConfigurationDeterminism(t *testing.T) {
	for _, mode := range []string{"erase", "reject"} {
		checkDeterminism(t,
			NetworkConfig{Generator: "configuration", N: 500, Degrees: "poisson", MeanDegree: 1.5, MultiEdges: mode},
			NetworkConfig{Generator: "configuration", N: 3000, Degrees: "poisson", MeanDegree: 3})
	}
	checkDeterminism(t,
		NetworkConfig{Generator: "configuration", N: 500, Degrees: "powerlaw", Exponent: 2.5},
		NetworkConfig{Generator: "configuration", N: 3000, Degrees: "powerlaw", Exponent: 2.2, KMax: 1000})
}

func TestConfigurationRejectFails(t *testing.T) {
	// Degree 2 on both nodes of a 2-node graph pairs into a double edge or
	// two self-loops: never simple.
	gen := newGen(t, NetworkConfig{Generator: "configuration", N: 2, Degrees: "list", DegreeList: []int{2, 2}, MultiEdges: "reject"})
	var g Graph
	if err := gen.Generate(&g, NewRand(1)); err == nil {
		t.Fatal("reject succeeded on a degree list no simple graph has")
	}
	// erase keeps one edge of the double edge (probability 2/3) or none.
	gen = newGen(t, NetworkConfig{Generator: "configuration", N: 2, Degrees: "list", DegreeList: []int{2, 2}})
	seen := [2]int{}
	for seed := range uint64(300) {
		if err := gen.Generate(&g, NewRand(seed)); err != nil || g.Edges() > 1 {
			t.Fatalf("erase: %v, %d edges", err, g.Edges())
		}
		seen[g.Edges()]++
	}
	// Binomial(300, 2/3): mean 200, sd 8.2.
	if seen[1] < 160 || seen[1] > 240 {
		t.Errorf("erase kept the edge %d times in 300, want about 200", seen[1])
	}
}

func TestConfigurationParamErrors(t *testing.T) {
	cfg := func(c NetworkConfig) NetworkConfig { c.Generator = "configuration"; return c }
	checkParamErrors(t, []struct {
		c   NetworkConfig
		key string
	}{
		{cfg(NetworkConfig{N: 10}), "degrees"},
		{cfg(NetworkConfig{N: 10, Degrees: "gauss"}), "degrees"},
		{cfg(NetworkConfig{N: 10, Degrees: "poisson", MeanDegree: -1}), "mean_degree"},
		{cfg(NetworkConfig{N: 10, Degrees: "poisson", MeanDegree: math.Inf(1)}), "mean_degree"},
		{cfg(NetworkConfig{N: 10, Degrees: "poisson", MeanDegree: 2, Exponent: 2}), "exponent"},
		{cfg(NetworkConfig{N: 10, Degrees: "poisson", MeanDegree: 2, MultiEdges: "keep"}), "multi_edges"},
		{cfg(NetworkConfig{N: 1e9, Degrees: "poisson", MeanDegree: 5}), "mean_degree"},
		{cfg(NetworkConfig{N: 10, Degrees: "powerlaw"}), "exponent"},
		{cfg(NetworkConfig{N: 10, Degrees: "powerlaw", Exponent: 0.5}), "exponent"},
		{cfg(NetworkConfig{N: 10, Degrees: "powerlaw", Exponent: 2, KMin: -1}), "k_min"},
		{cfg(NetworkConfig{N: 10, Degrees: "powerlaw", Exponent: 2, KMax: 10}), "k_max"},
		{cfg(NetworkConfig{N: 10, Degrees: "powerlaw", Exponent: 2, KMin: 5, KMax: 4}), "k_max"},
		{cfg(NetworkConfig{N: 9, Degrees: "powerlaw", Exponent: 2, KMin: 3, KMax: 3}), "k_min"},
		{cfg(NetworkConfig{N: 10, Degrees: "powerlaw", Exponent: 2, MeanDegree: 3}), "mean_degree"},
		{cfg(NetworkConfig{N: 3, Degrees: "list", DegreeList: []int{1, 1}}), "degree_list"},
		{cfg(NetworkConfig{N: 3, Degrees: "list", DegreeList: []int{1, 1, 1}}), "degree_list"},
		{cfg(NetworkConfig{N: 3, Degrees: "list", DegreeList: []int{1, -1, 0}}), "degree_list"},
		{cfg(NetworkConfig{N: 3, Degrees: "list", DegreeList: []int{1, 1, 0}, KMax: 2}), "k_max"},
		{cfg(NetworkConfig{N: 3, Degrees: "poisson", MeanDegree: 1, DegreeList: []int{1, 1, 0}}), "degree_list"},
	})
}

func TestAlias(t *testing.T) {
	// Reconstruct each index's probability from the table exactly:
	// P(i) = (prob[i] + Σ_{j: alias[j]=i} (1-prob[j])) / n.
	for _, w := range [][]float64{{1}, {1, 1}, {1, 2, 3, 4}, {0.001, 5, 0, 2}} {
		prob, alias := newAlias(w)
		n := float64(len(w))
		got := make([]float64, len(w))
		for i := range w {
			got[i] += prob[i] / n
			got[alias[i]] += (1 - prob[i]) / n
		}
		var s float64
		for _, x := range w {
			s += x
		}
		for i := range w {
			if math.Abs(got[i]-w[i]/s) > 1e-12 {
				t.Errorf("w=%v: P(%d) = %g, want %g", w, i, got[i], w[i]/s)
			}
		}
	}
}

// TestConfigurationFile: degrees = "file" takes a network file's degree
// sequence. With multi_edges = "reject" every node keeps its degree
// exactly, the graph is simple and is a new one for every stream; with
// "erase" (the default) the graph is the one degrees = "list" draws from
// the same sequence and stream, so a degree may only fall, by the
// self-loops and repeated edges erased.
func TestConfigurationFile(t *testing.T) {
	var g0 Graph
	gnpGraph(t, &g0, 2000, 3, NewRand(8))
	name := func(v int32) string { return fmt.Sprint(v) }
	path := writeTemp(t, "gnp.txt", writeEdgeList(&g0, " ", name))
	rej, params := newFromFile(t, "configuration", path, Params{"degrees": "file", "multi_edges": "reject"})
	orig, err := (&fileParams{Path: params["path"].(string), Format: params["format"].(string), SHA256: params["sha256"].(string)}).load()
	if err != nil {
		t.Fatal(err)
	}
	og := orig.Graph
	origEdges := edgeSetOf(og, name)
	var g Graph
	for seed := range uint64(20) {
		if err := rej.Generate(&g, NewRand(seed)); err != nil {
			t.Fatal(err)
		}
		if g.N != og.N || g.Edges() != og.Edges() {
			t.Fatalf("seed %d: %d nodes, %d edges, want %d, %d", seed, g.N, g.Edges(), og.N, og.Edges())
		}
		for v := range int32(g.N) {
			if g.Degree(v) != og.Degree(v) {
				t.Fatalf("seed %d: node %d has degree %d, want the file's %d", seed, v, g.Degree(v), og.Degree(v))
			}
		}
		checkSimple(t, &g)
		kept := 0
		for e := range edgeSetOf(&g, name) {
			if origEdges[e] {
				kept++
			}
		}
		// A uniform pairing keeps an edge with probability about
		// k_u·k_v/(2m): well under 1% here.
		if f := float64(kept) / float64(len(origEdges)); f > 0.01 {
			t.Errorf("seed %d: %.3f of the file's edges kept", seed, f)
		}
	}

	erase, _ := newFromFile(t, "configuration", path, Params{"degrees": "file"})
	list := make([]int, og.N)
	for v := range list {
		list[v] = og.Degree(int32(v))
	}
	lgen := newGen(t, NetworkConfig{Generator: "configuration", N: og.N, Degrees: "list", DegreeList: list})
	var lg Graph
	for seed := range uint64(20) {
		if err := erase.Generate(&g, NewRand(seed)); err != nil {
			t.Fatal(err)
		}
		if err := lgen.Generate(&lg, NewRand(seed)); err != nil {
			t.Fatal(err)
		}
		sameGraph(t, &g, &lg)
		checkSimple(t, &g)
		for v := range int32(g.N) {
			if g.Degree(v) > og.Degree(v) {
				t.Fatalf("seed %d: node %d has degree %d, above the file's %d", seed, v, g.Degree(v), og.Degree(v))
			}
		}
	}
}

// TestConfigurationFileKeys: the file keys belong to degrees = "file".
func TestConfigurationFileKeys(t *testing.T) {
	path := writeTemp(t, "tri.txt", []byte("a b\nb c\nc a\n"))
	for _, tc := range []struct {
		params Params
		want   string
	}{
		{Params{"degrees": "poisson", "mean_degree": 2.0, "path": path, "sha256": "x"}, "path"},
		{Params{"degrees": "file", "mean_degree": 2.0, "path": path}, "mean_degree"},
	} {
		s := NetworkSettings{Generator: "configuration", Params: tc.params}
		s.Params["n"] = int64(3)
		_, err := s.Resolve(filepath.Dir(path))
		if err == nil {
			_, err = s.New()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error naming %s", tc.params, err, tc.want)
		}
	}
	s := NetworkSettings{Generator: "configuration", Params: Params{"degrees": "file"}}
	if _, err := s.Resolve(t.TempDir()); err == nil || !strings.Contains(err.Error(), "path") {
		t.Errorf("degrees = \"file\" without path: %v", err)
	}
}
