// Random graphs with clustering: M. E. J. Newman, "Random graphs with
// clustering", Physical Review Letters 103, 058701 (2009), and J. C.
// Miller, "Percolation and epidemics in random clustered networks",
// Physical Review E 80, 020901(R) (2009). Each node has a number of
// single edges and a number of triangles; single-edge stubs are paired
// uniformly at random and triangle corners grouped into triples uniformly
// at random, as in the configuration model.

package sim

import (
	"fmt"
	"math"
)

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "clustered",
		Doc: `random graph with triangles (Newman 2009, Miller 2009): each node has Poisson(mean_singles) single edges ` +
			`and Poisson(mean_triangles) triangles, stubs paired and corners grouped in threes at random; ` +
			`self-loops and repeated edges erased`,
		Keys:  keysOf[clusteredParams]("n", "mean_singles", "mean_triangles"),
		New:   generatorFrom(newClustered),
		Bytes: bytesFrom(clusteredBytes),
	})
}

// clusteredParams are the keys of [network] that clustered reads.
type clusteredParams struct {
	N             int     `toml:"n"`
	MeanSingles   float64 `toml:"mean_singles"`   // mean number of single edges of a node (Poisson)
	MeanTriangles float64 `toml:"mean_triangles"` // mean number of triangles of a node (Poisson)
}

// Clustered generates random graphs with triangles. Each node draws s, its
// single edges, from Poisson(MeanSingles) and t, its triangles, from
// Poisson(MeanTriangles), independently (Newman 2009's example); the
// sequences are drawn again while Σs is odd or Σt is not a multiple of 3,
// which conditions them exactly. Single stubs are paired and triangle
// corners grouped into triples uniformly at random; a triangle or edge
// that repeats a node or an edge is kept with its self-loops and repeats
// erased, as the configuration model's multi_edges = "erase" does (O(1)
// of them as n grows). A node of degree k then has s + 2t = k, and the
// expected number of triangles is n·MeanTriangles/3.
type Clustered struct {
	N       int
	Singles float64
	Tris    float64
}

func newClustered(c *clusteredParams) (Generator, error) {
	for _, k := range []struct {
		key string
		val float64
	}{{"mean_singles", c.MeanSingles}, {"mean_triangles", c.MeanTriangles}} {
		if !(k.val >= 0) || k.val > 1e6 {
			return nil, badParam(k.key, k.val, "must be a number from 0 to 1e6")
		}
	}
	if est := float64(c.N) * (c.MeanSingles + 2*c.MeanTriangles + 6*math.Sqrt(c.MeanSingles+4*c.MeanTriangles)); est > MaxStubs {
		return nil, badParam("mean_triangles", c.MeanTriangles, "n·(mean_singles + 2·mean_triangles) exceeds the int32 CSR limit of %d stubs", int64(MaxStubs))
	}
	return &Clustered{N: c.N, Singles: c.MeanSingles, Tris: c.MeanTriangles}, nil
}

func clusteredBytes(c *clusteredParams) int64 {
	stubs := float64(c.N) * (c.MeanSingles + 3*c.MeanTriangles)
	adj := float64(c.N) * (c.MeanSingles + 2*c.MeanTriangles)
	// Off and deg; the stub lists (singles, corners) and the pairs they
	// become (two ends for each single and three edges for each triple);
	// Adj.
	return int64(8*float64(c.N+1) + 4*stubs + 4*(c.MeanSingles+6*c.MeanTriangles)*float64(c.N) + 4*adj)
}

// Generate fills dst with one clustered random graph.
func (gen *Clustered) Generate(dst *Graph, r *Rand) error {
	n := gen.N
	dst.deg = grow(dst.deg, n)
	tri := grow(dst.dst, n)[:n] // triangles per node, while drawing
	dst.dst = tri
	var ss, ts int
	for attempt := 0; ; attempt++ {
		if attempt == configParityDraws {
			return fmt.Errorf("sim: clustered: no degree sequence with an even single-stub sum and a triangle-corner sum divisible by 3 in %d draws", configParityDraws)
		}
		ss, ts = 0, 0
		for v := range n {
			s, t := poisson(r, gen.Singles), poisson(r, gen.Tris)
			dst.deg[v], tri[v] = int32(s), int32(t)
			ss += s
			ts += t
		}
		if ss%2 == 0 && ts%3 == 0 {
			break
		}
	}
	if int64(ss)+2*int64(ts) > MaxStubs {
		return fmt.Errorf("sim: clustered: %d stubs exceed the int32 CSR limit of %d", int64(ss)+2*int64(ts), int64(MaxStubs))
	}
	// pairs: the single stubs, paired in place, then two entries for
	// each edge of each triangle.
	pairs := grow(dst.src, ss+2*ts)
	dst.src = pairs
	i := 0
	for v := range n {
		for range dst.deg[v] {
			pairs[i] = int32(v)
			i++
		}
	}
	shuffle(pairs[:ss], r)
	corners := pairs[ss : ss+ts]
	j := 0
	for v := range n {
		for range tri[v] {
			corners[j] = int32(v)
			j++
		}
	}
	shuffle(corners, r)
	// Expand each triple (a, b, c) into the edges a-b, b-c, c-a, from
	// the end so that no corner is overwritten before it is read: triple
	// k occupies corners[3k:3k+3] and its edges pairs[ss+6k:ss+6k+6].
	for k := ts/3 - 1; k >= 0; k-- {
		a, b, c := corners[3*k], corners[3*k+1], corners[3*k+2]
		e := pairs[ss+6*k : ss+6*k+6]
		e[0], e[1], e[2], e[3], e[4], e[5] = a, b, b, c, c, a
	}
	if err := dst.buildFromPairs(n, pairs); err != nil {
		return err
	}
	dst.simplify()
	return nil
}
