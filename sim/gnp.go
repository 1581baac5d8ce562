// G(n,p) by geometric skipping: V. Batagelj and U. Brandes, "Efficient
// generation of large random networks", Physical Review E 71, 036113 (2005),
// algorithm G(n,p).

package sim

import "math"

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "er",
		Doc:  "Erdős–Rényi G(n,p); give mean_degree (p = mean_degree/(n-1)) or p",
		Keys: keysOf[erParams]("n", "mean_degree", "p"),
		New:  generatorFrom(newGnp),
		Bytes: bytesFrom(func(c *erParams) int64 {
			return lowerBytes(c.N, gnpCap(c.N, c.gnpP()))
		}),
	})
}

// erParams are the keys of [network] that er reads.
type erParams struct {
	N          int     `toml:"n"`
	MeanDegree float64 `toml:"mean_degree"` // p = mean_degree/(n-1)
	P          float64 `toml:"p"`           // edge probability, instead of mean_degree
}

// gnpP returns the edge probability c describes.
func (c *erParams) gnpP() float64 {
	if c.P != 0 || c.N < 2 {
		return c.P
	}
	return c.MeanDegree / float64(c.N-1)
}

func newGnp(c *erParams) (Generator, error) {
	if c.P != 0 && c.MeanDegree != 0 {
		return nil, badParam("p", c.P, "give either p or mean_degree, not both")
	}
	if c.MeanDegree < 0 {
		return nil, badParam("mean_degree", c.MeanDegree, "must be at least 0")
	}
	p := c.gnpP()
	if math.IsNaN(p) || p < 0 || p > 1 {
		if c.P != 0 {
			return nil, badParam("p", c.P, "must lie in [0, 1]")
		}
		return nil, badParam("mean_degree", c.MeanDegree, "gives p = mean_degree/(n-1) = %g, outside [0, 1]; use at most n-1 = %d", p, c.N-1)
	}
	if gnpCap(c.N, p) > MaxStubs/2 {
		key, val := "mean_degree", any(c.MeanDegree)
		if c.P != 0 {
			key, val = "p", c.P
		}
		return nil, badParam(key, val, "about %.3g edges expected, more than the int32 CSR limit of %d", p*pairs(c.N), MaxStubs/2)
	}
	return Gnp{N: c.N, P: p}, nil
}

// pairs returns n(n-1)/2, the number of node pairs.
func pairs(n int) float64 { return float64(n) * float64(n-1) / 2 }

// gnpCap returns a number of edges that G(n,p) exceeds with negligible
// probability (mean plus six standard deviations), to size Adj once.
func gnpCap(n int, p float64) int {
	if n < 2 || !(p > 0) {
		return 0
	}
	mean := p * pairs(n)
	c := mean + 6*math.Sqrt(mean*(1-p)) + 16
	if c > pairs(n) {
		c = pairs(n)
	}
	if c > 2*MaxStubs {
		return 2 * MaxStubs
	}
	return int(c)
}

// lowerBytes is the memory of a graph built through startLower and
// finishLower: Off and deg (4 bytes a node each) and Adj (8 bytes an edge).
func lowerBytes(n, edges int) int64 {
	return 8*int64(n+1) + 8*int64(edges)
}

// Gnp generates Erdős–Rényi G(n,p) graphs in O(n+m) expected time. Every
// row of the graph it builds is sorted.
type Gnp struct {
	N int
	P float64
}

// Generate fills dst with one G(n,p) graph. It keeps no edge list: the
// lower neighbours are written straight into dst.Adj (see finishLower), so
// its peak memory is dst's Off and Adj plus one int32 per node.
func (gen Gnp) Generate(dst *Graph, r *Rand) error {
	dst.startLower(gen.N, gnpCap(gen.N, gen.P))
	gnpLower(dst, gen.N, gen.P, r)
	return dst.finishLower()
}

// maxSkip bounds one geometric skip so that its conversion to int64 is
// defined; any skip that large already runs past the last pair.
const maxSkip = 1 << 62

// gnpLower appends the lower lists of one G(n,p) graph to dst, which
// startLower prepared: each pair (v, w), w < v, in lexicographic order,
// is an edge with probability p.
func gnpLower(dst *Graph, n int, p float64, r *Rand) {
	if n < 2 || !(p > 0) {
		return
	}
	adj, lo := dst.Adj, dst.Off[:n]
	if p >= 1 {
		for v := 1; v < n; v++ {
			for w := 0; w < v; w++ {
				adj = append(adj, int32(w))
			}
			lo[v] = int32(v)
		}
		dst.Adj = adj
		return
	}
	// A skip of floor(E/λ) non-edges, E ~ Exp(1) and λ = -log(1-p), is
	// geometric: P(skip ≥ k) = exp(-kλ) = (1-p)^k.
	inv := -1 / math.Log1p(-p)
	nn := int64(n)
	v, w := int64(1), int64(-1)
	// The ziggurat's fast path (expZig) is written out here on a local
	// copy of the generator's state, which the compiler keeps in
	// registers; *r is synced around the rare slow path and at the end.
	rr := *r
	for {
		// Skip a geometric number of non-edges.
		u := rr.Uint64()
		var e float64
		if i, j := u&255, u>>11; j < zigK[i] {
			e = float64(j) * zigW[i]
		} else {
			*r = rr
			e = expZigSlow(r, u)
			rr = *r
		}
		s := e * inv
		if s > maxSkip {
			s = maxSkip
		}
		w += 1 + int64(s)
		for w >= v {
			w -= v
			v++
			if v >= nn {
				*r = rr
				dst.Adj = adj
				return
			}
		}
		adj = append(adj, int32(w))
		lo[v]++
	}
}
