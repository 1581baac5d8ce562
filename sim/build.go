package sim

import (
	"fmt"
	"math/bits"
)

// CSR builders and scratch structures shared by the generators.
//
// Generators that emit edges (v, w), w < v, in order of increasing v (G(n,p)
// and G(n,m) by geometric skipping) build in place: they append each w to
// Adj while counting lower degrees in Off, then finishLower counts upper
// degrees in deg, spreads the rows to their final offsets and scatters the
// mirror entries. Peak memory is then Off, deg and Adj only: no edge list.

// startLower prepares g for n nodes whose edges arrive as lower neighbours
// in row order, with room for about estEdges edges.
func (g *Graph) startLower(n, estEdges int) {
	g.N = n
	g.Off = grow(g.Off, n+1)
	clear(g.Off)
	g.deg = grow(g.deg, n)
	if want := 2 * estEdges; cap(g.Adj) < want {
		g.Adj = make([]int32, 0, want)
	} else {
		g.Adj = g.Adj[:0]
	}
}

// finishLower turns the lower lists that startLower's caller appended to
// g.Adj (len(g.Adj) = number of edges; g.Off[v] = lower degree of v) into
// the full CSR graph. Each row ends up sorted:
// its lower neighbours in the order appended, then its upper neighbours in
// increasing order.
func (g *Graph) finishLower() error {
	n, m := g.N, len(g.Adj)
	if 2*int64(m) > MaxStubs {
		return fmt.Errorf("sim: graph too large: %d edges exceed the int32 CSR limit of %d", m, MaxStubs/2)
	}
	adj := g.Adj
	if cap(adj) < 2*m {
		a := make([]int32, 2*m)
		copy(a, adj)
		adj = a
	} else {
		adj = adj[:2*m]
	}
	lo, hi := g.Off[:n+1], g.deg[:n]
	// Upper degrees, in a loop of their own: its random increments overlap
	// far better than inside a generator's loop.
	clear(hi)
	for _, w := range adj[:m] {
		hi[w]++
	}
	// Move each row's lower list from its packed position to the start of
	// its final row, last row first: a row only moves right, onto space
	// that rows after it have already vacated.
	tEnd, fEnd := int32(m), int32(2*m)
	for v := n - 1; v >= 0; v-- {
		l := lo[v]
		tStart, fStart := tEnd-l, fEnd-l-hi[v]
		if fStart != tStart {
			for i := l - 1; i >= 0; i-- {
				adj[fStart+i] = adj[tStart+i]
			}
		}
		lo[v+1] = fEnd
		hi[v] = fStart + l // where row v's upper neighbours start
		tEnd, fEnd = tStart, fStart
	}
	lo[0] = 0
	// Mirror every lower entry. Row v's cursor hi[v] is only advanced by
	// rows after v, so when row v is read adj[Off[v]:hi[v]] is still
	// exactly its lower list.
	for v := int32(0); v < int32(n); v++ {
		for _, w := range adj[lo[v]:hi[v]] {
			adj[hi[w]] = v
			hi[w]++
		}
	}
	g.Adj = adj
	return nil
}

// buildFromPairs fills g with n nodes and the undirected edges
// (pairs[2i], pairs[2i+1]), in O(n+m) time.
func (g *Graph) buildFromPairs(n int, pairs []int32) error {
	if int64(len(pairs)) > MaxStubs {
		return fmt.Errorf("sim: graph too large: %d edges exceed the int32 CSR limit of %d", len(pairs)/2, MaxStubs/2)
	}
	g.reset(n)
	deg := g.deg
	for _, u := range pairs {
		deg[u]++
	}
	g.prefix()
	pos := g.deg
	copy(pos, g.Off[:n])
	for i := 0; i+1 < len(pairs); i += 2 {
		u, v := pairs[i], pairs[i+1]
		g.Adj[pos[u]] = v
		pos[u]++
		g.Adj[pos[v]] = u
		pos[v]++
	}
	return nil
}

// simplify removes self-loops and repeated edges from g in place, in
// O(n+m) time, keeping the first copy of each neighbour in every row.
func (g *Graph) simplify() {
	n := g.N
	mark := g.deg[:n] // mark[w] = v+1 once w was kept in row v
	clear(mark)
	var out int32
	start := g.Off[0]
	for v := int32(0); v < int32(n); v++ {
		end := g.Off[v+1]
		g.Off[v] = out
		for i := start; i < end; i++ {
			w := g.Adj[i]
			if w == v || mark[w] == v+1 {
				continue
			}
			mark[w] = v + 1
			g.Adj[out] = w
			out++
		}
		start = end
	}
	g.Off[n] = out
	g.Adj = g.Adj[:out]
}

// edgeSet is a set of undirected edges: open addressing with linear probing
// and backward-shift deletion (Knuth, TAOCP vol. 3, 6.4 Algorithm R), so
// removals leave no tombstones. The load factor stays at most 1/2.
type edgeSet struct {
	slots []uint64 // 0 = empty, else edgeKey
	shift uint
	n     int
}

// edgeKey packs the unordered pair {u, v} into a non-zero key.
func edgeKey(u, v int32) uint64 {
	if u > v {
		u, v = v, u
	}
	return (uint64(u)<<32 | uint64(v)) + 1
}

// newEdgeSet returns an empty set for up to capEdges edges, built on
// *scratch (which it grows and keeps for the next call).
func newEdgeSet(scratch *[]uint64, capEdges int) edgeSet {
	size := 16
	for size < 2*capEdges {
		size *= 2
	}
	*scratch = grow(*scratch, size)
	s := edgeSet{slots: *scratch, shift: uint(64 - bits.TrailingZeros(uint(size)))}
	clear(s.slots)
	return s
}

func (s *edgeSet) home(key uint64) int {
	return int((key * 0x9e3779b97f4a7c15) >> s.shift)
}

// add inserts {u, v} and reports whether it was absent.
func (s *edgeSet) add(u, v int32) bool {
	key := edgeKey(u, v)
	mask := len(s.slots) - 1
	for i := s.home(key); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			if 2*(s.n+1) > len(s.slots) {
				panic("sim: edgeSet over capacity")
			}
			s.slots[i] = key
			s.n++
			return true
		case key:
			return false
		}
	}
}

// has reports whether {u, v} is in the set.
func (s *edgeSet) has(u, v int32) bool {
	key := edgeKey(u, v)
	mask := len(s.slots) - 1
	for i := s.home(key); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			return false
		case key:
			return true
		}
	}
}

// remove deletes {u, v} if present.
func (s *edgeSet) remove(u, v int32) {
	key := edgeKey(u, v)
	mask := len(s.slots) - 1
	i := s.home(key)
	for ; s.slots[i] != key; i = (i + 1) & mask {
		if s.slots[i] == 0 {
			return
		}
	}
	s.n--
	// Shift later members of the probe run back into the hole when the
	// hole lies cyclically between their home slot and their slot.
	for j := (i + 1) & mask; s.slots[j] != 0; j = (j + 1) & mask {
		h := s.home(s.slots[j])
		if (j-h)&mask >= (j-i)&mask {
			s.slots[i] = s.slots[j]
			i = j
		}
	}
	s.slots[i] = 0
}

// shuffle permutes a uniformly at random (Fisher–Yates).
func shuffle(a []int32, r *Rand) {
	for i := len(a) - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		a[i], a[j] = a[j], a[i]
	}
}
