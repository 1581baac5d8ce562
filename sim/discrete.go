package sim

import "math"

func init() {
	RegisterProcess(ProcessModel{
		Name: "sir_discrete",
		Doc:  "discrete-time synchronous SIR: per-step per-edge transmission probability beta, per-step recovery probability gamma",
		Keys: keysOf[sirDiscreteParams]("beta", "gamma", "seeds", "seed_fraction", "major_threshold", "metrics", "series"),
		New:  processFrom(newSIRDiscrete),
	})
	RegisterProcess(ProcessModel{
		Name: "sis_discrete",
		Doc:  "discrete-time synchronous SIS: per-step per-edge transmission probability beta, per-step recovery probability gamma; prevalence averaged over steps burn_in .. burn_in+window-1",
		Keys: keysOf[sisDiscreteParams]("beta", "gamma", "seeds", "seed_fraction", "burn_in", "window", "metrics", "series"),
		New:  processFrom(newSISDiscrete),
	})
}

// discreteKeys are the probabilities of the discrete-time models.
type discreteKeys struct {
	Beta  float64 `toml:"beta"`  // per-step per-edge transmission probability
	Gamma float64 `toml:"gamma"` // per-step recovery probability
}

// sirDiscreteParams are the keys of [process] that sir_discrete reads.
type sirDiscreteParams struct {
	discreteKeys
	MajorThreshold float64 `toml:"major_threshold"` // final size above which an outbreak is major; 0 means 0.01
	seedKeys
	reportKeys
}

// sisDiscreteParams are the keys of [process] that sis_discrete reads;
// burn_in and window count steps.
type sisDiscreteParams struct {
	discreteKeys
	windowKeys
	seedKeys
	reportKeys
}

// Discrete-time epidemics. Step t → t+1 updates every node at once from the
// state at step t, in this order:
//
//  1. Infection: each node infected at t transmits independently with
//     probability beta to each neighbour susceptible at t; a susceptible
//     node with at least one transmission is infected at t+1 (with m infected
//     neighbours that happens with probability 1-(1-beta)^m).
//  2. Recovery: each node infected at t recovers with probability gamma,
//     becoming recovered (SIR) or susceptible (SIS) at t+1. A node infected
//     at t transmits during step t → t+1 whether or not it recovers in it;
//     nodes infected at t+1 cannot recover in the same step, and a node
//     that recovers in an SIS step cannot be reinfected in it.
//
// An infected node is therefore infectious for a Geometric(gamma) number of
// steps, at least one. Times are step counts; the seeds are infected at
// step 0.

func checkProbability(key string, v float64, positive bool) error {
	switch {
	case !(v >= 0 && v <= 1):
		return badParam(key, v, "must be a probability in [0, 1]")
	case positive && v == 0:
		return badParam(key, v, "must be greater than 0, or the epidemic never ends")
	}
	return nil
}

// discrete holds the state shared by the discrete-time models.
type discrete struct {
	beta, gamma float64
	seeds       seeding
	sel         metricSel
	status      []uint8
	cur, next   []int32 // nodes infected at t and at t+1
	series      []float64
}

func newDiscrete(c discreteKeys, seed seedKeys, report reportKeys, n int, sirLike bool) (discrete, error) {
	if err := checkProbability("beta", c.Beta, false); err != nil {
		return discrete{}, err
	}
	if err := checkProbability("gamma", c.Gamma, sirLike); err != nil {
		return discrete{}, err
	}
	seeds, err := newSeeding(seed, n)
	if err != nil {
		return discrete{}, err
	}
	table := sisMetrics
	if sirLike {
		table = sirMetrics
	}
	sel, err := selectMetrics(report, table, true)
	if err != nil {
		return discrete{}, err
	}
	return discrete{beta: c.Beta, gamma: c.Gamma, seeds: seeds, sel: sel,
		series: make([]float64, len(sel.series))}, nil
}

// start resets the state for g and infects the seeds.
func (d *discrete) start(g *Graph, r *Rand) error {
	d.status = grow(d.status, g.N)
	clear(d.status)
	seeds, err := d.seeds.pick(r, g)
	if err != nil {
		return err
	}
	d.cur = append(d.cur[:0], seeds...)
	for _, v := range seeds {
		d.status[v] = infected
	}
	return nil
}

// step advances the state by one step, sending recoveries to state rec,
// and returns the number of new infections.
func (d *discrete) step(g *Graph, r *Rand, rec uint8) int {
	status, next := d.status, d.next[:0]
	if d.beta > 0 {
		for _, v := range d.cur {
			for _, w := range g.Adj[g.Off[v]:g.Off[v+1]] {
				if status[w] == susceptible && r.Float64() < d.beta {
					status[w] = infected
					next = append(next, w)
				}
			}
		}
	}
	fresh := len(next)
	for _, v := range d.cur {
		if r.Float64() < d.gamma {
			status[v] = rec
		} else {
			next = append(next, v)
		}
	}
	d.cur, d.next = next, d.cur
	return fresh
}

// recordSeries stores the number infected at step t for the series times
// equal to t, starting at index si, and returns the next index.
func (d *discrete) recordSeries(si int, t int, inf int) int {
	times := d.sel.series
	for si < len(times) && times[si] == float64(t) {
		d.series[si] = float64(inf)
		si++
	}
	return si
}

func (d *discrete) finishSeries(si, inf, n int) {
	for ; si < len(d.series); si++ {
		d.series[si] = float64(inf)
	}
	for i := range d.series {
		d.series[i] /= float64(n)
	}
}

// SIRDiscrete simulates the discrete-time synchronous SIR model.
type SIRDiscrete struct {
	discrete
	threshold float64
	all       [sirNumMetrics]float64
}

func newSIRDiscrete(c *sirDiscreteParams, n int) (Process, error) {
	th, err := checkMajorThreshold(c.MajorThreshold)
	if err != nil {
		return nil, err
	}
	d, err := newDiscrete(c.discreteKeys, c.seedKeys, c.reportKeys, n, true)
	if err != nil {
		return nil, err
	}
	return &SIRDiscrete{discrete: d, threshold: th}, nil
}

// Metrics describes the values Run writes.
func (p *SIRDiscrete) Metrics() []Metric { return p.sel.list }

// Run simulates one outbreak on g until no node is infected.
func (p *SIRDiscrete) Run(g *Graph, r *Rand, out []float64) error {
	if err := p.start(g, r); err != nil {
		return err
	}
	inf := len(p.cur)
	total, peak, tPeak := inf, inf, 0
	t := 0
	si := p.recordSeries(0, 0, inf)
	for inf > 0 {
		total += p.step(g, r, recovered)
		t++
		inf = len(p.cur)
		if inf > peak {
			peak, tPeak = inf, t
		}
		si = p.recordSeries(si, t, inf)
	}
	p.finishSeries(si, 0, g.N)
	fn := float64(g.N)
	all := &p.all
	all[sirFinalSize] = float64(total) / fn
	all[sirPeak] = float64(peak) / fn
	all[sirTimeToPeak] = float64(tPeak)
	all[sirDuration] = float64(t)
	all[sirMajor] = 0
	if all[sirFinalSize] > p.threshold {
		all[sirMajor] = 1
	}
	p.sel.write(out, all[:], p.series)
	return nil
}

// SISDiscrete simulates the discrete-time synchronous SIS model.
type SISDiscrete struct {
	discrete
	burnIn, window int
	all            [sisNumMetrics]float64
}

func newSISDiscrete(c *sisDiscreteParams, n int) (Process, error) {
	if err := checkWindow(c.windowKeys, true); err != nil {
		return nil, err
	}
	d, err := newDiscrete(c.discreteKeys, c.seedKeys, c.reportKeys, n, false)
	if err != nil {
		return nil, err
	}
	if c.BurnIn+c.Window > math.MaxInt32 {
		return nil, badParam("window", c.Window, "burn_in+window must be below %d steps", math.MaxInt32)
	}
	return &SISDiscrete{discrete: d, burnIn: int(c.BurnIn), window: int(c.Window)}, nil
}

// Metrics describes the values Run writes.
func (p *SISDiscrete) Metrics() []Metric { return p.sel.list }

// Run simulates steps 0 .. burn_in+window-1 (or up to the last series
// step, if later), or until extinction.
func (p *SISDiscrete) Run(g *Graph, r *Rand, out []float64) error {
	if err := p.start(g, r); err != nil {
		return err
	}
	last := p.burnIn + p.window - 1
	tEnd := last
	if s := p.sel.series; len(s) > 0 {
		tEnd = max(tEnd, int(s[len(s)-1]))
	}
	inf := len(p.cur)
	sum := 0
	t := 0
	si := 0
	for {
		if t >= p.burnIn && t <= last {
			sum += inf
		}
		si = p.recordSeries(si, t, inf)
		if inf == 0 || t == tEnd {
			break
		}
		p.step(g, r, susceptible)
		t++
		inf = len(p.cur)
	}
	p.finishSeries(si, inf, g.N)
	p.all[sisPrevalence] = float64(sum) / (float64(p.window) * float64(g.N))
	p.all[sisExtinct] = 0
	if inf == 0 && t <= last {
		p.all[sisExtinct] = 1
	}
	p.sel.write(out, p.all[:], p.series)
	return nil
}
