package sim

import (
	"fmt"
	"math"
)

// NetworkConfig is the [network] table of a spec: the generator's name and
// its parameters. Each generator reads only the keys it lists (GeneratorKeys);
// the others must be left unset.
type NetworkConfig struct {
	Generator  string  `toml:"generator"`
	N          int     `toml:"n"`           // number of nodes
	MeanDegree float64 `toml:"mean_degree"` // er: p = mean_degree/(n-1); configuration (poisson): mean of the Poisson degrees
	P          float64 `toml:"p"`           // er: edge probability, instead of mean_degree
	Edges      int     `toml:"edges"`       // gnm: exact number of edges
	K          int     `toml:"k"`           // regular: degree of every node; ws: ring neighbours (even)
	M          int     `toml:"m"`           // ba: edges each new node brings
	Rewire     float64 `toml:"rewire"`      // ws: probability of rewiring each ring edge
	Degrees    string  `toml:"degrees"`     // configuration: "poisson", "powerlaw" or "list"
	Exponent   float64 `toml:"exponent"`    // configuration (powerlaw): P(k) ∝ k^-exponent
	KMin       int     `toml:"k_min"`       // configuration (powerlaw): smallest degree (default 1; 0 means unset)
	KMax       int     `toml:"k_max"`       // configuration (powerlaw): largest degree (default max(k_min, floor(sqrt(n))); 0 means unset)
	DegreeList []int   `toml:"degree_list"` // configuration (list): the degree of each node, n entries
	MultiEdges string  `toml:"multi_edges"` // configuration: "erase" (default) or "reject" self-loops and multi-edges
	// Metrics lists the realised network's metrics to report (all
	// generators; see NewMetrics); nil means the generator's default. It
	// is left out of a campaign's identity when empty, so that journals
	// written before it existed still resume.
	Metrics []string `toml:"metrics" json:",omitempty"`
}

// MaxNodes is the largest number of nodes a Graph can hold.
const MaxNodes = math.MaxInt32 - 1

// Generator fills a caller-owned graph with one random network. A
// Generator holds no mutable state, so one may serve many goroutines, each
// with its own Graph and Rand; all scratch space lives in the Graph.
type Generator interface {
	Generate(dst *Graph, r *Rand) error
}

type generatorInfo struct {
	doc  string   // one line for the spec reference
	keys []string // keys of [network] the generator reads, besides "generator"
	// new validates c and returns a generator for it.
	new func(c *NetworkConfig) (Generator, error)
	// bytes estimates the memory of one generated graph and its scratch space.
	bytes func(c *NetworkConfig) int64
}

var generators = map[string]generatorInfo{}

func registerGenerator(name string, info generatorInfo) {
	if _, dup := generators[name]; dup {
		panic("sim: generator registered twice: " + name)
	}
	info.keys = append(info.keys, "metrics") // every generator: see NewMetrics
	generators[name] = info
}

// GeneratorNames lists the registered generators in alphabetical order.
func GeneratorNames() []string { return sortedKeys(generators) }

// GeneratorKeys returns the [network] keys generator name reads, besides
// "generator", and whether the generator exists.
func GeneratorKeys(name string) ([]string, bool) {
	info, ok := generators[name]
	return info.keys, ok
}

// GeneratorDoc returns a one-line description of generator name.
func GeneratorDoc(name string) string { return generators[name].doc }

// New validates c and returns its generator.
func (c *NetworkConfig) New() (Generator, error) {
	info, ok := generators[c.Generator]
	if !ok {
		return nil, badParam("generator", c.Generator, "unknown generator; choose one of %v", GeneratorNames())
	}
	if c.N < 1 {
		return nil, badParam("n", c.N, "need at least 1 node")
	}
	if c.N > MaxNodes {
		return nil, badParam("n", c.N, "at most %d nodes fit int32 node ids", MaxNodes)
	}
	if _, err := c.NewMetrics(); err != nil {
		return nil, err
	}
	return info.new(c)
}

// MemoryBytes estimates the memory of one graph generated from c, scratch
// space included. It assumes c is valid.
func (c *NetworkConfig) MemoryBytes() int64 {
	info, ok := generators[c.Generator]
	if !ok || info.bytes == nil {
		return 0
	}
	return info.bytes(c)
}

func (c *NetworkConfig) String() string {
	return fmt.Sprintf("%s(n=%d)", c.Generator, c.N)
}
