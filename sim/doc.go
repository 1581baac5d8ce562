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
//	gen, _ := sim.NetworkSettings{Generator: "er", Params: sim.Params{"n": int64(100000), "mean_degree": 5.0}}.New()
//	_ = gen.Generate(&g, r)
//
// Generators and processes are plug-ins: each is registered by name
// (RegisterGenerator, RegisterProcess) with the keys it reads and a New
// that decodes them (Decode) into its own typed struct, validates them and
// builds it. The built-in models register the same way, and a user's
// program can add its own before it runs a spec.
package sim
