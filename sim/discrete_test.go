package sim

import (
	"math"
	"testing"
)

// TestSIRDiscreteExact compares discrete-time SIR on small graphs with the
// exact synchronous chain (exactDiscrete): the joint distribution of final
// size and peak within 4 binomial SEs each, the mean duration within 4 SEs.
func TestSIRDiscreteExact(t *testing.T) {
	const runs = 20000
	for name, g := range smallGraphs(t) {
		for _, pr := range [][2]float64{{0.6, 0.5}, {0.3, 1}} {
			_, exact, meanDur := exactDiscrete(g, pr[0], pr[1], true, 200)
			res := runMany(t, &ProcessConfig{Model: "sir_discrete", Beta: pr[0], Gamma: pr[1],
				Metrics: []string{"final_size", "peak_infected", "duration"}}, runs, 17, func(int, *Rand) *Graph { return g })
			checkProbabilities(t, name+" P(final,peak)", flatten(exact), jointCounts(res, g.N), runs)
			got, sd := meanSD(column(res, 2))
			checkMean(t, name+" duration", got, meanDur, sd, runs)
		}
	}
}

// TestSISDiscreteExact compares discrete-time SIS on a small graph with the
// exact synchronous chain: the mean fraction infected at the series steps
// (exact SD), the mean prevalence over steps 3..7 (sample SD) and the
// probability of extinction by step 7.
func TestSISDiscreteExact(t *testing.T) {
	const runs = 20000
	g := buildGraph(t, 5, [][2]int32{{0, 1}, {1, 2}, {0, 2}, {2, 3}, {3, 4}})
	n := float64(g.N)
	c := &ProcessConfig{Model: "sis_discrete", Beta: 0.4, Gamma: 0.3, BurnIn: 3, Window: 5,
		Series: []float64{0, 1, 2, 5, 12}}
	infAt, _, _ := exactDiscrete(g, c.Beta, c.Gamma, false, 12)
	res := runMany(t, c, runs, 18, func(int, *Rand) *Graph { return g })
	for j, ts := range c.Series {
		mean, variance := distMoments(infAt[int(ts)])
		got, _ := meanSD(column(res, 2+j))
		checkMean(t, SeriesMetricName(ts), got, mean/n, math.Sqrt(variance)/n, runs)
	}
	want := 0.0
	for s := 3; s <= 7; s++ {
		m, _ := distMoments(infAt[s])
		want += m / n / 5
	}
	got, sd := meanSD(column(res, 0))
	checkMean(t, "prevalence", got, want, sd, runs)
	ext, _ := meanSD(column(res, 1))
	checkProbabilities(t, "extinct", []float64{infAt[7][0]}, []float64{ext * runs}, runs)
	t.Logf("prevalence %.4f (exact %.4f), extinct %.4f (exact %.4f)", got, want, ext, infAt[7][0])
}
