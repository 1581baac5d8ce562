// Structural measures of a network: connected components, the local
// clustering coefficient of D. J. Watts and S. H. Strogatz, "Collective
// dynamics of 'small-world' networks", Nature 393, 440–442 (1998), and the
// degree assortativity of M. E. J. Newman, "Assortative mixing in
// networks", Physical Review Letters 89, 208701 (2002), eq. (4).

package sim

// ComponentStats describes the connected components of a graph.
type ComponentStats struct {
	N          int // nodes
	Components int // connected components, an isolated node being one
	Largest    int // nodes in the largest component
}

// GiantFraction returns the largest component's share of the nodes, 0
// for an empty graph.
func (s ComponentStats) GiantFraction() float64 {
	if s.N == 0 {
		return 0
	}
	return float64(s.Largest) / float64(s.N)
}

// ComponentCounter counts connected components by union–find, keeping its
// arrays between calls. The zero value is ready to use.
type ComponentCounter struct {
	parent, size []int32
}

// Count returns the components of g in O((n+m)·α(n)) time.
func (c *ComponentCounter) Count(g *Graph) ComponentStats {
	n := g.N
	c.parent, c.size = grow(c.parent, n), grow(c.size, n)
	parent, size := c.parent, c.size
	for v := range parent {
		parent[v], size[v] = int32(v), 1
	}
	find := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]] // path halving
			v = parent[v]
		}
		return v
	}
	st := ComponentStats{N: n, Components: n}
	if n > 0 {
		st.Largest = 1
	}
	for u := int32(0); u < int32(n); u++ {
		for _, w := range g.Neighbors(u) {
			if w <= u {
				continue
			}
			a, b := find(u), find(w)
			if a == b {
				continue
			}
			if size[a] < size[b] {
				a, b = b, a
			}
			parent[b] = a
			size[a] += size[b]
			st.Components--
			st.Largest = max(st.Largest, int(size[a]))
		}
	}
	return st
}

// TriangleCounter counts the triangles at each node, keeping its arrays
// between calls. The zero value is ready to use.
type TriangleCounter struct {
	off, adj []int32 // the forward (lower to higher rank) adjacency
	mark     []int32 // mark[w] = v+1 while w is a forward neighbour of v
	tri      []int64 // triangles at each node
}

// Count returns the number of triangles at each node of g (a slice that
// TriangleCounter reuses at the next call). g must be simple. It runs the
// forward algorithm (T. Schank and D. Wagner, "Finding, counting and
// listing all triangles in large graphs", WEA 2005, LNCS 3503, 606–609):
// each edge is oriented from the node of lower degree to that of higher
// degree (ties by id), and each triangle is found once, from its lowest
// node, by intersecting forward neighbour lists with a mark array, in
// O(m·√m) time at worst.
func (tc *TriangleCounter) Count(g *Graph) []int64 {
	n := g.N
	less := func(u, w int32) bool {
		du, dw := g.Degree(u), g.Degree(w)
		return du < dw || du == dw && u < w
	}
	tc.off = grow(tc.off, n+1)
	tc.off[0] = 0
	for v := int32(0); v < int32(n); v++ {
		k := int32(0)
		for _, w := range g.Neighbors(v) {
			if less(v, w) {
				k++
			}
		}
		tc.off[v+1] = tc.off[v] + k
	}
	tc.adj = grow(tc.adj, int(tc.off[n]))
	for v := int32(0); v < int32(n); v++ {
		i := tc.off[v]
		for _, w := range g.Neighbors(v) {
			if less(v, w) {
				tc.adj[i] = w
				i++
			}
		}
	}
	tc.mark, tc.tri = grow(tc.mark, n), grow(tc.tri, n)
	clear(tc.mark)
	clear(tc.tri)
	for v := int32(0); v < int32(n); v++ {
		fv := tc.adj[tc.off[v]:tc.off[v+1]]
		for _, w := range fv {
			tc.mark[w] = v + 1
		}
		for _, u := range fv {
			for _, w := range tc.adj[tc.off[u]:tc.off[u+1]] {
				if tc.mark[w] == v+1 {
					tc.tri[v]++
					tc.tri[u]++
					tc.tri[w]++
				}
			}
		}
	}
	return tc.tri
}

// MeanClustering returns the mean over all nodes of the local clustering
// coefficient C_v = t_v / (k_v(k_v−1)/2), t_v the triangles at v and k_v
// its degree (Watts & Strogatz 1998). A node of degree 0 or 1 counts as
// C_v = 0 (as in networkx and igraph's "zero" mode), so isolated nodes and
// leaves lower the mean. g must be simple; an empty graph gives 0.
func (tc *TriangleCounter) MeanClustering(g *Graph) float64 {
	if g.N == 0 {
		return 0
	}
	tri := tc.Count(g)
	var sum float64
	for v := range int32(g.N) {
		if k := int64(g.Degree(v)); k >= 2 {
			sum += float64(tri[v]) / float64(k*(k-1)/2)
		}
	}
	return sum / float64(g.N)
}

// Assortativity returns the degree assortativity of g: the Pearson
// correlation of the degrees at the two ends of an edge, each edge taken
// in both directions (Newman 2002, eq. (4)), in [−1, 1]. Where it is
// undefined, no edge or every edge joining nodes of one degree (a regular
// graph), it returns 0, since a metric must be finite. O(m).
func Assortativity(g *Graph) float64 {
	var sjk, sj, sj2, m float64
	for v := range int32(g.N) {
		j := float64(g.Degree(v))
		for _, w := range g.Neighbors(v) {
			k := float64(g.Degree(w))
			sjk += j * k
		}
		sj += j * j      // j counted once per edge end at v: j times
		sj2 += j * j * j // j² counted j times
		m += j
	}
	if m == 0 {
		return 0
	}
	mean := sj / m
	den := sj2/m - mean*mean
	num := sjk/m - mean*mean
	if den <= 1e-12*sj2/m {
		return 0
	}
	return max(-1, min(1, num/den))
}
