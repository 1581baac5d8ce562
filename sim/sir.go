// Continuous-time Markovian SIR by the event-driven algorithm fast_SIR of
// I. Z. Kiss, J. C. Miller and P. L. Simon, "Mathematics of Epidemics on
// Networks: From Exact to Approximate Models", Springer (2017), chapter 9
// and appendix A.1.2.

package sim

import "math"

func init() {
	registerProcess("sir", processInfo{
		doc:  "continuous-time Markovian SIR: per-edge transmission rate beta, recovery rate gamma (exact, event-driven)",
		keys: []string{"beta", "gamma", "seeds", "seed_fraction", "major_threshold", "metrics", "series"},
		new:  newSIR,
	})
}

// The metrics of the SIR models, in the order they are reported.
var sirMetrics = []Metric{
	metric("final_size", fractionMetric),    // fraction ever infected, seeds included
	metric("peak_infected", fractionMetric), // largest fraction infected at once
	metric("time_to_peak", timeMetric),      // when the peak was first reached
	metric("duration", timeMetric),          // when the last infected node recovered
	metric("major", fractionMetric),         // 1 if final_size > major_threshold
}

const (
	sirFinalSize = iota
	sirPeak
	sirTimeToPeak
	sirDuration
	sirMajor
	sirNumMetrics
)

// Node states of the epidemic models.
const (
	susceptible uint8 = iota
	infected
	recovered
)

func checkRate(key string, v float64, positive bool) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return badParam(key, v, "must be finite")
	case positive && v <= 0:
		return badParam(key, v, "must be greater than 0")
	case v < 0:
		return badParam(key, v, "must be at least 0")
	}
	return nil
}

func checkMajorThreshold(c *ProcessConfig) (float64, error) {
	t := c.MajorThreshold
	if !(t >= 0 && t < 1) {
		return 0, badParam("major_threshold", t, "must lie in [0, 1)")
	}
	if t == 0 {
		t = 0.01
	}
	return t, nil
}

// SIR simulates the continuous-time Markovian SIR model exactly. Each
// infected node recovers at rate Gamma and transmits to each susceptible
// neighbour at rate Beta; it keeps its state buffers between runs.
type SIR struct {
	beta, gamma float64
	threshold   float64
	seeds       seeding
	sel         metricSel

	// pred is a node's infection time, or the earliest one scheduled, or
	// +Inf. At time t a node is susceptible exactly when pred > t, so no
	// other state is needed.
	pred    []float64
	touched []int32 // nodes whose pred is finite, to reset
	// done has bit v set once v is infected. It duplicates pred <= t in
	// 1/64 of the memory, so the scan of an infected node's neighbours
	// reads pred only for susceptible nodes the transmission reaches.
	done   []uint64
	queue  radixHeap
	all    [sirNumMetrics]float64
	series []float64
}

func newSIR(c *ProcessConfig, n int) (Process, error) {
	if err := checkRate("beta", c.Beta, false); err != nil {
		return nil, err
	}
	if err := checkRate("gamma", c.Gamma, true); err != nil {
		return nil, err
	}
	th, err := checkMajorThreshold(c)
	if err != nil {
		return nil, err
	}
	seeds, err := newSeeding(c, n)
	if err != nil {
		return nil, err
	}
	sel, err := selectMetrics(c, sirMetrics, true, false)
	if err != nil {
		return nil, err
	}
	return &SIR{beta: c.Beta, gamma: c.Gamma, threshold: th, seeds: seeds, sel: sel,
		series: make([]float64, len(sel.series))}, nil
}

// Metrics describes the values Run writes.
func (p *SIR) Metrics() []Metric { return p.sel.list }

// prepare sizes the state for n nodes and resets it to all susceptible.
func (p *SIR) prepare(n int) {
	if len(p.pred) != n {
		p.pred = grow(p.pred, n)
		for i := range p.pred {
			p.pred[i] = math.Inf(1)
		}
	} else {
		for _, v := range p.touched {
			p.pred[v] = math.Inf(1)
		}
	}
	p.touched = p.touched[:0]
	p.done = grow(p.done, (n+63)/64)
	clear(p.done)
	p.queue.reset()
}

// Run simulates one outbreak on g until no node is infected.
func (p *SIR) Run(g *Graph, r *Rand, out []float64) error {
	n := g.N
	p.prepare(n)
	seeds, err := p.seeds.pick(r, n)
	if err != nil {
		return err
	}
	pred := p.pred
	for _, v := range seeds {
		pred[v] = 0
		p.done[v>>6] |= 1 << (v & 63)
	}
	p.touched = append(p.touched, seeds...)
	for _, v := range seeds {
		p.infect(g, r, v, 0)
	}

	inf := len(seeds)
	total, peak := inf, inf
	tPeak, last := 0.0, 0.0
	series, times := p.series, p.sel.series
	si := 0
	for p.queue.len() > 0 {
		e := p.queue.pop()
		for si < len(times) && times[si] < e.t {
			series[si] = float64(inf)
			si++
		}
		if e.v < 0 {
			inf--
			last = e.t
			continue
		}
		if pred[e.v] < e.t {
			continue // superseded by an earlier transmission
		}
		p.done[e.v>>6] |= 1 << (e.v & 63)
		p.infect(g, r, e.v, e.t)
		inf++
		total++
		if inf > peak {
			peak, tPeak = inf, e.t
		}
	}
	for ; si < len(times); si++ {
		series[si] = 0
	}

	fn := float64(n)
	for i := range series {
		series[i] /= fn
	}
	all := &p.all
	all[sirFinalSize] = float64(total) / fn
	all[sirPeak] = float64(peak) / fn
	all[sirTimeToPeak] = tPeak
	all[sirDuration] = last
	all[sirMajor] = 0
	if all[sirFinalSize] > p.threshold {
		all[sirMajor] = 1
	}
	p.sel.write(out, all[:], series)
	return nil
}

// infect schedules the recovery of v, infected at time t, and the
// transmissions from v that come before it and before any infection
// already scheduled for the neighbour.
func (p *SIR) infect(g *Graph, r *Rand, v int32, t float64) {
	rec := t + expZig(r)/p.gamma
	p.queue.push(event{t: rec, v: ^v})
	if p.beta == 0 {
		return
	}
	invBeta := 1 / p.beta
	pred, done := p.pred, p.done
	for _, w := range g.Adj[g.Off[v]:g.Off[v+1]] {
		if done[w>>6]&(1<<(w&63)) != 0 {
			continue // infected already
		}
		tw := t + expZig(r)*invBeta
		if tw >= rec {
			continue
		}
		if pw := pred[w]; tw < pw {
			if math.IsInf(pw, 1) {
				p.touched = append(p.touched, w)
			}
			pred[w] = tw
			p.queue.push(event{t: tw, v: w})
		}
	}
}
