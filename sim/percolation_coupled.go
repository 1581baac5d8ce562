package sim

import (
	"fmt"
	"math/bits"
	"slices"
)

// RunCoupled runs the percolations procs (of one kind, bond or site,
// differing in occupation only) on g from one draw of r: each edge (node)
// draws its uniform in the order Run draws it, is occupied at every
// occupation above it, and joins the union–find when the occupations, in
// increasing order, pass it. The largest cluster after each occupation is
// the one Run finds at that occupation alone, since a cluster does not
// depend on the order of its unions. This is Newman & Ziff's algorithm
// (Phys. Rev. Lett. 85, 4104 (2000)) with the edges (nodes) added in the
// order of their uniforms, read off at the occupations asked for. It
// satisfies Coupled.
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
	p.indexLevels()
	n := g.N
	p.reset(n)
	p.largests = grow(p.largests, k)
	if p.site {
		p.runSiteLevels(g, r)
	} else {
		p.runBondLevels(g, r)
	}
	for i, q := range procs {
		qp := q.(*Percolation)
		qp.all[0] = 0
		if n > 0 {
			qp.all[0] = float64(p.largests[p.level(qp.phi)-1]) / float64(n)
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

// indexLevels fills p.cells, the lookup table of level: [0, 1) cut into a
// power of two of equal cells, at least 16 per occupation, each holding
// the number of occupations at or below its left end.
func (p *Percolation) indexLevels() {
	k := len(p.levels)
	c := 1 << min(max(bits.Len(uint(16*k)), 8), 20)
	p.cells = grow(p.cells, c)
	i := 0
	for j := range p.cells {
		for i < k && p.levels[i] <= float64(j)/float64(c) {
			i++
		}
		p.cells[j] = uint16(i)
	}
}

// level returns the index of the first occupation above x in [0, 1]
// (len(p.levels): none), the first edge (node) of the sweep occupied when
// x is its uniform. It starts from x's cell of p.cells, exact since the
// number of cells is a power of two, and steps over the occupations that
// fall inside the cell, rarely more than none.
func (p *Percolation) level(x float64) uint16 {
	c := min(int(x*float64(len(p.cells))), len(p.cells)-1)
	i := p.cells[c]
	for int(i) < len(p.levels) && p.levels[i] <= x {
		i++
	}
	return i
}

// sortEdges places the edges of p.uv whose level in p.eat (one per
// edge) is below k into p.edges sorted by level, a counting sort, and sets
// p.starts[l] to the first position of level l there, for l up to k.
func (p *Percolation) sortEdges(k int) {
	p.starts = grow(p.starts, k+2)
	clear(p.starts)
	count := p.starts[1:]
	for _, l := range p.eat {
		count[l]++
	}
	for l := 1; l <= k+1; l++ {
		p.starts[l] += p.starts[l-1]
	}
	next := append(p.next[:0], p.starts[:k+1]...)
	p.next = next
	p.edges = grow(p.edges, int(p.starts[k]))
	edges, uv := p.edges, p.uv[:len(p.eat)]
	for e, l := range p.eat {
		if int(l) < k {
			edges[next[l]] = uv[e]
			next[l]++
		}
	}
}

// uniteLevels unites the edges of p.edges level after level and records
// the largest cluster after each in p.largests; from level first on (k:
// never) the largest cluster is at least one node.
func (p *Percolation) uniteLevels(k, first int) {
	var largest int32
	for l := range k {
		if l == first {
			largest = max(largest, 1)
		}
		for _, uv := range p.edges[p.starts[l]:p.starts[l+1]] {
			largest = max(largest, p.union(uv[0], uv[1]))
		}
		p.largests[l] = largest
	}
}

// edgeLevels empties p.eat with room for g's edges.
func (p *Percolation) edgeLevels(g *Graph) {
	p.eat = p.eat[:0]
	if m := len(g.Adj) / 2; cap(p.eat) < m {
		p.eat = make([]uint16, 0, m)
	}
}

// edgeBuffers sets p.eat and p.uv to room for each edge of g.
func (p *Percolation) edgeBuffers(g *Graph) {
	m := len(g.Adj)/2 + 1
	p.eat, p.uv = grow(p.eat, m), grow(p.uv, m)
}

// runBondLevels draws the edges' uniforms in Run's order: an edge's level
// is the first occupation above its uniform. p.uv lists the edges u < v in
// adjacency order, p.eat their levels.
func (p *Percolation) runBondLevels(g *Graph, r *Rand) {
	if len(p.levels) == 1 {
		// One occupation (a campaign of one point per network, the
		// usual case): join the edges as they are drawn, as Run does,
		// rather than keep them (a graph's worth of memory on a large
		// network) to sort by level. An edge is occupied where its
		// level is 0, that is x < p.levels[0], and the unions come in
		// the same order.
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
	p.edgeBuffers(g)
	eat, uv := p.eat, p.uv
	e := 0
	for u := range int32(g.N) {
		for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
			if v > u {
				eat[e], uv[e] = p.level(r.Float64()), [2]int32{u, v}
				e++
			}
		}
	}
	p.eat = eat[:e]
	k := len(p.levels)
	p.sortEdges(k)
	first := k
	if g.N > 0 {
		first = 0
	}
	p.uniteLevels(k, first)
}

// runSiteLevels draws the nodes' uniforms in Run's order into p.at, their
// levels; an edge is occupied from the later level of its two ends on.
func (p *Percolation) runSiteLevels(g *Graph, r *Rand) {
	k := len(p.levels)
	at := grow(p.at, g.N)
	p.at = at
	first := uint16(k)
	for v := range at {
		at[v] = p.level(r.Float64())
		first = min(first, at[v])
	}
	p.edgeBuffers(g)
	eat, uv := p.eat, p.uv
	e := 0
	for u := range int32(g.N) {
		lu := at[u]
		for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
			if v > u {
				eat[e], uv[e] = max(lu, at[v]), [2]int32{u, v}
				e++
			}
		}
	}
	p.eat = eat[:e]
	p.sortEdges(k)
	p.uniteLevels(k, int(first))
}
