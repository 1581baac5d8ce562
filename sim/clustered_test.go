package sim

import (
	"math"
	"testing"
)

// clusteredFinalSize returns the giant component's share of the nodes
// under bond percolation with occupation T on Newman's clustered random
// graph with Poisson(mu) single edges and Poisson(nu) triangles a node,
// which is also the final size of an SIR epidemic of transmissibility T
// (Newman 2009, PRL 103, 058701; Miller 2009, PRE 80, 020901(R)). A
// neighbour reached by a single edge, or a triangle partner, leads to no
// giant with probability u; a single edge fails i with x = 1−T+T·u, and a
// triangle with y = (1−T)² + 2T(1−T)²·u + (3T²−2T³)·u²: neither partner
// reached, one reached only directly, or both (directly or through the
// third edge). For independent Poisson laws the excess generating
// functions equal the generating function, so u = exp(mu(x−1)+nu(y−1))
// for both kinds and S = 1−u.
func clusteredFinalSize(mu, nu, T float64) float64 {
	u := 0.0
	for range 100000 {
		x := 1 - T + T*u
		y := (1-T)*(1-T) + 2*T*(1-T)*(1-T)*u + (3*T*T-2*T*T*T)*u*u
		next := math.Exp(mu*(x-1) + nu*(y-1))
		if math.Abs(next-u) < 1e-15 {
			u = next
			break
		}
		u = next
	}
	return 1 - u
}

// TestClusteredStructure: over 5 graphs, the mean degree is mu + 2nu and
// the triangles number n·nu/3, less the few that erasure breaks (O(1)
// per graph): within 1%.
func TestClusteredStructure(t *testing.T) {
	const n, mu, nu = 30000, 2.0, 1.5
	gen := newGen(t, NetworkConfig{Generator: "clustered", N: n, Singles: mu, Triangles: nu})
	var g Graph
	var tc TriangleCounter
	r := NewRand(9)
	for range 5 {
		if err := gen.Generate(&g, r); err != nil {
			t.Fatal(err)
		}
		checkSimple(t, &g)
		k1, _ := DegreeMoments(&g)
		var tri int64
		for _, c := range tc.Count(&g) {
			tri += c
		}
		tri /= 3
		if math.Abs(k1-(mu+2*nu)) > 0.01*(mu+2*nu) {
			t.Errorf("mean degree %.4f, want %.4f", k1, mu+2*nu)
		}
		if want := n * nu / 3; math.Abs(float64(tri)-want) > 0.01*want {
			t.Errorf("%d triangles, want about %.0f", tri, want)
		}
	}
}

// TestSIRFinalSizeClustered runs discrete-time SIR with gamma = 1 (each
// node infectious for one step, so every edge transmits independently
// with probability beta: exactly bond percolation with T = beta) on fresh
// clustered graphs and compares the mean final size of major outbreaks
// with clusteredFinalSize. The configuration model with the same degree
// law (k = s + 2t) has a final size larger by more than 8 tolerances, so
// a generator that ignored the triangles, or a theory that did, fails.
func TestSIRFinalSizeClustered(t *testing.T) {
	const n, mu, nu, T, runs = 20000, 1.0, 1.0, 0.4, 40
	want := clusteredFinalSize(mu, nu, T)
	// The degree law of s + 2t, for the unclustered comparison.
	ps, pt := poissonDist(mu), poissonDist(nu)
	pk := make([]float64, len(ps)+2*len(pt))
	for s, a := range ps {
		for t2, b := range pt {
			pk[s+2*t2] += a * b
		}
	}
	unclustered := bondGiant(pk, T)
	const tol = 0.006
	if unclustered-want < 8*tol {
		t.Fatalf("theory: clustered %.4f and unclustered %.4f too close for the test to tell them apart", want, unclustered)
	}
	gen := newGen(t, NetworkConfig{Generator: "clustered", N: n, Singles: mu, Triangles: nu})
	var g Graph
	res := runMany(t, &ProcessConfig{Model: "sir_discrete", Beta: T, Gamma: 1, SeedFraction: 0.001,
		Metrics: []string{"final_size", "major"}}, runs, 23, func(_ int, r *Rand) *Graph {
		if err := gen.Generate(&g, r); err != nil {
			t.Fatal(err)
		}
		return &g
	})
	var sizes []float64
	for _, row := range res {
		if row[1] == 1 {
			sizes = append(sizes, row[0])
		}
	}
	if len(sizes) < runs/2 {
		t.Fatalf("only %d of %d runs were major", len(sizes), runs)
	}
	got, sd := meanSD(sizes)
	t.Logf("final size %.4f ± %.4f over %d major outbreaks; clustered theory %.4f, unclustered %.4f", got, sd/math.Sqrt(float64(len(sizes))), len(sizes), want, unclustered)
	if math.Abs(got-want) > tol {
		t.Errorf("mean final size of major outbreaks %.4f, want %.4f ± %.3f (Newman 2009)", got, want, tol)
	}
}
