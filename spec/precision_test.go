package spec

import (
	"math"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/reduce"
)

// TestPrecisionParse reads a [precision] table with its defaults, and
// checks that it leaves the points' keys and the campaign identity as
// they are without it: a repetition does not depend on the target.
func TestPrecisionParse(t *testing.T) {
	withP := strings.Replace(good, "repetitions = 3\n", "", 1) +
		"\n[precision]\nmetric = [\"final_size\", \"major\"]\nrel_ci95 = 0.1\nmin_repetitions = 30\nmax_repetitions = 500\n"
	s, err := Parse("p.toml", []byte(withP))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Parse("g.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	pr := s.Precision
	if pr == nil || pr.Kind != PrecisionRelCI95 || pr.Target != 0.1 || pr.Block != DefaultBlock || pr.Min != 30 || pr.Max != 500 || s.Repetitions != 500 {
		t.Fatalf("precision %+v, repetitions %d", pr, s.Repetitions)
	}
	if len(pr.metrics) != 2 || pr.metrics[0] != 0 {
		t.Errorf("watched metrics %v of %v", pr.metrics, s.Layout().Metrics)
	}
	// Decisions at 50, 100, …, 500.
	if pr.First() != 50 || pr.Next(50) != 100 || pr.Next(480) != 500 {
		t.Errorf("First %d, Next(50) %d, Next(480) %d", pr.First(), pr.Next(50), pr.Next(480))
	}
	if s.CampaignID != plain.CampaignID {
		t.Error("[precision] changed the campaign identity")
	}
	for i := range s.NumPoints() {
		if s.Point(i).Key != plain.Point(i).Key {
			t.Fatalf("[precision] changed point %d's key", i)
		}
	}
}

// TestPrecisionRatio checks the precision of known samples: a sem, a
// relative half-width, a constant metric (met whatever the target) and a
// single repetition (not known yet).
func TestPrecisionRatio(t *testing.T) {
	l := &reduce.Layout{Metrics: []string{"x"}, Hists: []reduce.Hist{{Lo: 0, Hi: 10, Bins: 10}}}
	sum := func(xs ...float64) *reduce.Summary {
		s := reduce.NewSummary(l)
		for _, x := range xs {
			s.Add([]float64{x})
		}
		return s
	}
	sem := &Precision{Kind: PrecisionSEM, Target: 0.5, metrics: []int{0}}
	rel := &Precision{Kind: PrecisionRelCI95, Target: 0.5, metrics: []int{0}}
	// 1, 2, 3, 4: mean 2.5, sd √(5/3), sem √(5/3)/2 = 0.6455; t(3) 97.5 % = 3.1824
	// (any table of Student's t), half-width 2.0543, relative 0.8217.
	four := sum(1, 2, 3, 4)
	for _, tc := range []struct {
		pr   *Precision
		s    *reduce.Summary
		want float64
	}{
		{sem, four, math.Sqrt(5.0/3) / 2},
		{rel, four, 3.182446305284263 * math.Sqrt(5.0/3) / 2 / 2.5},
		{sem, sum(2, 2, 2), 0},
		{rel, sum(0, 0), 0},
	} {
		if got := tc.pr.Reached(tc.s); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s of %d values: %v, want %v", tc.pr.Kind, tc.s.Reps(), got, tc.want)
		}
	}
	if sem.Met(four) || !sem.Met(sum(2, 2, 2)) || sem.Met(sum(1)) || !math.IsNaN(sem.Reached(sum(1))) {
		t.Error("Met or Reached wrong")
	}
}
