package sim

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// sisCheck simulates SIS on g and compares the series means, the mean
// prevalence and the extinction frequency with the exact chain, whose
// distributions of the number infected at the series times and at the
// window's end come from dist(times).
func sisCheck(t *testing.T, g *Graph, c *ProcessConfig, runs int, dist func(times []float64) [][]float64) {
	t.Helper()
	n := float64(g.N)
	res := runMany(t, c, runs, 21, func(int, *Rand) *Graph { return g })
	// Series: the fraction infected at each time, exact mean and SD.
	exact := dist(c.Series)
	for j, ts := range c.Series {
		mean, variance := distMoments(exact[j])
		got, _ := meanSD(column(res, 2+j))
		checkMean(t, SeriesMetricName(ts), got, mean/n, math.Sqrt(variance)/n, runs)
	}
	// Prevalence: (1/W)∫ E[I(t)]/n dt over the window, by Gauss–Legendre
	// quadrature of the exact mean; the SE comes from the sample SD.
	lo, hi := c.BurnIn, c.BurnIn+c.Window
	want := quad.Fixed(func(s float64) float64 {
		m, _ := distMoments(dist([]float64{s})[0])
		return m / n
	}, lo, hi, 20, quad.Legendre{}, 0) / c.Window
	got, sd := meanSD(column(res, 0))
	checkMean(t, "prevalence", got, want, sd, runs)
	// Extinction: no node infected at the end of the window.
	pExt := dist([]float64{hi})[0][0]
	ext, _ := meanSD(column(res, 1))
	checkProbabilities(t, "extinct", []float64{pExt}, []float64{ext * float64(runs)}, runs)
	t.Logf("prevalence %.4f (exact %.4f), extinct %.4f (exact %.4f)", got, want, ext, pExt)
}

// TestSISComplete compares SIS on K_20 with the exact birth–death chain of
// the number infected (rates beta·i·(n-i) up, gamma·i down).
func TestSISComplete(t *testing.T) {
	const n = 20
	g := completeGraph(t, n)
	c := &ProcessConfig{Model: "sis", Beta: 0.1, Gamma: 1, Seeds: 2, BurnIn: 1, Window: 3,
		Series: []float64{0, 0.5, 1, 2, 4}}
	sisCheck(t, g, c, 20000, func(times []float64) [][]float64 {
		return exactSISComplete(n, c.Beta, c.Gamma, c.Seeds, times)
	})
}

// TestSISHeterogeneous compares SIS on a small graph with degrees 2, 3, 4
// and 5 (two degree classes of the composition–rejection sampler, each
// with two degrees) with the exact chain over all 2^7 configurations.
func TestSISHeterogeneous(t *testing.T) {
	g := buildGraph(t, 7, [][2]int32{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {5, 6}, {1, 2}, {5, 3}, {5, 4}, {6, 1}})
	c := &ProcessConfig{Model: "sis", Beta: 0.8, Gamma: 1, BurnIn: 0.5, Window: 2.5,
		Series: []float64{0.25, 1, 2, 3.5}}
	sisCheck(t, g, c, 20000, func(times []float64) [][]float64 {
		return exactSIS(g, c.Beta, c.Gamma, times)
	})
}

// TestSISPickByDegree checks the composition–rejection sampler directly:
// with a fixed set of infected nodes of degrees 1..40, pickByDegree must
// return node v with probability k_v/Σk and pickUniform with 1/N_I, each
// frequency within 4 binomial SEs.
func TestSISPickByDegree(t *testing.T) {
	var g Graph
	powerLawGraph(t, &g, 2000, 2.2, 1, 40, NewRand(5))
	p := &SIS{}
	p.infected = make([]bool, g.N)
	p.pos = make([]int32, g.N)
	var chosen []int32
	var ne int64
	seen := map[int]bool{}
	for v := range int32(g.N) {
		if k := g.Degree(v); k > 0 && !seen[k] {
			seen[k] = true
			chosen = append(chosen, v)
			p.add(&g, v)
			ne += int64(k)
		}
	}
	if len(chosen) < 15 {
		t.Fatalf("only %d distinct degrees", len(chosen))
	}
	const draws = 400000
	r := NewRand(6)
	byDegree := make(map[int32]float64)
	uniform := make(map[int32]float64)
	for range draws {
		byDegree[p.pickByDegree(&g, r, ne)]++
		uniform[p.pickUniform(r, len(chosen))]++
	}
	var want, gotD, gotU []float64
	for _, v := range chosen {
		want = append(want, float64(g.Degree(v))/float64(ne))
		gotD = append(gotD, byDegree[v])
		gotU = append(gotU, uniform[v])
	}
	checkProbabilities(t, "pickByDegree", want, gotD, draws)
	for i := range want {
		want[i] = 1 / float64(len(chosen))
	}
	checkProbabilities(t, "pickUniform", want, gotU, draws)
}
