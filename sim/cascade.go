// Threshold cascades: the threshold model of D. J. Watts, "A simple model
// of global cascades on random networks", Proc. Natl. Acad. Sci. USA 99,
// 5766–5771 (2002), and bootstrap percolation (J. Chalupa, P. L. Leath and
// G. R. Reich, J. Phys. C 12, L31 (1979); on random graphs G. J. Baxter,
// S. N. Dorogovtsev, A. V. Goltsev and J. F. F. Mendes, "Bootstrap
// percolation on complex networks", Phys. Rev. E 82, 011103 (2010)).
//
// Both are monotone: an active node never deactivates, and a node's rule
// only asks for enough active neighbours. The final state is therefore the
// smallest fixed point that contains the seeds, whatever the update order,
// and Run reaches it in O(n + m): each node keeps how many more active
// neighbours it needs, each new adopter decrements its neighbours' counts
// once, and a node whose count reaches zero joins the next generation.
// Processing the adopters generation by generation makes each generation
// one synchronous round (a node of generation t has enough neighbours
// among generations < t, and not among generations < t-1), so rounds is
// the number of synchronous rounds to the fixed point.

package sim

import "math"

func init() {
	RegisterProcess(ProcessModel{
		Name: "watts_threshold",
		Doc:  "Watts (2002) threshold cascade: a node adopts when at least a fraction threshold of its neighbours have (thresholds fixed, or normal with sd threshold_sd, clipped to [0, 1])",
		Keys: keysOf[wattsParams]("threshold", "threshold_sd", "seeds", "seed_fraction", "cascade_threshold", "metrics"),
		New:  processFrom(newWatts),
	})
	RegisterProcess(ProcessModel{
		Name: "bootstrap_percolation",
		Doc:  "bootstrap percolation: a node becomes active when at least k of its neighbours are active",
		Keys: keysOf[bootstrapParams]("k", "seeds", "seed_fraction", "cascade_threshold", "metrics"),
		New:  processFrom(newBootstrap),
	})
}

// cascadeKeys are the keys both cascade models read besides their rule.
type cascadeKeys struct {
	CascadeThreshold float64  `toml:"cascade_threshold"` // final fraction above which a run is a cascade; 0 means 0.1
	Metrics          []string `toml:"metrics"`           // metrics to report; empty means all
	seedKeys
}

// wattsParams are the keys of [process] that watts_threshold reads.
type wattsParams struct {
	Threshold   float64 `toml:"threshold"`    // fraction φ of adopted neighbours a node needs, in [0, 1]
	ThresholdSD float64 `toml:"threshold_sd"` // if > 0, each node's φ is drawn per run from N(threshold, sd²), clipped to [0, 1]
	cascadeKeys
}

// bootstrapParams are the keys of [process] that bootstrap_percolation
// reads.
type bootstrapParams struct {
	K int `toml:"k"` // active neighbours a node needs, at least 1
	cascadeKeys
}

// The metrics of the cascade models, in the order they are reported; the
// first is final_adopted or final_active.
func cascadeMetrics(final string) []Metric {
	return []Metric{
		metric(final, fractionMetric),     // fraction active at the fixed point, seeds included
		metric("cascade", fractionMetric), // 1 if the final fraction exceeds cascade_threshold
		metric("rounds", timeMetric),      // synchronous rounds to the fixed point
	}
}

const (
	cascadeFinal = iota
	cascadeHit
	cascadeRounds
	cascadeNumMetrics
)

// Cascade runs a threshold cascade (watts_threshold or
// bootstrap_percolation) to its fixed point; it keeps its buffers between
// runs.
type Cascade struct {
	phi, sd   float64 // watts_threshold: threshold and its SD
	k         int32   // bootstrap_percolation: active neighbours needed; 0 for watts_threshold
	threshold float64 // cascade_threshold
	seeds     seeding
	sel       metricSel

	// rem[v] is how many more active neighbours v needs; 0 once v is
	// active.
	rem       []int32
	cur, next []int32
	all       [cascadeNumMetrics]float64
}

func newCascadeBase(c *cascadeKeys, final string, n int) (Cascade, error) {
	th := c.CascadeThreshold
	if !(th >= 0 && th < 1) {
		return Cascade{}, badParam("cascade_threshold", th, "must lie in [0, 1)")
	}
	if th == 0 {
		th = 0.1
	}
	seeds, err := newSeeding(c.seedKeys, n)
	if err != nil {
		return Cascade{}, err
	}
	sel, err := selectMetrics(reportKeys{Metrics: c.Metrics}, cascadeMetrics(final), false)
	if err != nil {
		return Cascade{}, err
	}
	return Cascade{threshold: th, seeds: seeds, sel: sel}, nil
}

func newWatts(c *wattsParams, n int) (Process, error) {
	if err := checkProbability("threshold", c.Threshold, false); err != nil {
		return nil, err
	}
	if !(c.ThresholdSD >= 0 && !math.IsInf(c.ThresholdSD, 0)) {
		return nil, badParam("threshold_sd", c.ThresholdSD, "must be finite and at least 0")
	}
	p, err := newCascadeBase(&c.cascadeKeys, "final_adopted", n)
	if err != nil {
		return nil, err
	}
	p.phi, p.sd = c.Threshold, c.ThresholdSD
	return &p, nil
}

func newBootstrap(c *bootstrapParams, n int) (Process, error) {
	if c.K < 1 || c.K > math.MaxInt32 {
		return nil, badParam("k", c.K, "must be a whole number of neighbours, at least 1")
	}
	p, err := newCascadeBase(&c.cascadeKeys, "final_active", n)
	if err != nil {
		return nil, err
	}
	p.k = int32(c.K)
	return &p, nil
}

// Metrics describes the values Run writes.
func (p *Cascade) Metrics() []Metric { return p.sel.list }

// wattsNeed returns the number of adopted neighbours a node of degree k
// with threshold phi needs: the least m ≥ 1 with m/k ≥ phi, or k+1 (never)
// for an isolated node. A node adopts only through a neighbour, so with
// phi = 0 it needs one, not none: every adopter is reachable from a seed.
// The comparison is m/k ≥ phi in floating point, as the model reads, so
// that phi = 0.2 lets a node of degree 5 adopt with one neighbour.
func wattsNeed(k int, phi float64) int32 {
	fk := float64(k)
	m := max(1, int(math.Ceil(phi*fk)))
	for m > 1 && float64(m-1)/fk >= phi {
		m--
	}
	for m <= k && float64(m)/fk < phi {
		m++
	}
	return int32(m)
}

// normal returns a standard normal variate (Box–Muller, one of the pair).
func normal(r *Rand) float64 {
	return math.Sqrt(-2*math.Log(r.Float64Open())) * math.Cos(2*math.Pi*r.Float64())
}

// Run draws the seeds (then, for watts_threshold with threshold_sd > 0,
// every node's threshold, in node order) and runs the cascade on g to its
// fixed point.
func (p *Cascade) Run(g *Graph, r *Rand, out []float64) error {
	n := g.N
	seeds, err := p.seeds.pick(r, g)
	if err != nil {
		return err
	}
	p.needs(g, r)
	active, rounds := p.spread(g, seeds)
	all := &p.all
	all[cascadeFinal] = float64(active) / float64(n)
	all[cascadeHit] = 0
	if all[cascadeFinal] > p.threshold {
		all[cascadeHit] = 1
	}
	all[cascadeRounds] = float64(rounds)
	p.sel.write(out, all[:], nil)
	return nil
}

// needs sets p.rem[v] to the number of active neighbours node v of g
// needs, drawing its threshold from r if they are random.
func (p *Cascade) needs(g *Graph, r *Rand) {
	p.rem = grow(p.rem, g.N)
	rem := p.rem
	for v := range int32(g.N) {
		k := g.Degree(v)
		switch {
		case p.k > 0:
			rem[v] = p.k
		case p.sd > 0:
			rem[v] = wattsNeed(k, min(1, max(0, p.phi+p.sd*normal(r))))
		default:
			rem[v] = wattsNeed(k, p.phi)
		}
	}
}

// spread activates seeds and runs the cascade from the needs in p.rem to
// the fixed point, one generation (synchronous round) at a time. It
// returns the number of active nodes and of rounds in which some node
// adopted; afterwards p.rem[v] is 0 exactly for the active nodes.
func (p *Cascade) spread(g *Graph, seeds []int32) (active, rounds int) {
	rem, off, adj := p.rem, g.Off, g.Adj
	cur := p.cur[:0]
	for _, v := range seeds {
		rem[v] = 0
		cur = append(cur, v)
	}
	active = len(cur)
	next := p.next[:0]
	for len(cur) > 0 {
		for _, u := range cur {
			for _, w := range adj[off[u]:off[u+1]] {
				if rem[w] > 0 {
					rem[w]--
					if rem[w] == 0 {
						next = append(next, w)
					}
				}
			}
		}
		if len(next) > 0 {
			rounds++
			active += len(next)
		}
		cur, next = next, cur[:0]
	}
	p.cur, p.next = cur, next
	return active, rounds
}
