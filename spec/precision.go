package spec

import (
	"fmt"
	"math"
	"strings"

	"github.com/netsweep/netsweep/reduce"
)

// Precision is the [precision] table: each point runs repetitions in
// blocks until its watched metrics reach a target precision, at least
// Min and at most Max repetitions. The decision after a block depends on
// the exact sums of the repetitions 0 … n−1 before it alone, so the
// repetitions a point runs, and its results, are the same for any
// worker or rank count, chunking, resume or shard split.
//
// Neither the target nor the block sizes are part of a point's key: a
// repetition's result does not depend on them, so tightening a target
// reuses every repetition already run and runs only the extra blocks.
type Precision struct {
	Metrics []string // watched metrics, by name
	metrics []int    // their indices in the layout
	// Kind is "sem" (the standard error of the mean) or "rel_ci95" (the
	// half-width of the 95 % interval over the absolute mean).
	Kind   string
	Target float64
	Min    int // min_repetitions
	Max    int // max_repetitions
	Block  int // block
}

// Precision kinds.
const (
	PrecisionSEM     = "sem"
	PrecisionRelCI95 = "rel_ci95"
)

// DefaultBlock is a [precision] block's size where the spec leaves it out.
const DefaultBlock = 50

var precisionKeys = []string{"metric", "sem", "rel_ci95", "min_repetitions", "max_repetitions", "block"}

// First is the first repetition count at which a point's precision is
// decided: min_repetitions rounded up to whole blocks, at most Max.
func (pr *Precision) First() int {
	return min(pr.Max, (pr.Min+pr.Block-1)/pr.Block*pr.Block)
}

// Next is the repetition count after a point decided at n needs another
// block: n plus a block, at most Max.
func (pr *Precision) Next(n int) int { return min(pr.Max, n+pr.Block) }

// Ratio returns how far sum is from the target: the largest, over the
// watched metrics, of the precision reached over the target (≤ 1: met).
// It is +Inf where a metric's precision is not known yet (fewer than two
// successful repetitions, or a relative target around a zero mean).
func (pr *Precision) Ratio(sum *reduce.Summary) float64 {
	worst := 0.0
	for _, i := range pr.metrics {
		worst = max(worst, pr.ratio(sum.Stats(i)))
	}
	return worst
}

func (pr *Precision) ratio(st reduce.Stats) float64 {
	if st.N < 2 || math.IsNaN(st.SEM) {
		return math.Inf(1)
	}
	if pr.Kind == PrecisionSEM {
		return st.SEM / pr.Target
	}
	half := st.CI95Hi - st.Mean
	if half == 0 {
		return 0
	}
	return half / (pr.Target * math.Abs(st.Mean))
}

// Reached returns the precision sum reaches, in the target's units (a
// standard error or a relative half-width), for its worst watched
// metric; NaN where it is not known yet.
func (pr *Precision) Reached(sum *reduce.Summary) float64 {
	r := pr.Ratio(sum)
	if math.IsInf(r, 1) {
		return math.NaN()
	}
	return r * pr.Target
}

// Met tells whether sum meets the target on every watched metric.
func (pr *Precision) Met(sum *reduce.Summary) bool { return pr.Ratio(sum) <= 1 }

// Done tells whether a point whose repetitions 0 … n−1 sum to sum needs no
// further block: it met its target or reached max_repetitions.
func (pr *Precision) Done(n int, sum *reduce.Summary) bool {
	return n >= pr.Max || pr.Met(sum)
}

// parsePrecision decodes [precision]; the metric names are checked once
// the metrics are known (checkPrecision).
func (p *parser) parsePrecision(s *Spec, doc map[string]any) {
	m := p.table(doc, "precision", false)
	if m == nil {
		return
	}
	pr := &Precision{Block: DefaultBlock}
	for _, k := range p.orderedKeys(m, "precision") {
		if !contains(precisionKeys, k) {
			p.errorf("precision."+k, m[k], "unknown key; [precision] has %s", strings.Join(precisionKeys, ", "))
		}
	}
	switch v := m["metric"].(type) {
	case string:
		pr.Metrics = []string{v}
	case []any:
		for _, x := range v {
			name, ok := x.(string)
			if !ok {
				p.errorf("precision.metric", v, "want a metric's name or a list of names")
				break
			}
			pr.Metrics = append(pr.Metrics, name)
		}
		if len(v) == 0 {
			p.errorf("precision.metric", v, "name at least one metric")
		}
	case nil:
		p.errorf("precision.metric", nil, "missing; name the metric(s) whose precision decides the repetitions, such as \"final_size\"")
	default:
		p.errorf("precision.metric", v, "want a metric's name or a list of names")
	}
	_, hasSEM := m["sem"]
	_, hasRel := m["rel_ci95"]
	switch {
	case hasSEM && hasRel:
		p.errorf("precision.rel_ci95", m["rel_ci95"], "set one target, sem or rel_ci95, not both")
	case !hasSEM && !hasRel:
		p.errorf("precision", nil, "missing a target: set sem (a standard error) or rel_ci95 (a relative half-width of the 95%% interval)")
	default:
		pr.Kind = PrecisionSEM
		if hasRel {
			pr.Kind = PrecisionRelCI95
		}
		key := "precision." + pr.Kind
		v, ok := toFloat(m[pr.Kind])
		if !ok || v <= 0 {
			p.errorf(key, m[pr.Kind], "want a target above 0")
		}
		pr.Target = v
	}
	count := func(key string) (int, bool) {
		v, ok := m[key]
		if !ok {
			return 0, false
		}
		i, ok := v.(int64)
		if !ok || i < 1 || i > math.MaxInt32 {
			p.errorf("precision."+key, v, "want a whole number from 1 to %d", math.MaxInt32)
			return 0, false
		}
		return int(i), true
	}
	block, hasBlock := count("block")
	if hasBlock {
		pr.Block = block
	}
	mx, hasMax := count("max_repetitions")
	if _, given := doc["repetitions"]; given {
		if _, set := m["max_repetitions"]; set {
			p.errorf("repetitions", doc["repetitions"], "with [precision], max_repetitions sets the most repetitions per point; leave repetitions out")
		} else if s.Repetitions > 0 {
			mx, hasMax = s.Repetitions, true
		}
	} else if _, set := m["max_repetitions"]; !set {
		p.errorf("precision.max_repetitions", nil, "missing; set the most repetitions a point may run")
	}
	mn, hasMin := count("min_repetitions")
	if !hasMin {
		mn = pr.Block
	}
	pr.Min, pr.Max = mn, mx
	switch {
	case !hasMax:
	case hasMin && mn > mx:
		p.errorf("precision.min_repetitions", mn, "more than max_repetitions = %d", mx)
	case pr.Block > mx:
		p.errorf("precision.block", pr.Block, "larger than max_repetitions = %d; a block is at most the maximum", mx)
	}
	if !hasMin && hasMax && mn > mx {
		pr.Min = mx
	}
	s.Repetitions = mx
	s.Precision = pr
}

// checkPrecision resolves the watched metrics once the metrics are known.
func (p *parser) checkPrecision(s *Spec) {
	pr := s.Precision
	if pr == nil {
		return
	}
	pr.metrics = pr.metrics[:0]
	for _, name := range pr.Metrics {
		i := -1
		for j, m := range s.Metrics {
			if m.Name == name {
				i = j
			}
		}
		if i < 0 {
			p.errorf("precision.metric", name, "not a metric of this campaign; its metrics are %v", names(s.Metrics))
			continue
		}
		pr.metrics = append(pr.metrics, i)
	}
}

// String writes the target as a spec sets it: "final_size sem = 0.005".
func (pr *Precision) String() string {
	return fmt.Sprintf("%s %s = %v", strings.Join(pr.Metrics, ", "), pr.Kind, pr.Target)
}
