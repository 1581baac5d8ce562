// Package sim provides the random networks, stochastic processes and
// per-run metrics that netsweep sweeps over.
//
// Everything stochastic takes its random source (*Rand) as an argument, and
// hot code fills buffers the caller owns (a *Graph, a Process's state) so a
// worker reuses its memory across repetitions. The package is usable on its
// own, without the sweep runtime:
//
//	var g sim.Graph
//	r := sim.NewRand(sim.StreamSeed(1, 0, 0, sim.StreamNetwork))
//	gen, _ := (&sim.NetworkConfig{Generator: "er", N: 100000, MeanDegree: 5}).New()
//	_ = gen.Generate(&g, r)
package sim
