package sim

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The statistical tests below were checked against deliberate breaks of
// the model (2026-12-06): spontaneous transitions drawing their node by
// degree instead of uniformly fail TestCompartmentalSIRExact,
// TestCompartmentalSEIRFinalSize and TestCompartmentalAgreesWithSIR;
// waiting times uniform on [0, 2/total] (right mean, wrong law) fail
// TestCompartmentalSISComplete and TestCompartmentalSIRSComplete;
// pickByDegree accepting every node of a degree class fails
// TestCompartmentalPickByDegree. Interventions (issue 15, item 5):
// Compartmental without seedPlacement (the initial placement ignoring
// immunise and seed_by) fails TestCompartmentalSeedBy and
// TestCompartmentalInitialAvoidsImmune; immunising round((v - 0.02)·n)
// nodes fails TestCompartmentalImmuniseGnp (0.394 against 0.358), and so
// does leaving the immune nodes their edges; dealing the seed_by set out
// unshuffled fails TestCompartmentalSeedBy; immunising at random in place
// of by degree, or round((v - 0.002)·n) nodes by degree, fails
// TestCompartmentalImmuniseDegreeGnp (0.7517 and 0.6439 against 0.6371). Drawn times (item 2): an
// exponential time of the same mean in place of the declared
// distribution fails TestCompartmentalTimedEdge and every part of
// TestCompartmentalFixedPeriodGnp (P(major) 0.614 against 0.893);
// keeping stale events fails TestCompartmentalTimedEdge's race. The
// event-driven path (issue 15's speed goal): transmissions drawn at 1.1
// times the rate fail TestCompartmentalEventAgreesWithGillespie on all
// four models (SIR ever_I 0.088 against 0.062, 4 SE 0.015); moving a
// node by an induced event from whatever compartment it is in (no check
// that it is still in the source) fails its third model (I_at_3, V_at_3).

// compartmental returns the compartmental process of params for n nodes.
func compartmental(tb testing.TB, params Params, n int) *Compartmental {
	tb.Helper()
	p, err := ProcessSettings{Model: "compartmental", Params: params}.New(n)
	if err != nil {
		tb.Fatal(err)
	}
	return p.(*Compartmental)
}

// runProcess runs p runs times on graphs from next and returns every run's
// metrics.
func runProcess(tb testing.TB, p Process, runs int, seed uint64, next func(i int, r *Rand) *Graph) [][]float64 {
	tb.Helper()
	r := NewRand(seed)
	var res [][]float64
	for i := range runs {
		g := next(i, r)
		out := make([]float64, len(p.Metrics()))
		if err := p.Run(g, r, out); err != nil {
			tb.Fatal(err)
		}
		res = append(res, out)
	}
	return res
}

// metricIndex returns the index of metric name in p's metrics.
func metricIndex(tb testing.TB, p Process, name string) int {
	tb.Helper()
	for i, m := range p.Metrics() {
		if m.Name == name {
			return i
		}
	}
	tb.Fatalf("no metric %s", name)
	return -1
}

// Models declared in specs: the parameters of the tests below.
func sirModel(beta, gamma float64) Params {
	return Params{"compartments": []string{"S", "I", "R"},
		"transitions": []string{"S -> I : beta * I", "I -> R : gamma"},
		"beta":        beta, "gamma": gamma, "initial": []string{"I"}, "initial_count": []int64{1}}
}

func seirModel(beta, sigma, gamma float64) Params {
	return Params{"compartments": []string{"S", "E", "I", "R"},
		"transitions": []string{"S -> E : beta * I", "E -> I : sigma", "I -> R : gamma"},
		"beta":        beta, "sigma": sigma, "gamma": gamma, "initial": []string{"I"}, "initial_count": []int64{1}}
}

func TestCompartmentalErrors(t *testing.T) {
	base := func(edit func(Params)) Params {
		p := sirModel(0.5, 1)
		edit(p)
		return p
	}
	cases := []struct {
		params    Params
		key, want string
	}{
		{base(func(p Params) { p["transitions"] = []string{"S -> X : beta * I", "I -> R : gamma"} }), "transitions", `unknown target compartment "X"`},
		{base(func(p Params) { p["transitions"] = []string{"S -> I : beta * Q", "I -> R : gamma"} }), "transitions", `unknown inducing compartment "Q"`},
		{base(func(p Params) { p["transitions"] = []string{"S -> I : beta *", "I -> R : gamma"} }), "transitions", "needs its inducer"},
		{base(func(p Params) { p["transitions"] = []string{"S -> I : beta * I", "I -> R : gamma", "I -> R : gamma"} }), "transitions", "listed twice"},
		{base(func(p Params) { p["transitions"] = []string{"S -> I beta", "I -> R : gamma"} }), "transitions", "want \"X -> Y : rate\""},
		{base(func(p Params) { p["transitions"] = []string{"S -> S : beta * I", "I -> R : gamma"} }), "transitions", "must change"},
		{base(func(p Params) { p["transitions"] = []string{"S -> I : bet * I", "I -> R : gamma"} }), "transitions", "not a rate key"},
		{base(func(p Params) { delete(p, "gamma") }), "transitions", "gamma is not set"},
		{base(func(p Params) { p["omega"] = 0.1 }), "omega", "no transition names this rate"},
		{base(func(p Params) { p["beta"] = -0.1 }), "beta", "at least 0"},
		{base(func(p Params) { p["compartments"] = []string{"S", "I", "R", "I"} }), "compartments", "listed twice"},
		{base(func(p Params) { p["compartments"] = []string{"S", "I-1", "R"} }), "compartments", "a name is"},
		{base(func(p Params) { p["initial"] = []string{"X"} }), "initial", "unknown compartment"},
		{base(func(p Params) { p["initial_count"] = []int64{1, 2} }), "initial_count", "2 values for 1"},
		{base(func(p Params) { p["initial_count"] = []int64{11} }), "initial_count", "more than n=10"},
		{base(func(p Params) { delete(p, "initial_count"); p["initial_fraction"] = []float64{1.5} }), "initial_fraction", "[0, 1]"},
		{base(func(p Params) { p["initial_fraction"] = []float64{0.1} }), "initial_count", "not both"},
		{base(func(p Params) { p["transitions"] = []string{"S -> I : beta * I", "I -> S : gamma"} }), "transitions", "(S -> I -> S), so a run may never end: set t_max"},
		{base(func(p Params) { p["t_max"] = 5.0; p["series"] = []float64{1, 6} }), "series", "at most t_max"},
		{base(func(p Params) { p["metrics"] = []string{"final_X"} }), "metrics", "unknown metric"},
	}
	for _, c := range cases {
		_, err := ProcessSettings{Model: "compartmental", Params: c.params}.New(10)
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%v: error %v, want a ParamError", c.params, err)
			continue
		}
		if pe.Key != c.key || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q (key %s), want key %s and %q", err, pe.Key, c.key, c.want)
		}
	}
	// Cycles are fine with t_max; a zero-rate model is a note.
	sis := compartmental(t, Params{"compartments": []string{"S", "I"},
		"transitions": []string{"S -> I : beta * I", "I -> S : gamma"}, "beta": 0.0, "gamma": 0.0,
		"initial": []string{"I"}, "initial_fraction": []float64{0.5}, "t_max": 3.0}, 10)
	if !strings.Contains(sis.Note(), "nothing moves") {
		t.Errorf("zero-rate model: note %q", sis.Note())
	}
	out := make([]float64, len(sis.Metrics()))
	if err := sis.Run(completeGraph(t, 10), NewRand(1), out); err != nil {
		t.Fatal(err)
	}
	if out[metricIndex(t, sis, "final_I")] != 0.5 || out[metricIndex(t, sis, "duration")] != 0 {
		t.Errorf("zero-rate model moved: %v", out)
	}
}

// TestCompartmentalInvariants checks, for several models on random graphs,
// that the final fractions add up to 1, that no compartment's final
// fraction exceeds its peak or its ever fraction, and that an SI epidemic
// on a connected graph infects every node and stops.
func TestCompartmentalInvariants(t *testing.T) {
	models := []Params{
		sirModel(0.8, 1),
		seirModel(1, 0.5, 1),
		{"compartments": []string{"S", "I"}, "transitions": []string{"S -> I : beta * I"}, "beta": 0.3,
			"initial": []string{"I"}, "initial_count": []int64{2}},
		{"compartments": []string{"S", "E", "I", "R"},
			"transitions": []string{"S -> E : beta * I", "E -> I : sigma", "I -> R : gamma", "R -> S : omega", "S -> E : alpha * E"},
			"beta":        0.7, "sigma": 2.0, "gamma": 1.0, "omega": 0.5, "alpha": 0.1, "t_max": 5.0,
			"initial": []string{"I", "R"}, "initial_fraction": []float64{0.05, 0.3}, "series": []float64{0, 1, 2.5}},
	}
	var g Graph
	for mi, params := range models {
		p := compartmental(t, params, 300)
		res := runProcess(t, p, 50, uint64(10+mi), func(_ int, r *Rand) *Graph {
			gnpGraph(t, &g, 300, 4, r)
			return &g
		})
		k := len(p.names)
		for _, row := range res {
			sum := 0.0
			for c, name := range p.names {
				final, peak, ever := row[metricIndex(t, p, "final_"+name)], row[metricIndex(t, p, "peak_"+name)], row[metricIndex(t, p, "ever_"+name)]
				sum += final
				if final > peak || peak > ever || ever > 1 {
					t.Errorf("model %d, %s: final %g, peak %g, ever %g", mi, name, final, peak, ever)
				}
				_ = c
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("model %d: final fractions add up to %g", mi, sum)
			}
			if nt := len(p.times); nt > 0 {
				for j := range nt {
					s := 0.0
					for c := range k {
						s += row[len(p.sel.idx)+c*nt+j]
					}
					if math.Abs(s-1) > 1e-12 {
						t.Errorf("model %d: series at %g adds up to %g", mi, p.times[j], s)
					}
				}
			}
		}
	}
	si := compartmental(t, models[2], 50)
	out := make([]float64, len(si.Metrics()))
	if err := si.Run(completeGraph(t, 50), NewRand(3), out); err != nil {
		t.Fatal(err)
	}
	if out[metricIndex(t, si, "final_I")] != 1 || out[metricIndex(t, si, "duration")] <= 0 {
		t.Errorf("SI on K_50: %v", out)
	}
}

// heteroGraph is the small graph of TestSISHeterogeneous: degrees 2 to 5.
func heteroGraph(tb testing.TB) *Graph {
	return buildGraph(tb, 7, [][2]int32{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {5, 6}, {1, 2}, {5, 3}, {5, 4}, {6, 1}})
}

// TestCompartmentalSIRExact declares SIR and compares the joint
// distribution of the final size and the peak on a small graph with the
// exact Markov chain (exactSIR, as TestSIRExact does for sir).
func TestCompartmentalSIRExact(t *testing.T) {
	g := heteroGraph(t)
	const beta, gamma, runs = 0.7, 1.0, 20000
	p := compartmental(t, sirModel(beta, gamma), g.N)
	res := runProcess(t, p, runs, 31, func(int, *Rand) *Graph { return g })
	exact := exactSIR(g, beta, gamma)
	fi, pi := metricIndex(t, p, "ever_I"), metricIndex(t, p, "peak_I")
	var want, got []float64
	counts := make([][]float64, g.N+1)
	for i := range counts {
		counts[i] = make([]float64, g.N+1)
	}
	for _, row := range res {
		counts[int(math.Round(row[fi]*7))][int(math.Round(row[pi]*7))]++
	}
	for f := range exact {
		want = append(want, exact[f]...)
		got = append(got, counts[f]...)
	}
	checkProbabilities(t, "P[final][peak]", want, got, runs)
	// final_R at the end equals ever_I.
	for _, row := range res[:100] {
		if row[metricIndex(t, p, "final_R")] != row[fi] {
			t.Fatalf("final_R %g, ever_I %g", row[metricIndex(t, p, "final_R")], row[fi])
		}
	}
}

// TestCompartmentalSEIRFinalSize checks that SEIR's final size has the
// distribution of SIR's with the same beta and gamma: a latent period
// delays but does not change which nodes a Markovian epidemic reaches,
// since each infectious node still transmits along each edge with
// probability beta/(beta+gamma) (Kiss, Miller and Simon, "Mathematics of
// Epidemics on Networks", section 6.5). Reference: the exact SIR chain.
func TestCompartmentalSEIRFinalSize(t *testing.T) {
	g := heteroGraph(t)
	const beta, gamma, runs = 0.7, 1.0, 20000
	p := compartmental(t, seirModel(beta, 0.4, gamma), g.N)
	res := runProcess(t, p, runs, 32, func(int, *Rand) *Graph { return g })
	exact := exactSIR(g, beta, gamma)
	want := make([]float64, g.N+1)
	for f := range exact {
		for _, m := range exact[f] {
			want[f] += m
		}
	}
	got := make([]float64, g.N+1)
	fi := metricIndex(t, p, "ever_I")
	for _, row := range res {
		got[int(math.Round(row[fi]*7))]++
	}
	checkProbabilities(t, "P[final]", want, got, runs)
}

// twoSample checks that two sample means agree within 4 standard errors of
// their difference.
func twoSample(t *testing.T, what string, a, b []float64) {
	t.Helper()
	ma, sa := meanSD(a)
	mb, sb := meanSD(b)
	se := math.Sqrt(sa*sa/float64(len(a)) + sb*sb/float64(len(b)))
	if math.Abs(ma-mb) > 4*se+1e-12 {
		t.Errorf("%s: %.5f and %.5f differ by more than 4 SE (%.5f)", what, ma, mb, 4*se)
	}
}

// TestCompartmentalAgreesWithSIR runs the compartmental model declared as
// SIR and sir on the same G(n,p) networks: their final size, peak, time to
// peak and duration agree within statistical error.
func TestCompartmentalAgreesWithSIR(t *testing.T) {
	const n, runs = 400, 3000
	graphs := make([]Graph, runs)
	r := NewRand(40)
	for i := range graphs {
		gnpGraph(t, &graphs[i], n, 3, r)
	}
	next := func(i int, _ *Rand) *Graph { return &graphs[i] }
	comp := compartmental(t, sirModel(0.6, 1), n)
	sir, err := ProcessSettings{Model: "sir", Params: Params{"beta": 0.6, "gamma": 1.0}}.New(n)
	if err != nil {
		t.Fatal(err)
	}
	a := runProcess(t, comp, runs, 41, next)
	b := runProcess(t, sir, runs, 42, next)
	for _, m := range [][2]string{{"ever_I", "final_size"}, {"peak_I", "peak_infected"}, {"time_to_peak_I", "time_to_peak"}, {"duration", "duration"}} {
		twoSample(t, m[0]+" vs "+m[1], column(a, metricIndex(t, comp, m[0])), column(b, metricIndex(t, sir, m[1])))
	}
}

// TestCompartmentalAgreesWithSIS runs the compartmental model declared as
// SIS and sis on the same G(n,p) networks: the fraction infected at each
// series time agrees within statistical error.
func TestCompartmentalAgreesWithSIS(t *testing.T) {
	const n, runs = 200, 3000
	graphs := make([]Graph, runs)
	r := NewRand(50)
	for i := range graphs {
		gnpGraph(t, &graphs[i], n, 4, r)
	}
	next := func(i int, _ *Rand) *Graph { return &graphs[i] }
	times := []float64{0.5, 1, 2, 4, 8}
	comp := compartmental(t, Params{"compartments": []string{"S", "I"},
		"transitions": []string{"S -> I : beta * I", "I -> S : gamma"}, "beta": 0.4, "gamma": 1.0,
		"initial": []string{"I"}, "initial_count": []int64{5}, "t_max": 8.0, "series": times}, n)
	sis, err := ProcessSettings{Model: "sis", Params: Params{"beta": 0.4, "gamma": 1.0, "seeds": int64(5),
		"burn_in": 0.0, "window": 8.0, "series": times}}.New(n)
	if err != nil {
		t.Fatal(err)
	}
	a := runProcess(t, comp, runs, 51, next)
	b := runProcess(t, sis, runs, 52, next)
	for _, ts := range times {
		twoSample(t, SeriesMetricName(ts), column(a, metricIndex(t, comp, CompartmentSeriesName("I", ts))), column(b, metricIndex(t, sis, SeriesMetricName(ts))))
	}
}

// checkQS compares the quasi-stationary mean E[X | I > 0] at the last time
// with the exact distribution of X there: runs whose I column is 0 are
// left out, as the exact distribution's I = 0 states are.
func checkQS(t *testing.T, what string, xs, is []float64, n int, exact func(x, i int) float64, states [][2]int) {
	t.Helper()
	var mass, mean, sq float64
	for _, s := range states {
		if s[1] == 0 {
			continue
		}
		m := exact(s[0], s[1])
		mass += m
		mean += m * float64(s[0])
		sq += m * float64(s[0]*s[0])
	}
	mean /= mass
	sd := math.Sqrt(sq/mass - mean*mean)
	var got []float64
	for j := range xs {
		if is[j] > 0 {
			got = append(got, xs[j]*float64(n))
		}
	}
	m, _ := meanSD(got)
	checkMean(t, what, m, mean, sd, len(got))
	t.Logf("%s: %.4f (exact %.4f), %d runs alive", what, m, mean, len(got))
}

// TestCompartmentalSISComplete compares SIS declared as a compartmental
// model on K_20 with the exact birth–death chain (exactSISComplete, as
// TestSISComplete does for sis): the mean fraction infected at each series
// time, and the quasi-stationary prevalence E[I | I > 0] at the last.
func TestCompartmentalSISComplete(t *testing.T) {
	const n, beta, gamma, seeds, runs = 20, 0.1, 1.0, 2, 20000
	times := []float64{0.5, 1, 2, 4, 8}
	g := completeGraph(t, n)
	p := compartmental(t, Params{"compartments": []string{"S", "I"},
		"transitions": []string{"S -> I : beta * I", "I -> S : gamma"}, "beta": beta, "gamma": gamma,
		"initial": []string{"I"}, "initial_count": []int64{seeds}, "t_max": 8.0, "series": times}, n)
	res := runProcess(t, p, runs, 60, func(int, *Rand) *Graph { return g })
	exact := exactSISComplete(n, beta, gamma, seeds, times)
	for j, ts := range times {
		mean, variance := distMoments(exact[j])
		got, _ := meanSD(column(res, metricIndex(t, p, CompartmentSeriesName("I", ts))))
		checkMean(t, CompartmentSeriesName("I", ts), got, mean/n, math.Sqrt(variance)/n, runs)
	}
	var states [][2]int
	for i := range n + 1 {
		states = append(states, [2]int{i, i})
	}
	last := exact[len(times)-1]
	is := column(res, metricIndex(t, p, "final_I"))
	checkQS(t, "quasi-stationary I", is, is, n, func(_, i int) float64 { return last[i] }, states)
}

// exactSIRSComplete returns the distribution over (i, r) at each of the
// times for SIRS on K_n from p(t) = p(0)·exp(Qt): (i, r) → (i+1, r) at
// rate beta·i·s, → (i-1, r+1) at gamma·i, → (i, r-1) at omega·r, with
// s = n - i - r, from i0 infected.
func exactSIRSComplete(n int, beta, gamma, omega float64, i0 int, times []float64) (states [][2]int, dist [][]float64) {
	index := map[[2]int]int{}
	for i := 0; i <= n; i++ {
		for r := 0; i+r <= n; r++ {
			index[[2]int{i, r}] = len(states)
			states = append(states, [2]int{i, r})
		}
	}
	q := mat.NewDense(len(states), len(states), nil)
	for k, st := range states {
		i, r := st[0], st[1]
		s := n - i - r
		out := 0.0
		add := func(to [2]int, rate float64) {
			if rate > 0 {
				q.Set(k, index[to], rate)
				out += rate
			}
		}
		add([2]int{i + 1, r}, beta*float64(i*s))
		add([2]int{i - 1, r + 1}, gamma*float64(i))
		add([2]int{i, r - 1}, omega*float64(r))
		q.Set(k, k, -out)
	}
	p0 := mat.NewDense(1, len(states), nil)
	p0.Set(0, index[[2]int{i0, 0}], 1)
	// evolve sums by a count; ask for the state index itself.
	dist = evolve(q, p0, times, func(s int) int { return s })
	return states, dist
}

// TestCompartmentalSIRSComplete compares SIRS on K_15 with the exact chain
// over (i, r): the mean fractions infected and recovered at each series
// time, and the quasi-stationary E[I | I > 0] and E[R | I > 0] at the last.
func TestCompartmentalSIRSComplete(t *testing.T) {
	const n, beta, gamma, omega, seeds, runs = 15, 0.2, 1.0, 0.5, 2, 20000
	times := []float64{0.5, 1, 2, 4, 8}
	g := completeGraph(t, n)
	p := compartmental(t, Params{"compartments": []string{"S", "I", "R"},
		"transitions": []string{"S -> I : beta * I", "I -> R : gamma", "R -> S : omega"}, "beta": beta, "gamma": gamma, "omega": omega,
		"initial": []string{"I"}, "initial_count": []int64{seeds}, "t_max": 8.0, "series": times}, n)
	res := runProcess(t, p, runs, 70, func(int, *Rand) *Graph { return g })
	states, exact := exactSIRSComplete(n, beta, gamma, omega, seeds, times)
	for j, ts := range times {
		for c, name := range []string{"I", "R"} {
			var mean, sq float64
			for k, st := range states {
				mean += exact[j][k] * float64(st[c])
				sq += exact[j][k] * float64(st[c]*st[c])
			}
			got, _ := meanSD(column(res, metricIndex(t, p, CompartmentSeriesName(name, ts))))
			checkMean(t, CompartmentSeriesName(name, ts), got, mean/n, math.Sqrt(sq-mean*mean)/n, runs)
		}
	}
	index := map[[2]int]int{}
	for k, st := range states {
		index[st] = k
	}
	last := exact[len(times)-1]
	is := column(res, metricIndex(t, p, "final_I"))
	var iStates, rStates [][2]int
	for _, st := range states {
		iStates = append(iStates, [2]int{st[0], st[0]})
		rStates = append(rStates, [2]int{st[1], st[0]})
	}
	// Sum the exact mass over the other count for each (x, i) pair.
	iMass := func(x, i int) float64 {
		m := 0.0
		for r := 0; i+r <= n; r++ {
			m += last[index[[2]int{i, r}]]
		}
		return m
	}
	checkQS(t, "quasi-stationary I", is, is, n, iMass, dedupe(iStates))
	checkQS(t, "quasi-stationary R", column(res, metricIndex(t, p, "final_R")), is, n,
		func(r, i int) float64 { return last[index[[2]int{i, r}]] }, rStates)
}

func dedupe(s [][2]int) [][2]int {
	seen := map[[2]int]bool{}
	var out [][2]int
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// TestCompartmentalPickByDegree checks the per-compartment sampler as
// TestSISPickByDegree checks sis's: with nodes of degrees 1..40 moved into
// a compartment, pickByDegree returns node v with probability k_v/Σk and
// pickUniform with 1/N, each frequency within 4 binomial SEs.
func TestCompartmentalPickByDegree(t *testing.T) {
	var g Graph
	powerLawGraph(t, &g, 2000, 2.2, 1, 40, NewRand(5))
	p := compartmental(t, sirModel(0.5, 1), g.N)
	p.event = false // the Gillespie loop's lists
	p.Run(&g, NewRand(1), make([]float64, len(p.Metrics())))
	// Move one node of each degree from wherever the run left it to I.
	var chosen []int32
	seen := map[int]bool{}
	for v := range int32(g.N) {
		if k := g.Degree(v); k > 0 && !seen[k] {
			seen[k] = true
			chosen = append(chosen, v)
		}
	}
	for v := range int32(g.N) {
		if p.state[v] == 1 {
			p.move(&g, v, 1, 2, 0)
		}
	}
	var ne int64
	for _, v := range chosen {
		p.move(&g, v, int(p.state[v]), 1, 0)
		ne += int64(g.Degree(v))
	}
	c := &p.comp[1]
	if c.n != int64(len(chosen)) || c.degrees != ne || len(chosen) < 15 {
		t.Fatalf("compartment I: %d nodes, degrees %d; want %d, %d", c.n, c.degrees, len(chosen), ne)
	}
	const draws = 400000
	r := NewRand(6)
	byDegree := make(map[int32]float64)
	uniform := make(map[int32]float64)
	for range draws {
		byDegree[c.pickByDegree(&g, r)]++
		uniform[c.pickUniform(r)]++
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

// TestCompartmentalImmuniseGnp immunises a fraction v of the nodes of
// G(n,p), c = 4, at random before a declared SIR with T = beta/(beta +
// gamma) = 1/2, as TestImmuniseRandomGnp does for sir: what remains is
// site percolation at 1 - v, so the final size of major outbreaks is the
// site-bond giant siteBondGiant(1 - v, T) (Callaway et al. 2000; Newman
// 2002). The immune nodes stay in S. Run-to-run SDs at n = 5e4 are about
// 0.003; the tolerance 0.006 over 16 runs rejects v off by 0.02.
func TestCompartmentalImmuniseGnp(t *testing.T) {
	const n, c, runs, v, T = 50000, 4.0, 16, 0.3, 0.5
	var g Graph
	gen := func(_ int, r *Rand) *Graph {
		gnpGraph(t, &g, n, c, r)
		return &g
	}
	params := sirModel(1, 1)
	delete(params, "initial_count")
	params["initial_fraction"] = []float64{0.002}
	params["immunise"] = v
	params["metrics"] = []string{"final_R", "final_S"}
	res := runParams(t, "compartmental", params, runs, 81, gen)
	var sizes []float64
	for _, row := range res { // metrics in table order: final_S, final_R
		if row[1] > 0.05 {
			sizes = append(sizes, row[1])
		}
		if row[0] < v {
			t.Fatalf("final_S %g below the immunised fraction %g", row[0], v)
		}
	}
	got, sd := meanSD(sizes)
	want := siteBondGiant(poissonDist(c), 1-v, T)
	t.Logf("v=%g T=%g: final size %.4f ± %.4f over %d majors, theory %.4f", v, T, got, sd/math.Sqrt(float64(len(sizes))), len(sizes), want)
	if len(sizes) < runs-1 || math.Abs(got-want) > 0.006 {
		t.Errorf("declared SIR after random immunisation: %d of %d major, final size %.4f, want %.4f ± 0.006", len(sizes), runs, got, want)
	}
}

// TestCompartmentalImmuniseDegreeGnp immunises the fraction v of the
// highest-degree nodes of G(n,p), c = 4, before a declared SIR, as
// TestImmuniseDegreeGnp does for sir, and compares the final size of
// major outbreaks (final_R) with the theory of degree-dependent site
// occupation, degreeImmunisedSIRSize (Callaway et al. 2000; Newman 2002):
// 0.6371 for v = 0.1, T = 0.6 and 0.5693 for v = 0.15, T = 2/3, against
// 0.7519 and 0.7280 after random immunisation. The immune nodes stay in
// S. Run-to-run SDs at n = 10^5 are about 0.0035; the tolerance 0.0025
// over 32 runs is 4 standard errors.
func TestCompartmentalImmuniseDegreeGnp(t *testing.T) {
	const n, c, runs = 100000, 4.0, 32
	var g Graph
	gen := func(_ int, r *Rand) *Graph {
		gnpGraph(t, &g, n, c, r)
		return &g
	}
	for i, tc := range []struct{ v, beta float64 }{{0.1, 1.5}, {0.15, 2}} {
		T := tc.beta / (tc.beta + 1)
		params := sirModel(tc.beta, 1)
		params["initial_count"] = []int64{10}
		params["immunise"], params["immunise_by"] = tc.v, ByDegree
		params["metrics"] = []string{"final_R", "final_S"}
		res := runParams(t, "compartmental", params, runs, 87+uint64(i), gen)
		var sizes []float64
		for _, row := range res { // metrics in table order: final_S, final_R
			if row[1] > 0.05 {
				sizes = append(sizes, row[1])
			}
			if row[0] < tc.v {
				t.Fatalf("final_S %g below the immunised fraction %g", row[0], tc.v)
			}
		}
		got, sd := meanSD(sizes)
		want := degreeImmunisedSIRSize(poissonDist(c), tc.v, T)
		t.Logf("v=%g T=%.4f: final size %.4f ± %.4f (SD %.4f) over %d majors, theory %.4f",
			tc.v, T, got, sd/math.Sqrt(float64(len(sizes))), sd, len(sizes), want)
		if len(sizes) < runs || math.Abs(got-want) > 0.0025 {
			t.Errorf("v=%g T=%.4f: declared SIR after immunisation by degree: %d of %d major, final size %.4f, want %.4f ± 0.0025",
				tc.v, T, len(sizes), runs, got, want)
		}
	}
}

// TestCompartmentalSeedBy checks seed_by = "degree" where the answer is
// exact: on a graph whose degrees are distinct, the initial nodes (1 in E,
// 2 in I) are the 3 highest degrees, and the E node is each of them with
// probability 1/3 (the set is dealt out at random).
func TestCompartmentalSeedBy(t *testing.T) {
	// Degrees: node 0: 5, 1: 4, 2: 3, 3: 2, 4: 1 ... on 7 nodes.
	g := buildGraph(t, 7, [][2]int32{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {1, 2}, {1, 3}, {1, 6}, {2, 6}})
	degs := []int{5, 4, 3, 2, 1, 1, 2}
	for v, d := range degs {
		if g.Degree(int32(v)) != d {
			t.Fatalf("node %d: degree %d, want %d", v, g.Degree(int32(v)), d)
		}
	}
	params := seirModel(0, 0, 0) // nothing moves: the run reports the placement
	params["initial"], params["initial_count"] = []string{"E", "I"}, []int64{1, 2}
	params["seed_by"] = ByDegree
	p, err := ProcessSettings{Model: "compartmental", Params: params}.New(g.N)
	if err != nil {
		t.Fatal(err)
	}
	in := p.(*intervened).Process.(*Compartmental)
	r := NewRand(140)
	const runs = 3000
	var atE [3]float64
	for range runs {
		out := make([]float64, len(p.Metrics()))
		if err := p.Run(g, r, out); err != nil {
			t.Fatal(err)
		}
		var placed []int
		for v := range g.N {
			if s := in.state[v]; s != 0 {
				placed = append(placed, v)
			}
		}
		// Nodes 0, 1, 2 (degrees 5, 4, 3) hold E and I, the rest S.
		if len(placed) != 3 || placed[0] != 0 || placed[1] != 1 || placed[2] != 2 {
			t.Fatalf("seed_by=degree: initial nodes %v, want the 3 highest degrees [0 1 2]", placed)
		}
		if got := out[metricIndex(t, p, "final_E")]; got != 1.0/7 {
			t.Fatalf("final_E %g, want 1/7", got)
		}
		for v := range 3 {
			if in.state[v] == 1 {
				atE[v]++
			}
		}
	}
	checkProbabilities(t, "seed_by=degree: P(E at node 0, 1, 2)", []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, atE[:], runs)

}

// TestCompartmentalInitialAvoidsImmune immunises the centre of a star of
// 6 nodes by degree and places 5 nodes in I, with seed_by unset and under
// each strategy: they must be the 5 leaves, never the immune centre,
// which stays in S.
func TestCompartmentalInitialAvoidsImmune(t *testing.T) {
	star := starGraph(t, 6)
	for _, by := range append([]string{""}, seedStrategies...) {
		params := sirModel(10, 1)
		params["initial_count"] = []int64{5}
		params["immunise"], params["immunise_by"] = 1.0/6, ByDegree
		if by != "" {
			params["seed_by"] = by
		}
		p, err := ProcessSettings{Model: "compartmental", Params: params}.New(star.N)
		if err != nil {
			t.Fatal(err)
		}
		in := p.(*intervened).Process.(*Compartmental)
		r := NewRand(141)
		for range 200 {
			out := make([]float64, len(p.Metrics()))
			if err := p.Run(star, r, out); err != nil {
				t.Fatal(err)
			}
			if got := out[metricIndex(t, p, "final_S")]; got != 1.0/6 || in.state[0] != 0 {
				t.Fatalf("seed_by=%s: final_S %g, centre in %s: the immune centre must stay in S and the 5 leaves start in I", by, got, in.names[in.state[0]])
			}
			if slices.Contains(in.place.selected, 0) {
				t.Fatalf("seed_by=%s: the immune centre is an initial node: %v", by, in.place.selected)
			}
		}
	}
}

// timedSIR declares SIR whose infectious period has distribution dist
// ("fixed(tau)", "gamma(tau, kappa)") with mean tau and shape kappa.
func timedSIR(beta float64, dist string, tau, kappa float64) Params {
	p := Params{"compartments": []string{"S", "I", "R"},
		"transitions": []string{"S -> I : beta * I", "I -> R : " + dist},
		"beta":        beta, "tau": tau, "initial": []string{"I"}, "initial_count": []int64{1}}
	if kappa != 0 {
		p["kappa"] = kappa
	}
	return p
}

func TestCompartmentalTimedErrors(t *testing.T) {
	cases := []struct {
		params    Params
		key, want string
	}{
		{timedSIR(1, "fixed(tau, kappa)", 1, 2), "transitions", "fixed takes 1 rate keys"},
		{timedSIR(1, "gamma(tau)", 1, 0), "transitions", "gamma takes 2 rate keys"},
		{timedSIR(1, "uniform(tau)", 1, 0), "transitions", `unknown time distribution "uniform"`},
		{timedSIR(1, "fixed(tau", 1, 0), "transitions", "want \"X -> Y : fixed(mean)\""},
		{timedSIR(1, "fixed(mean)", 1, 0), "transitions", `"mean" is not a rate key`},
		{timedSIR(1, "fixed(tau)", 0, 0), "tau", "must be greater than 0"},
		{timedSIR(1, "gamma(tau, kappa)", 1, 0), "transitions", "kappa is not set"},
		{timedSIR(1, "weibull(tau, kappa)", 1, 0.01), "kappa", "Weibull shape"},
		{Params{"compartments": []string{"S", "I", "R"}, "transitions": []string{"S -> I : fixed(tau) * I", "I -> R : gamma"},
			"tau": 1.0, "gamma": 1.0, "initial": []string{"I"}, "initial_count": []int64{1}}, "transitions", "only a spontaneous transition"},
		{Params{"compartments": []string{"S", "I", "R"}, "transitions": []string{"S -> I : beta * I", "I -> R : fixed(tau)", "I -> S : fixed(tau)"},
			"beta": 1.0, "tau": 1.0, "t_max": 1.0, "initial": []string{"I"}, "initial_count": []int64{1}}, "transitions", "one timed transition"},
		{Params{"compartments": []string{"S", "I"}, "transitions": []string{"S -> I : beta * I", "I -> S : fixed(tau)"},
			"beta": 1.0, "tau": 1.0, "initial": []string{"I"}, "initial_count": []int64{1}}, "transitions", "set t_max"},
	}
	for _, c := range cases {
		_, err := ProcessSettings{Model: "compartmental", Params: c.params}.New(10)
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%v: error %v, want a ParamError", c.params["transitions"], err)
			continue
		}
		if pe.Key != c.key || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q (key %s), want key %s and %q", err, pe.Key, c.key, c.want)
		}
	}
}

// TestCompartmentalTimedEdge declares SIR with a drawn infectious period
// on one edge, as TestSIRPeriodEdge does for sir: the seed infects the
// other node with probability 1 - E[exp(-beta·D)] (Kenah & Robins 2007),
// within 4 binomial SEs of 20000 runs; on a single node the duration is
// the period, exactly tau when fixed.
func TestCompartmentalTimedEdge(t *testing.T) {
	const runs = 20000
	g := buildGraph(t, 2, [][2]int32{{0, 1}})
	for i, c := range []struct {
		dist string
		keys periodKeys
	}{
		{"fixed(tau)", periodKeys{Infectious: PeriodFixed, PeriodMean: 1.5}},
		{"gamma(tau, kappa)", periodKeys{Infectious: PeriodGamma, PeriodMean: 1.5, PeriodShape: 0.5}},
		{"exponential(tau)", periodKeys{Infectious: PeriodExponential, PeriodMean: 1.5}},
	} {
		beta := 0.7
		p := compartmental(t, timedSIR(beta, c.dist, c.keys.PeriodMean, c.keys.PeriodShape), 2)
		res := runProcess(t, p, runs, 150+uint64(i), func(int, *Rand) *Graph { return g })
		fi := metricIndex(t, p, "ever_I")
		var counts [2]float64
		for _, row := range res {
			counts[int(math.Round(row[fi]*2))-1]++
		}
		want := 1 / (1 + beta*c.keys.PeriodMean) // E[exp(-beta·D)], D exponential
		if c.keys.Infectious != PeriodExponential {
			want = periodLaplace(c.keys, beta)
		}
		checkProbabilities(t, c.dist+" P(ever_I=1/2,2/2)", []float64{want, 1 - want}, counts[:], runs)
	}
	// A timed exit racing a rate: I -> R after tau, I -> D at rate mu.
	// The node dies first with probability 1 - exp(-mu·tau); the stale
	// recovery of a dead node must be dropped.
	one := buildGraph(t, 1, nil)
	race := compartmental(t, Params{"compartments": []string{"S", "I", "R", "D"},
		"transitions": []string{"S -> I : beta * I", "I -> R : fixed(tau)", "I -> D : mu"},
		"beta":        1.0, "tau": 1.5, "mu": 0.4, "initial": []string{"I"}, "initial_count": []int64{1}}, 1)
	var died [2]float64
	for _, row := range runProcess(t, race, runs, 155, func(int, *Rand) *Graph { return one }) {
		d, r := row[metricIndex(t, race, "final_D")], row[metricIndex(t, race, "final_R")]
		if d+r != 1 || row[metricIndex(t, race, "final_I")] != 0 {
			t.Fatalf("race: final D %g R %g, want one of them 1", d, r)
		}
		died[int(r)]++
	}
	pd := 1 - math.Exp(-0.4*1.5)
	checkProbabilities(t, "race P(D, R)", []float64{pd, 1 - pd}, died[:], runs)

	p := compartmental(t, timedSIR(1, "fixed(tau)", 1.25, 0), 1)
	for _, row := range runProcess(t, p, 10, 160, func(int, *Rand) *Graph { return one }) {
		if d := row[metricIndex(t, p, "duration")]; d != 1.25 {
			t.Fatalf("fixed(tau) on one node: duration %g, want exactly 1.25", d)
		}
	}
}

// TestCompartmentalFixedPeriodGnp declares SIR with a fixed infectious
// period tau on G(n,p), c = 5, and checks it as TestSIRFixedPeriodGnp
// checks sir with infectious = "fixed": against bond percolation with T =
// 1 - exp(-beta·tau) = 1/2 (E. Kenah and J. M. Robins, Phys. Rev. E 76,
// 036113 (2007); Newman, Phys. Rev. E 66, 016128 (2002)), both the final
// size of major outbreaks (n = 5e4, tolerance 0.005) and P(major) from
// one seed (0.893, against the Markovian 0.735 at the same T: 1200 runs
// tell them apart by 18 SEs); and against sir with infectious = "fixed"
// on the same networks, every metric within 4 SEs of two samples.
func TestCompartmentalFixedPeriodGnp(t *testing.T) {
	const beta, c = 1.0, 5.0
	tau := math.Ln2 / beta // T = 1/2
	want := bondGiant(poissonDist(c), 1-math.Exp(-beta*tau))

	t.Run("final_size", func(t *testing.T) {
		const n, runs = 50000, 16
		params := timedSIR(beta, "fixed(tau)", tau, 0)
		delete(params, "initial_count")
		params["initial_fraction"] = []float64{0.001}
		var g Graph
		p := compartmental(t, params, n)
		res := runProcess(t, p, runs, 170, func(_ int, r *Rand) *Graph {
			gnpGraph(t, &g, n, c, r)
			return &g
		})
		var sizes []float64
		for _, row := range res {
			if x := row[metricIndex(t, p, "ever_I")]; x > 0.05 {
				sizes = append(sizes, x)
			}
		}
		if len(sizes) < runs-1 {
			t.Fatalf("only %d of %d runs from 50 initial I were major", len(sizes), runs)
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
		p := compartmental(t, timedSIR(beta, "fixed(tau)", tau, 0), n)
		var g Graph
		res := runProcess(t, p, runs, 171, func(i int, r *Rand) *Graph {
			if i%10 == 0 {
				gnpGraph(t, &g, n, c, r)
			}
			return &g
		})
		var major float64
		for _, row := range res {
			if row[metricIndex(t, p, "ever_I")] >= 0.1 {
				major++
			}
		}
		got := major / runs
		t.Logf("P(major) = %.4f, bond percolation %.4f ± %.4f, Markovian %.4f", got, want, tol, markov)
		if math.Abs(got-want) > tol {
			t.Errorf("P(major) = %.4f, want %.4f ± %.4f", got, want, tol)
		}
	})

	t.Run("sir", func(t *testing.T) {
		const n, runs = 400, 3000
		graphs := make([]Graph, runs)
		r := NewRand(172)
		for i := range graphs {
			gnpGraph(t, &graphs[i], n, 3, r)
		}
		next := func(i int, _ *Rand) *Graph { return &graphs[i] }
		comp := compartmental(t, timedSIR(beta, "fixed(tau)", tau, 0), n)
		sir, err := ProcessSettings{Model: "sir", Params: Params{"beta": beta, "infectious": PeriodFixed, "period_mean": tau}}.New(n)
		if err != nil {
			t.Fatal(err)
		}
		a := runProcess(t, comp, runs, 173, next)
		b := runProcess(t, sir, runs, 174, next)
		for _, m := range [][2]string{{"ever_I", "final_size"}, {"peak_I", "peak_infected"}, {"time_to_peak_I", "time_to_peak"}, {"duration", "duration"}} {
			twoSample(t, m[0]+" vs "+m[1], column(a, metricIndex(t, comp, m[0])), column(b, metricIndex(t, sir, m[1])))
		}
	})
}

// TestCompartmentalEventPathChoice checks which models take the
// event-driven path: those in which no source of an induced transition is
// entered again and no inducer is the source of one (eventExact),
// whatever the compartments' names.
func TestCompartmentalEventPathChoice(t *testing.T) {
	model := func(names []string, tr ...string) Params {
		p := Params{"compartments": names, "transitions": tr, "initial": []string{names[1]}, "initial_count": []int64{1}, "t_max": 10.0}
		for _, s := range tr {
			_, rate, _ := strings.Cut(s, ":")
			rate, _, _ = strings.Cut(rate, "*")
			rate = strings.TrimSpace(rate)
			if name, args, ok := strings.Cut(rate, "("); ok {
				rate = name
				p[strings.TrimSuffix(args, ")")] = 1.0
				continue
			}
			p[rate] = 0.5
		}
		return p
	}
	cases := []struct {
		name   string
		params Params
		event  bool
	}{
		{"SIR", sirModel(0.5, 1), true},
		{"SEIR", seirModel(0.5, 1, 1), true},
		{"SI", model([]string{"S", "I"}, "S -> I : beta * I"), true},
		{"SIR fixed", timedSIR(1, "fixed(tau)", 1, 0), true},
		{"SIR renamed", model([]string{"Healthy", "Sick", "Well"}, "Healthy -> Sick : beta * Sick", "Sick -> Well : gamma"), true},
		{"SIR, vaccination and death", model([]string{"S", "I", "R", "V", "D"},
			"S -> I : beta * I", "S -> V : nu", "I -> R : fixed(tau)", "I -> D : mu"), true},
		{"two strains", model([]string{"S", "A", "B", "R"}, "S -> A : alpha * A", "S -> B : beta * B", "A -> R : gamma", "B -> R : gamma"), true},
		{"SIS", model([]string{"S", "I"}, "S -> I : beta * I", "I -> S : gamma"), false},
		{"SIRS", model([]string{"S", "I", "R"}, "S -> I : beta * I", "I -> R : gamma", "R -> S : omega"), false},
		{"SEIRS", model([]string{"S", "E", "I", "R"}, "S -> E : beta * I", "E -> I : sigma", "I -> R : gamma", "R -> S : omega"), false},
		{"inducer left by an induced transition", model([]string{"S", "I", "R"}, "S -> I : beta * I", "I -> R : gamma * R"), false},
		{"SEIR, E infectious too", model([]string{"S", "E", "I", "R"}, "S -> E : beta * I", "S -> E : alpha * E", "E -> I : sigma", "I -> R : gamma"), true},
	}
	for _, c := range cases {
		if p := compartmental(t, c.params, 10); p.event != c.event {
			t.Errorf("%s (%v): event path %v, want %v", c.name, c.params["transitions"], p.event, c.event)
		}
	}
}

// TestCompartmentalEventAgreesWithGillespie runs each model that takes the
// event-driven path both ways, the Gillespie loop forced through p.event,
// on the same G(n,p) networks: every metric (final, peak, time to peak
// and ever fractions per compartment, duration, series) agrees within 4
// standard errors of the two samples' difference. The models: SIR and
// SEIR near the threshold (where a transmission rate 10% off moves the
// final size by many SEs); SIR with a source left spontaneously
// (S -> V), a drawn period racing a rate (I -> R : fixed, I -> D) and
// t_max, so that stale events and the horizon are exercised; and SIR in
// which an infectious node can relapse (I -> J -> I), entering the
// inducing compartment again.
func TestCompartmentalEventAgreesWithGillespie(t *testing.T) {
	const n, runs = 300, 2500
	graphs := make([]Graph, runs)
	r := NewRand(180)
	for i := range graphs {
		gnpGraph(t, &graphs[i], n, 3, r)
	}
	next := func(i int, _ *Rand) *Graph { return &graphs[i] }
	seir := seirModel(0.6, 0.5, 1)
	seir["initial_count"] = []int64{3}
	seir["series"] = []float64{2, 5, 10}
	mixed := Params{"compartments": []string{"S", "I", "R", "V", "D"},
		"transitions": []string{"S -> I : beta * I", "S -> V : nu", "I -> R : fixed(tau)", "I -> D : mu"},
		"beta":        0.8, "nu": 0.05, "tau": 1.0, "mu": 0.3, "t_max": 6.0, "series": []float64{1, 3},
		"initial": []string{"I"}, "initial_count": []int64{4}}
	// I -> J -> I: a node can enter the inducing compartment again.
	relapse := Params{"compartments": []string{"S", "I", "J", "R"},
		"transitions": []string{"S -> I : beta * I", "I -> J : alpha", "J -> I : delta", "J -> R : gamma"},
		"beta":        0.7, "alpha": 1.5, "delta": 1.0, "gamma": 1.0, "t_max": 8.0, "series": []float64{2, 4},
		"initial": []string{"I"}, "initial_count": []int64{3}}
	for i, c := range []struct {
		name   string
		params Params
	}{{"SIR", sirModel(0.6, 1)}, {"SEIR", seir}, {"SIR, vaccination, death, t_max", mixed}, {"SIR with relapses", relapse}} {
		ev := compartmental(t, c.params, n)
		gi := compartmental(t, c.params, n)
		gi.event = false
		if !ev.event {
			t.Fatalf("%s does not take the event path", c.name)
		}
		a := runProcess(t, ev, runs, 181+2*uint64(i), next)
		b := runProcess(t, gi, runs, 182+2*uint64(i), next)
		for j, m := range ev.Metrics() {
			twoSample(t, c.name+" "+m.Name, column(a, j), column(b, j))
		}
	}
}
