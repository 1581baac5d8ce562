// Continuous-time Markovian SIS by the optimized Gillespie algorithm of
// W. Cota and S. C. Ferreira, "Optimized Gillespie algorithms for the
// simulation of Markovian epidemic processes on large and heterogeneous
// networks", Computer Physics Communications 219, 303 (2017): the total rate
// is gamma·N_I + beta·N_E, where N_E counts the edges leaving infected nodes;
// a transmission picks an infected node with probability proportional to its
// degree and then a random neighbour, and is a phantom (the time still
// advances) if that neighbour is infected already. The degree-proportional
// choice uses composition–rejection over degree classes [2^(b-1), 2^b)
// (G. St-Onge, J.-G. Young, L. Hébert-Dufresne and L. J. Dubé, "Efficient
// sampling of spreading processes on complex networks using a
// composition and rejection algorithm", Comput. Phys. Commun. 240, 30
// (2019)), so each draw accepts with probability above 1/2 whatever the
// degree distribution.

package sim

import (
	"math"
	"math/bits"
)

func init() {
	RegisterProcess(ProcessModel{
		Name: "sis",
		Doc:  "continuous-time Markovian SIS: per-edge transmission rate beta, recovery rate gamma; prevalence averaged over [burn_in, burn_in+window] (exact, optimized Gillespie)",
		Keys: keysOf[sisParams]("beta", "gamma", "seeds", "seed_fraction", "burn_in", "window", "metrics", "series"),
		New:  processFrom(newSIS),
	})
}

// sisParams are the keys of [process] that sis reads.
type sisParams struct {
	Beta  float64 `toml:"beta"`  // per-edge transmission rate
	Gamma float64 `toml:"gamma"` // recovery rate
	windowKeys
	seedKeys
	reportKeys
}

// windowKeys are the keys of the SIS models that place the window over
// which the prevalence is averaged.
type windowKeys struct {
	BurnIn float64 `toml:"burn_in"` // time (steps) before the prevalence window opens
	Window float64 `toml:"window"`  // length of the prevalence window, time (steps)
}

// The metrics of the SIS models, in the order they are reported.
var sisMetrics = []Metric{
	metric("prevalence", fractionMetric), // time-averaged fraction infected over the window; 0 if extinct before it
	metric("extinct", fractionMetric),    // 1 if no node was infected when the window ended
}

const (
	sisPrevalence = iota
	sisExtinct
	sisNumMetrics
)

func checkWindow(c windowKeys, steps bool) error {
	if math.IsNaN(c.BurnIn) || math.IsInf(c.BurnIn, 0) || c.BurnIn < 0 {
		return badParam("burn_in", c.BurnIn, "must be finite and at least 0")
	}
	if math.IsNaN(c.Window) || math.IsInf(c.Window, 0) || c.Window <= 0 {
		return badParam("window", c.Window, "must be finite and greater than 0")
	}
	if c.BurnIn+c.Window > Horizon {
		key, v := "burn_in", c.BurnIn
		if c.Window > c.BurnIn {
			key, v = "window", c.Window
		}
		return badParam(key, v, "burn_in + window = %g is past the horizon, %g", c.BurnIn+c.Window, float64(Horizon))
	}
	if steps && c.BurnIn != math.Trunc(c.BurnIn) {
		return badParam("burn_in", c.BurnIn, "a discrete-time model needs whole steps")
	}
	if steps && c.Window != math.Trunc(c.Window) {
		return badParam("window", c.Window, "a discrete-time model needs whole steps")
	}
	return nil
}

// sisBins is the number of degree classes: class b holds the nodes whose
// degree has bit length b.
const sisBins = 33

// SIS simulates the continuous-time Markovian SIS model exactly. Each
// infected node recovers at rate Gamma and transmits to each susceptible
// neighbour at rate Beta; it keeps its state buffers between runs.
type SIS struct {
	beta, gamma    float64
	burnIn, window float64
	seeds          seeding
	sel            metricSel

	infected []bool
	pos      []int32          // index of an infected node in its class
	class    [sisBins][]int32 // infected nodes by degree class
	weight   [sisBins]int64   // sum of the degrees in each class
	all      [sisNumMetrics]float64
	series   []float64
}

func newSIS(c *sisParams, n int) (Process, error) {
	if err := checkRate("beta", c.Beta, false); err != nil {
		return nil, err
	}
	if err := checkRate("gamma", c.Gamma, true); err != nil {
		return nil, err
	}
	if err := checkWindow(c.windowKeys, false); err != nil {
		return nil, err
	}
	seeds, err := newSeeding(c.seedKeys, n)
	if err != nil {
		return nil, err
	}
	sel, err := selectMetrics(c.reportKeys, sisMetrics, false)
	if err != nil {
		return nil, err
	}
	return &SIS{beta: c.Beta, gamma: c.Gamma, burnIn: c.BurnIn, window: c.Window,
		seeds: seeds, sel: sel, series: make([]float64, len(sel.series))}, nil
}

// Metrics describes the values Run writes.
func (p *SIS) Metrics() []Metric { return p.sel.list }

func (p *SIS) add(g *Graph, v int32) {
	p.infected[v] = true
	k := g.Degree(v)
	b := bits.Len(uint(k))
	p.pos[v] = int32(len(p.class[b]))
	p.class[b] = append(p.class[b], v)
	p.weight[b] += int64(k)
}

func (p *SIS) remove(g *Graph, v int32) {
	p.infected[v] = false
	k := g.Degree(v)
	b := bits.Len(uint(k))
	c := p.class[b]
	i, last := p.pos[v], c[len(c)-1]
	c[i] = last
	p.pos[last] = i
	p.class[b] = c[:len(c)-1]
	p.weight[b] -= int64(k)
}

// Run simulates one realisation on g until burn_in+window (or the last
// series time, if later), or until extinction.
func (p *SIS) Run(g *Graph, r *Rand, out []float64) error {
	n := g.N
	p.infected = grow(p.infected, n)
	clear(p.infected)
	p.pos = grow(p.pos, n)
	for b := range p.class {
		p.class[b] = p.class[b][:0]
		p.weight[b] = 0
	}
	seeds, err := p.seeds.pick(r, g)
	if err != nil {
		return err
	}
	for _, v := range seeds {
		p.add(g, v)
	}
	ni := len(seeds)
	var ne int64
	for _, w := range p.weight {
		ne += w
	}

	winLo, winHi := p.burnIn, p.burnIn+p.window
	times, series := p.sel.series, p.series
	tEnd := winHi
	if len(times) > 0 {
		tEnd = max(tEnd, times[len(times)-1])
	}
	si := 0
	t, area := 0.0, 0.0
	for ni > 0 {
		rate := p.gamma*float64(ni) + p.beta*float64(ne)
		tn := min(t+expZig(r)/rate, tEnd)
		// The state holds on [t, tn).
		if lo, hi := max(t, winLo), min(tn, winHi); hi > lo {
			area += float64(ni) * (hi - lo)
		}
		for si < len(times) && times[si] < tn {
			series[si] = float64(ni)
			si++
		}
		t = tn
		if t >= tEnd {
			break
		}
		if r.Float64()*rate < p.gamma*float64(ni) {
			// Recovery of a uniformly chosen infected node.
			v := p.pickUniform(r, ni)
			p.remove(g, v)
			ni--
			ne -= int64(g.Degree(v))
			continue
		}
		// Transmission along a uniformly chosen edge leaving an infected
		// node; a phantom if its other end is infected already.
		v := p.pickByDegree(g, r, ne)
		nb := g.Neighbors(v)
		w := nb[r.IntN(len(nb))]
		if !p.infected[w] {
			p.add(g, w)
			ni++
			ne += int64(len(g.Neighbors(w)))
		}
	}
	for ; si < len(times); si++ {
		series[si] = float64(ni) // 0 unless the run reached tEnd first
	}
	fn := float64(n)
	for i := range series {
		series[i] /= fn
	}
	p.all[sisPrevalence] = area / (p.window * fn)
	p.all[sisExtinct] = 0
	if ni == 0 && t <= winHi {
		p.all[sisExtinct] = 1
	}
	p.sel.write(out, p.all[:], series)
	return nil
}

// pickUniform returns a uniformly chosen infected node.
func (p *SIS) pickUniform(r *Rand, ni int) int32 {
	i := r.IntN(ni)
	for b := range p.class {
		c := p.class[b]
		if i < len(c) {
			return c[i]
		}
		i -= len(c)
	}
	panic("sim: SIS infected count out of step with its classes")
}

// pickByDegree returns an infected node chosen with probability
// proportional to its degree: a class with probability proportional to its
// total degree, then a node of the class by rejection.
func (p *SIS) pickByDegree(g *Graph, r *Rand, ne int64) int32 {
	x := int64(r.IntN(int(ne)))
	b := 0
	for ; b < sisBins-1; b++ {
		if x < p.weight[b] {
			break
		}
		x -= p.weight[b]
	}
	c := p.class[b]
	bound := 1<<b - 1 // the largest degree in class b
	for {
		v := c[r.IntN(len(c))]
		if r.IntN(bound) < g.Degree(v) {
			return v
		}
	}
}
