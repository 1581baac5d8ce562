// Interventions before a process starts, for every process: immunising a
// fraction of the nodes at random, by highest degree, or by acquaintance
// (R. Cohen, S. Havlin and D. ben-Avraham, "Efficient immunization
// strategies for computer networks and populations", Phys. Rev. Lett. 91,
// 247901 (2003): a random neighbour of a random node), and placing the
// seeds at random, at the highest-degree nodes, or at neighbours of
// random nodes.
//
// An immunised node loses its edges: the process runs on a copy of the
// network without them, so it can neither be infected nor pass anything
// on, and the fractions a process reports stay fractions of all n nodes.
// ProcessSettings.New wraps a process in an intervened one only when a
// spec sets one of these keys, so a spec that sets none draws exactly as
// before.

package sim

import (
	"fmt"
	"math"
	"slices"
)

// Strategies of immunise_by and seed_by.
const (
	ByRandom       = "random"       // uniform among the nodes
	ByDegree       = "degree"       // the nodes of highest degree, ties broken at random
	ByAcquaintance = "acquaintance" // immunise_by: a random neighbour of a random node, until enough are immune
	ByNeighbour    = "neighbour"    // seed_by: a random neighbour of a random node, until enough are seeds
)

var (
	immuniseStrategies = []string{ByRandom, ByDegree, ByAcquaintance}
	seedStrategies     = []string{ByRandom, ByDegree, ByNeighbour}
)

// InterventionDoc describes the intervention keys for the spec reference
// (netsweep models).
const InterventionDoc = "every model reads immunise (fraction of nodes, in [0, 1)) and immunise_by (random|degree|acquaintance), " +
	"which cut the chosen nodes' edges before each run; models with seeds (and compartmental, for its initial nodes) also read seed_by (random|degree|neighbour)"

// InterventionKeys are the keys RegisterProcess adds to every process
// (seed_by only to those that read seeds): a model must not declare them
// itself.
var InterventionKeys = []Key{{"immunise", Float}, {"immunise_by", String}, {"seed_by", String}}

// interventionParams are the keys of InterventionKeys.
type interventionParams struct {
	Immunise   float64 `toml:"immunise"`    // fraction of the nodes immunised, round(f·n) of them
	ImmuniseBy string  `toml:"immunise_by"` // how they are chosen; "" means random
	SeedBy     string  `toml:"seed_by"`     // how the seeds are chosen; "" means random
}

// seeder is a process that places its seeds with a seeding, which
// seed_by directs and which avoids the immunised nodes.
type seeder interface {
	seedPlacement() *seeding
}

func (p *SIR) seedPlacement() *seeding      { return &p.seeds }
func (p *SIS) seedPlacement() *seeding      { return &p.seeds }
func (d *discrete) seedPlacement() *seeding { return &d.seeds }
func (p *Cascade) seedPlacement() *seeding  { return &p.seeds }

// The compartmental model's seeds are the nodes of its initial
// compartments: immunised nodes are never among them, and seed_by chooses
// them as one set, dealt out at random to the compartments of initial.
func (p *Compartmental) seedPlacement() *seeding { return &p.place }

// splitInterventions returns params without the intervention keys, and
// those keys (nil if none is set).
func splitInterventions(params Params) (own, iv Params) {
	for _, k := range InterventionKeys {
		if v, ok := params[k.Name]; ok {
			if iv == nil {
				iv, own = Params{}, Params{}
				for name, x := range params {
					own[name] = x
				}
			}
			iv[k.Name] = v
			delete(own, k.Name)
		}
	}
	if iv == nil {
		own = params
	}
	return own, iv
}

// intervened runs a process after immunising nodes and directing its
// seeds.
type intervened struct {
	Process
	n       int    // the network's nodes, as set up
	immune  int    // number of nodes immunised
	by      string // immunise_by
	seeds   *seeding
	mask    []uint64 // bit v set if node v is immune
	list    []int32  // the immune nodes
	g       Graph    // the network without the immune nodes' edges
	scratch nodePicker
}

// intervenedCoupled is an intervened process whose process is Coupled.
type intervenedCoupled struct{ *intervened }

// newIntervened validates the intervention keys iv of model for networks
// of n nodes and wraps p.
func newIntervened(model string, p Process, iv Params, n int) (Process, error) {
	var c interventionParams
	if err := Decode(iv, &c); err != nil {
		return nil, err
	}
	_, setImm := iv["immunise"]
	switch {
	case !(c.Immunise >= 0 && c.Immunise < 1):
		return nil, badParam("immunise", c.Immunise, "the fraction immunised must lie in [0, 1)")
	case c.ImmuniseBy != "" && !slices.Contains(immuniseStrategies, c.ImmuniseBy):
		return nil, badParam("immunise_by", c.ImmuniseBy, "unknown strategy; choose one of %v", immuniseStrategies)
	case c.ImmuniseBy != "" && !setImm:
		return nil, badParam("immunise_by", c.ImmuniseBy, "set immunise, the fraction to immunise, too")
	case c.SeedBy != "" && !slices.Contains(seedStrategies, c.SeedBy):
		return nil, badParam("seed_by", c.SeedBy, "unknown strategy; choose one of %v", seedStrategies)
	}
	w := &intervened{Process: p, n: n, immune: int(math.Round(c.Immunise * float64(n))), by: c.ImmuniseBy}
	if w.by == "" {
		w.by = ByRandom
	}
	if s, ok := p.(seeder); ok {
		w.seeds = s.seedPlacement()
		w.seeds.by = c.SeedBy
		k, err := w.seeds.size(n)
		if err != nil {
			return nil, err
		}
		if k > n-w.immune {
			return nil, badParam("immunise", c.Immunise, "leaves %d of n=%d nodes, fewer than the %d seeds", n-w.immune, n, k)
		}
	} else if c.SeedBy != "" {
		return nil, badParam("seed_by", c.SeedBy, "model %s places no seeds that seed_by can direct (only the built-in models' seeds)", model)
	}
	if _, ok := p.(Coupled); ok {
		return intervenedCoupled{w}, nil
	}
	return w, nil
}

// prepare chooses the immune nodes of this run on g, drawing from r, and
// returns the network the process runs on.
func (w *intervened) prepare(g *Graph, r *Rand) (*Graph, error) {
	if g.N != w.n {
		return nil, fmt.Errorf("sim: an intervention set up for n=%d nodes cannot run on a network of %d", w.n, g.N)
	}
	if w.immune == 0 {
		return g, nil
	}
	n := g.N
	w.mask = grow(w.mask, (n+63)/64)
	clear(w.mask)
	switch w.by {
	case ByRandom:
		w.list = w.scratch.uniform(r, n, w.immune, nil, w.list[:0])
	case ByDegree:
		w.list = w.scratch.byDegree(r, g, w.immune, nil, w.list[:0])
	case ByAcquaintance:
		w.list = w.scratch.byNeighbour(r, g, w.immune, nil, w.list[:0])
	}
	for _, v := range w.list {
		w.mask[v>>6] |= 1 << (v & 63)
	}
	h := &w.g
	h.N = n
	h.Off = grow(h.Off, n+1)
	h.Adj = grow(h.Adj, len(g.Adj))[:0]
	mask := w.mask
	for v := range n {
		h.Off[v] = int32(len(h.Adj))
		if mask[v>>6]&(1<<(v&63)) != 0 {
			continue
		}
		for _, u := range g.Adj[g.Off[v]:g.Off[v+1]] {
			if mask[u>>6]&(1<<(u&63)) == 0 {
				h.Adj = append(h.Adj, u)
			}
		}
	}
	h.Off[n] = int32(len(h.Adj))
	return h, nil
}

// Run immunises, then runs the process on what remains of g; its seeds
// avoid the immune nodes.
func (w *intervened) Run(g *Graph, r *Rand, out []float64) error {
	h, err := w.prepare(g, r)
	if err != nil {
		return err
	}
	w.setImmune(w)
	return w.Process.Run(h, r, out)
}

// setImmune tells the seeding of w's process, if any, which nodes the
// last prepare of from immunised.
func (w *intervened) setImmune(from *intervened) {
	if w.seeds == nil {
		return
	}
	w.seeds.immune, w.seeds.nImmune = nil, 0
	if from.immune > 0 {
		w.seeds.immune, w.seeds.nImmune = from.mask, from.immune
	}
}

// RunCoupled immunises once for every process of procs (they differ only
// in threshold keys, so not in the intervention keys), then runs them
// coupled on what remains of g.
func (w intervenedCoupled) RunCoupled(g *Graph, r *Rand, procs []Process, outs [][]float64) error {
	h, err := w.prepare(g, r)
	if err != nil {
		return err
	}
	inner := make([]Process, len(procs))
	for i, p := range procs {
		inner[i] = p
		if q, ok := p.(intervenedCoupled); ok {
			inner[i] = q.Process
			q.setImmune(w.intervened)
		}
	}
	return w.Process.(Coupled).RunCoupled(h, r, inner, outs)
}

// nodePicker chooses sets of distinct nodes; it keeps its buffers
// between calls.
type nodePicker struct {
	mark []uint64 // nodes picked, during a call
	perm []int32
	cnt  []int32
}

func isSet(mask []uint64, v int32) bool { return mask != nil && mask[v>>6]&(1<<(v&63)) != 0 }

// begin sizes the mark for n nodes; it is clear between calls.
func (p *nodePicker) begin(n int) {
	if words := (n + 63) / 64; len(p.mark) < words {
		p.mark = make([]uint64, words)
	}
}

// end clears the marks of the nodes in picked.
func (p *nodePicker) end(picked []int32) {
	for _, v := range picked {
		p.mark[v>>6] = 0
	}
}

// uniform appends to dst k distinct nodes of 0..n-1 outside excl (nil or
// a bitset), uniformly at random; k must not exceed the nodes outside
// excl.
func (p *nodePicker) uniform(r *Rand, n, k int, excl []uint64, dst []int32) []int32 {
	p.begin(n)
	start := len(dst)
	free := n
	if excl != nil {
		free = 0
		for v := range int32(n) {
			if !isSet(excl, v) {
				free++
			}
		}
	}
	if 2*k <= free {
		// Rejection: at most 4k expected draws while half the nodes
		// are excluded or picked.
		for len(dst)-start < k {
			v := int32(r.IntN(n))
			if isSet(excl, v) || isSet(p.mark, v) {
				continue
			}
			p.mark[v>>6] |= 1 << (v & 63)
			dst = append(dst, v)
		}
		p.end(dst[start:])
		return dst
	}
	// Partial Fisher–Yates shuffle of the allowed nodes.
	p.perm = p.perm[:0]
	for v := range int32(n) {
		if !isSet(excl, v) {
			p.perm = append(p.perm, v)
		}
	}
	for i := range k {
		j := i + r.IntN(len(p.perm)-i)
		p.perm[i], p.perm[j] = p.perm[j], p.perm[i]
	}
	return append(dst, p.perm[:k]...)
}

// byDegree appends to dst the k nodes of g outside excl with the highest
// degrees; among the nodes of the lowest degree taken, those taken are
// chosen uniformly at random.
func (p *nodePicker) byDegree(r *Rand, g *Graph, k int, excl []uint64, dst []int32) []int32 {
	n := g.N
	maxDeg := 0
	for v := range int32(n) {
		if !isSet(excl, v) {
			maxDeg = max(maxDeg, g.Degree(v))
		}
	}
	p.cnt = grow(p.cnt, maxDeg+1)
	clear(p.cnt)
	for v := range int32(n) {
		if !isSet(excl, v) {
			p.cnt[g.Degree(v)]++
		}
	}
	// d is the lowest degree taken; all nodes of higher degree are.
	d, above := maxDeg, 0
	for above+int(p.cnt[d]) < k {
		above += int(p.cnt[d])
		d--
	}
	p.perm = p.perm[:0]
	for v := range int32(n) {
		if isSet(excl, v) {
			continue
		}
		switch deg := g.Degree(v); {
		case deg > d:
			dst = append(dst, v)
		case deg == d:
			p.perm = append(p.perm, v)
		}
	}
	for i := range k - above {
		j := i + r.IntN(len(p.perm)-i)
		p.perm[i], p.perm[j] = p.perm[j], p.perm[i]
	}
	return append(dst, p.perm[:k-above]...)
}

// byNeighbour appends to dst k distinct nodes of g outside excl, each a
// uniformly chosen neighbour (outside excl) of a uniformly chosen node,
// drawing until k are distinct (Cohen, Havlin & ben-Avraham 2003). When
// the nodes outside excl that have such neighbours run out, or after
// 100·n + 1000 draws, the rest are chosen uniformly among the others.
func (p *nodePicker) byNeighbour(r *Rand, g *Graph, k int, excl []uint64, dst []int32) []int32 {
	n := g.N
	p.begin(n)
	start := len(dst)
	for tries := 100*n + 1000; len(dst)-start < k && tries > 0; tries-- {
		u := int32(r.IntN(n))
		nb := g.Neighbors(u)
		if len(nb) == 0 || isSet(excl, u) {
			continue
		}
		v := nb[r.IntN(len(nb))]
		if isSet(excl, v) || isSet(p.mark, v) {
			continue
		}
		p.mark[v>>6] |= 1 << (v & 63)
		dst = append(dst, v)
	}
	if rest := k - (len(dst) - start); rest > 0 {
		// Exclude the nodes picked so far as well (rare: allocates).
		ex := slices.Clone(p.mark[:(n+63)/64])
		for i := range excl {
			ex[i] |= excl[i]
		}
		p.end(dst[start:])
		return p.uniform(r, n, rest, ex, dst)
	}
	p.end(dst[start:])
	return dst
}
