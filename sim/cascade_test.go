package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

// treeCascade returns the expected final active fraction of a monotone
// threshold cascade on a large configuration model with degree
// distribution p, from a seed fraction rho0, where a node of degree k with
// m active neighbours activates with probability F(m, k): the tree-like
// recursion
// q ← ρ0 + (1−ρ0) Σ_k (k p_k/z) Σ_m C(k−1,m) q^m (1−q)^(k−1−m) F(m, k),
// iterated from q = ρ0, and ρ = ρ0 + (1−ρ0) Σ_k p_k Σ_m C(k,m) q^m
// (1−q)^(k−m) F(m, k) (J. P. Gleeson and D. J. Cahalane, "Seed size
// strongly affects cascades on random networks", Phys. Rev. E 75, 056103
// (2007), eqs. 1-2; for bootstrap percolation the same recursion is that
// of G. J. Baxter, S. N. Dorogovtsev, A. V. Goltsev and J. F. F. Mendes,
// Phys. Rev. E 82, 011103 (2010), eqs. 1-3).
func treeCascade(p []float64, rho0 float64, F func(m, k int) float64) float64 {
	z, _ := moments(p)
	// sum(q, k, deg) is Σ_m C(k,m) q^m (1−q)^(k−m) F(m, deg).
	sum := func(q float64, k, deg int) float64 {
		s := 0.0
		for m := 0; m <= k; m++ {
			if f := F(m, deg); f > 0 {
				s += f * math.Exp(lchoose(k, m)+xlogy(m, q)+xlogy(k-m, 1-q))
			}
		}
		return s
	}
	q := rho0
	for range 100000 {
		next := 0.0
		for k, pk := range p {
			if k > 0 && pk > 0 {
				next += float64(k) * pk / z * sum(q, k-1, k)
			}
		}
		next = rho0 + (1-rho0)*next
		if math.Abs(next-q) < 1e-13 {
			q = next
			break
		}
		q = next
	}
	rho := 0.0
	for k, pk := range p {
		if pk > 0 {
			rho += pk * sum(q, k, k)
		}
	}
	return rho0 + (1-rho0)*rho
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// xlogy returns m·log(q), 0 when m = 0.
func xlogy(m int, q float64) float64 {
	if m == 0 {
		return 0
	}
	return float64(m) * math.Log(q)
}

// wattsRule is the Watts (2002) rule: m/k ≥ φ, with at least one adopted
// neighbour (see wattsNeed).
func wattsRule(phi float64) func(m, k int) float64 {
	return func(m, k int) float64 {
		if m >= 1 && float64(m)/float64(k) >= phi {
			return 1
		}
		return 0
	}
}

// wattsNormalRule is the Watts rule with thresholds N(mu, sd²) clipped to
// [0, 1]: P(φ ≤ m/k) = Φ((m/k − mu)/sd) below 1, and 1 at m = k.
func wattsNormalRule(mu, sd float64) func(m, k int) float64 {
	return func(m, k int) float64 {
		switch {
		case m == 0:
			return 0
		case m == k:
			return 1
		}
		return 0.5 * math.Erfc(-(float64(m)/float64(k)-mu)/(sd*math.Sqrt2))
	}
}

// bootstrapRule activates with at least kThr active neighbours.
func bootstrapRule(kThr int) func(m, k int) float64 {
	return func(m, k int) float64 {
		if m >= kThr {
			return 1
		}
		return 0
	}
}

// newCascadeProc returns the process model with params for n nodes.
func newCascadeProc(tb testing.TB, model string, params Params, n int) *Cascade {
	tb.Helper()
	p, err := ProcessSettings{Model: model, Params: params}.New(n)
	if err != nil {
		tb.Fatal(err)
	}
	return p.(*Cascade)
}

// cascadeMeans runs model runs times, each on a new graph from gen, and
// returns the mean and standard error of each metric.
func cascadeMeans(tb testing.TB, model string, params Params, runs int, seed uint64, gen func(g *Graph, r *Rand)) (mean, se []float64) {
	tb.Helper()
	r := NewRand(seed)
	var g Graph
	var p *Cascade
	var res [][]float64
	for range runs {
		gen(&g, r)
		if p == nil {
			p = newCascadeProc(tb, model, params, g.N)
		}
		out := make([]float64, len(p.Metrics()))
		if err := p.Run(&g, r, out); err != nil {
			tb.Fatal(err)
		}
		res = append(res, out)
	}
	for j := range res[0] {
		m, sd := meanSD(column(res, j))
		mean = append(mean, m)
		se = append(se, sd/math.Sqrt(float64(runs)))
	}
	return mean, se
}

// TestWattsCascadeGnp compares the mean final adopted fraction of the
// Watts model on G(n,p), n = 10^4, from a seed fraction 0.005, with the
// analytic cascade size of Gleeson & Cahalane (2007) (treeCascade). For φ
// = 0.18 the cascade window in mean degree is about 1 < z < 7 (Watts 2002,
// Fig. 1): z = 4 lies inside it (theory 0.9803), z = 12 outside (0.0060).
// φ = 0.2 and z = 6 (theory 0.9975) tell m/k ≥ φ from m/k > φ, for which
// nodes of degree 5 are no longer vulnerable and the cascade stops (theory
// 0.0144). Normal thresholds (mean 0.18, SD 0.05) widen the window: at z
// = 8 the recursion with F = Φ((m/k − 0.18)/0.05) gives 0.9997, fixed
// thresholds 0.0154. The tolerance is 0.005 plus 4 standard errors: the
// run-to-run SD is a few thousandths, and the finite-size bias at n = 10^4
// measured below 0.001.
func TestWattsCascadeGnp(t *testing.T) {
	const n, rho0, runs = 10000, 0.005, 30
	for i, tc := range []struct {
		phi, sd, z float64
		cascade    float64 // the expected share of runs that are cascades
	}{
		{0.18, 0, 4, 1},
		{0.18, 0, 12, 0},
		{0.2, 0, 6, 1},
		{0.18, 0.05, 8, 1},
	} {
		params := Params{"threshold": tc.phi, "seed_fraction": rho0}
		F := wattsRule(tc.phi)
		if tc.sd > 0 {
			params["threshold_sd"] = tc.sd
			F = wattsNormalRule(tc.phi, tc.sd)
		}
		want := treeCascade(poissonDist(tc.z), rho0, F)
		mean, se := cascadeMeans(t, "watts_threshold", params, runs, uint64(40+i), func(g *Graph, r *Rand) {
			gnpGraph(t, g, n, tc.z, r)
		})
		tol := 0.005 + 4*se[0]
		t.Logf("φ=%g sd=%g z=%g: final adopted %.4f ± %.4f, theory %.4f; cascades %.2f; rounds %.1f",
			tc.phi, tc.sd, tc.z, mean[0], se[0], want, mean[1], mean[2])
		if math.Abs(mean[0]-want) > tol {
			t.Errorf("φ=%g sd=%g z=%g: mean final adopted fraction %.4f, want %.4f ± %.4f", tc.phi, tc.sd, tc.z, mean[0], want, tol)
		}
		if mean[1] != tc.cascade {
			t.Errorf("φ=%g sd=%g z=%g: cascade frequency %.2f, want %g", tc.phi, tc.sd, tc.z, mean[1], tc.cascade)
		}
	}
}

// TestBootstrapRegular compares the final active fraction of bootstrap
// percolation on random 4-regular graphs, n = 10^4, with the tree-like
// recursion of Baxter et al. (2010) (treeCascade with F = [m ≥ k]): for k
// = 2 the transition lies between seed fractions 0.11 and 0.12, so f =
// 0.08 stays local (theory 0.1394) and f = 0.2 activates everything; k = 3
// at f = 0.2 stays local (0.2240). Requiring k+1 neighbours instead of k moves
// every value (k = 2 at f = 0.2 would give k = 3's 0.2240).
func TestBootstrapRegular(t *testing.T) {
	const n, runs = 10000, 20
	reg := make([]float64, 5)
	reg[4] = 1
	for i, tc := range []struct {
		k int
		f float64
	}{{2, 0.08}, {2, 0.2}, {3, 0.2}} {
		want := treeCascade(reg, tc.f, bootstrapRule(tc.k))
		mean, se := cascadeMeans(t, "bootstrap_percolation", Params{"k": int64(tc.k), "seed_fraction": tc.f}, runs, uint64(50+i),
			func(g *Graph, r *Rand) {
				gen, err := (&NetworkConfig{Generator: "regular", N: n, K: 4}).New()
				if err != nil {
					t.Fatal(err)
				}
				if err := gen.Generate(g, r); err != nil {
					t.Fatal(err)
				}
			})
		tol := 0.005 + 4*se[0]
		t.Logf("k=%d f=%g: final active %.4f ± %.4f, theory %.4f; rounds %.1f", tc.k, tc.f, mean[0], se[0], want, mean[2])
		if math.Abs(mean[0]-want) > tol {
			t.Errorf("k=%d f=%g: mean final active fraction %.4f, want %.4f ± %.4f", tc.k, tc.f, mean[0], want, tol)
		}
	}
}

// syncCascade is the reference: synchronous rounds straight from the
// definition, each inactive node counting its active neighbours m and
// activating when adopt(m, degree). It returns the final state and the
// number of rounds in which some node activated.
func syncCascade(g *Graph, seeds []int32, adopt func(m, k int) float64) ([]bool, int) {
	act := make([]bool, g.N)
	for _, v := range seeds {
		act[v] = true
	}
	rounds := 0
	for {
		var add []int32
		for v := range int32(g.N) {
			if act[v] {
				continue
			}
			m := 0
			for _, w := range g.Neighbors(v) {
				if act[w] {
					m++
				}
			}
			if adopt(m, g.Degree(v)) == 1 {
				add = append(add, v)
			}
		}
		if len(add) == 0 {
			return act, rounds
		}
		for _, v := range add {
			act[v] = true
		}
		rounds++
	}
}

// TestCascadeInvariants checks both models over a grid of graphs, rules
// and seed sets: the final state and the rounds equal those of synchronous
// rounds from the definition (syncCascade), the final state is a fixed
// point (no inactive node has enough active neighbours), every active node
// is reachable from a seed through active nodes, and adding seeds never
// deactivates a node. The thresholds include ratios that hit m/k exactly
// (0.2, 0.25, 1/3, 0.5, 1), where m/k ≥ φ and m/k > φ differ.
func TestCascadeInvariants(t *testing.T) {
	r := NewRand(60)
	type rule struct {
		model  string
		params Params
		adopt  func(m, k int) float64
	}
	var rules []rule
	for _, phi := range []float64{0, 0.1, 0.18, 0.2, 0.25, 1.0 / 3, 0.5, 0.7, 1} {
		rules = append(rules, rule{"watts_threshold", Params{"threshold": phi}, wattsRule(phi)})
	}
	for k := 1; k <= 4; k++ {
		rules = append(rules, rule{"bootstrap_percolation", Params{"k": int64(k)}, bootstrapRule(k)})
	}
	var g Graph
	for _, z := range []float64{1, 3, 5, 8} {
		for rep := range 4 {
			n := 50 + 50*rep
			gnpGraph(t, &g, n, z, r)
			for _, ru := range rules {
				for _, nSeeds := range []int{1, 3, 10} {
					ru.params["seeds"] = int64(nSeeds)
					p := newCascadeProc(t, ru.model, ru.params, n)
					seeds, err := p.seeds.pick(r, &g)
					if err != nil {
						t.Fatal(err)
					}
					seeds = append([]int32(nil), seeds...)
					p.needs(&g, r)
					_, rounds := p.spread(&g, seeds)
					got := make([]bool, n)
					for v := range got {
						got[v] = p.rem[v] == 0
					}
					want, wantRounds := syncCascade(&g, seeds, ru.adopt)
					name := func() string { return fmt.Sprintf("%s %v z=%g n=%d", ru.model, ru.params, z, n) }
					if !slices.Equal(got, want) || rounds != wantRounds {
						t.Fatalf("%s: final state or rounds (%d) differ from synchronous rounds (%d)", name(), rounds, wantRounds)
					}
					checkFixedPoint(t, &g, got, ru.adopt, name())
					checkReachable(t, &g, got, seeds, name())
					// More seeds: a superset of the final state.
					more := append(seeds, int32(r.IntN(n)), int32(r.IntN(n)))
					p.needs(&g, r)
					p.spread(&g, slices.Compact(slices.Sorted(slices.Values(more))))
					for v := range got {
						if got[v] && p.rem[v] != 0 {
							t.Fatalf("%s: node %d active from %v but not from the superset %v", name(), v, seeds, more)
						}
					}
				}
			}
		}
	}
}

// checkFixedPoint fails unless no inactive node of act would activate:
// synchronous rounds from act as seeds add nothing.
func checkFixedPoint(tb testing.TB, g *Graph, act []bool, adopt func(m, k int) float64, name string) {
	tb.Helper()
	var all []int32
	for v := range act {
		if act[v] {
			all = append(all, int32(v))
		}
	}
	if _, rounds := syncCascade(g, all, adopt); rounds != 0 {
		tb.Fatalf("%s: the final state is not a fixed point: an inactive node has enough active neighbours", name)
	}
}

// checkReachable fails unless every active node is reachable from a seed
// through active nodes.
func checkReachable(tb testing.TB, g *Graph, act []bool, seeds []int32, name string) {
	tb.Helper()
	seen := make([]bool, g.N)
	queue := append([]int32(nil), seeds...)
	for _, v := range seeds {
		seen[v] = true
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range g.Neighbors(v) {
			if act[w] && !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	for v := range act {
		if act[v] && !seen[v] {
			tb.Fatalf("%s: active node %d is not reachable from the seeds", name, v)
		}
	}
}

// TestCascadeBadParams checks that each bad key is refused and named.
func TestCascadeBadParams(t *testing.T) {
	for _, tc := range []struct {
		model  string
		params Params
		key    string
	}{
		{"watts_threshold", Params{"threshold": 1.5}, "threshold"},
		{"watts_threshold", Params{"threshold": -0.1}, "threshold"},
		{"watts_threshold", Params{"threshold": 0.2, "threshold_sd": -1.0}, "threshold_sd"},
		{"watts_threshold", Params{"threshold": 0.2, "cascade_threshold": 1.0}, "cascade_threshold"},
		{"watts_threshold", Params{"threshold": 0.2, "seeds": int64(2), "seed_fraction": 0.1}, "seeds"},
		{"watts_threshold", Params{"threshold": 0.2, "metrics": []string{"final_active"}}, "metrics"},
		{"watts_threshold", Params{"k": int64(2)}, "k"},
		{"bootstrap_percolation", Params{}, "k"},
		{"bootstrap_percolation", Params{"k": int64(-1)}, "k"},
		{"bootstrap_percolation", Params{"k": int64(2), "seeds": int64(101)}, "seeds"},
		{"bootstrap_percolation", Params{"k": int64(2), "threshold": 0.2}, "threshold"},
	} {
		_, err := ProcessSettings{Model: tc.model, Params: tc.params}.New(100)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Key != tc.key {
			t.Errorf("%s %v: error %v, want one about key %s", tc.model, tc.params, err, tc.key)
		}
	}
	p := newCascadeProc(t, "bootstrap_percolation", Params{"k": int64(2), "metrics": []string{"rounds", "final_active"}}, 10)
	if m := p.Metrics(); len(m) != 2 || m[0].Name != "final_active" || m[1].Name != "rounds" {
		t.Errorf("metrics %v, want final_active and rounds", m)
	}
}
