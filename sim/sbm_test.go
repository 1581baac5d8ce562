package sim

import (
	"math"
	"strings"
	"testing"
)

func sbmGen(tb testing.TB, p Params) Generator {
	tb.Helper()
	s := NetworkSettings{Generator: "sbm", Params: p}
	if _, err := s.Resolve(""); err != nil {
		tb.Fatal(err)
	}
	gen, err := s.New()
	if err != nil {
		tb.Fatal(err)
	}
	return gen
}

// TestSBMExact: probabilities 0 and 1 give a known graph: complete blocks
// and complete bipartite joins.
func TestSBMExact(t *testing.T) {
	gen := sbmGen(t, Params{"sizes": []int64{3, 4, 1}, "probabilities": []float64{1, 1, 0, 1, 0, 1, 0, 1, 1}})
	var g Graph
	if err := gen.Generate(&g, NewRand(1)); err != nil {
		t.Fatal(err)
	}
	checkSimple(t, &g)
	// Block 0 (nodes 0-2) complete: 3 edges; 0-1 complete bipartite: 12;
	// block 1 empty; 1-2: 4; block 2 has one node.
	if g.N != 8 || g.Edges() != 19 {
		t.Fatalf("%d nodes, %d edges, want 8, 19", g.N, g.Edges())
	}
	for v, want := range []int{6, 6, 6, 4, 4, 4, 4, 4} {
		if g.Degree(int32(v)) != want {
			t.Errorf("node %d has degree %d, want %d", v, g.Degree(int32(v)), want)
		}
	}
}

// TestSBMBlockDegrees compares the block degrees of a three-block SBM with
// the model's: a node of block r has Binomial(n_s − δ_rs, p_rs) neighbours
// in block s, so over the nodes of block r and 100 graphs their mean must
// lie within 5 standard errors of (n_s − δ_rs)·p_rs, and their variance
// within 5% of (n_s − δ_rs)·p_rs·(1 − p_rs) (wrong skips, such as one too
// many or a lost pair at a row's end, move the mean; correlated ones the
// variance). The same graphs given as mean_degrees are identical.
func TestSBMBlockDegrees(t *testing.T) {
	sizes := []int{300, 700, 1000}
	P := [][]float64{{0.02, 0.004, 0.001}, {0.004, 0.01, 0.2}, {0.001, 0.2, 0.003}}
	var probs, means []float64
	for r := range P {
		for s := range P {
			probs = append(probs, P[r][s])
			cand := float64(sizes[s])
			if r == s {
				cand--
			}
			means = append(means, P[r][s]*cand)
		}
	}
	sz := []int64{300, 700, 1000}
	gen := sbmGen(t, Params{"sizes": sz, "probabilities": probs})
	gen2 := sbmGen(t, Params{"sizes": sz, "mean_degrees": means})
	block := func(v int32) int {
		switch {
		case v < 300:
			return 0
		case v < 1000:
			return 1
		}
		return 2
	}
	const reps = 100
	var sum, sq, cnt [3][3]float64
	var g, g2 Graph
	for seed := range uint64(reps) {
		if err := gen.Generate(&g, NewRand(seed)); err != nil {
			t.Fatal(err)
		}
		if err := gen2.Generate(&g2, NewRand(seed)); err != nil {
			t.Fatal(err)
		}
		sameGraph(t, &g, &g2)
		if seed < 3 {
			checkSimple(t, &g)
		}
		for v := range int32(g.N) {
			var k [3]float64
			for _, w := range g.Neighbors(v) {
				k[block(w)]++
			}
			r := block(v)
			for s := range 3 {
				sum[r][s] += k[s]
				sq[r][s] += k[s] * k[s]
				cnt[r][s]++
			}
		}
	}
	for r := range 3 {
		for s := range 3 {
			cand := float64(sizes[s])
			if r == s {
				cand--
			}
			mean, vr := cand*P[r][s], cand*P[r][s]*(1-P[r][s])
			m := sum[r][s] / cnt[r][s]
			v := sq[r][s]/cnt[r][s] - m*m
			// Degrees of one graph are nearly independent (each edge is
			// in two); the SE of the mean is about sqrt(var/count).
			if se := math.Sqrt(vr / cnt[r][s]); math.Abs(m-mean) > 5*se {
				t.Errorf("block %d to %d: mean degree %.4f, want %.4f ± %.4f", r, s, m, mean, se)
			}
			if math.Abs(v-vr) > 0.05*vr {
				t.Errorf("block %d to %d: degree variance %.4f, want %.4f ± 5%%", r, s, v, vr)
			}
		}
	}
}

func TestSBMBadKeys(t *testing.T) {
	for _, tc := range []struct {
		p    Params
		want string
	}{
		{Params{"sizes": []int64{2, 2}}, "probabilities"},
		{Params{"sizes": []int64{2, 2}, "probabilities": []float64{0.1, 0.2, 0.2}}, "4 entries"},
		{Params{"sizes": []int64{2, 2}, "probabilities": []float64{0.1, 0.2, 0.3, 0.1}}, "symmetric"},
		{Params{"sizes": []int64{2, 2}, "probabilities": []float64{0.1, 1.2, 1.2, 0.1}}, "above 1"},
		{Params{"sizes": []int64{2, 0}, "probabilities": []float64{0.1, 0.2, 0.2, 0.1}}, "at least 1 node"},
		{Params{"sizes": []int64{10, 20}, "mean_degrees": []float64{1, 2, 2, 1}}, "disagree"},
		{Params{"sizes": []int64{1, 20}, "mean_degrees": []float64{1, 2, 0.1, 1}}, "one node"},
		{Params{"sizes": []int64{2, 2}, "n": int64(5), "probabilities": []float64{0.1, 0.2, 0.2, 0.1}}, "add up to 4"},
		{Params{"sizes": []int64{2, 2}, "mean_degrees": []float64{1, 1, 1, 1}, "probabilities": []float64{0.1, 0.2, 0.2, 0.1}}, "not both"},
	} {
		s := NetworkSettings{Generator: "sbm", Params: tc.p}
		_, err := s.Resolve("")
		if err == nil {
			_, err = s.New()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.p, err, tc.want)
		}
	}
}
