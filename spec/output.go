package spec

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/sim"
)

var outputKeys = []string{"dir", "bins", "moments", "given", "raw"}
var binKeys = []string{"lo", "hi", "bins", "log"}

// rawColumns are raw.parquet's own columns, which no kept metric may be
// named (keep in sync with report's rawFixed).
var rawColumns = []string{"point", "point_key", "rep", "network_seed", "process_seed", "failed"}

func (p *parser) parseOutput(s *Spec, doc map[string]any) {
	s.Output.Bins = map[string]reduce.Hist{}
	m := p.table(doc, "output", false)
	for _, k := range p.orderedKeys(m, "output") {
		if !contains(outputKeys, k) {
			p.errorf("output."+k, m[k], "unknown key; [output] has dir, bins, moments, given and raw")
		}
	}
	s.Output.Dir = p.strIn("output", m, "dir", false)
	if r := cluster.TextProblem(s.Output.Dir); r != "" {
		p.errorf("output.dir", s.Output.Dir, "%s; choose another directory", r)
	}
	if s.Output.Dir == "" && s.Name != "" {
		s.Output.Dir = filepath.Join("results", s.Name)
	}
	if v, ok := m["moments"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			p.errorf("output.moments", v, "want true or false")
		}
		s.Output.Moments = b
	}
	if v, ok := m["given"]; ok {
		t, isTable := v.(map[string]any)
		keys := p.orderedKeys(t, "output.given")
		if !isTable || len(keys) != 1 {
			p.errorf("output.given", v, "want one condition, a metric and its value: given = { major = 1 }")
		} else {
			x, ok := toFloat(t[keys[0]])
			if !ok {
				p.errorf("output.given."+keys[0], t[keys[0]], "want a finite number")
			}
			s.Output.Given = &reduce.Condition{Metric: keys[0], Value: x}
		}
	}
	if v, ok := m["raw"]; ok {
		switch x := v.(type) {
		case string:
			if x != "all" {
				p.errorf("output.raw", v, `want "all" or a list of metrics`)
			}
			s.Output.Raw = []string{"all"}
		case []any:
			for _, e := range x {
				name, ok := e.(string)
				if !ok || slices.Contains(s.Output.Raw, name) {
					p.errorf("output.raw", e, "want a list of distinct metric names")
					continue
				}
				s.Output.Raw = append(s.Output.Raw, name)
			}
		default:
			p.errorf("output.raw", v, `want "all" or a list of metrics`)
		}
	}
	bins := p.tableIn("output", m, "bins", false)
	for _, metric := range p.orderedKeys(bins, "output.bins") {
		key := "output.bins." + metric
		t, ok := bins[metric].(map[string]any)
		if !ok {
			p.errorf(key, bins[metric], "want a table {lo = A, hi = B, bins = N[, log = true]}")
			continue
		}
		var h reduce.Hist
		for _, k := range p.orderedKeys(t, key) {
			if !contains(binKeys, k) {
				p.errorf(key+"."+k, t[k], "unknown key; a histogram has lo, hi, bins and log")
			}
		}
		lo, okLo := toFloat(t["lo"])
		hi, okHi := toFloat(t["hi"])
		n, okN := t["bins"].(int64)
		h.Log, _ = t["log"].(bool)
		switch {
		case !okLo:
			p.errorf(key+".lo", t["lo"], "want a finite number")
		case !okHi:
			p.errorf(key+".hi", t["hi"], "want a finite number")
		case !okN || n < 1 || n > reduce.MaxBins:
			p.errorf(key+".bins", t["bins"], "want a whole number of bins from 1 to %d", reduce.MaxBins)
		case !(lo < hi):
			p.errorf(key, nil, "lo = %v must be below hi = %v", lo, hi)
		case math.IsInf(hi-lo, 0):
			p.errorf(key, nil, "lo = %v to hi = %v is wider than a float holds; narrow it", lo, hi)
		case h.Log && lo <= 0:
			p.errorf(key+".lo", lo, "log bins need lo above 0")
		}
		h.Lo, h.Hi, h.Bins = lo, hi, int(n)
		s.Output.Bins[metric] = h
	}
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false
}

// noteMetrics records the metrics of point i, a process's then its
// network's: the first point's, and the first point whose metrics differ.
func (p *parser) noteMetrics(i int, proc, net []sim.Metric) {
	if !p.haveMetrics {
		p.metrics, p.haveMetrics = slices.Concat(proc, net), true
		return
	}
	if p.badMetric > 0 {
		return
	}
	if len(proc)+len(net) != len(p.metrics) || !sameNames(proc, p.metrics[:len(proc)]) || !sameNames(net, p.metrics[len(proc):]) {
		p.badMetric, p.badMetrics = i, slices.Concat(proc, net)
	}
}

// resolveMetrics reads the metrics the points' processes report; they must
// agree, since a campaign has one table of results.
func (p *parser) resolveMetrics(s *Spec) {
	s.Metrics = p.metrics
	if i := p.badMetric; i > 0 {
		p.errorf("process", nil, "point %d reports metrics %v but point 0 reports %v; a campaign reports one set of metrics (set process.metrics and network.metrics)", i, names(p.badMetrics), names(s.Metrics))
		return
	}
	l := &reduce.Layout{Moments: s.Output.Moments, Given: s.Output.Given}
	for _, m := range s.Metrics {
		l.Metrics = append(l.Metrics, m.Name)
		h, ok := s.Output.Bins[m.Name]
		if !ok {
			h = reduce.Hist{Lo: m.Lo, Hi: m.Hi, Bins: defaultLinearBins, Log: m.Log}
			if m.Log {
				h.Bins = defaultLogBins
			}
		}
		l.Hists = append(l.Hists, h)
	}
	for _, name := range p.orderedKeys(toAny(s.Output.Bins), "output.bins") { // in file order
		if !contains(l.Metrics, name) {
			p.errorf("output.bins."+name, nil, "not a metric of this campaign; its metrics are %v", l.Metrics)
		}
	}
	if len(s.Output.Raw) == 1 && s.Output.Raw[0] == "all" {
		s.Output.Raw = slices.Clone(l.Metrics)
	}
	for _, name := range s.Output.Raw {
		if i := slices.Index(l.Metrics, name); i < 0 {
			p.errorf("output.raw", name, "not a metric of this campaign; its metrics are %v", l.Metrics)
		} else if slices.Contains(rawColumns, name) {
			p.errorf("output.raw", name, "a metric of this name cannot be kept: raw.parquet has a column %s of its own", name)
		} else {
			s.rawMetrics = append(s.rawMetrics, i)
		}
	}
	if c := l.Given; c != nil && !contains(l.Metrics, c.Metric) {
		p.errorf("output.given."+c.Metric, nil, "not a metric of this campaign; its metrics are %v", l.Metrics)
		l.Given = nil
	}
	if len(p.errs) == 0 {
		// What run checks, validate checks: the checks above should have
		// caught anything the summaries refuse.
		if err := l.Validate(); err != nil {
			p.errorf("output.bins", nil, "%v", err)
		}
	}
	s.layout = l
}

func names(ms []sim.Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

func sameNames(a, b []sim.Metric) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

// Layout describes the metrics of the campaign's summaries.
func (s *Spec) Layout() *reduce.Layout { return s.layout }

// NumPoints returns the number of parameter points.
func (s *Spec) NumPoints() int { return s.npoints }

// Runs returns the total number of repetitions in the campaign.
func (s *Spec) Runs() int64 { return int64(s.npoints) * int64(s.Repetitions) }

// MemoryBytes estimates the memory one worker needs for the largest network
// of the campaign and the process states that run on it: a worker keeps
// the process of every point of a network group (NetworkGroup), 16 bytes a
// node each, and one that immunises nodes a copy of the network. Parse
// computes it (setKeys).
func (s *Spec) MemoryBytes() int64 { return s.memBytes }

// PointLabel describes point i by its parameter values, for messages.
func (s *Spec) PointLabel(i int) string {
	label := fmt.Sprintf("point %d", i)
	vals := s.PointValues(i)
	for j, k := range s.Params {
		label += fmt.Sprintf(" %s=%s", k, formatValue(vals[j]))
	}
	return label
}

// RawMetrics returns the indices, in the layout, of the metrics that
// [output] raw asks to keep for every repetition, in the spec's order;
// none without it.
func (s *Spec) RawMetrics() []int { return s.rawMetrics }

// toAny returns the keys of m in a map that orderedKeys can sort.
func toAny[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k := range m {
		out[k] = nil
	}
	return out
}
