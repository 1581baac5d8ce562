package sim

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// NetworkConfig holds the keys of every built-in generator: each built-in
// decodes its Params into one (see registerGenerator) and reads only the
// keys it lists (GeneratorKeys). A new generator, or a new key, gets a
// struct of its own instead (see RegisterGenerator).
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
	// generators; see NewMetrics); nil means the generator's default.
	Metrics []string `toml:"metrics"`
}

// MaxNodes is the largest number of nodes a Graph can hold.
const MaxNodes = math.MaxInt32 - 1

// Generator fills a caller-owned graph with one random network. A
// Generator holds no mutable state, so one may serve many goroutines, each
// with its own Graph and Rand; all scratch space lives in the Graph.
type Generator interface {
	Generate(dst *Graph, r *Rand) error
}

// NetworkSettings is a [network] table after any sweep: the generator's
// name and the values of the keys it reads.
type NetworkSettings struct {
	Generator string
	Params    Params
}

// N returns the number of nodes, or 0 if n is not set.
func (s NetworkSettings) N() int {
	n, _ := s.Params["n"].(int64)
	return int(n)
}

// New validates s and returns its generator.
func (s NetworkSettings) New() (Generator, error) {
	m, ok := generators[s.Generator]
	if !ok {
		return nil, badParam("generator", s.Generator, "unknown generator; choose one of %v", GeneratorNames())
	}
	if n := s.N(); n < 1 {
		return nil, badParam("n", n, "need at least 1 node")
	} else if n > MaxNodes {
		return nil, badParam("n", n, "at most %d nodes fit int32 node ids", MaxNodes)
	}
	if _, err := s.NewMetrics(); err != nil {
		return nil, err
	}
	return m.New(s.Params)
}

// MemoryBytes estimates the memory of one graph generated from s, scratch
// space included. It assumes s is valid.
func (s NetworkSettings) MemoryBytes() int64 {
	m, ok := generators[s.Generator]
	if !ok || m.Bytes == nil {
		return 0
	}
	return m.Bytes(s.Params)
}

func (s NetworkSettings) String() string {
	return fmt.Sprintf("%s(n=%d)", s.Generator, s.N())
}

// New validates c and returns its generator.
func (c *NetworkConfig) New() (Generator, error) {
	return c.settings().New()
}

func (c *NetworkConfig) settings() NetworkSettings {
	return NetworkSettings{Generator: c.Generator, Params: legacyParams(c)}
}

// generatorInfo describes a built-in generator that reads its keys into a
// NetworkConfig, for registerGenerator.
type generatorInfo struct {
	doc  string   // one line for the spec reference
	keys []string // keys of [network] the generator reads, besides "generator"
	// new validates c and returns a generator for it.
	new func(c *NetworkConfig) (Generator, error)
	// bytes estimates the memory of one generated graph and its scratch space.
	bytes func(c *NetworkConfig) int64
}

// registerGenerator registers a built-in generator through
// RegisterGenerator: its New decodes the params into a NetworkConfig.
func registerGenerator(name string, info generatorInfo) {
	build, bytes := info.new, info.bytes
	decode := func(params Params) (*NetworkConfig, error) {
		c := &NetworkConfig{Generator: name}
		return c, Decode(params, c)
	}
	m := GeneratorModel{
		Name: name,
		Doc:  info.doc,
		Keys: keysOf[NetworkConfig](info.keys...),
		New: func(params Params) (Generator, error) {
			c, err := decode(params)
			if err != nil {
				return nil, err
			}
			return build(c)
		},
	}
	if bytes != nil {
		m.Bytes = func(params Params) int64 {
			c, err := decode(params)
			if err != nil {
				return 0
			}
			return bytes(c)
		}
	}
	RegisterGenerator(m)
}

// legacyParams returns the Params of a NetworkConfig or ProcessConfig: its
// fields that are not zero (a list that is not nil), but the name.
func legacyParams(c any) Params {
	v := reflect.ValueOf(c).Elem()
	p := Params{}
	for i := range v.NumField() {
		tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("toml"), ",")
		f := v.Field(i)
		if tag == "generator" || tag == "model" || f.IsZero() {
			continue
		}
		p[tag] = canonicalOf(f)
	}
	return p
}

// canonicalOf returns the value of field f as a canonical value, taken as
// it is: a legacy config may hold values a spec cannot, such as NaN, for
// the model to reject.
func canonicalOf(f reflect.Value) any {
	switch f.Kind() {
	case reflect.Int, reflect.Int64:
		return f.Int()
	case reflect.Slice:
		if f.Type().Elem().Kind() == reflect.Int {
			out := make([]int64, f.Len())
			for i := range out {
				out[i] = f.Index(i).Int()
			}
			return out
		}
		c := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
		reflect.Copy(c, f)
		return c.Interface()
	}
	return f.Interface()
}

func (c *NetworkConfig) String() string { return c.settings().String() }

// MemoryBytes estimates the memory of one graph generated from c, scratch
// space included. It assumes c is valid.
func (c *NetworkConfig) MemoryBytes() int64 { return c.settings().MemoryBytes() }
