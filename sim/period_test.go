package sim

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// testPeriods are the non-exponential periods of the tests, mean 1.5.
var testPeriods = []periodKeys{
	{Infectious: PeriodFixed, PeriodMean: 1.5},
	{Infectious: PeriodGamma, PeriodMean: 1.5, PeriodShape: 3},
	{Infectious: PeriodGamma, PeriodMean: 1.5, PeriodShape: 0.5},
	{Infectious: PeriodLognormal, PeriodMean: 1.5, PeriodShape: 0.8},
	{Infectious: PeriodWeibull, PeriodMean: 1.5, PeriodShape: 2},
	{Infectious: PeriodWeibull, PeriodMean: 1.5, PeriodShape: 0.7},
}

// periodCDF returns the distribution function of period c at x, from the
// textbook forms: gamma P(k, x/θ) with θ = mean/k; lognormal
// Φ((ln x - μ)/σ) with μ = ln mean - σ²/2; Weibull 1 - exp(-(x/λ)^k) with
// λ = mean/Γ(1+1/k).
func periodCDF(c periodKeys, x float64) float64 {
	m, k := c.PeriodMean, c.PeriodShape
	switch c.Infectious {
	case PeriodFixed:
		if x < m {
			return 0
		}
		return 1
	case PeriodGamma:
		return mathext.GammaIncReg(k, x/(m/k))
	case PeriodLognormal:
		mu := math.Log(m) - k*k/2
		return 0.5 * math.Erfc(-(math.Log(x)-mu)/(k*math.Sqrt2))
	case PeriodWeibull:
		l := m / math.Gamma(1+1/k)
		return 1 - math.Exp(-math.Pow(x/l, k))
	}
	panic("periodCDF: " + c.Infectious)
}

// periodLaplace returns E[exp(-s·D)] for the period D of c: the
// probability that a transmission at rate s along an edge does not happen
// before the infectious period ends (Kenah & Robins 2007).
func periodLaplace(c periodKeys, s float64) float64 {
	m, k := c.PeriodMean, c.PeriodShape
	switch c.Infectious {
	case PeriodFixed:
		return math.Exp(-s * m)
	case PeriodGamma:
		return math.Pow(1+s*m/k, -k)
	case PeriodLognormal:
		mu := math.Log(m) - k*k/2
		return quad.Fixed(func(z float64) float64 {
			return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) * math.Exp(-s*math.Exp(mu+k*z))
		}, -12, 12, 400, nil, 0)
	case PeriodWeibull:
		// E = (D/λ)^k is Exp(1).
		l := m / math.Gamma(1+1/k)
		return quad.Fixed(func(e float64) float64 {
			return math.Exp(-e) * math.Exp(-s*l*math.Pow(e, 1/k))
		}, 0, math.Inf(1), 400, nil, 0)
	}
	panic("periodLaplace: " + c.Infectious)
}

func periodConfig(c periodKeys, beta float64) *ProcessConfig {
	return &ProcessConfig{Model: "sir", Beta: beta, Infectious: c.Infectious, PeriodMean: c.PeriodMean, PeriodShape: c.PeriodShape}
}

// TestSIRPeriodDistribution runs sir on a single node, whose duration is
// its infectious period, and compares the periods with their distribution
// by the Kolmogorov–Smirnov statistic: with 20000 runs, D > 1.95/sqrt(n)
// has probability 0.001 (Kolmogorov's limit law), and a scale off by 5%
// or a shape off by 10% gives D ≈ 0.02-0.04. A fixed period must be
// exact.
func TestSIRPeriodDistribution(t *testing.T) {
	const runs = 20000
	g := buildGraph(t, 1, nil)
	for i, c := range testPeriods {
		cfg := periodConfig(c, 1)
		cfg.Metrics = []string{"duration"}
		d := column(runMany(t, cfg, runs, 40+uint64(i), func(int, *Rand) *Graph { return g }), 0)
		slices.Sort(d)
		if c.Infectious == PeriodFixed {
			if d[0] != c.PeriodMean || d[runs-1] != c.PeriodMean {
				t.Errorf("%v: periods from %g to %g, want exactly %g", c, d[0], d[runs-1], c.PeriodMean)
			}
			continue
		}
		var ks float64
		for j, x := range d {
			f := periodCDF(c, x)
			ks = max(ks, math.Abs(f-float64(j)/runs), math.Abs(f-float64(j+1)/runs))
		}
		mean, _ := meanSD(d)
		t.Logf("%v: KS D = %.4f, mean %.4f", c, ks, mean)
		if lim := 1.95 / math.Sqrt(runs); ks > lim {
			t.Errorf("%v: KS distance %.4f from the distribution exceeds %.4f", c, ks, lim)
		}
	}
}

// TestSIRPeriodEdge runs sir on one edge: the seed infects the other node
// with probability 1 - E[exp(-beta·D)], D its infectious period (the
// transmissibility of Kenah & Robins 2007), so P(final size 1/2) is the
// Laplace transform of the period at beta, within 4 binomial SEs.
func TestSIRPeriodEdge(t *testing.T) {
	const runs = 20000
	g := buildGraph(t, 2, [][2]int32{{0, 1}})
	for i, c := range testPeriods {
		for _, beta := range []float64{0.3, 1.5} {
			cfg := periodConfig(c, beta)
			cfg.Metrics = []string{"final_size"}
			res := runMany(t, cfg, runs, 50+uint64(i), func(int, *Rand) *Graph { return g })
			var counts [2]float64
			for _, row := range res {
				counts[int(math.Round(row[0]*2))-1]++
			}
			want := periodLaplace(c, beta)
			checkProbabilities(t, c.Infectious+" P(final=1/2,2/2)", []float64{want, 1 - want}, counts[:], runs)
		}
	}
}

// TestSIRFixedPeriodGnp checks SIR with a fixed infectious period tau on
// G(n,p), c = 5, against bond percolation with T = 1 - exp(-beta·tau)
// (E. Kenah and J. M. Robins, Phys. Rev. E 76, 036113 (2007): with a
// fixed period the transmissions from a node are independent, so the
// outbreak is exactly bond percolation; M. E. J. Newman, Phys. Rev. E 66,
// 016128 (2002), eq. 19). Both the final size of major outbreaks and the
// probability of a major outbreak from one seed equal the giant
// component's fraction S. At T = 0.5 that is 0.893, while Markovian SIR
// with the same T has P(major) 0.735 (TestSIRMajorProbability): 1200 runs
// (SE 0.009) tell them apart by 18 SEs. The final-size tolerance is as in
// TestSIRFinalSizeGnp.
func TestSIRFixedPeriodGnp(t *testing.T) {
	const beta, c = 1.0, 5.0
	tau := math.Ln2 / beta // T = 1/2
	T := 1 - math.Exp(-beta*tau)
	want := bondGiant(poissonDist(c), T)
	fixed := periodKeys{Infectious: PeriodFixed, PeriodMean: tau}

	t.Run("final_size", func(t *testing.T) {
		const n, runs = 50000, 16
		cfg := periodConfig(fixed, beta)
		cfg.SeedFraction, cfg.Metrics = 0.001, []string{"final_size", "major"}
		var g Graph
		res := runMany(t, cfg, runs, 60, func(_ int, r *Rand) *Graph {
			gnpGraph(t, &g, n, c, r)
			return &g
		})
		var sizes []float64
		for _, row := range res {
			if row[1] == 1 {
				sizes = append(sizes, row[0])
			}
		}
		if len(sizes) < runs-1 {
			t.Fatalf("only %d of %d runs from 50 seeds were major", len(sizes), runs)
		}
		got, sd := meanSD(sizes)
		t.Logf("final size %.4f ± %.4f, bond percolation %.4f", got, sd/math.Sqrt(float64(len(sizes))), want)
		if math.Abs(got-want) > 0.005 {
			t.Errorf("mean final size of major outbreaks %.4f, want %.4f ± 0.005", got, want)
		}
	})

	t.Run("major", func(t *testing.T) {
		const n, runs = 2000, 1200
		markov := majorProbabilityMarkov(c, beta, beta) // same T = beta/(beta+gamma)
		tol := 4 * math.Sqrt(want*(1-want)/runs)
		if math.Abs(markov-want) < 2*tol {
			t.Fatalf("test cannot tell percolation %.3f from Markovian %.3f", want, markov)
		}
		cfg := periodConfig(fixed, beta)
		cfg.Seeds, cfg.MajorThreshold, cfg.Metrics = 1, 0.1, []string{"major"}
		var g Graph
		res := runMany(t, cfg, runs, 61, func(i int, r *Rand) *Graph {
			if i%10 == 0 {
				gnpGraph(t, &g, n, c, r)
			}
			return &g
		})
		got, _ := meanSD(column(res, 0))
		t.Logf("P(major) = %.4f, bond percolation %.4f ± %.4f, Markovian %.4f", got, want, tol, markov)
		if math.Abs(got-want) > tol {
			t.Errorf("P(major) = %.4f, want %.4f ± %.4f", got, want, tol)
		}
	})
}

// exponentialPath returns a sir process with rates beta and gamma that
// draws its exponential periods through the non-Markovian path.
func exponentialPath(tb testing.TB, n int, cfg *ProcessConfig) Process {
	tb.Helper()
	p, err := cfg.New(n)
	if err != nil {
		tb.Fatal(err)
	}
	s := p.(*SIR)
	s.markov, s.period = false, period{name: PeriodExponential, mean: 1 / cfg.Gamma}
	return s
}

// TestSIRExponentialPeriodPath runs Markovian SIR through the
// non-Markovian path (an exponential period drawn by period.draw) and
// compares it with the exact jump chain on small graphs, as
// TestSIRExactSmall does for the Markovian path, and its probability of a
// major outbreak on G(n,p) with Kenah & Robins' value, as
// TestSIRMajorProbability does.
func TestSIRExponentialPeriodPath(t *testing.T) {
	const runs = 20000
	for name, g := range smallGraphs(t) {
		for _, rates := range [][2]float64{{1, 1}, {3, 0.5}} {
			cfg := &ProcessConfig{Model: "sir", Beta: rates[0], Gamma: rates[1], Metrics: []string{"final_size", "peak_infected"}}
			p := exponentialPath(t, g.N, cfg)
			r := NewRand(70)
			var res [][]float64
			for range runs {
				out := make([]float64, 2)
				if err := p.Run(g, r, out); err != nil {
					t.Fatal(err)
				}
				res = append(res, out)
			}
			checkProbabilities(t, name+" P(final,peak)", flatten(exactSIR(g, rates[0], rates[1])), jointCounts(res, g.N), runs)
		}
	}

	const n, c, majorRuns = 2000, 5.0, 1200
	want := majorProbabilityMarkov(c, 1, 1)
	tol := 4 * math.Sqrt(want*(1-want)/majorRuns)
	cfg := &ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Seeds: 1, MajorThreshold: 0.1, Metrics: []string{"major"}}
	p := exponentialPath(t, n, cfg)
	r := NewRand(71)
	var g Graph
	var major float64
	for i := range majorRuns {
		if i%10 == 0 {
			gnpGraph(t, &g, n, c, r)
		}
		out := make([]float64, 1)
		if err := p.Run(&g, r, out); err != nil {
			t.Fatal(err)
		}
		major += out[0]
	}
	got := major / majorRuns
	t.Logf("P(major) = %.4f, Kenah & Robins %.4f ± %.4f", got, want, tol)
	if math.Abs(got-want) > tol {
		t.Errorf("P(major) = %.4f, want %.4f ± %.4f", got, want, tol)
	}
}

// TestSIRPeriodKeys checks the validation of the period keys.
func TestSIRPeriodKeys(t *testing.T) {
	for _, tc := range []struct {
		cfg ProcessConfig
		key string // of the error, "" for none
	}{
		{ProcessConfig{Gamma: 1}, ""},
		{ProcessConfig{PeriodMean: 2}, ""},
		{ProcessConfig{Infectious: "exponential", Gamma: 1}, ""},
		{ProcessConfig{}, "gamma"},
		{ProcessConfig{Gamma: 1, PeriodMean: 2}, "period_mean"},
		{ProcessConfig{Gamma: 1, PeriodShape: 2}, "period_shape"},
		{ProcessConfig{Infectious: "uniform", PeriodMean: 1}, "infectious"},
		{ProcessConfig{Infectious: "fixed", PeriodMean: 1}, ""},
		{ProcessConfig{Infectious: "fixed", Gamma: 1}, "gamma"},
		{ProcessConfig{Infectious: "fixed"}, "period_mean"},
		{ProcessConfig{Infectious: "fixed", PeriodMean: -1}, "period_mean"},
		{ProcessConfig{Infectious: "fixed", PeriodMean: 1, PeriodShape: 2}, "period_shape"},
		{ProcessConfig{Infectious: "gamma", PeriodMean: 1}, "period_shape"},
		{ProcessConfig{Infectious: "gamma", PeriodMean: 1, PeriodShape: 2}, ""},
		{ProcessConfig{Infectious: "lognormal", PeriodMean: 1, PeriodShape: 6}, "period_shape"},
		{ProcessConfig{Infectious: "weibull", PeriodMean: 1, PeriodShape: 0.05}, "period_shape"},
	} {
		tc.cfg.Model, tc.cfg.Beta = "sir", 1
		_, err := tc.cfg.New(10)
		var key string
		if pe, ok := err.(*ParamError); ok {
			key = pe.Key
		} else if err != nil {
			t.Errorf("%+v: error %v is not a *ParamError", tc.cfg, err)
		}
		if key != tc.key {
			t.Errorf("%+v: error %v, want one about %q", tc.cfg, err, tc.key)
		}
	}
}
