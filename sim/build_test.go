package sim

import (
	"slices"
	"testing"
)

// checkGraph verifies the CSR invariants every generator promises: Off
// starts at 0 and never decreases, Adj holds ids in [0, N), the neighbour
// relation is symmetric (with multiplicity) and, when simple is set, there
// are no self-loops or repeated edges.
func checkGraph(tb testing.TB, g *Graph, simple bool) {
	tb.Helper()
	if len(g.Off) != g.N+1 {
		tb.Fatalf("len(Off) = %d, want N+1 = %d", len(g.Off), g.N+1)
	}
	if g.Off[0] != 0 {
		tb.Fatalf("Off[0] = %d, want 0", g.Off[0])
	}
	for v := 0; v < g.N; v++ {
		if g.Off[v+1] < g.Off[v] {
			tb.Fatalf("Off decreases at %d: %d > %d", v, g.Off[v], g.Off[v+1])
		}
	}
	if int(g.Off[g.N]) != len(g.Adj) {
		tb.Fatalf("Off[N] = %d, len(Adj) = %d", g.Off[g.N], len(g.Adj))
	}
	if len(g.Adj)%2 != 0 {
		tb.Fatalf("degree sum %d is odd", len(g.Adj))
	}
	// count[v]: neighbours of v; compare multiplicities both ways through
	// sorted copies of the rows.
	rows := make([][]int32, g.N)
	for v := range rows {
		rows[v] = slices.Clone(g.Neighbors(int32(v)))
		slices.Sort(rows[v])
	}
	for v, row := range rows {
		for i, w := range row {
			if w < 0 || int(w) >= g.N {
				tb.Fatalf("node %d has neighbour %d outside [0, %d)", v, w, g.N)
			}
			if simple && int(w) == v {
				tb.Fatalf("self-loop at %d", v)
			}
			if simple && i > 0 && row[i-1] == w {
				tb.Fatalf("repeated edge %d-%d", v, w)
			}
			// multiplicity of w in row v must equal that of v in row w
			a := count(row, w)
			b := count(rows[w], int32(v))
			if int(w) == v {
				if a%2 != 0 {
					tb.Fatalf("self-loop at %d appears %d times, want an even number", v, a)
				}
			} else if a != b {
				tb.Fatalf("asymmetric: %d lists %d %d times, %d lists %d %d times", v, w, a, w, v, b)
			}
		}
	}
}

func count(sorted []int32, x int32) int {
	i, _ := slices.BinarySearch(sorted, x)
	j := i
	for j < len(sorted) && sorted[j] == x {
		j++
	}
	return j - i
}

// sameGraph fails unless a and b hold identical Off and Adj.
func sameGraph(tb testing.TB, a, b *Graph) {
	tb.Helper()
	if a.N != b.N || !slices.Equal(a.Off, b.Off) || !slices.Equal(a.Adj, b.Adj) {
		tb.Fatalf("graphs differ: N %d vs %d, %d vs %d edges", a.N, b.N, a.Edges(), b.Edges())
	}
}

func TestEdgeSet(t *testing.T) {
	// A model map checks add/has/remove over a random sequence dense
	// enough that probe runs wrap and backward shifts happen.
	r := NewRand(1)
	var scratch []uint64
	const n = 40
	s := newEdgeSet(&scratch, 300)
	model := map[uint64]bool{}
	for i := 0; i < 20000; i++ {
		u, v := int32(r.IntN(n)), int32(r.IntN(n))
		k := edgeKey(u, v)
		switch r.IntN(3) {
		case 0:
			if len(model) >= 300 && !model[k] {
				continue
			}
			if got, want := s.add(u, v), !model[k]; got != want {
				t.Fatalf("step %d: add(%d,%d) = %v, want %v", i, u, v, got, want)
			}
			model[k] = true
		case 1:
			s.remove(v, u)
			delete(model, k)
		default:
			if got := s.has(u, v); got != model[k] {
				t.Fatalf("step %d: has(%d,%d) = %v, want %v", i, u, v, got, model[k])
			}
		}
		if s.n != len(model) {
			t.Fatalf("step %d: size %d, want %d", i, s.n, len(model))
		}
	}
}

func TestSimplify(t *testing.T) {
	var g Graph
	pairs := []int32{0, 1, 1, 0, 2, 2, 1, 2, 3, 3, 3, 3, 0, 1, 2, 3}
	if err := g.buildFromPairs(4, pairs); err != nil {
		t.Fatal(err)
	}
	checkGraph(t, &g, false)
	g.simplify()
	checkGraph(t, &g, true)
	want := [][]int32{{1}, {0, 2}, {1, 3}, {2}}
	for v, row := range want {
		got := slices.Clone(g.Neighbors(int32(v)))
		slices.Sort(got)
		if !slices.Equal(got, row) {
			t.Errorf("row %d = %v, want %v", v, got, row)
		}
	}
}

func TestFinishLower(t *testing.T) {
	// Every lower-list graph on 5 nodes: bit i of mask is pair i in
	// lexicographic order.
	const n = 5
	var g Graph
	for mask := 0; mask < 1<<10; mask++ {
		g.startLower(n, 0)
		i := 0
		var want [n][]int32
		for v := 1; v < n; v++ {
			for w := 0; w < v; w++ {
				if mask>>i&1 == 1 {
					g.Adj = append(g.Adj, int32(w))
					g.Off[v]++
					want[v] = append(want[v], int32(w))
					want[w] = append(want[w], int32(v))
				}
				i++
			}
		}
		if err := g.finishLower(); err != nil {
			t.Fatal(err)
		}
		checkGraph(t, &g, true)
		for v := range want {
			got := g.Neighbors(int32(v))
			if !slices.IsSorted(got) || !slices.Equal(got, slices.Sorted(slices.Values(want[v]))) {
				t.Fatalf("mask %b: row %d = %v, want %v sorted", mask, v, got, want[v])
			}
		}
	}
}
