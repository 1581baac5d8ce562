package sim_test

import (
	"fmt"

	"github.com/netsweep/netsweep/sim"
)

// fixedSIR is a discrete-time SIR whose nodes stay infectious for exactly
// period steps, each step infecting each susceptible neighbour with
// probability beta: a model netsweep does not ship, registered as a user's
// program would register it.
type fixedSIR struct {
	Beta   float64 `toml:"beta"`
	Period int     `toml:"period"`
	Seeds  int     `toml:"seeds"`

	since        []int // per node: the step it was infected at; -1: susceptible
	active, next []int32
}

func (p *fixedSIR) Metrics() []sim.Metric {
	return []sim.Metric{
		{Name: "final_size", Lo: 0, Hi: 1},
		{Name: "duration", Lo: 1, Hi: 1e6, Log: true},
	}
}

func (p *fixedSIR) Run(g *sim.Graph, r *sim.Rand, out []float64) error {
	p.since = append(p.since[:0], make([]int, g.N)...)
	for v := range p.since {
		p.since[v] = -1
	}
	active, next := p.active[:0], p.next[:0]
	for len(active) < p.Seeds {
		if v := int32(r.IntN(g.N)); p.since[v] < 0 {
			p.since[v] = 0
			active = append(active, v)
		}
	}
	infected, step := len(active), 0
	for len(active) > 0 {
		step++
		next = next[:0]
		for _, v := range active {
			for _, w := range g.Neighbors(v) {
				if p.since[w] < 0 && r.Float64() < p.Beta {
					p.since[w] = step
					next = append(next, w)
					infected++
				}
			}
			if step-p.since[v] < p.Period {
				next = append(next, v)
			}
		}
		active, next = next, active
	}
	p.active, p.next = active, next
	out[0] = float64(infected) / float64(g.N)
	out[1] = float64(step)
	return nil
}

func init() {
	sim.RegisterProcess(sim.ProcessModel{
		Name: "sir_fixed_period",
		Doc:  "discrete-time SIR: per-step per-edge transmission probability beta, infectious for exactly period steps",
		Keys: []sim.Key{{Name: "beta", Kind: sim.Float}, {Name: "period", Kind: sim.Int}, {Name: "seeds", Kind: sim.Int}},
		New: func(params sim.Params, n int) (sim.Process, error) {
			p := &fixedSIR{Period: 1, Seeds: 1} // the defaults of keys left out
			if err := sim.Decode(params, p); err != nil {
				return nil, err
			}
			switch {
			case !(p.Beta >= 0 && p.Beta <= 1):
				return nil, &sim.ParamError{Key: "beta", Value: p.Beta, Reason: "a probability must lie in [0, 1]"}
			case p.Period < 1:
				return nil, &sim.ParamError{Key: "period", Value: p.Period, Reason: "must be at least 1 step"}
			case p.Seeds < 1 || p.Seeds > n:
				return nil, &sim.ParamError{Key: "seeds", Value: p.Seeds, Reason: fmt.Sprintf("must lie in [1, n=%d]", n)}
			}
			return p, nil
		},
	})
}

// A program registers its own process (see init above) and runs it like
// a built-in one; a spec that imports the program's registration can name
// it as [process] model = "sir_fixed_period".
func ExampleRegisterProcess() {
	gen, err := sim.NetworkSettings{Generator: "er", Params: sim.Params{"n": int64(2000), "mean_degree": 4.0}}.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	var g sim.Graph
	if err := gen.Generate(&g, sim.NewRand(1)); err != nil {
		fmt.Println(err)
		return
	}
	proc, err := sim.ProcessSettings{Model: "sir_fixed_period", Params: sim.Params{"beta": 0.3, "period": int64(3), "seeds": int64(5)}}.New(g.N)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := make([]float64, len(proc.Metrics()))
	if err := proc.Run(&g, sim.NewRand(2), out); err != nil {
		fmt.Println(err)
		return
	}
	for i, m := range proc.Metrics() {
		fmt.Printf("%s = %.4g\n", m.Name, out[i])
	}
	_, err = sim.ProcessSettings{Model: "sir_fixed_period", Params: sim.Params{"beta": 0.3, "period": int64(0)}}.New(g.N)
	fmt.Println(err)
	// Output:
	// final_size = 0.9125
	// duration = 28
	// sim: bad parameter: period=0: must be at least 1 step
}

// Every process, a user's registered one included, reads the intervention
// keys: here sir_fixed_period runs after the 10% of the nodes of highest
// degree lose their edges. With immunise = 0 it draws what it draws
// without the key (as in ExampleRegisterProcess).
func ExampleInterventionKeys() {
	gen, err := sim.NetworkSettings{Generator: "er", Params: sim.Params{"n": int64(2000), "mean_degree": 4.0}}.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	var g sim.Graph
	if err := gen.Generate(&g, sim.NewRand(1)); err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range []float64{0, 0.1} {
		params := sim.Params{"beta": 0.3, "period": int64(3), "seeds": int64(5), "immunise": v, "immunise_by": "degree"}
		proc, err := sim.ProcessSettings{Model: "sir_fixed_period", Params: params}.New(g.N)
		if err != nil {
			fmt.Println(err)
			return
		}
		out := make([]float64, len(proc.Metrics()))
		if err := proc.Run(&g, sim.NewRand(2), out); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("immunise = %g: final_size = %.4g\n", v, out[0])
	}
	// Output:
	// immunise = 0: final_size = 0.9125
	// immunise = 0.1: final_size = 0.69
}
