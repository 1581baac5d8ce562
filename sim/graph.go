package sim

import (
	"fmt"
	"math"
)

// Graph is an undirected graph in compressed sparse row form with int32 node
// ids 0..N-1. The neighbours of v are Adj[Off[v]:Off[v+1]]; every edge
// appears twice, once from each end. A Graph is filled by a generator and
// reused across repetitions: generators grow its slices only when they are
// too small.
type Graph struct {
	N   int     // number of nodes
	Off []int32 // len N+1: row offsets into Adj
	Adj []int32 // len Off[N]: neighbour lists

	// Scratch space that builders keep between calls.
	deg      []int32
	src, dst []int32  // edge lists
	keys     []uint64 // hash sets and bitsets of generators
}

// MaxStubs is the largest number of adjacency entries (twice the number of
// edges) a Graph can hold with int32 offsets.
const MaxStubs = math.MaxInt32

// Neighbors returns the neighbours of v. The slice aliases g's storage.
func (g *Graph) Neighbors(v int32) []int32 {
	return g.Adj[g.Off[v]:g.Off[v+1]]
}

// Degree returns the number of neighbours of v.
func (g *Graph) Degree(v int32) int {
	return int(g.Off[v+1] - g.Off[v])
}

// Edges returns the number of undirected edges.
func (g *Graph) Edges() int {
	if g.N == 0 {
		return 0
	}
	return int(g.Off[g.N]) / 2
}

// Bytes returns the size of g's node and adjacency arrays in bytes.
func (g *Graph) Bytes() int64 {
	return 4*int64(cap(g.Off)+cap(g.Adj)+cap(g.deg)+cap(g.src)+cap(g.dst)) + 8*int64(cap(g.keys))
}

// BuildFromEdges fills g with n nodes and the undirected edges
// (src[i], dst[i]). It runs in O(n+m) time and reuses g's arrays.
func (g *Graph) BuildFromEdges(n int, src, dst []int32) error {
	if len(src) != len(dst) {
		return fmt.Errorf("sim: BuildFromEdges: %d sources but %d targets", len(src), len(dst))
	}
	if 2*int64(len(src)) > MaxStubs {
		return fmt.Errorf("sim: graph too large: %d edges exceed the int32 CSR limit of %d", len(src), MaxStubs/2)
	}
	g.reset(n)
	deg := g.deg
	for i := range src {
		deg[src[i]]++
		deg[dst[i]]++
	}
	g.prefix()
	pos := g.deg // reuse as write cursors
	copy(pos, g.Off[:n])
	for i := range src {
		u, v := src[i], dst[i]
		g.Adj[pos[u]] = v
		pos[u]++
		g.Adj[pos[v]] = u
		pos[v]++
	}
	return nil
}

// reset sizes g for n nodes and zeroes the degree counters.
func (g *Graph) reset(n int) {
	g.N = n
	g.Off = grow(g.Off, n+1)
	g.deg = grow(g.deg, n)
	clear(g.deg)
}

// prefix turns the degree counts in g.deg into row offsets and sizes Adj.
func (g *Graph) prefix() {
	var s int32
	for v, d := range g.deg {
		g.Off[v] = s
		s += d
	}
	g.Off[g.N] = s
	g.Adj = grow(g.Adj, int(s))
}

// grow returns s resized to length n, reallocating only when its capacity
// is too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
