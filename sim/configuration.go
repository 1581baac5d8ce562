// The configuration model: M. Molloy and B. Reed, "A critical point for
// random graphs with a given degree sequence", Random Structures and
// Algorithms 6, 161–179 (1995); see M. E. J. Newman, Networks, 2nd ed.
// (2018), ch. 12. Each node gets as many stubs as its degree and the stubs
// are paired uniformly at random. Power-law degrees follow the uncorrelated
// configuration model of M. Catanzaro, M. Boguñá and R. Pastor-Satorras,
// "Generation of uncorrelated random scale-free networks", Physical Review E
// 71, 027103 (2005), whose cutoff k_max = sqrt(n) is the default here.

package sim

import (
	"fmt"
	"math"
)

func init() {
	RegisterGenerator(GeneratorModel{
		Name: "configuration",
		Doc: `configuration model; degrees = "poisson" (mean_degree), "powerlaw" (exponent, k_min = 1, k_max = floor(sqrt(n))) ` +
			`or "list" (degree_list) or "file" (the degree sequence of a network file: path, format as for file); ` +
			`multi_edges = "erase" (default: drop self-loops and repeats after pairing) ` +
			`or "reject" (re-pair until simple, at most 10000 times); reports the realised mean_k and mean_k2`,
		Keys: keysOf[configurationParams]("n", "degrees", "mean_degree", "exponent", "k_min", "k_max", "degree_list", "multi_edges",
			"path", "format", "sha256"),
		New:      generatorFrom(newConfiguration),
		Bytes:    bytesFrom(configurationBytes),
		Resolve:  resolveConfiguration,
		Locators: []string{"path"},
	})
}

// configurationParams are the keys of [network] that configuration reads.
type configurationParams struct {
	N          int     `toml:"n"`
	Degrees    string  `toml:"degrees"`     // "poisson", "powerlaw" or "list"
	MeanDegree float64 `toml:"mean_degree"` // poisson: mean of the Poisson degrees
	Exponent   float64 `toml:"exponent"`    // powerlaw: P(k) ∝ k^-exponent
	KMin       int     `toml:"k_min"`       // powerlaw: smallest degree (default 1; 0 means unset)
	KMax       int     `toml:"k_max"`       // powerlaw: largest degree (default max(k_min, floor(sqrt(n))); 0 means unset)
	DegreeList []int   `toml:"degree_list"` // list: the degree of each node, n entries
	MultiEdges string  `toml:"multi_edges"` // "erase" (default) or "reject" self-loops and multi-edges
	Path       string  `toml:"path"`        // file: the network file, absolute once resolved
	Format     string  `toml:"format"`      // file: "edges" or "mtx"
	SHA256     string  `toml:"sha256"`      // file: the file's SHA-256, set when resolved
}

// resolveConfiguration resolves the network file of degrees = "file" (see
// resolveFile); other degree laws read no file.
func resolveConfiguration(params Params, dir string) (string, error) {
	if params["degrees"] != "file" {
		return "", nil
	}
	return resolveFile(params, dir)
}

// file returns c's keys of the network file of degrees = "file".
func (c *configurationParams) file() *fileParams {
	return &fileParams{N: c.N, Path: c.Path, Format: c.Format, SHA256: c.SHA256}
}

// Configuration generates configuration-model graphs. The degree sequence
// is drawn afresh for each graph (poisson, powerlaw: independent degrees,
// the whole sequence redrawn while its sum is odd, which conditions it
// exactly on an even sum) or fixed (list, whose sum must be even; file,
// the degrees of a network file's nodes, node v of the file being node v
// here: the configuration-model null model of an empirical network).
//
// With Reject unset, the stubs are paired once and self-loops and repeated
// edges are erased, so degrees can fall a little below those drawn (the
// expected number of erased edges stays O(1) as n grows when <k²> is
// finite: about ν/2 + ν²/4 with ν = <k(k-1)>/<k>; Newman, Networks, 12.1).
// With Reject set, a pairing that makes a self-loop or repeated edge is
// abandoned and the stubs are paired again, up to configRejectAttempts
// times; the result is then uniform among the simple graphs with the drawn
// degrees, but the expected number of attempts is about exp(ν/2 + ν²/4)
// (S. Janson, "The probability that a random multigraph is simple",
// Combinatorics, Probability and Computing 18, 205–225 (2009)), so reject
// suits only mild degree heterogeneity.
type Configuration struct {
	N      int
	Reject bool

	kind    int       // degPoisson, degPowerlaw or degList
	mean    float64   // poisson
	cdf     []float64 // poisson with mean <= 500: cdf[k] = P(degree <= k)
	kMin    int       // powerlaw: degree of alias index 0
	prob    []float64
	alias   []int32
	list    []int32 // list
	listSum int
}

const (
	degPoisson = iota
	degPowerlaw
	degList
)

const (
	// configRejectAttempts bounds the pairings tried with multi_edges =
	// "reject".
	configRejectAttempts = 10000
	// configParityDraws bounds the redraws of a degree sequence whose sum
	// is odd.
	configParityDraws = 100
)

func newConfiguration(c *configurationParams) (Generator, error) {
	gen := &Configuration{N: c.N}
	switch c.MultiEdges {
	case "", "erase":
	case "reject":
		gen.Reject = true
	default:
		return nil, badParam("multi_edges", c.MultiEdges, `choose "erase" or "reject"`)
	}
	// unused names a key that degrees = mode does not read, if it is set.
	unused := func(mode string) error {
		for _, u := range []struct {
			key string
			set bool
			val any
		}{
			{"mean_degree", c.MeanDegree != 0 && mode != "poisson", c.MeanDegree},
			{"exponent", c.Exponent != 0 && mode != "powerlaw", c.Exponent},
			{"k_min", c.KMin != 0 && mode != "powerlaw", c.KMin},
			{"k_max", c.KMax != 0 && mode != "powerlaw", c.KMax},
			{"degree_list", c.DegreeList != nil && mode != "list", "[...]"},
			{"path", c.Path != "" && mode != "file", c.Path},
			{"format", c.Format != "" && mode != "file", c.Format},
			{"sha256", c.SHA256 != "" && mode != "file", c.SHA256},
		} {
			if u.set {
				return badParam(u.key, u.val, "not read when degrees = %q; remove it", mode)
			}
		}
		return nil
	}
	switch c.Degrees {
	case "poisson":
		if err := unused("poisson"); err != nil {
			return nil, err
		}
		if !(c.MeanDegree >= 0) || math.IsInf(c.MeanDegree, 0) {
			return nil, badParam("mean_degree", c.MeanDegree, "must be a finite number at least 0")
		}
		if est := float64(c.N) * (c.MeanDegree + 6*math.Sqrt(c.MeanDegree)); est > MaxStubs {
			return nil, badParam("mean_degree", c.MeanDegree, "n·mean_degree exceeds the int32 CSR limit of %d stubs", int64(MaxStubs))
		}
		gen.kind, gen.mean = degPoisson, c.MeanDegree
		if c.MeanDegree <= 500 {
			gen.cdf = poissonCDF(c.MeanDegree)
		}
	case "powerlaw":
		if err := unused("powerlaw"); err != nil {
			return nil, err
		}
		if !(c.Exponent > 1) || math.IsInf(c.Exponent, 0) {
			return nil, badParam("exponent", c.Exponent, "need a finite exponent > 1 (typically 2 to 3.5)")
		}
		kMin, kMax := c.powerlawRange()
		switch {
		case kMin < 1:
			return nil, badParam("k_min", c.KMin, "must be at least 1")
		case kMax > c.N-1:
			return nil, badParam("k_max", c.KMax, "must be at most n-1 = %d", c.N-1)
		case kMax < kMin:
			return nil, badParam("k_max", c.KMax, "must be at least k_min = %d", kMin)
		case kMin == kMax && kMin%2 == 1 && c.N%2 == 1:
			return nil, badParam("k_min", c.KMin, "every degree is k_min = k_max = %d, odd, on an odd number of nodes: the degree sum is always odd", kMin)
		}
		gen.kind, gen.kMin = degPowerlaw, kMin
		w := make([]float64, kMax-kMin+1)
		for i := range w {
			w[i] = math.Pow(float64(kMin+i), -c.Exponent)
		}
		gen.prob, gen.alias = newAlias(w)
		if est := float64(c.N) * powerlawMean(kMin, w); est > MaxStubs*0.99 {
			return nil, badParam("n", c.N, "about %.3g stubs expected, more than the int32 CSR limit of %d", est, int64(MaxStubs))
		}
	case "list":
		if err := unused("list"); err != nil {
			return nil, err
		}
		if len(c.DegreeList) != c.N {
			return nil, badParam("degree_list", fmt.Sprintf("[%d entries]", len(c.DegreeList)), "needs exactly n = %d entries, one degree per node", c.N)
		}
		gen.kind, gen.list = degList, make([]int32, c.N)
		sum := 0
		for i, d := range c.DegreeList {
			if d < 0 || d > MaxStubs {
				return nil, badParam("degree_list", d, "entry %d must lie in [0, %d]", i, int64(MaxStubs))
			}
			sum += d
			if sum > MaxStubs {
				return nil, badParam("degree_list", fmt.Sprintf("[sum > %d]", int64(MaxStubs)), "the degree sum exceeds the int32 CSR limit")
			}
			gen.list[i] = int32(d)
		}
		if sum%2 != 0 {
			return nil, badParam("degree_list", fmt.Sprintf("[sum %d]", sum), "the degree sum must be even")
		}
		gen.listSum = sum
	case "file":
		if err := unused("file"); err != nil {
			return nil, err
		}
		net, err := c.file().load()
		if err != nil {
			return nil, err
		}
		g := net.Graph
		gen.kind, gen.list = degList, make([]int32, g.N)
		for v := range gen.list {
			gen.list[v] = int32(g.Degree(int32(v)))
		}
		gen.listSum = len(g.Adj)
	case "":
		return nil, badParam("degrees", c.Degrees, `required: "poisson", "powerlaw", "list" or "file"`)
	default:
		return nil, badParam("degrees", c.Degrees, `choose "poisson", "powerlaw", "list" or "file"`)
	}
	return gen, nil
}

// powerlawRange returns k_min and k_max with their defaults applied: 1 and
// floor(sqrt(n)), raised to k_min if smaller.
func (c *configurationParams) powerlawRange() (kMin, kMax int) {
	kMin, kMax = c.KMin, c.KMax
	if kMin == 0 {
		kMin = 1
	}
	if kMax == 0 {
		kMax = max(kMin, int(math.Sqrt(float64(c.N))))
	}
	return kMin, kMax
}

// powerlawMean returns the mean degree of P(k) ∝ w[k-kMin].
func powerlawMean(kMin int, w []float64) float64 {
	var s0, s1 float64
	for i, x := range w {
		s0 += x
		s1 += x * float64(kMin+i)
	}
	return s1 / s0
}

func configurationBytes(c *configurationParams) int64 {
	var stubs, extra float64
	switch c.Degrees {
	case "poisson":
		stubs = float64(c.N) * c.MeanDegree
	case "powerlaw":
		kMin, kMax := c.powerlawRange()
		if kMin < 1 || kMax < kMin {
			return 0
		}
		w := make([]float64, kMax-kMin+1)
		for i := range w {
			w[i] = math.Pow(float64(kMin+i), -c.Exponent)
		}
		stubs = float64(c.N) * powerlawMean(kMin, w)
		stubs += 12 * float64(len(w)) // alias table
	case "list":
		for _, d := range c.DegreeList {
			stubs += float64(d)
		}
	case "file":
		net, err := c.file().load()
		if err != nil {
			return 0
		}
		stubs = float64(len(net.Graph.Adj))
		extra = 4 * float64(c.N) // the generator's copy of the degrees
	}
	b := 8*float64(c.N+1) + 8*stubs + extra // Off, deg, stubs, Adj
	if c.MultiEdges == "reject" {
		b += 16 * stubs // edge set
	}
	return int64(b)
}

// newAlias builds Walker's alias table for sampling index i with
// probability w[i]/Σw in O(1) (A. J. Walker, ACM TOMS 3, 253–256 (1977);
// construction by M. D. Vose, IEEE TSE 17, 972–975 (1991)).
func newAlias(w []float64) (prob []float64, alias []int32) {
	n := len(w)
	prob, alias = make([]float64, n), make([]int32, n)
	var sum float64
	for _, x := range w {
		sum += x
	}
	small, large := make([]int32, 0, n), make([]int32, 0, n)
	scaled := make([]float64, n)
	for i, x := range w {
		scaled[i] = x * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		prob[s], alias[s] = scaled[s], l
		scaled[l] += scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left has probability 1 up to rounding.
	for _, i := range large {
		prob[i], alias[i] = 1, i
	}
	for _, i := range small {
		prob[i], alias[i] = 1, i
	}
	return prob, alias
}

// poisson returns a Poisson variate with mean lambda, by inversion
// (sequential search from 0; L. Devroye, Non-Uniform Random Variate
// Generation (1986), X.3.3), in O(lambda) time. Means above 500 are split
// into pieces, whose sum is again Poisson, to keep exp(-lambda) normal.
func poisson(r *Rand, lambda float64) int {
	k := 0
	for lambda > 500 {
		k += poissonInv(r, 500)
		lambda -= 500
	}
	return k + poissonInv(r, lambda)
}

// poissonCDF tabulates the Poisson(lambda) distribution function up to
// where it reaches 1 in float64, for lambda <= 500.
func poissonCDF(lambda float64) []float64 {
	p := math.Exp(-lambda)
	cdf := []float64{p}
	f := p
	for k := 1; f < 1 && k < int(lambda+40*math.Sqrt(lambda)+40); k++ {
		p *= lambda / float64(k)
		f += p
		cdf = append(cdf, f)
	}
	cdf[len(cdf)-1] = 1
	return cdf
}

// searchCDF returns the least k with u < cdf[k] (inversion).
func searchCDF(cdf []float64, u float64) int {
	if len(cdf) <= 32 {
		k := 0
		for u >= cdf[k] {
			k++
		}
		return k
	}
	lo, hi := 0, len(cdf)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if u >= cdf[mid] {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func poissonInv(r *Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	u := r.Float64()
	p := math.Exp(-lambda)
	f := p
	k := 0
	// The bound only guards against rounding leaving f just below u.
	for limit := int(lambda + 40*math.Sqrt(lambda) + 40); u >= f && k < limit; {
		k++
		p *= lambda / float64(k)
		f += p
	}
	return k
}

// drawDegrees fills deg[:n] with one degree sequence of even sum and
// returns the sum.
func (gen *Configuration) drawDegrees(deg []int32, r *Rand) (int, error) {
	if gen.kind == degList {
		copy(deg, gen.list)
		return gen.listSum, nil
	}
	for range configParityDraws {
		sum := 0
		for v := range deg {
			var d int
			switch {
			case gen.cdf != nil:
				d = searchCDF(gen.cdf, r.Float64())
			case gen.kind == degPoisson:
				d = poisson(r, gen.mean)
			default:
				i := r.IntN(len(gen.prob))
				if r.Float64() >= gen.prob[i] {
					i = int(gen.alias[i])
				}
				d = gen.kMin + i
			}
			deg[v] = int32(d)
			sum += d
		}
		if sum > MaxStubs {
			return 0, fmt.Errorf("sim: configuration: degree sum %d exceeds the int32 CSR limit of %d", sum, int64(MaxStubs))
		}
		if sum%2 == 0 {
			return sum, nil
		}
	}
	return 0, fmt.Errorf("sim: configuration: degree sum odd in %d draws of the sequence; the degree distribution puts almost no weight on one parity", configParityDraws)
}

// Generate fills dst with one configuration-model graph.
func (gen *Configuration) Generate(dst *Graph, r *Rand) error {
	n := gen.N
	dst.deg = grow(dst.deg, n)
	sum, err := gen.drawDegrees(dst.deg, r)
	if err != nil {
		return err
	}
	stubs := grow(dst.src, sum)
	dst.src = stubs
	i := 0
	for v, d := range dst.deg[:n] {
		for range d {
			stubs[i] = int32(v)
			i++
		}
	}
	if !gen.Reject {
		shuffle(stubs, r)
		if err := dst.buildFromPairs(n, stubs); err != nil {
			return err
		}
		dst.simplify()
		return nil
	}
	set := newEdgeSet(&dst.keys, sum/2)
	for range configRejectAttempts {
		if pairSimple(stubs, &set, r) {
			return dst.buildFromPairs(n, stubs)
		}
	}
	return fmt.Errorf("sim: configuration: no simple pairing in %d attempts; the degrees are too heterogeneous for multi_edges = \"reject\", use \"erase\"", configRejectAttempts)
}

// pairSimple pairs the stubs uniformly at random (Fisher–Yates, two draws
// per pair), stopping at the first self-loop or repeated edge. It reports
// whether the whole pairing is simple; when it is not, set ends empty.
func pairSimple(stubs []int32, set *edgeSet, r *Rand) bool {
	s := len(stubs)
	for i := 0; i < s; i += 2 {
		j := i + r.IntN(s-i)
		stubs[i], stubs[j] = stubs[j], stubs[i]
		j = i + 1 + r.IntN(s-i-1)
		stubs[i+1], stubs[j] = stubs[j], stubs[i+1]
		if u, v := stubs[i], stubs[i+1]; u == v || !set.add(u, v) {
			for e := 0; e < i; e += 2 {
				set.remove(stubs[e], stubs[e+1])
			}
			return false
		}
	}
	return true
}
