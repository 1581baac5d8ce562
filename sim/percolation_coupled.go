package sim

import (
	"fmt"
	"slices"
	"sort"
)

// RunCoupled runs the percolations procs (of one kind, bond or site,
// differing in occupation only) on g from one draw of r: each edge (node)
// draws its uniform in the order Run draws it, is occupied at every
// occupation above it, and joins the union–find when the occupations, in
// increasing order, pass it. The largest cluster after each occupation is
// the one Run finds at that occupation alone, since a cluster does not
// depend on the order of its unions. It satisfies Coupled.
func (p *Percolation) RunCoupled(g *Graph, r *Rand, procs []Process, outs [][]float64) error {
	p.levels = p.levels[:0]
	for _, q := range procs {
		qp, ok := q.(*Percolation)
		if !ok || qp.site != p.site {
			return fmt.Errorf("sim: RunCoupled: %T among %s percolations", q, p.kind())
		}
		p.levels = append(p.levels, qp.phi)
	}
	slices.Sort(p.levels)
	p.levels = slices.Compact(p.levels)
	k := len(p.levels)
	if k > 1<<16-1 {
		return fmt.Errorf("sim: RunCoupled: %d occupations, at most %d", k, 1<<16-1)
	}
	// level returns the index of the first occupation above x; k: none.
	level := func(x float64) uint16 {
		return uint16(sort.Search(k, func(i int) bool { return p.levels[i] > x }))
	}
	n := g.N
	p.reset(n)
	p.largests = grow(p.largests, k)
	if p.site {
		p.runSiteLevels(g, r, level)
	} else {
		p.runBondLevels(g, r, level)
	}
	for i, q := range procs {
		qp := q.(*Percolation)
		qp.all[0] = 0
		if n > 0 {
			qp.all[0] = float64(p.largests[level(qp.phi)-1]) / float64(n)
		}
		qp.sel.write(outs[i], qp.all[:], nil)
	}
	return nil
}

func (p *Percolation) kind() string {
	if p.site {
		return "site"
	}
	return "bond"
}

// sortByLevel fills p.order with the items 0..len(p.at)-1 sorted by
// p.at (a counting sort, stable), and p.starts with the first position of
// each level, up to k.
func (p *Percolation) sortByLevel(k int) {
	p.starts = grow(p.starts, k+2)
	clear(p.starts)
	for _, l := range p.at {
		p.starts[int(l)+1]++
	}
	for l := 1; l <= k+1; l++ {
		p.starts[l] += p.starts[l-1]
	}
	p.order = grow(p.order, len(p.at))
	next := append([]int32(nil), p.starts[:k+1]...)
	for i, l := range p.at {
		p.order[next[l]] = int32(i)
		next[l]++
	}
}

func (p *Percolation) runBondLevels(g *Graph, r *Rand, level func(float64) uint16) {
	k := len(p.levels)
	if k == 1 {
		// One occupation (a campaign of one point per network, the
		// usual case): join the edges as they are drawn, as Run does,
		// rather than keep them (14 bytes an occupied edge, a graph's
		// worth of memory on a large network) to sort by level. An edge
		// is occupied where level(x) < 1, that is x < p.levels[0], and
		// the unions come in the same order.
		var largest int32
		if g.N > 0 {
			largest = 1
		}
		phi := p.levels[0]
		for u := range int32(g.N) {
			for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
				if v > u && r.Float64() < phi {
					largest = max(largest, p.union(u, v))
				}
			}
		}
		p.largests[0] = largest
		return
	}
	p.eu, p.ev, p.at = p.eu[:0], p.ev[:0], p.at[:0]
	for u := range int32(g.N) {
		for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
			if v > u {
				if l := level(r.Float64()); int(l) < k {
					p.eu, p.ev, p.at = append(p.eu, u), append(p.ev, v), append(p.at, l)
				}
			}
		}
	}
	p.sortByLevel(k)
	var largest int32
	if g.N > 0 {
		largest = 1
	}
	for l := range k {
		for _, e := range p.order[p.starts[l]:p.starts[l+1]] {
			largest = max(largest, p.union(p.eu[e], p.ev[e]))
		}
		p.largests[l] = largest
	}
}

func (p *Percolation) runSiteLevels(g *Graph, r *Rand, level func(float64) uint16) {
	k := len(p.levels)
	p.at = grow(p.at, g.N)
	for v := range p.at {
		p.at[v] = level(r.Float64())
	}
	p.sortByLevel(k)
	var largest int32
	for l := range k {
		for _, u := range p.order[p.starts[l]:p.starts[l+1]] {
			largest = max(largest, 1)
			for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
				if int(p.at[v]) <= l {
					largest = max(largest, p.union(u, v))
				}
			}
		}
		p.largests[l] = largest
	}
}
