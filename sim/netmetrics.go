package sim

import "slices"

// Network metrics describe the realised network of each repetition, beside
// the process's metrics: a generator's parameters fix its degree law, but
// the degrees it realises differ by chance and, for the configuration
// model with multi_edges = "erase", by the self-loops and repeated edges
// it drops. They are averaged per point like any metric; a network from a
// file has the same, exact values in every repetition.
var networkMetrics = []Metric{
	metric("mean_k", Metric{Lo: 1e-2, Hi: 1e6, Log: true}),  // <k>, the realised mean degree
	metric("mean_k2", Metric{Lo: 1e-2, Hi: 1e9, Log: true}), // <k²>, the realised second moment
	metric("giant", Metric{Lo: 0, Hi: 1}),                   // the largest connected component's share of the nodes
	metric("components", Metric{Lo: 1, Hi: 1e9, Log: true}), // the number of connected components, isolated nodes included
	metric("clustering", Metric{Lo: 0, Hi: 1}),              // mean local clustering coefficient (Watts & Strogatz 1998)
	metric("assortativity", Metric{Lo: -1, Hi: 1}),          // degree assortativity r (Newman 2002)
}

// defaultNetworkMetrics are reported when [network] sets no metrics: the
// configuration model's realised degrees are what a user checks its
// erasure against.
var defaultNetworkMetrics = map[string][]string{
	"configuration": {"mean_k", "mean_k2"},
}

// NetworkMetrics measures the realised networks of one [network] table.
// It keeps scratch space between calls, so it is not safe for concurrent
// use: each worker holds its own.
type NetworkMetrics struct {
	list []Metric
	nc   ComponentCounter
	tc   TriangleCounter

	// fixed and vals cache the values of a shared, read-only graph (see
	// MeasureFixed).
	fixed *Graph
	vals  []float64
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
// selected it reads nothing. Each metric costs O(n+m) but clustering,
// which counts triangles in O(m·√m) at worst.
func (nm *NetworkMetrics) Measure(g *Graph, out []float64) {
	var comp ComponentStats
	counted := false
	for i, m := range nm.list {
		switch m.Name {
		case "mean_k":
			out[i], _ = DegreeMoments(g)
		case "mean_k2":
			_, out[i] = DegreeMoments(g)
		case "giant", "components":
			if !counted {
				comp, counted = nm.nc.Count(g), true
			}
			if m.Name == "giant" {
				out[i] = comp.GiantFraction()
			} else {
				out[i] = float64(comp.Components)
			}
		case "clustering":
			out[i] = nm.tc.MeanClustering(g)
		case "assortativity":
			out[i] = Assortativity(g)
		}
	}
}

// MeasureFixed is Measure for a graph that never changes, such as a
// network file's shared graph (see Fixed): it measures g once and copies
// the values at later calls with the same g.
func (nm *NetworkMetrics) MeasureFixed(g *Graph, out []float64) {
	if len(nm.list) == 0 {
		return
	}
	if nm.fixed != g {
		nm.vals = slices.Grow(nm.vals[:0], len(nm.list))[:len(nm.list)]
		nm.Measure(g, nm.vals)
		nm.fixed = g
	}
	copy(out, nm.vals)
}
