// G(n,m): uniform random graphs with exactly m edges. The edges come from
// G(n,p') by geometric skipping (V. Batagelj and U. Brandes, "Efficient
// generation of large random networks", Physical Review E 71, 036113
// (2005)) with p' a little above m/(n(n-1)/2); a uniformly chosen m-subset of
// those m' >= m edges is a uniform G(n,m) graph, because G(n,p') given its
// edge count m' is uniform G(n,m') (Bollobás, Random Graphs, 2nd ed., 2.1).
// Dense m needs no complement: p' <= 1 and the work is O(n + m').

package sim

import "math"

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "gnm",
		Doc:  "Erdős–Rényi G(n,m): a uniform simple graph with exactly `edges` edges",
		Keys: keysOf[gnmParams]("n", "edges"),
		New:  generatorFrom(newGnm),
		Bytes: bytesFrom(func(c *gnmParams) int64 {
			p := gnmP(c.N, c.Edges)
			return lowerBytes(c.N, gnpCap(c.N, p)) + int64(gnpCap(c.N, p))/8
		}),
	})
}

// gnmParams are the keys of [network] that gnm reads.
type gnmParams struct {
	N     int `toml:"n"`
	Edges int `toml:"edges"` // exact number of edges
}

func newGnm(c *gnmParams) (Generator, error) {
	if c.Edges < 0 {
		return nil, badParam("edges", c.Edges, "must be at least 0")
	}
	if float64(c.Edges) > pairs(c.N) {
		return nil, badParam("edges", c.Edges, "more than the n(n-1)/2 = %.0f node pairs", pairs(c.N))
	}
	if 2*int64(c.Edges) > MaxStubs || gnpCap(c.N, gnmP(c.N, c.Edges)) > MaxStubs/2+MaxStubs/8 {
		return nil, badParam("edges", c.Edges, "more than the int32 CSR limit of %d", MaxStubs/2)
	}
	return Gnm{N: c.N, M: c.Edges}, nil
}

// gnmP returns the oversampling edge probability p' for G(n,m): the mean
// edge count lies about 4 standard deviations above m, so m' < m, which
// costs a redraw, has probability about 3e-5.
func gnmP(n, m int) float64 {
	if m == 0 || n < 2 {
		return 0
	}
	mean := float64(m) + 4*math.Sqrt(float64(m)) + 8
	return min(1, mean/pairs(n))
}

// Gnm generates uniform random graphs with N nodes and exactly M edges, in
// O(N+M) expected time. Every row of the graph it builds is sorted.
type Gnm struct {
	N, M int
}

// Generate fills dst with one G(n,m) graph.
func (gen Gnm) Generate(dst *Graph, r *Rand) error {
	n, m := gen.N, gen.M
	p := gnmP(n, m)
	for {
		dst.startLower(n, gnpCap(n, p))
		gnpLower(dst, n, p, r)
		if len(dst.Adj) >= m {
			break
		}
	}
	thinLower(dst, len(dst.Adj)-m, r)
	return dst.finishLower()
}

// thinLower deletes k lower-list entries chosen uniformly at random from
// the lists startLower's caller appended, keeping the order of the rest.
func thinLower(g *Graph, k int, r *Rand) {
	total := len(g.Adj)
	if k == 0 {
		return
	}
	// Mark k distinct entries (or, when k is most of them, the entries to
	// keep) in a bitset, by rejection: at most half the draws collide.
	marks := k
	if k > total/2 {
		marks = total - k
	}
	g.keys = grow(g.keys, (total+63)/64)
	bits := g.keys
	clear(bits)
	for i := 0; i < marks; {
		j := r.IntN(total)
		if bits[j/64]&(1<<(j%64)) == 0 {
			bits[j/64] |= 1 << (j % 64)
			i++
		}
	}
	var drop uint64 // XOR with a bit to get "delete this entry"
	if marks != k {
		drop = 1
	}
	adj, lo := g.Adj, g.Off[:g.N]
	in, out := 0, 0
	for v := range lo {
		kept := int32(0)
		for end := in + int(lo[v]); in < end; in++ {
			if (bits[in/64]>>(in%64))&1^drop == 0 {
				adj[out] = adj[in]
				out++
				kept++
			}
		}
		lo[v] = kept
	}
	g.Adj = adj[:out]
}
