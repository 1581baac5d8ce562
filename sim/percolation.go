package sim

func init() {
	RegisterProcess(ProcessModel{
		Name: "bond_percolation",
		Doc:  "bond percolation: each edge occupied with probability occupation; reports the largest cluster",
		Keys: keysOf[percolationParams]("occupation", "metrics"),
		New:  processFrom(func(c *percolationParams, n int) (Process, error) { return newPercolation(c, false) }),
		// A sweep over occupation is one pass over the edges: every
		// occupation thresholds the same uniform per edge.
		Thresholds: []string{"occupation"},
	})
	RegisterProcess(ProcessModel{
		Name:       "site_percolation",
		Doc:        "site percolation: each node occupied with probability occupation; reports the largest cluster of occupied nodes",
		Keys:       keysOf[percolationParams]("occupation", "metrics"),
		New:        processFrom(func(c *percolationParams, n int) (Process, error) { return newPercolation(c, true) }),
		Thresholds: []string{"occupation"},
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
// (union by size, path halving; a root's parent entry holds minus its
// cluster's size, so that a node takes 4 bytes). It keeps its buffers
// between runs.
type Percolation struct {
	site   bool
	phi    float64
	sel    metricSel
	parent []int32 // parent[v]: v's parent, or -size where v is a root
	occ    []bool
	all    [1]float64

	// RunCoupled's buffers: the distinct occupations in increasing order
	// and their lookup table (indexLevels), per node (site) and per edge
	// the first of them it is occupied at (its level), the edges in
	// adjacency order, the occupied edges
	// sorted by level, the first position of each level there and the
	// next free one, and the largest cluster at each level.
	levels   []float64
	cells    []uint16
	at       []uint16
	eat      []uint16
	uv       [][2]int32
	edges    [][2]int32
	starts   []int32
	next     []int32
	largests []int32
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

func (p *Percolation) find(v int32) int32 {
	parent := p.parent
	for parent[v] >= 0 {
		if w := parent[parent[v]]; w >= 0 {
			parent[v] = w
		}
		v = parent[v]
	}
	return v
}

// reset makes every one of n nodes a cluster of its own.
func (p *Percolation) reset(n int) {
	p.parent = grow(p.parent, n)
	for i := range p.parent {
		p.parent[i] = -1
	}
}

// union merges the clusters of u and v and returns the merged size.
func (p *Percolation) union(u, v int32) int32 {
	u, v = p.find(u), p.find(v)
	if u == v {
		return -p.parent[u]
	}
	if p.parent[u] > p.parent[v] { // u's cluster is the smaller
		u, v = v, u
	}
	p.parent[u] += p.parent[v]
	p.parent[v] = u
	return -p.parent[u]
}

// Run occupies g once and writes the largest cluster's share of the nodes.
func (p *Percolation) Run(g *Graph, r *Rand, out []float64) error {
	n := g.N
	p.reset(n)
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
			for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
				if v > u && p.occ[v] {
					largest = max(largest, p.union(u, v))
				}
			}
		}
	} else {
		if n > 0 {
			largest = 1
		}
		for u := range int32(n) {
			for _, v := range g.Adj[g.Off[u]:g.Off[u+1]] {
				if v > u && r.Float64() < p.phi {
					largest = max(largest, p.union(u, v))
				}
			}
		}
	}
	p.all[0] = 0
	if n > 0 {
		p.all[0] = float64(largest) / float64(n)
	}
	p.sel.write(out, p.all[:], nil)
	return nil
}
