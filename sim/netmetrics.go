package sim

// Network metrics describe the realised network of each repetition, beside
// the process's metrics: a generator's parameters fix its degree law, but
// the degrees it realises differ by chance and, for the configuration
// model with multi_edges = "erase", by the self-loops and repeated edges
// it drops. They are averaged per point like any metric.
var networkMetrics = []Metric{
	metric("mean_k", Metric{Lo: 1e-2, Hi: 1e6, Log: true}),  // <k>, the realised mean degree
	metric("mean_k2", Metric{Lo: 1e-2, Hi: 1e9, Log: true}), // <k²>, the realised second moment
}

// defaultNetworkMetrics are reported when [network] sets no metrics: the
// configuration model's realised degrees are what a user checks its
// erasure against.
var defaultNetworkMetrics = map[string][]string{
	"configuration": {"mean_k", "mean_k2"},
}

// NetworkMetrics measures the realised networks of one [network] table.
type NetworkMetrics struct {
	list []Metric
}

// NewMetrics validates s's metrics key and returns what they measure:
// none unless listed, except the configuration model, which reports both
// degree moments unless metrics = [] says otherwise.
func (s NetworkSettings) NewMetrics() (*NetworkMetrics, error) {
	names, ok := s.Params["metrics"].([]string)
	if !ok {
		names = defaultNetworkMetrics[s.Generator]
	}
	idx, err := pickMetrics(networkMetrics, names)
	if err != nil {
		return nil, err
	}
	nm := &NetworkMetrics{}
	for _, i := range idx {
		nm.list = append(nm.list, networkMetrics[i])
	}
	return nm, nil
}

// Metrics describes the values Measure writes, in order.
func (nm *NetworkMetrics) Metrics() []Metric { return nm.list }

// Measure writes the metrics of g to out[:len(Metrics())]; with none
// selected it reads nothing.
func (nm *NetworkMetrics) Measure(g *Graph, out []float64) {
	if len(nm.list) == 0 {
		return
	}
	k1, k2 := DegreeMoments(g)
	for i, m := range nm.list {
		if m.Name == "mean_k" {
			out[i] = k1
		} else {
			out[i] = k2
		}
	}
}
