// The stochastic block model: P. W. Holland, K. B. Laskey and S.
// Leinhardt, "Stochastic blockmodels: first steps", Social Networks 5,
// 109–137 (1983); see M. E. J. Newman, Networks, 2nd ed. (2018), 12.11.
// Each block pair is a G(n,p) (or bipartite G(n1,n2,p)) drawn by the
// geometric skipping of V. Batagelj and U. Brandes, "Efficient generation
// of large random networks", Physical Review E 71, 036113 (2005).

package sim

import (
	"fmt"
	"math"
)

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "sbm",
		Doc: `stochastic block model; sizes = [n1, n2, ...] (n defaults to their sum) and, row by row, a symmetric ` +
			`B×B matrix of edge probabilities (probabilities) or of mean degrees (mean_degrees: the expected neighbours in block s ` +
			`of a node of block r, with n_r·c_rs = n_s·c_sr); O(n+m) by geometric skipping per block pair`,
		Keys:    keysOf[sbmParams]("n", "sizes", "probabilities", "mean_degrees"),
		New:     generatorFrom(newSBM),
		Bytes:   bytesFrom(sbmBytes),
		Resolve: resolveSBM,
	})
}

// sbmParams are the keys of [network] that sbm reads.
type sbmParams struct {
	N             int       `toml:"n"`             // sum of sizes; set from them when absent
	Sizes         []int     `toml:"sizes"`         // the number of nodes of each block
	Probabilities []float64 `toml:"probabilities"` // B×B, row by row: p_rs, the probability of each edge between blocks r and s
	MeanDegrees   []float64 `toml:"mean_degrees"`  // B×B, row by row: c_rs, a block-r node's expected neighbours in block s
}

// resolveSBM sets n to the sum of the block sizes, or checks it.
func resolveSBM(params Params, _ string) (string, error) {
	sizes, ok := params["sizes"].([]int64)
	if !ok {
		return "", nil // New reports it
	}
	var sum int64
	for _, s := range sizes {
		sum += s
	}
	if n, ok := params["n"].(int64); ok && n != sum {
		return "", badParam("n", n, "the block sizes add up to %d; leave n out or give their sum", sum)
	}
	if _, ok := params["n"]; !ok && sum >= 1 && sum <= MaxNodes {
		params["n"] = sum
	}
	return "", nil
}

// SBM generates stochastic block model graphs: nodes are numbered block
// by block (block 0 first), and each pair of nodes in blocks r and s is
// joined independently with probability P[r][s].
type SBM struct {
	Sizes []int
	P     [][]float64 // symmetric
	start []int       // start[r]: the first node of block r
	n     int
	cap   int // edges that are exceeded with negligible probability
}

func newSBM(c *sbmParams) (Generator, error) {
	b := len(c.Sizes)
	if b == 0 {
		return nil, badParam("sizes", "[]", "required: the number of nodes of each block, e.g. [500, 500]")
	}
	gen := &SBM{Sizes: append([]int(nil), c.Sizes...), start: make([]int, b+1)}
	for r, s := range c.Sizes {
		if s < 1 {
			return nil, badParam("sizes", s, "entry %d: every block needs at least 1 node", r+1)
		}
		gen.start[r+1] = gen.start[r] + s
		if gen.start[r+1] > MaxNodes {
			return nil, badParam("sizes", fmt.Sprintf("[sum > %d]", MaxNodes), "at most %d nodes fit int32 node ids", MaxNodes)
		}
	}
	gen.n = gen.start[b]
	if c.N != gen.n {
		return nil, badParam("n", c.N, "the block sizes add up to %d; leave n out or give their sum", gen.n)
	}
	key, m := "probabilities", c.Probabilities
	switch {
	case c.Probabilities != nil && c.MeanDegrees != nil:
		return nil, badParam("mean_degrees", "[...]", "give either probabilities or mean_degrees, not both")
	case c.MeanDegrees != nil:
		key, m = "mean_degrees", c.MeanDegrees
	case c.Probabilities == nil:
		return nil, badParam("probabilities", "[]", "required: probabilities or mean_degrees, a %d×%d matrix row by row", b, b)
	}
	if len(m) != b*b {
		return nil, badParam(key, fmt.Sprintf("[%d entries]", len(m)), "needs %d×%d = %d entries, the matrix row by row", b, b, b*b)
	}
	gen.P = make([][]float64, b)
	var edges float64
	for r := range b {
		gen.P[r] = make([]float64, b)
		for s := range b {
			x := m[r*b+s]
			if !(x >= 0) || math.IsInf(x, 0) {
				return nil, badParam(key, x, "entry (%d, %d) must be a finite number at least 0", r+1, s+1)
			}
			if key == "mean_degrees" {
				// A block-r node has n_s (or n_r − 1) candidates in block s.
				cand := float64(c.Sizes[s])
				if r == s {
					cand--
				}
				switch {
				case x == 0:
				case cand == 0:
					return nil, badParam(key, x, "entry (%d, %d): block %d has one node, which has no neighbour in its own block", r+1, s+1, r+1)
				default:
					x /= cand
				}
			}
			if x > 1 {
				return nil, badParam(key, m[r*b+s], "entry (%d, %d) gives an edge probability %g above 1", r+1, s+1, x)
			}
			gen.P[r][s] = x
		}
	}
	for r := range b {
		for s := r + 1; s < b; s++ {
			if a, z := gen.P[r][s], gen.P[s][r]; math.Abs(a-z) > 1e-9*max(a, z) {
				if key == "mean_degrees" {
					return nil, badParam(key, m[r*b+s], "entry (%d, %d) and entry (%d, %d) disagree: n_%d·c_%d%d = %g but n_%d·c_%d%d = %g edges",
						r+1, s+1, s+1, r+1, r+1, r+1, s+1, m[r*b+s]*float64(c.Sizes[r]), s+1, s+1, r+1, m[s*b+r]*float64(c.Sizes[s]))
				}
				return nil, badParam(key, m[r*b+s], "entry (%d, %d) differs from entry (%d, %d) = %g: the matrix must be symmetric", r+1, s+1, s+1, r+1, m[s*b+r])
			}
			gen.P[s][r] = gen.P[r][s]
		}
	}
	for r := range b {
		for s := r; s < b; s++ {
			edges += gen.P[r][s] * gen.pairs(r, s)
		}
	}
	gen.cap = int(min(edges+6*math.Sqrt(edges)+16, 2*MaxStubs))
	if gen.cap > MaxStubs/2 {
		return nil, badParam(key, "[...]", "about %.3g edges expected, more than the int32 CSR limit of %d", edges, MaxStubs/2)
	}
	return gen, nil
}

// pairs returns the number of node pairs between blocks r and s.
func (gen *SBM) pairs(r, s int) float64 {
	if r == s {
		return pairs(gen.Sizes[r])
	}
	return float64(gen.Sizes[r]) * float64(gen.Sizes[s])
}

func sbmBytes(c *sbmParams) int64 {
	gen, err := newSBM(c)
	if err != nil {
		return 0
	}
	m := int64(gen.(*SBM).cap)
	// Off and deg; the edge list; Adj.
	return 8*int64(c.N+1) + 8*m + 8*m
}

// Generate fills dst with one stochastic block model graph, in O(n+m)
// expected time.
func (gen *SBM) Generate(dst *Graph, r *Rand) error {
	src, dsts := grow(dst.src, gen.cap)[:0], grow(dst.dst, gen.cap)[:0]
	b := len(gen.Sizes)
	for x := range b {
		for y := x; y < b; y++ {
			p := gen.P[x][y]
			if !(p > 0) {
				continue
			}
			// A skip of floor(E/λ) non-edges, E ~ Exp(1) and
			// λ = −log(1−p), is geometric: P(skip ≥ k) = (1−p)^k.
			inv := math.Inf(1)
			if p < 1 {
				inv = -1 / math.Log1p(-p)
			}
			skip := func() int64 {
				if p >= 1 {
					return 0
				}
				return int64(min(r.Exp()*inv, maxSkip))
			}
			sx, sy := int64(gen.start[x]), int64(gen.start[y])
			nx, ny := int64(gen.Sizes[x]), int64(gen.Sizes[y])
			if x == y {
				// The pairs (v, w), w < v, in lexicographic order.
				v, w := int64(1), int64(-1)
				for {
					w += 1 + skip()
					for w >= v && v < nx {
						w -= v
						v++
					}
					if v >= nx {
						break
					}
					src, dsts = append(src, int32(sx+v)), append(dsts, int32(sx+w))
				}
				continue
			}
			// The pairs (i, j) of blocks x and y, row by row.
			k, total := int64(-1), nx*ny
			for {
				s := skip()
				if s >= total-k-1 {
					break
				}
				k += 1 + s
				src, dsts = append(src, int32(sx+k/ny)), append(dsts, int32(sy+k%ny))
			}
		}
	}
	dst.src, dst.dst = src, dsts
	return dst.BuildFromEdges(gen.n, src, dsts)
}
