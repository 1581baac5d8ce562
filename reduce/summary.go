package reduce

import (
	"fmt"
	"math"
)

// PLACEHOLDER implementation: float sums, not exact. The reduce issue
// replaces the internals with an exact superaccumulator; the API stays.

// Hist describes fixed histogram bins on [Lo, Hi); Log spaces them
// logarithmically (Lo > 0). Values outside fall in an underflow or overflow
// bin.
type Hist struct {
	Lo, Hi float64
	Bins   int
	Log    bool
}

// Layout names the metrics of every summary in a table and their histograms.
type Layout struct {
	Metrics []string
	Hists   []Hist
}

// Stats are the final statistics of one metric at one point, each computed
// from the exact sums and rounded once.
type Stats struct {
	N                        int64
	Mean, Std, SEM, Min, Max float64
	CI95Lo, CI95Hi           float64
	Q05, Q50, Q95            float64
}

// Summary accumulates the metric values of the repetitions of one parameter
// point. The zero value is not usable; call NewSummary.
type Summary struct {
	layout *Layout
	n      int64
	failed int64
	sum    []float64
	sumsq  []float64
	min    []float64
	max    []float64
}

// NewSummary returns an empty summary for the metrics of l.
func NewSummary(l *Layout) *Summary {
	k := len(l.Metrics)
	s := &Summary{layout: l, sum: make([]float64, k), sumsq: make([]float64, k), min: make([]float64, k), max: make([]float64, k)}
	for i := range k {
		s.min[i], s.max[i] = math.Inf(1), math.Inf(-1)
	}
	return s
}

// Add records one successful repetition's metric values, in layout order.
// A non-finite value is an error and records nothing.
func (s *Summary) Add(values []float64) error {
	if len(values) != len(s.sum) {
		return fmt.Errorf("reduce: %d values for %d metrics", len(values), len(s.sum))
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("reduce: metric %s is %v", s.layout.Metrics[i], v)
		}
	}
	s.n++
	for i, v := range values {
		s.sum[i] += v
		s.sumsq[i] += v * v
		s.min[i] = math.Min(s.min[i], v)
		s.max[i] = math.Max(s.max[i], v)
	}
	return nil
}

// AddFailed records one failed repetition.
func (s *Summary) AddFailed() { s.failed++ }

// Reps returns the number of successful repetitions recorded.
func (s *Summary) Reps() int64 { return s.n }

// Failed returns the number of failed repetitions recorded.
func (s *Summary) Failed() int64 { return s.failed }

// Merge adds o's repetitions to s. Both must share a layout.
func (s *Summary) Merge(o *Summary) {
	s.n += o.n
	s.failed += o.failed
	for i := range s.sum {
		s.sum[i] += o.sum[i]
		s.sumsq[i] += o.sumsq[i]
		s.min[i] = math.Min(s.min[i], o.min[i])
		s.max[i] = math.Max(s.max[i], o.max[i])
	}
}

// Stats returns the statistics of metric i.
func (s *Summary) Stats(i int) Stats {
	n := float64(s.n)
	st := Stats{N: s.n, Mean: math.NaN(), Std: math.NaN(), SEM: math.NaN(), Min: math.NaN(), Max: math.NaN(),
		CI95Lo: math.NaN(), CI95Hi: math.NaN(), Q05: math.NaN(), Q50: math.NaN(), Q95: math.NaN()}
	if s.n == 0 {
		return st
	}
	st.Mean = s.sum[i] / n
	st.Min, st.Max = s.min[i], s.max[i]
	if s.n > 1 {
		st.Std = math.Sqrt(math.Max(0, (s.sumsq[i]-s.sum[i]*s.sum[i]/n)/(n-1)))
		st.SEM = st.Std / math.Sqrt(n)
	}
	return st
}

// Table holds one summary per parameter point.
type Table struct {
	Layout *Layout
	Points []*Summary
}

// NewTable returns a table of empty summaries for points parameter points.
func NewTable(l *Layout, points int) *Table {
	t := &Table{Layout: l, Points: make([]*Summary, points)}
	for i := range t.Points {
		t.Points[i] = NewSummary(l)
	}
	return t
}
