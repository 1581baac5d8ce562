// G(n,p) by geometric skipping: V. Batagelj and U. Brandes, "Efficient
// generation of large random networks", Physical Review E 71, 036113 (2005),
// algorithm G(n,p).

package sim

import "math"

func init() {
	registerGenerator("er", generatorInfo{
		doc:  "Erdős–Rényi G(n,p); give mean_degree (p = mean_degree/(n-1)) or p",
		keys: []string{"n", "mean_degree", "p"},
		new:  newGnp,
		bytes: func(c *NetworkConfig) int64 {
			p := c.gnpP()
			m := p * float64(c.N) * float64(c.N-1) / 2
			return int64(8*c.N) + int64(16*m)
		},
	})
}

// gnpP returns the edge probability c describes.
func (c *NetworkConfig) gnpP() float64 {
	if c.P != 0 || c.N < 2 {
		return c.P
	}
	return c.MeanDegree / float64(c.N-1)
}

func newGnp(c *NetworkConfig) (Generator, error) {
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
	return Gnp{N: c.N, P: p}, nil
}

// Gnp generates Erdős–Rényi G(n,p) graphs in O(n+m) expected time.
type Gnp struct {
	N int
	P float64
}

// Generate fills dst with one G(n,p) graph.
func (gen Gnp) Generate(dst *Graph, r *Rand) error {
	n, p := gen.N, gen.P
	src, tgt := dst.src[:0], dst.dst[:0]
	if p > 0 && n > 1 {
		lq := math.Log1p(-p)
		v, w := int64(1), int64(-1)
		nn := int64(n)
		for v < nn {
			// Skip a geometric number of non-edges.
			if p < 1 {
				w += 1 + int64(math.Log(r.Float64Open())/lq)
			} else {
				w++
			}
			for w >= v && v < nn {
				w -= v
				v++
			}
			if v < nn {
				src = append(src, int32(v))
				tgt = append(tgt, int32(w))
			}
		}
	}
	dst.src, dst.dst = src, tgt
	return dst.BuildFromEdges(n, src, tgt)
}
