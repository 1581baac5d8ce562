// Watts–Strogatz small-world graphs: D. J. Watts and S. H. Strogatz,
// "Collective dynamics of 'small-world' networks", Nature 393, 440–442
// (1998). A ring where each node joins its k/2 nearest neighbours on either
// side; then each lattice edge (u, u+j) in turn, j = 1..k/2 in the outer
// loop as in the paper, has its far end moved with probability rewire to a
// node drawn uniformly among those that make neither a self-loop nor a
// repeated edge (the same rules as NetworkX's watts_strogatz_graph). The
// edge count stays n·k/2 and the graph stays simple.

package sim

import "math"

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "ws",
		Doc:  "Watts–Strogatz small world: ring of n nodes joined to k/2 neighbours each side (k even), each edge rewired with probability rewire",
		Keys: keysOf[wsParams]("n", "k", "rewire"),
		New:  generatorFrom(newWS),
		Bytes: bytesFrom(func(c *wsParams) int64 {
			m := int64(c.N) * int64(c.K) / 2
			b := 8*int64(c.N+1) + 16*m
			if c.Rewire > 0 {
				b += int64(32 * c.Rewire * float64(m)) // set of rewired edges
			}
			return b
		}),
	})
}

// wsParams are the keys of [network] that ws reads.
type wsParams struct {
	N      int     `toml:"n"`
	K      int     `toml:"k"`      // ring neighbours, k/2 on each side (even)
	Rewire float64 `toml:"rewire"` // probability of rewiring each ring edge
}

func newWS(c *wsParams) (Generator, error) {
	switch {
	case c.K < 0 || c.K%2 != 0:
		return nil, badParam("k", c.K, "must be even and at least 0")
	case c.K >= c.N:
		return nil, badParam("k", c.K, "must be less than n = %d", c.N)
	case int64(c.N)*int64(c.K) > MaxStubs:
		return nil, badParam("k", c.K, "n·k exceeds the int32 CSR limit of %d", int64(MaxStubs))
	case !(c.Rewire >= 0 && c.Rewire <= 1):
		return nil, badParam("rewire", c.Rewire, "must lie in [0, 1]")
	}
	return WS{N: c.N, K: c.K, Rewire: c.Rewire}, nil
}

// WS generates Watts–Strogatz graphs in O(N·K) expected time.
type WS struct {
	N, K   int
	Rewire float64
}

// Generate fills dst with one Watts–Strogatz graph.
func (gen WS) Generate(dst *Graph, r *Rand) error {
	n, half := gen.N, gen.K/2
	m := n * half
	src, tgt := grow(dst.src, m), grow(dst.dst, m)
	dst.src, dst.dst = src, tgt
	for j, e := 1, 0; j <= half; j++ {
		for u := range n {
			src[e], tgt[e] = int32(u), int32((u+j)%n)
			e++
		}
	}
	if gen.Rewire > 0 && n > 1 {
		gen.rewire(dst, src, tgt, r)
	}
	return dst.BuildFromEdges(n, src, tgt)
}

// rewire moves the far end of each lattice edge with probability Rewire.
// Adjacency is tested without a set of all edges: a lattice pair {u, u+j}
// is joined through slot (j-1)·n+u exactly while that slot still holds
// its lattice edge, so only the rewired edges need a hash set.
func (gen WS) rewire(dst *Graph, src, tgt []int32, r *Rand) {
	n, half := gen.N, gen.K/2
	m := n * half
	// The slots to rewire, in increasing order, by geometric skipping
	// (as in G(n,p)), kept in dst.Adj, which BuildFromEdges overwrites.
	slots := dst.Adj[:0]
	if gen.Rewire >= 1 {
		for e := range m {
			slots = append(slots, int32(e))
		}
	} else {
		inv := -1 / math.Log1p(-gen.Rewire)
		for e := -1; ; {
			s := expZig(r) * inv
			if s >= float64(m-e) {
				break
			}
			e += 1 + int(s)
			if e >= m {
				break
			}
			slots = append(slots, int32(e))
		}
	}
	dst.Adj = slots
	set := newEdgeSet(&dst.keys, len(slots))
	deg := grow(dst.deg, n)
	dst.deg = deg
	for v := range deg {
		deg[v] = int32(2 * half)
	}
	nn := int32(n)
	lattice := func(u, w int32) bool { // is {u, w} a lattice edge still in place?
		if j := (w - u + nn) % nn; j <= int32(half) && tgt[int(j-1)*n+int(u)] == w {
			return true
		}
		j := (u - w + nn) % nn
		return j <= int32(half) && tgt[int(j-1)*n+int(w)] == u
	}
	for _, e := range slots {
		u, old := src[e], tgt[e]
		if int(deg[u]) >= n-1 {
			continue // u is joined to everyone: nowhere to go
		}
		w := int32(r.IntN(n))
		for w == u || lattice(u, w) || set.has(u, w) {
			w = int32(r.IntN(n))
		}
		set.add(u, w)
		deg[old]--
		deg[w]++
		tgt[e] = w
	}
}
