package sim

// DegreeMoments returns the first two moments of g's degree distribution:
// k1 = <k> (the mean degree) and k2 = <k²>. An empty graph gives zeros.
func DegreeMoments(g *Graph) (k1, k2 float64) {
	if g.N == 0 {
		return 0, 0
	}
	var s1, s2 float64
	for v := 0; v < g.N; v++ {
		d := float64(g.Off[v+1] - g.Off[v])
		s1 += d
		s2 += d * d
	}
	n := float64(g.N)
	return s1 / n, s2 / n
}

// DegreeHistogram fills dst with the number of nodes of each degree:
// dst[k] = #{v : deg(v) = k}, len(dst) = maximum degree + 1 (0 for an
// empty graph). It reuses dst's memory and returns it.
func DegreeHistogram(dst []int64, g *Graph) []int64 {
	maxDeg := 0
	for v := 0; v < g.N; v++ {
		maxDeg = max(maxDeg, int(g.Off[v+1]-g.Off[v]))
	}
	if g.N == 0 {
		return dst[:0]
	}
	dst = grow(dst, maxDeg+1)
	clear(dst)
	for v := 0; v < g.N; v++ {
		dst[g.Off[v+1]-g.Off[v]]++
	}
	return dst
}
