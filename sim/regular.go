// Random k-regular graphs by the pairing algorithm of A. Steger and
// N. C. Wormald, "Generation of random regular graphs quickly",
// Combinatorics, Probability and Computing 8, 377–396 (1999): repeatedly
// draw two free stubs uniformly at random and join them when they make
// neither a self-loop nor a repeated edge; restart when no such pair is
// left. The result is always simple; its distribution is asymptotically
// uniform for k = O(n^(1/28)) (Steger–Wormald; J. H. Kim and V. H. Vu,
// "Generating random regular graphs", STOC 2003, extend this to k up to
// n^(1/3-ε)) and is measurably non-uniform on very small graphs.
// For k > (n-1)/2 the generator builds the complement of a random
// (n-1-k)-regular graph, which is exactly as uniform and keeps pairing sparse.

package sim

import "fmt"

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "regular",
		Doc:  "random k-regular simple graph (Steger–Wormald pairing); needs n·k even and k < n",
		Keys: keysOf[regularParams]("n", "k"),
		New:  generatorFrom(newRegular),
		Bytes: bytesFrom(func(c *regularParams) int64 {
			b := 4*int64(c.N+1) + 4*int64(c.N) + 8*int64(c.N)*int64(c.K)
			if kk := min(c.K, c.N-1-c.K); kk > regularScanMax {
				b += 16 * int64(c.N) * int64(kk)
			}
			return b
		}),
	})
}

// regularParams are the keys of [network] that regular reads.
type regularParams struct {
	N int `toml:"n"`
	K int `toml:"k"` // degree of every node
}

func newRegular(c *regularParams) (Generator, error) {
	switch {
	case c.K < 0:
		return nil, badParam("k", c.K, "must be at least 0")
	case c.K >= c.N:
		return nil, badParam("k", c.K, "must be less than n = %d", c.N)
	case c.N*c.K%2 != 0:
		return nil, badParam("k", c.K, "n·k = %d·%d is odd; no k-regular graph has an odd degree sum", c.N, c.K)
	case int64(c.N)*int64(c.K) > MaxStubs:
		return nil, badParam("k", c.K, "n·k = %d exceeds the int32 CSR limit of %d", int64(c.N)*int64(c.K), int64(MaxStubs))
	}
	return Regular{N: c.N, K: c.K}, nil
}

// Regular generates random K-regular simple graphs on N nodes in O(N·K)
// expected time for bounded K.
type Regular struct {
	N, K int
}

const (
	// regularScanMax is the largest degree for which adjacency is tested by
	// scanning a node's row; above it an edge hash set answers in O(1).
	regularScanMax = 32
	// regularAttempts bounds the restarts of the pairing.
	regularAttempts = 1000
	// regularStalls bounds the runs of refused draws, each ended by a check
	// that a suitable pair exists, before a restart.
	regularStalls = 50
)

// Generate fills dst with one random K-regular graph.
func (gen Regular) Generate(dst *Graph, r *Rand) error {
	n, k := gen.N, gen.K
	if k > (n-1)/2 {
		if err := pairRegular(dst, n, n-1-k, r); err != nil {
			return err
		}
		return dst.complement()
	}
	return pairRegular(dst, n, k, r)
}

// pairRegular fills dst with a k-regular graph: row v is Adj[v·k:(v+1)·k].
func pairRegular(dst *Graph, n, k int, r *Rand) error {
	total := n * k
	dst.N = n
	dst.Off = grow(dst.Off, n+1)
	for v := range dst.Off {
		dst.Off[v] = int32(v * k)
	}
	dst.Adj = grow(dst.Adj, total)
	dst.deg = grow(dst.deg, n)
	stubs := grow(dst.src, total)
	dst.src = stubs
	if k == 0 {
		return nil
	}
	adj, cnt := dst.Adj, dst.deg
	var set edgeSet
	adjacent := func(u, v int32) bool {
		if k > regularScanMax {
			return set.has(u, v)
		}
		a, b := u, v
		if cnt[b] < cnt[a] {
			a, b = b, a
		}
		for _, w := range adj[int(a)*k : int(a)*k+int(cnt[a])] {
			if w == b {
				return true
			}
		}
		return false
	}
	for range regularAttempts {
		clear(cnt)
		if k > regularScanMax {
			set = newEdgeSet(&dst.keys, total/2)
		}
		for v, i := 0, 0; v < n; v++ {
			for range k {
				stubs[i] = int32(v)
				i++
			}
		}
		// Pair two free stubs drawn uniformly at random whenever they
		// are suitable; after a run of refusals, check that a suitable
		// pair exists at all, else restart.
		pool, refused, checks := stubs, 0, 0
		for len(pool) > 0 && checks <= regularStalls {
			last := len(pool) - 1
			i, j := r.IntN(last+1), r.IntN(last)
			if j >= i {
				j++
			}
			u, v := pool[i], pool[j]
			if u == v || adjacent(u, v) {
				if refused++; refused > 4*len(pool)+16 {
					if !suitable(pool, k, adjacent) {
						break
					}
					refused = 0
					checks++
				}
				continue
			}
			refused = 0
			if k > regularScanMax {
				set.add(u, v)
			}
			adj[int(u)*k+int(cnt[u])] = v
			cnt[u]++
			adj[int(v)*k+int(cnt[v])] = u
			cnt[v]++
			// Remove stubs i and j: move the last two into their places.
			if i < j {
				i, j = j, i
			}
			pool[i] = pool[last]
			pool[j] = pool[last-1]
			pool = pool[:last-1]
		}
		if len(pool) == 0 {
			return nil
		}
	}
	return fmt.Errorf("sim: regular: no %d-regular graph on %d nodes after %d restarts of the pairing", k, n, regularAttempts)
}

// suitable reports whether two of the free stubs in pool could still be
// paired: they belong to different nodes that are not yet adjacent.
func suitable(pool []int32, k int, adjacent func(u, v int32) bool) bool {
	// A node has at most k free stubs, so more than k² stubs span more
	// than k nodes, and a node with a free stub has fewer than k
	// neighbours: some pair is free.
	if len(pool) > k*k {
		return true
	}
	for i, u := range pool {
		for _, v := range pool[i+1:] {
			if u != v && !adjacent(u, v) {
				return true
			}
		}
	}
	return false
}

// complement replaces g, a simple graph, with its complement, in O(n²).
func (g *Graph) complement() error {
	n := g.N
	mark := g.deg[:n] // mark[w] = v+1 while row v is read
	clear(mark)
	src, dst := g.src[:0], g.dst[:0]
	for v := range int32(n) {
		for _, w := range g.Neighbors(v) {
			mark[w] = v + 1
		}
		for w := v + 1; w < int32(n); w++ {
			if mark[w] != v+1 {
				src = append(src, v)
				dst = append(dst, w)
			}
		}
	}
	g.src, g.dst = src, dst
	return g.BuildFromEdges(n, src, dst)
}
