// Degree-preserving randomisation by double-edge swaps: S. Maslov and
// K. Sneppen, "Specificity and stability in topology of protein
// networks", Science 296, 910–913 (2002).

package sim

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "rewire",
		Doc: `null model of a network file (path, format as for file): its degrees kept, rewired by double-edge swaps ` +
			`(Maslov & Sneppen 2002), swaps attempts per edge (default 10), never making a self-loop or repeated edge`,
		Keys:     keysOf[rewireParams]("n", "path", "format", "sha256", "swaps"),
		New:      generatorFrom(newRewire),
		Bytes:    bytesFrom(rewireBytes),
		Resolve:  resolveFile,
		Locators: []string{"path"},
	})
}

// rewireParams are the keys of [network] that rewire reads.
type rewireParams struct {
	fileParams
	Swaps float64 `toml:"swaps"` // attempted swaps per edge; 0 means the default, 10
}

// defaultSwaps is the default number of attempted swaps per edge.
const defaultSwaps = 10

func newRewire(c *rewireParams) (Generator, error) {
	swaps := c.Swaps
	if swaps == 0 {
		swaps = defaultSwaps
	}
	if !(swaps > 0) || swaps > 1e6 {
		return nil, badParam("swaps", c.Swaps, "want a number of swaps per edge above 0 and at most 1e6 (default %d)", defaultSwaps)
	}
	net, err := c.load()
	if err != nil {
		return nil, err
	}
	return &Rewire{Net: net, Swaps: swaps}, nil
}

func rewireBytes(c *rewireParams) int64 {
	net, err := c.load()
	if err != nil {
		return 0
	}
	n, m := int64(net.Graph.N), int64(net.Graph.Edges())
	// Off, deg; src and dst; Adj; the edge set (at most 4m slots of 8 bytes).
	return 8*(n+1) + 8*m + 8*m + 32*m
}

// Rewire generates randomisations of a file's network that keep every
// node's degree: starting from the network, it attempts Swaps·m
// double-edge swaps, m the number of edges. A swap picks two edges
// {a, b} and {c, d} uniformly (and one of the two ways to pair their
// ends) and replaces them with {a, d} and {c, b}, unless that would make
// a self-loop or an edge already present, when the attempt is rejected
// and the network kept. Rejected attempts count toward Swaps·m, as in
// Maslov and Sneppen's Monte Carlo, so the cost is fixed and the chain
// is the same for a given stream.
type Rewire struct {
	Net   *FileNetwork
	Swaps float64 // attempted swaps per edge
}

// Generate fills dst with one rewiring of the network, drawing from r.
func (gen *Rewire) Generate(dst *Graph, r *Rand) error {
	g := gen.Net.Graph
	m := g.Edges()
	src, dsts := grow(dst.src, m)[:0], grow(dst.dst, m)[:0]
	for v := int32(0); v < int32(g.N); v++ {
		for _, w := range g.Neighbors(v) {
			if v < w {
				src, dsts = append(src, v), append(dsts, w)
			}
		}
	}
	dst.src, dst.dst = src, dsts
	if m >= 2 {
		set := newEdgeSet(&dst.keys, m)
		for i := range src {
			set.add(src[i], dsts[i])
		}
		attempts := int64(gen.Swaps * float64(m))
		for range attempts {
			i, j := r.IntN(m), r.IntN(m)
			if i == j {
				continue
			}
			a, b := src[i], dsts[i]
			c, d := src[j], dsts[j]
			if r.Uint64()&1 == 1 {
				c, d = d, c
			}
			// {a, b}, {c, d} → {a, d}, {c, b}
			if a == d || c == b || set.has(a, d) || set.has(c, b) {
				continue
			}
			set.remove(a, b)
			set.remove(c, d)
			set.add(a, d)
			set.add(c, b)
			src[i], dsts[i] = a, d
			src[j], dsts[j] = c, b
		}
	}
	return dst.BuildFromEdges(g.N, src, dsts)
}
