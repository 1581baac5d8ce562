package sim

// ProcessConfig holds the keys of every built-in process: each built-in
// decodes its Params into one (see registerProcess) and reads only the
// keys it lists (ProcessKeys). A new model, or a new key, gets a struct of
// its own instead (see RegisterProcess), so that this one never grows.
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

// ProcessSettings is a [process] table after any sweep: the model's name
// and the values of the keys it reads.
type ProcessSettings struct {
	Model  string
	Params Params
}

// New validates s for networks of n nodes and returns its process.
func (s ProcessSettings) New(n int) (Process, error) {
	m, ok := processes[s.Model]
	if !ok {
		return nil, badParam("model", s.Model, "unknown model; choose one of %v", ProcessNames())
	}
	return m.New(s.Params, n)
}

// New validates c for networks of n nodes and returns its process.
func (c *ProcessConfig) New(n int) (Process, error) {
	return ProcessSettings{Model: c.Model, Params: legacyParams(c)}.New(n)
}

// processInfo describes a built-in process that reads its keys into a
// ProcessConfig, for registerProcess.
type processInfo struct {
	doc  string   // one line for the spec reference
	keys []string // keys of [process] the model reads, besides "model"
	// new validates c against a network of n nodes and returns a process.
	new func(c *ProcessConfig, n int) (Process, error)
}

// registerProcess registers a built-in process through RegisterProcess:
// its New decodes the params into a ProcessConfig.
func registerProcess(name string, info processInfo) {
	build := info.new
	RegisterProcess(ProcessModel{
		Name: name,
		Doc:  info.doc,
		Keys: keysOf[ProcessConfig](info.keys...),
		New: func(params Params, n int) (Process, error) {
			c := ProcessConfig{Model: name}
			if err := Decode(params, &c); err != nil {
				return nil, err
			}
			return build(&c, n)
		},
	})
}
