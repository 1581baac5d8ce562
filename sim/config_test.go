package sim

import (
	"reflect"
	"strings"
)

// ProcessConfig holds the keys of every built-in process in one flat
// struct, a shorthand for the tests: New passes its keys that are not zero
// to the model, which decodes them into its own struct.
type ProcessConfig struct {
	Model          string    `toml:"model"`
	Beta           float64   `toml:"beta"`            // sir, sis: per-edge transmission rate; sir_discrete, sis_discrete: per-step per-edge probability
	Gamma          float64   `toml:"gamma"`           // sir, sis: recovery rate; sir_discrete, sis_discrete: per-step recovery probability
	Seeds          int       `toml:"seeds"`           // sir, sis, sir_discrete, sis_discrete: initially infected nodes; 0 means 1 unless seed_fraction is set
	SeedFraction   float64   `toml:"seed_fraction"`   // sir, sis, sir_discrete, sis_discrete: alternative to seeds, max(1, round(f·n)) nodes
	MajorThreshold float64   `toml:"major_threshold"` // sir, sir_discrete: final size above which an outbreak is major; 0 means 0.01
	Infectious     string    `toml:"infectious"`      // sir: infectious-period distribution
	PeriodMean     float64   `toml:"period_mean"`     // sir: mean infectious period
	PeriodShape    float64   `toml:"period_shape"`    // sir: shape of the infectious period
	BurnIn         float64   `toml:"burn_in"`         // sis, sis_discrete: time (steps) before the prevalence window opens
	Window         float64   `toml:"window"`          // sis, sis_discrete: length of the prevalence window, time (steps)
	Occupation     float64   `toml:"occupation"`      // bond_percolation, site_percolation: probability an edge (node) is occupied
	Series         []float64 `toml:"series"`          // sir, sis, sir_discrete, sis_discrete: times (steps) of the infected_at_<t> metrics
	Metrics        []string  `toml:"metrics"`         // all models: metrics to report; empty means the model's defaults
}

// New validates c for networks of n nodes and returns its process.
func (c *ProcessConfig) New(n int) (Process, error) {
	return ProcessSettings{Model: c.Model, Params: legacyParams(c)}.New(n)
}

// NetworkConfig holds the keys of every built-in generator in one flat
// struct, a shorthand for the tests: New passes its keys that are not zero
// (lists that are not nil) to the generator, which decodes them into its
// own struct.
type NetworkConfig struct {
	Generator  string    `toml:"generator"`
	N          int       `toml:"n"`              // number of nodes
	MeanDegree float64   `toml:"mean_degree"`    // er: p = mean_degree/(n-1); configuration (poisson): mean of the Poisson degrees
	P          float64   `toml:"p"`              // er: edge probability, instead of mean_degree
	Edges      int       `toml:"edges"`          // gnm: exact number of edges
	K          int       `toml:"k"`              // regular: degree of every node; ws: ring neighbours (even)
	M          int       `toml:"m"`              // ba: edges each new node brings
	Rewire     float64   `toml:"rewire"`         // ws: probability of rewiring each ring edge
	Degrees    string    `toml:"degrees"`        // configuration: "poisson", "powerlaw" or "list"
	Exponent   float64   `toml:"exponent"`       // configuration (powerlaw): P(k) ∝ k^-exponent
	KMin       int       `toml:"k_min"`          // configuration (powerlaw): smallest degree (default 1; 0 means unset)
	KMax       int       `toml:"k_max"`          // configuration (powerlaw): largest degree (default max(k_min, floor(sqrt(n))); 0 means unset)
	DegreeList []int     `toml:"degree_list"`    // configuration (list): the degree of each node, n entries
	MultiEdges string    `toml:"multi_edges"`    // configuration: "erase" (default) or "reject" self-loops and multi-edges
	Path       string    `toml:"path"`           // file, rewire: the network file
	Format     string    `toml:"format"`         // file, rewire: "edges" or "mtx"
	SHA256     string    `toml:"sha256"`         // file, rewire: the file's SHA-256 (set when resolved)
	Swaps      float64   `toml:"swaps"`          // rewire: attempted swaps per edge
	Sizes      []int     `toml:"sizes"`          // sbm: nodes of each block
	Singles    float64   `toml:"mean_singles"`   // clustered: mean single edges of a node
	Triangles  float64   `toml:"mean_triangles"` // clustered: mean triangles of a node
	Probs      []float64 `toml:"probabilities"`  // sbm: B×B edge probabilities, row by row
	BlockMeans []float64 `toml:"mean_degrees"`   // sbm: B×B mean block degrees, row by row
	// Metrics lists the realised network's metrics to report (all
	// generators; see NewMetrics); nil means the generator's default.
	Metrics []string `toml:"metrics"`
}

// New validates c and returns its generator.
func (c *NetworkConfig) New() (Generator, error) {
	return c.settings().New()
}

func (c *NetworkConfig) settings() NetworkSettings {
	return NetworkSettings{Generator: c.Generator, Params: legacyParams(c)}
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

// NewMetrics returns what c's metrics key measures.
func (c *NetworkConfig) NewMetrics() (*NetworkMetrics, error) {
	return c.settings().NewMetrics()
}

// configuration returns c's keys as the configuration model reads them.
func (c *NetworkConfig) configuration() *configurationParams {
	var p configurationParams
	if err := Decode(c.settings().modelParams(), &p); err != nil {
		panic(err)
	}
	return &p
}
