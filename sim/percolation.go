package sim

import (
	"math"
)

func init() {
	RegisterProcess(ProcessModel{
		Name: "bond_percolation",
		Doc:  "bond percolation: each edge occupied with probability occupation; reports the largest cluster",
		Keys: keysOf[percolationParams]("occupation", "metrics"),
		New:  processFrom(func(c *percolationParams, n int) (Process, error) { return newPercolation(c, false) }),
	})
	RegisterProcess(ProcessModel{
		Name: "site_percolation",
		Doc:  "site percolation: each node occupied with probability occupation; reports the largest cluster of occupied nodes",
		Keys: keysOf[percolationParams]("occupation", "metrics"),
		New:  processFrom(func(c *percolationParams, n int) (Process, error) { return newPercolation(c, true) }),
	})
}

// percolationParams are the keys of [process] that bond_percolation and
// site_percolation read.
type percolationParams struct {
	Occupation float64  `toml:"occupation"` // probability an edge (node) is occupied
	Metrics    []string `toml:"metrics"`    // metrics to report; empty means all
}

var percolationMetrics = []Metric{
	metric("giant_fraction", fractionMetric), // largest cluster / n
}

// Percolation occupies each edge (bond) or node (site) of a graph
// independently and measures the largest connected cluster by union–find
// (union by size, path halving). It keeps its buffers between runs.
//
// One array holds the forest: a node's parent or, at a root, minus its
// cluster's size, so the find that reaches a root has its size in the same
// cache line (separate size and parent arrays made union–find 2× slower
// at n = 1e5, see BENCHMARKS.md).
type Percolation struct {
	site   bool
	phi    float64
	sel    metricSel
	parent []int32 // a node's parent, or minus the size of its cluster at a root
	occ    []bool
	all    [1]float64
}

func newPercolation(c *percolationParams, site bool) (Process, error) {
	if err := checkProbability("occupation", c.Occupation, false); err != nil {
		return nil, err
	}
	sel, err := selectMetrics(reportKeys{Metrics: c.Metrics}, percolationMetrics, false)
	if err != nil {
		return nil, err
	}
	return &Percolation{site: site, phi: c.Occupation, sel: sel}, nil
}

// Metrics describes the values Run writes.
func (p *Percolation) Metrics() []Metric { return p.sel.list }

// find returns the root of v's cluster, halving the path to it.
func (p *Percolation) find(v int32) int32 {
	parent := p.parent
	for {
		up := parent[v]
		if up < 0 {
			return v
		}
		top := parent[up]
		if top < 0 {
			return up
		}
		parent[v] = top
		v = top
	}
}

// join merges the cluster of root ru with that of node v and returns the
// merged cluster's root and size.
func (p *Percolation) join(ru, v int32) (root, size int32) {
	rv := p.find(v)
	su := -p.parent[ru]
	if rv == ru {
		return ru, su
	}
	sv := -p.parent[rv]
	if su < sv {
		ru, rv = rv, ru
	}
	p.parent[rv] = ru
	p.parent[ru] = -(su + sv)
	return ru, su + sv
}

// bonds occupies each edge of g with probability phi, drawing for edge
// {u, v} when it meets v > u in u's row, and returns the size of the
// largest cluster of two nodes or more (0 if none). The draws are
// Float64() < phi, written out as an integer comparison with the
// generator's state in registers; an edge's draw decides it whatever
// became of the edges before, so each row's occupied edges are gathered
// first without a branch (a mispredicted branch per edge cost more), then
// joined.
func (p *Percolation) bonds(g *Graph, r *Rand) int32 {
	// Float64() < phi ⇔ float64(x>>11)·2⁻⁵³ < phi ⇔ x>>11 < phi·2⁵³
	// (exact: a power of two scales) ⇔ x>>11 < ceil(phi·2⁵³), an integer.
	cut := uint64(math.Ceil(p.phi * 0x1p53))
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	var largest int32
	var cand [32]int32
	for u := range int32(g.N) {
		ru := int32(-1) // u's root, once needed: every join keeps it
		row := g.Adj[g.Off[u]:g.Off[u+1]]
		for len(row) > 0 {
			blk := row[:min(len(row), len(cand))]
			row = row[len(blk):]
			k := 0
			for _, v := range blk {
				if v <= u {
					continue // rows of most generators are sorted: predictable
				}
				var x uint64
				x, s0, s1, s2, s3 = xoshiro(s0, s1, s2, s3)
				cand[k&31] = v
				k += int((x>>11 - cut) >> 63) // 1 if x>>11 < cut
			}
			for _, v := range cand[:k] {
				if ru < 0 {
					ru = p.find(u)
				}
				var size int32
				ru, size = p.join(ru, v)
				largest = max(largest, size)
			}
		}
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
	return largest
}

// Run occupies g once and writes the largest cluster's share of the nodes.
func (p *Percolation) Run(g *Graph, r *Rand, out []float64) error {
	n := g.N
	p.parent = grow(p.parent, n)
	for i := range p.parent {
		p.parent[i] = -1
	}
	var largest int32
	if p.site {
		p.occ = grow(p.occ, n)
		for v := range p.occ {
			p.occ[v] = r.Float64() < p.phi
			if p.occ[v] {
				largest = 1
			}
		}
		for u := range int32(n) {
			if !p.occ[u] {
				continue
			}
			ru := int32(-1) // u's root, once needed: every join below keeps it
			for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
				if v > u && p.occ[v] {
					if ru < 0 {
						ru = p.find(u)
					}
					var size int32
					ru, size = p.join(ru, v)
					largest = max(largest, size)
				}
			}
		}
	} else {
		if n > 0 {
			largest = 1
		}
		largest = max(largest, p.bonds(g, r))
	}
	p.all[0] = 0
	if n > 0 {
		p.all[0] = float64(largest) / float64(n)
	}
	p.sel.write(out, p.all[:], nil)
	return nil
}
