package sim

// ProcessConfig is the [process] table of a spec: the model's name, its
// parameters and the metrics to report. Each model reads only the keys it
// lists (ProcessKeys); the others must be left unset.
type ProcessConfig struct {
	Model          string    `toml:"model"`
	Beta           float64   `toml:"beta"`            // sir, sis: per-edge transmission rate; sir_discrete, sis_discrete: per-step per-edge probability
	Gamma          float64   `toml:"gamma"`           // sir, sis: recovery rate; sir_discrete, sis_discrete: per-step recovery probability
	Seeds          int       `toml:"seeds"`           // sir, sis, sir_discrete, sis_discrete: initially infected nodes; 0 means 1 unless seed_fraction is set
	SeedFraction   float64   `toml:"seed_fraction"`   // sir, sis, sir_discrete, sis_discrete: alternative to seeds, max(1, round(f·n)) nodes
	MajorThreshold float64   `toml:"major_threshold"` // sir, sir_discrete: final size above which an outbreak is major; 0 means 0.01
	BurnIn         float64   `toml:"burn_in"`         // sis, sis_discrete: time (steps) before the prevalence window opens
	Window         float64   `toml:"window"`          // sis, sis_discrete: length of the prevalence window, time (steps)
	Occupation     float64   `toml:"occupation"`      // bond_percolation, site_percolation: probability an edge (node) is occupied
	Series         []float64 `toml:"series"`          // sir, sis, sir_discrete, sis_discrete: times (steps) of the infected_at_<t> metrics
	Metrics        []string  `toml:"metrics"`         // all models: metrics to report; empty means the model's defaults
}

// Process runs one realisation of a stochastic process on a graph and writes
// its metrics. A Process keeps its state buffers between runs; it is not
// safe for concurrent use.
type Process interface {
	// Metrics describes the values Run writes, in order.
	Metrics() []Metric
	// Run simulates once on g, drawing from r, and writes len(Metrics())
	// values to out.
	Run(g *Graph, r *Rand, out []float64) error
}

type processInfo struct {
	doc  string   // one line for the spec reference
	keys []string // keys of [process] the model reads, besides "model"
	// new validates c against a network of n nodes and returns a process.
	new func(c *ProcessConfig, n int) (Process, error)
}

var processes = map[string]processInfo{}

func registerProcess(name string, info processInfo) {
	if _, dup := processes[name]; dup {
		panic("sim: process registered twice: " + name)
	}
	processes[name] = info
}

// ProcessNames lists the registered models in alphabetical order.
func ProcessNames() []string { return sortedKeys(processes) }

// ProcessKeys returns the [process] keys model name reads, besides "model",
// and whether the model exists.
func ProcessKeys(name string) ([]string, bool) {
	info, ok := processes[name]
	return info.keys, ok
}

// ProcessDoc returns a one-line description of model name.
func ProcessDoc(name string) string { return processes[name].doc }

// New validates c for networks of n nodes and returns its process.
func (c *ProcessConfig) New(n int) (Process, error) {
	info, ok := processes[c.Model]
	if !ok {
		return nil, badParam("model", c.Model, "unknown model; choose one of %v", ProcessNames())
	}
	return info.new(c, n)
}
