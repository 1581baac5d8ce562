// Continuous-time Markovian SIR by the event-driven algorithm fast_SIR of
// I. Z. Kiss, J. C. Miller and P. L. Simon, "Mathematics of Epidemics on
// Networks: From Exact to Approximate Models", Springer (2017), chapter 9
// and appendix A.1.2, and, with an infectious period that is not
// exponential (period.go), their fast_nonMarkov_SIR (appendix A.1.3): the
// same algorithm with the recovery time drawn from the period's
// distribution, since transmission along each edge is still at rate beta.
//
// Algorithm and layout. When a node is infected, its recovery time and the
// transmission times to its neighbours not yet infected are drawn at once
// and pushed, if before the recovery, into a monotone radix heap
// (heap.go). The neighbours not yet infected are picked out of the list
// without a branch first (a done bit is as good as random, and a
// mispredicted branch per neighbour cost 13% at n = 1e5). A node may get
// several infection events; the first popped infects it, the others find
// its done bit set. No per-node infection time is kept: the pruning it
// allowed (about 30% fewer pushes) cost a random 8-byte read per
// transmission and per pop, more than the extra pushes cost. Exp(1)
// variates come from the ziggurat with the generator's state held in
// registers. The process reads the graph's Off and Adj directly and keeps
// only the done bits (n/8 bytes, all Run clears) and the heap's chunks
// (about the largest number of events ever pending): a copy of the graph
// in records [degree, neighbours...] saved one cache miss per infection
// but doubled a worker's memory.
//
// On graphs larger than the caches the time goes to cache misses on Off
// and Adj (node ids are random), so Run prefetches: the heap's run shows
// the next events in order, and at each pop Run asks for the offsets of
// the node prefetchOff events ahead and for the neighbour list of the one
// prefetchAdj events ahead, whose offsets came in meanwhile.
//
// Measured: see BENCHMARKS.md (speed and a worker's memory), and the
// constants below and in heap.go. Run allocates nothing once its heap has
// grown to the largest number of events pending in an outbreak.

package sim

import (
	"math"
	"math/bits"
	"unsafe"
)

func init() {
	RegisterProcess(ProcessModel{
		Name: "sir",
		Doc: "continuous-time SIR: per-edge transmission rate beta, recovery rate gamma, or an infectious period " +
			"infectious = fixed|gamma|lognormal|weibull with period_mean and period_shape (exact, event-driven)",
		Keys: keysOf[sirParams]("beta", "gamma", "infectious", "period_mean", "period_shape",
			"seeds", "seed_fraction", "major_threshold", "metrics", "series"),
		New: processFrom(newSIR),
	})
}

// sirParams are the keys of [process] that sir reads.
type sirParams struct {
	Beta           float64 `toml:"beta"`            // per-edge transmission rate
	Gamma          float64 `toml:"gamma"`           // recovery rate, for an exponential period
	MajorThreshold float64 `toml:"major_threshold"` // final size above which an outbreak is major; 0 means 0.01
	periodKeys
	seedKeys
	reportKeys
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

func checkMajorThreshold(t float64) (float64, error) {
	if !(t >= 0 && t < 1) {
		return 0, badParam("major_threshold", t, "must lie in [0, 1)")
	}
	if t == 0 {
		t = 0.01
	}
	return t, nil
}

// SIR simulates the continuous-time SIR model exactly. Each infected node
// transmits to each susceptible neighbour at rate Beta while infectious,
// and recovers at rate Gamma (Markovian) or after a period drawn from
// another distribution (non-Markovian); it keeps its state buffers
// between runs.
type SIR struct {
	beta, gamma float64
	// period draws the infectious periods unless markov, when they are
	// exponential with rate gamma.
	period    period
	markov    bool
	threshold float64
	seeds     seeding
	sel       metricSel

	// done has bit v set once node v is infected.
	done   []uint64
	queue  *radixHeap // allocated at the first run: New stays cheap, as the spec calls it per point
	all    [sirNumMetrics]float64
	series []float64
}

func newSIR(c *sirParams, n int) (Process, error) {
	if err := checkRate("beta", c.Beta, false); err != nil {
		return nil, err
	}
	per, markov, gamma, err := newPeriod(c.periodKeys, c.Gamma)
	if err != nil {
		return nil, err
	}
	th, err := checkMajorThreshold(c.MajorThreshold)
	if err != nil {
		return nil, err
	}
	seeds, err := newSeeding(c.seedKeys, n)
	if err != nil {
		return nil, err
	}
	sel, err := selectMetrics(c.reportKeys, sirMetrics, false)
	if err != nil {
		return nil, err
	}
	return &SIR{beta: c.Beta, gamma: gamma, period: per, markov: markov, threshold: th, seeds: seeds, sel: sel,
		series: make([]float64, len(sel.series))}, nil
}

// Metrics describes the values Run writes.
func (p *SIR) Metrics() []Metric { return p.sel.list }

// recovery marks the recovery events in the queue.
const recovery = -1

// prepare resets the state to all susceptible.
func (p *SIR) prepare(g *Graph) {
	p.done = grow(p.done, (g.N+63)/64)
	clear(p.done)
	if p.queue == nil {
		p.queue = new(radixHeap)
	}
	p.queue.reset()
}

// Run prefetches on graphs of at least prefetchMinSize in n + 2m, where
// Off and Adj no longer stay in the processor's caches, at every pop (not
// only at infections, which left more than half of the nodes
// unprefetched: 13% slower). Measured at n = 1e6, mean degree 5, medians
// of 5 alternating: 1.43× faster than without prefetching (1.34× on the
// power-law graph); distances 6 to 16 measure alike within the noise;
// at n = 1e5, whose graph stays in the caches, it cost 7% (medians of 9);
// checking the done bit before prefetching gained nothing.
const (
	prefetchMinSize = 1 << 21
	prefetchOff     = 8
	prefetchAdj     = 4
)

// Run simulates one outbreak on g until no node is infected.
func (p *SIR) Run(g *Graph, r *Rand, out []float64) error {
	n := g.N
	p.prepare(g)
	seeds, err := p.seeds.pick(r, g)
	if err != nil {
		return err
	}
	done := p.done
	off, adj := g.Off, g.Adj
	far := int64(n)+int64(len(adj)) >= prefetchMinSize && len(adj) > 0
	var offAt, adjAt uintptr // where Off and Adj start, to prefetch
	if far {
		offAt, adjAt = uintptr(unsafe.Pointer(&off[0])), uintptr(unsafe.Pointer(&adj[0]))
	}
	for _, v := range seeds {
		done[v>>6] |= 1 << (v & 63)
	}
	for _, v := range seeds {
		p.infect(r, g.Neighbors(v), 0)
	}

	inf := len(seeds)
	total, peak := inf, inf
	tPeak, last := 0.0, 0.0
	series, times := p.series, p.sel.series
	si := 0
	for p.queue.len() > 0 {
		e := p.queue.pop()
		if q := p.queue.run; len(q) > 0 && far {
			// The run is popped from its end.
			m := len(q) - 1
			if w := q[max(m-prefetchOff, 0)].b; w >= 0 {
				prefetch(offAt + uintptr(w)*4)
			}
			if w := q[max(m-prefetchAdj, 0)].b; w >= 0 {
				prefetch(adjAt + uintptr(off[w])*4)
			}
		}
		for si < len(times) && times[si] < e.t {
			series[si] = float64(inf)
			si++
		}
		if e.b == recovery {
			inf--
			last = e.t
			continue
		}
		if done[e.b>>6]&(1<<(e.b&63)) != 0 {
			continue // infected already, by an earlier transmission
		}
		done[e.b>>6] |= 1 << (e.b & 63)
		p.infect(r, adj[off[e.b]:off[e.b+1]], e.t)
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

// infect schedules the recovery of a node infected at time t, and its
// transmissions to the neighbours nb not yet infected that come before the
// recovery. A neighbour may get several
// transmissions; the first one popped infects it and the others find it
// done. The infectious period is drawn first, then the transmission
// times in the order of nb: with a non-exponential period this is
// fast_nonMarkov_SIR (Kiss, Miller & Simon 2017, appendix A.1.3), since
// transmissions along each edge still come at rate beta.
func (p *SIR) infect(r *Rand, nb []int32, t float64) {
	var rec float64
	if p.markov {
		rec = t + expZig(r)/p.gamma
	} else {
		rec = t + p.period.draw(r)
	}
	p.queue.push(event{t: rec, b: recovery})
	if p.beta == 0 {
		return
	}
	invBeta := 1 / p.beta
	done := p.done
	// The generator's state lives in registers through the loop; this is
	// Rand.Uint64 and expZig's fast path written out.
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	// The neighbours not yet infected are gathered first without a
	// branch: whether one is infected is as good as random, and a
	// mispredicted branch per neighbour cost more than the copy.
	var cand [32]int32
	for len(nb) > 0 {
		blk := nb[:min(len(nb), len(cand))]
		nb = nb[len(blk):]
		k := 0
		for _, w := range blk {
			cand[k&31] = w
			k += int(1 &^ (done[w>>6] >> (w & 63)))
		}
		for _, w := range cand[:k] {
			u := bits.RotateLeft64(s0+s3, 23) + s0
			t1 := s1 << 17
			s2 ^= s0
			s3 ^= s1
			s1 ^= s2
			s0 ^= s3
			s2 ^= t1
			s3 = bits.RotateLeft64(s3, 45)
			var x float64
			if i, j := u&255, u>>11; j < zigK[i] {
				x = float64(j) * zigW[i]
			} else {
				r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
				x = expZigSlow(r, u)
				s0, s1, s2, s3 = r.s0, r.s1, r.s2, r.s3
			}
			if tw := t + x*invBeta; tw < rec {
				p.queue.push(event{t: tw, b: w})
			}
		}
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
}
