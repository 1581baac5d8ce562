package sim_test

import (
	"fmt"

	"github.com/netsweep/netsweep/sim"
)

// The structure of a small network: a triangle with a tail, and a
// separate edge.
func ExampleAssortativity() {
	var g sim.Graph
	src := []int32{0, 1, 2, 2, 4}
	dst := []int32{1, 2, 0, 3, 5}
	if err := g.BuildFromEdges(6, src, dst); err != nil {
		panic(err)
	}
	var cc sim.ComponentCounter
	var tc sim.TriangleCounter
	st := cc.Count(&g)
	fmt.Printf("components %d, giant %.3f\n", st.Components, st.GiantFraction())
	fmt.Printf("clustering %.3f\n", tc.MeanClustering(&g))
	fmt.Printf("assortativity %.3f\n", sim.Assortativity(&g))
	// Output:
	// components 2, giant 0.667
	// clustering 0.389
	// assortativity 0.000
}

// Network metrics as a spec selects them: [network] metrics = [...].
func ExampleNetworkSettings_NewMetrics() {
	s := sim.NetworkSettings{Generator: "sbm", Params: sim.Params{
		"n": int64(2000), "sizes": []int64{1000, 1000}, "mean_degrees": []float64{8, 0.5, 0.5, 8},
		"metrics": []string{"giant", "clustering"},
	}}
	gen, err := s.New()
	if err != nil {
		panic(err)
	}
	nm, err := s.NewMetrics()
	if err != nil {
		panic(err)
	}
	var g sim.Graph
	if err := gen.Generate(&g, sim.NewRand(1)); err != nil {
		panic(err)
	}
	out := make([]float64, len(nm.Metrics()))
	nm.Measure(&g, out)
	for i, m := range nm.Metrics() {
		fmt.Printf("%s %.3f\n", m.Name, out[i])
	}
	// Output:
	// giant 1.000
	// clustering 0.008
}
