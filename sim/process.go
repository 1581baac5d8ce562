package sim

// Process runs one realisation of a stochastic process on a graph and writes
// its metrics. A Process keeps its state buffers between runs; it is not
// safe for concurrent use.
//
// A Process only reads the graph: Run must leave g (its nodes, Off and
// Adj) as it found it, even when it returns an error or panics. A worker
// builds each repetition's network once and runs the processes of every
// point that shares it on the same Graph, one after the other.
type Process interface {
	// Metrics describes the values Run writes, in order.
	Metrics() []Metric
	// Run simulates once on g, drawing from r, and writes len(Metrics())
	// values to out. It must not modify g.
	Run(g *Graph, r *Rand, out []float64) error
}

// ProcessSettings is a [process] table after any sweep: the model's name
// and the values of the keys it reads.
type ProcessSettings struct {
	Model  string
	Params Params
}

// New validates s for networks of n nodes and returns its process. The
// intervention keys (InterventionKeys), which every model reads, wrap the
// model's process in one that immunises nodes and directs its seeds
// before it runs.
func (s ProcessSettings) New(n int) (Process, error) {
	m, ok := processes[s.Model]
	if !ok {
		return nil, badParam("model", s.Model, "unknown model; choose one of %v", ProcessNames())
	}
	own, iv := splitInterventions(s.Params)
	p, err := m.New(own, n)
	if err != nil || iv == nil {
		return p, err
	}
	return newIntervened(s.Model, p, iv, n)
}

// Noter is a Process with a note for the user about its settings, such as
// a model in which nothing can happen. A spec adds a non-empty note to its
// notes, once.
type Noter interface {
	Note() string
}
