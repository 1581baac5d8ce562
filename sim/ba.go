// Barabási–Albert preferential attachment (A.-L. Barabási and R. Albert,
// "Emergence of scaling in random networks", Science 286, 509–512 (1999)),
// built in O(n·m) with the list of repeated nodes of V. Batagelj and
// U. Brandes, "Efficient generation of large random networks", Physical
// Review E 71, 036113 (2005), algorithm BA: every edge appends both its ends
// to one array, so a uniform entry of the array is a node drawn with
// probability proportional to its degree.

package sim

import "fmt"

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "ba",
		Doc:  "Barabási–Albert preferential attachment: a clique on m+1 nodes, then each new node joins m distinct nodes chosen ∝ degree",
		Keys: keysOf[baParams]("n", "m"),
		New:  generatorFrom(newBA),
		Bytes: bytesFrom(func(c *baParams) int64 {
			return 8*int64(c.N+1) + 16*baEdges(c.N, c.M)
		}),
	})
}

// baParams are the keys of [network] that ba reads.
type baParams struct {
	N int `toml:"n"`
	M int `toml:"m"` // edges each new node brings
}

func newBA(c *baParams) (Generator, error) {
	switch {
	case c.M < 1:
		return nil, badParam("m", c.M, "must be at least 1")
	case c.M >= c.N:
		return nil, badParam("m", c.M, "needs n >= m+1 = %d nodes for the starting clique", c.M+1)
	case 2*baEdges(c.N, c.M) > MaxStubs:
		return nil, badParam("m", c.M, "%d edges exceed the int32 CSR limit of %d", baEdges(c.N, c.M), MaxStubs/2)
	}
	return BA{N: c.N, M: c.M}, nil
}

// baEdges returns the number of edges of a BA graph: the starting clique's
// m(m+1)/2 and m for each of the n-m-1 later nodes.
func baEdges(n, m int) int64 {
	return int64(m)*int64(m+1)/2 + int64(n-m-1)*int64(m)
}

// BA generates Barabási–Albert graphs: nodes 0..M form a clique, then each
// node v > M joins M distinct earlier nodes, each drawn with probability
// proportional to its degree before v arrived (draws that repeat a target
// are redrawn), so the graph is simple and has exactly
// M(M+1)/2 + (N-M-1)·M edges. Its degree distribution tends to
// P(k) = 2M(M+1)/(k(k+1)(k+2)) for k >= M (S. N. Dorogovtsev, J. F. F.
// Mendes and A. N. Samukhin, PRL 85, 4633 (2000); B. Bollobás et al.,
// Random Structures and Algorithms 18, 279 (2001)).
type BA struct {
	N, M int
}

// Generate fills dst with one BA graph in O(N·M) expected time.
func (gen BA) Generate(dst *Graph, r *Rand) error {
	n, m := gen.N, gen.M
	if n < m+1 || m < 1 {
		return fmt.Errorf("sim: ba: need 1 <= m < n, have n=%d m=%d", n, m)
	}
	// ends lists the two ends of every edge so far: the repeated nodes.
	ends := grow(dst.src, int(2*baEdges(n, m)))[:0]
	for v := int32(1); v <= int32(m); v++ {
		for w := range v {
			ends = append(ends, v, w)
		}
	}
	mark := grow(dst.deg, n) // mark[t] = v+1 once v chose t
	clear(mark)
	for v := int32(m + 1); v < int32(n); v++ {
		before := len(ends)
		for c := 0; c < m; {
			t := ends[r.IntN(before)]
			if mark[t] == v+1 {
				continue
			}
			mark[t] = v + 1
			ends = append(ends, v, t)
			c++
		}
	}
	dst.src, dst.deg = ends, mark
	return dst.buildFromPairs(n, ends)
}
