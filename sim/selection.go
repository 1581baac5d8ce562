package sim

import (
	"math"
	"slices"
	"strconv"
)

// Limits on the times a process is asked about, so that a run ends and its
// results fit in memory.
const (
	// Horizon is the latest time (steps, for the discrete-time models) a
	// process may be asked about: a series time, or the end of an SIS
	// prevalence window (burn_in + window). It is the top of the default
	// histogram of times.
	Horizon = 1e6
	// MaxSeries is the most series times a process may report.
	MaxSeries = 10000
)

// Histogram ranges shared by the processes' metrics.
var (
	fractionMetric = Metric{Lo: 0, Hi: 1}
	timeMetric     = Metric{Lo: 1e-3, Hi: 1e6, Log: true}
)

func metric(name string, shape Metric) Metric {
	shape.Name = name
	return shape
}

// SeriesMetricName is the name of the metric that reports the fraction of
// nodes infected at time t.
func SeriesMetricName(t float64) string {
	return "infected_at_" + strconv.FormatFloat(t, 'g', -1, 64)
}

// metricSel holds the metrics a process reports: a selection from the
// model's table, in table order, followed by the time series.
type metricSel struct {
	idx    []int     // indices into the model's table
	series []float64 // times of the infected_at_<t> metrics
	list   []Metric  // what Metrics() returns
}

// reportKeys are the keys that choose what a process reports.
type reportKeys struct {
	Metrics []string  `toml:"metrics"` // metrics to report; empty means all of the model's table
	Series  []float64 `toml:"series"`  // times (steps) of the infected_at_<t> metrics
}

// selectMetrics validates the metrics and series keys c against a model's
// table of metrics; integerTimes asks for whole-step times.
func selectMetrics(c reportKeys, table []Metric, integerTimes bool) (metricSel, error) {
	var m metricSel
	if len(c.Metrics) == 0 {
		if len(table) > 0 {
			m.idx = make([]int, 0, len(table)) // sized once: a spec's validation sets up every point
		}
		for i := range table {
			m.idx = append(m.idx, i)
		}
	} else {
		var err error
		if m.idx, err = pickMetrics(table, c.Metrics); err != nil {
			return metricSel{}, err
		}
	}
	if n := len(m.idx) + len(c.Series); n > 0 {
		m.list = make([]Metric, 0, n)
	}
	for _, i := range m.idx {
		m.list = append(m.list, table[i])
	}
	if len(c.Series) > MaxSeries {
		return metricSel{}, badParam("series", nil, "%d times, more than the %d a process may report", len(c.Series), MaxSeries)
	}
	for j, t := range c.Series {
		switch {
		case math.IsNaN(t) || math.IsInf(t, 0) || t < 0:
			return metricSel{}, badParam("series", t, "times must be finite and at least 0")
		case t > Horizon:
			return metricSel{}, badParam("series", t, "times must be at most the horizon, %g", float64(Horizon))
		case integerTimes && t != math.Trunc(t):
			return metricSel{}, badParam("series", t, "a discrete-time model needs whole steps")
		case j > 0 && t <= c.Series[j-1]:
			return metricSel{}, badParam("series", t, "times must increase; %g comes after %g", t, c.Series[j-1])
		}
		m.list = append(m.list, metric(SeriesMetricName(t), fractionMetric))
	}
	m.series = slices.Clone(c.Series)
	return m, nil
}

// write copies the selected values of the model's table (all) and the
// series values to out.
func (m *metricSel) write(out, all, series []float64) {
	for j, i := range m.idx {
		out[j] = all[i]
	}
	copy(out[len(m.idx):], series)
}

// pickMetrics returns the indices in table of the metrics names lists, in
// table order; an unknown or repeated name is an error about key metrics.
func pickMetrics(table []Metric, names []string) ([]int, error) {
	all := make([]string, len(table))
	for i, t := range table {
		all[i] = t.Name
	}
	var idx []int
	for j, name := range names {
		i := slices.Index(all, name)
		if i < 0 {
			return nil, badParam("metrics", name, "unknown metric; choose from %v", all)
		}
		if slices.Contains(names[:j], name) {
			return nil, badParam("metrics", name, "listed twice")
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return idx, nil
}
