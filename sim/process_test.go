package sim

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestProcessKeys(t *testing.T) {
	epi := []string{"beta", "gamma", "seeds", "seed_fraction"}
	iv := []string{"immunise", "immunise_by", "seed_by"}
	for _, tc := range []struct {
		model string
		keys  []string
	}{
		{"sir", append([]string{"beta", "gamma", "infectious", "period_mean", "period_shape", "seeds", "seed_fraction", "major_threshold", "metrics", "series"}, iv...)},
		{"sir_discrete", slices.Concat(epi, []string{"major_threshold", "metrics", "series"}, iv)},
		{"sis", slices.Concat(epi, []string{"burn_in", "window", "metrics", "series"}, iv)},
		{"sis_discrete", slices.Concat(epi, []string{"burn_in", "window", "metrics", "series"}, iv)},
		{"bond_percolation", []string{"occupation", "metrics", "immunise", "immunise_by"}},
		{"site_percolation", []string{"occupation", "metrics", "immunise", "immunise_by"}},
	} {
		keys, ok := ProcessKeys(tc.model)
		if !ok || !slices.Equal(keys, tc.keys) {
			t.Errorf("ProcessKeys(%q) = %v, %v; want %v", tc.model, keys, ok, tc.keys)
		}
		if ProcessDoc(tc.model) == "" {
			t.Errorf("model %q has no doc line", tc.model)
		}
	}
}

func TestProcessConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		c    ProcessConfig
		n    int
		key  string
		text string
	}{
		{ProcessConfig{Model: "sri"}, 10, "model", "unknown model"},
		{ProcessConfig{Model: "sir", Beta: -0.1, Gamma: 1}, 10, "beta", "at least 0"},
		{ProcessConfig{Model: "sir", Beta: math.NaN(), Gamma: 1}, 10, "beta", "finite"},
		{ProcessConfig{Model: "sir", Beta: 1}, 10, "gamma", "greater than 0"},
		{ProcessConfig{Model: "sis", Beta: 1, Gamma: 1}, 10, "window", "greater than 0"},
		{ProcessConfig{Model: "sis", Beta: 1, Gamma: 1, Window: 1, BurnIn: -1}, 10, "burn_in", "at least 0"},
		{ProcessConfig{Model: "sis_discrete", Beta: 0.5, Gamma: 0.5, Window: 2.5}, 10, "window", "whole steps"},
		{ProcessConfig{Model: "sir_discrete", Beta: 1.5, Gamma: 0.5}, 10, "beta", "probability"},
		{ProcessConfig{Model: "sir_discrete", Beta: 0.5}, 10, "gamma", "never ends"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Seeds: 20}, 10, "seeds", "seeds=20: exceeds n=10 nodes"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Seeds: -1}, 10, "seeds", "at least 1"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Seeds: 2, SeedFraction: 0.1}, 10, "seeds", "not both"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, SeedFraction: 1.5}, 10, "seed_fraction", "(0, 1]"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, MajorThreshold: 1}, 10, "major_threshold", "[0, 1)"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Metrics: []string{"prevalence"}}, 10, "metrics",
			"unknown metric; choose from [final_size peak_infected time_to_peak duration major]"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Metrics: []string{"major", "major"}}, 10, "metrics", "listed twice"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Series: []float64{1, 1}}, 10, "series", "must increase"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Series: []float64{-1}}, 10, "series", "at least 0"},
		{ProcessConfig{Model: "sir_discrete", Beta: 1, Gamma: 1, Series: []float64{0.5}}, 10, "series", "whole steps"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Series: []float64{1, Horizon + 1}}, 10, "series", "at most the horizon, 1e+06"},
		{ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Series: manyTimes(MaxSeries + 1)}, 10, "series", "10001 times, more than the 10000"},
		{ProcessConfig{Model: "sis", Beta: 1, Gamma: 1, Window: 1, BurnIn: 1e300}, 10, "burn_in", "burn_in + window = 1e+300 is past the horizon, 1e+06"},
		{ProcessConfig{Model: "sis", Beta: 1, Gamma: 1, Window: Horizon, BurnIn: 1}, 10, "window", "past the horizon"},
		{ProcessConfig{Model: "sis_discrete", Beta: 0.5, Gamma: 0.5, Window: 1e12}, 10, "window", "past the horizon"},
		{ProcessConfig{Model: "bond_percolation", Occupation: -0.5}, 10, "occupation", "probability"},
		{ProcessConfig{Model: "site_percolation", Metrics: []string{"final_size"}}, 10, "metrics", "giant_fraction"},
	} {
		_, err := tc.c.New(tc.n)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Key != tc.key || !strings.Contains(err.Error(), tc.text) ||
			!strings.HasPrefix(err.Error(), "sim: bad parameter: "+tc.key+"=") {
			t.Errorf("%+v: error %v, want a ParamError for %s containing %q", tc.c, err, tc.key, tc.text)
		}
	}
}

// manyTimes returns the series times 0, 1, ..., n-1.
func manyTimes(n int) []float64 {
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = float64(i)
	}
	return ts
}

// TestSeedsExceedGraph: a process validated for n nodes refuses a smaller
// graph that cannot hold its seeds.
func TestSeedsExceedGraph(t *testing.T) {
	p, err := (&ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Seeds: 5}).New(10)
	if err != nil {
		t.Fatal(err)
	}
	err = p.Run(pathGraph(t, 3), NewRand(1), make([]float64, 5))
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Key != "seeds" {
		t.Errorf("Run on 3 nodes with 5 seeds: %v, want a seeds ParamError", err)
	}
}

func TestPickSeeds(t *testing.T) {
	r := NewRand(3)
	for _, tc := range []struct {
		c    seedKeys
		n, k int
	}{
		{seedKeys{}, 10, 1},
		{seedKeys{Seeds: 4}, 10, 4},
		{seedKeys{Seeds: 9}, 10, 9},
		{seedKeys{Seeds: 10}, 10, 10},
		{seedKeys{SeedFraction: 0.25}, 10, 3}, // round(2.5) = 3
		{seedKeys{SeedFraction: 0.001}, 100, 1},
		{seedKeys{SeedFraction: 1}, 1000, 1000},
	} {
		s, err := newSeeding(tc.c, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		g := &Graph{N: tc.n}
		for range 20 {
			sel, err := s.pick(r, g)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[int32]bool{}
			for _, v := range sel {
				if v < 0 || int(v) >= tc.n || seen[v] {
					t.Fatalf("%+v: bad seed %d in %v", tc.c, v, sel)
				}
				seen[v] = true
			}
			if len(sel) != tc.k {
				t.Fatalf("%+v on n=%d: %d seeds, want %d", tc.c, tc.n, len(sel), tc.k)
			}
		}
	}
	// Uniformity: each of 10 nodes is a seed of 3 with probability 0.3.
	s, _ := newSeeding(seedKeys{Seeds: 3}, 10)
	counts := make([]float64, 10)
	const runs = 20000
	for range runs {
		sel, _ := s.pick(r, &Graph{N: 10})
		for _, v := range sel {
			counts[v]++
		}
	}
	want := slices.Repeat([]float64{0.3}, 10)
	checkProbabilities(t, "seed", want, counts, runs)
}

// epidemicConfigs covers every epidemic model over a grid of parameters.
func epidemicConfigs() []ProcessConfig {
	var cs []ProcessConfig
	for _, seeds := range []int{1, 7} {
		for _, rates := range [][2]float64{{0, 1}, {0.3, 1}, {2, 0.5}} {
			cs = append(cs,
				ProcessConfig{Model: "sir", Beta: rates[0], Gamma: rates[1], Seeds: seeds, Series: []float64{0, 0.5, 3}},
				ProcessConfig{Model: "sis", Beta: rates[0], Gamma: rates[1], Seeds: seeds, BurnIn: 1, Window: 2, Series: []float64{0, 0.5, 3}},
				ProcessConfig{Model: "sir_discrete", Beta: rates[0] / 2, Gamma: rates[1], Seeds: seeds, Series: []float64{0, 1, 3}},
				ProcessConfig{Model: "sis_discrete", Beta: rates[0] / 2, Gamma: rates[1] / 2, Seeds: seeds, BurnIn: 1, Window: 3, Series: []float64{0, 1, 3}},
			)
		}
	}
	return cs
}

// TestEpidemicInvariants checks what must hold in every run.
func TestEpidemicInvariants(t *testing.T) {
	var g Graph
	r := NewRand(7)
	for _, c := range epidemicConfigs() {
		p, err := c.New(300)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]int{}
		for i, m := range p.Metrics() {
			names[m.Name] = i
			if m.Log && !(m.Lo > 0 && m.Hi > m.Lo) || !m.Log && !(m.Hi > m.Lo) {
				t.Errorf("%s: metric %+v has a bad histogram range", c.Model, m)
			}
		}
		out := make([]float64, len(p.Metrics()))
		for range 30 {
			gnpGraph(t, &g, 300, 3, r)
			if err := p.Run(&g, r, out); err != nil {
				t.Fatal(err)
			}
			get := func(name string) float64 { return out[names[name]] }
			for i, m := range p.Metrics() {
				if out[i] < 0 || math.IsNaN(out[i]) || !m.Log && out[i] > m.Hi {
					t.Errorf("%s %+v: %s = %g out of range", c.Model, c, m.Name, out[i])
				}
			}
			seedFrac := float64(c.Seeds) / 300
			if get(SeriesMetricName(0)) != seedFrac {
				t.Errorf("%s: infected_at_0 = %g, want %g", c.Model, get(SeriesMetricName(0)), seedFrac)
			}
			if _, sir := names["final_size"]; sir {
				fs, pk := get("final_size"), get("peak_infected")
				if fs < seedFrac || pk < seedFrac || pk > fs || get("time_to_peak") > get("duration") ||
					get("major") != map[bool]float64{true: 1, false: 0}[fs > 0.01] {
					t.Errorf("%s %+v: inconsistent metrics %v", c.Model, c, out)
				}
				if c.Beta == 0 && (fs != seedFrac || get("time_to_peak") != 0) {
					t.Errorf("%s with beta=0: %v", c.Model, out)
				}
				for _, ts := range c.Series {
					if v := get(SeriesMetricName(ts)); v > pk {
						t.Errorf("%s: infected at %g = %g exceeds the peak %g", c.Model, ts, v, pk)
					}
				}
			} else {
				ext := get("extinct")
				if ext != 0 && ext != 1 || ext == 0 && get(SeriesMetricName(3)) == 0 {
					t.Errorf("%s %+v: inconsistent metrics %v", c.Model, c, out)
				}
			}
		}
	}
}

// TestProcessDeterminismAndReuse: with the same random stream a process
// gives the same metrics whether it is fresh or reused after runs on
// graphs of other sizes.
func TestProcessDeterminismAndReuse(t *testing.T) {
	cs := append(epidemicConfigs(),
		ProcessConfig{Model: "bond_percolation", Occupation: 0.4},
		ProcessConfig{Model: "site_percolation", Occupation: 0.7})
	var big, small Graph
	gnpGraph(t, &big, 2000, 4, NewRand(8))
	gnpGraph(t, &small, 50, 4, NewRand(9))
	for _, c := range cs {
		fresh, err := c.New(big.N)
		if err != nil {
			t.Fatal(err)
		}
		reused, _ := c.New(big.N)
		k := len(fresh.Metrics())
		want, got := make([]float64, k), make([]float64, k)
		scratch := make([]float64, k)
		r := NewRand(10)
		for _, g := range []*Graph{&big, &small, &big, &small, &big} {
			_ = reused.Run(g, r, scratch)
		}
		for i := range 3 {
			if err := fresh.Run(&big, NewRand(uint64(100+i)), want); err != nil {
				t.Fatal(err)
			}
			fresh, _ = c.New(big.N) // a new process each time
			if err := reused.Run(&big, NewRand(uint64(100+i)), got); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(want, got) {
				t.Errorf("%s %+v run %d: reused process gave %v, fresh %v", c.Model, c, i, got, want)
			}
			_ = reused.Run(&small, r, scratch)
		}
	}
}

// TestMetricSelection: the selected metrics come in table order, followed
// by the series, with the values the full run reports.
func TestMetricSelection(t *testing.T) {
	var g Graph
	gnpGraph(t, &g, 1000, 4, NewRand(11))
	full := ProcessConfig{Model: "sir", Beta: 1, Gamma: 1, Seeds: 3, Series: []float64{0.5, 2, 1e6}}
	sel := full
	sel.Metrics = []string{"duration", "final_size"}
	pf, _ := full.New(g.N)
	ps, err := sel.New(g.N)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ps.Metrics() {
		names = append(names, m.Name)
	}
	wantNames := []string{"final_size", "duration", "infected_at_0.5", "infected_at_2", "infected_at_1e+06"}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("Metrics() = %v, want %v", names, wantNames)
	}
	a, b := make([]float64, 8), make([]float64, 5)
	_ = pf.Run(&g, NewRand(12), a)
	_ = ps.Run(&g, NewRand(12), b)
	if want := []float64{a[0], a[3], a[5], a[6], a[7]}; !slices.Equal(b, want) {
		t.Errorf("selected values %v, want %v", b, want)
	}
	if a[7] != 0 {
		t.Errorf("infected at t=1e6 = %g, want 0", a[7])
	}
}
