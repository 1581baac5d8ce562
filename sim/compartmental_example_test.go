package sim_test

import (
	"fmt"

	"github.com/netsweep/netsweep/sim"
)

// An SI epidemic declared as a compartmental model, as a spec's [process]
// table declares it, run on a random 4-regular graph: on a connected network every node
// ends infected. Metrics come in the model's order: per compartment,
// then duration.
func ExampleCompartmental() {
	proc, err := sim.ProcessSettings{Model: "compartmental", Params: sim.Params{
		"compartments":  []string{"S", "I"},
		"transitions":   []string{"S -> I : beta * I"}, // rate beta per infected neighbour
		"beta":          0.5,
		"initial":       []string{"I"},
		"initial_count": []int64{1},
		"metrics":       []string{"final_I", "ever_S"},
	}}.New(1000)
	if err != nil {
		fmt.Println(err)
		return
	}
	gen, _ := sim.NetworkSettings{Generator: "regular", Params: sim.Params{"n": int64(1000), "k": int64(4)}}.New()
	var g sim.Graph
	r := sim.NewRand(1)
	if err := gen.Generate(&g, r); err != nil {
		fmt.Println(err)
		return
	}
	out := make([]float64, len(proc.Metrics()))
	if err := proc.Run(&g, r, out); err != nil {
		fmt.Println(err)
		return
	}
	for i, m := range proc.Metrics() { // in the model's order
		fmt.Printf("%s = %g\n", m.Name, out[i])
	}
	// Output:
	// ever_S = 0.999
	// final_I = 1
}
