// Command sir-fixed is netsweep with one more process: a continuous-time
// SIR whose nodes stay infectious for exactly a fixed time, a model
// netsweep does not ship. It shows how a program of one's own adds a model
// and gets the whole of netsweep with it: run and resume, MPI, Slurm
// render, submit, status and collect, results and plots.
//
// Build it, and its MPI build for clusters:
//
//	go build -o sir-fixed ./examples/custom-process
//	go build -tags mpi -o sir-fixed-mpi ./examples/custom-process
//
// Then use it as netsweep:
//
//	$ ./sir-fixed run examples/custom-process/spec.toml
//	$ mpirun -np 4 ./sir-fixed-mpi run examples/custom-process/spec.toml
//	$ ./sir-fixed render examples/custom-process/spec.toml   # runs sir-fixed-mpi
//
// The process: an infected node infects each susceptible neighbour after an
// exponential time of rate beta, if that comes before it recovers, exactly
// period after its own infection. Transmissions along different edges are
// then independent, each happening with probability 1 - exp(-beta*period):
// the final size is that of bond percolation with this occupation (Kenah &
// Robins 2007, Phys. Rev. E 76, 036113), which main_test.go checks.
package main

import (
	"container/heap"
	"fmt"
	"math"
	"os"

	"github.com/netsweep/netsweep/cli"
	"github.com/netsweep/netsweep/sim"
)

func main() {
	// The job scripts and launchers run this program's MPI build.
	os.Exit(cli.Program{MPIBinary: "sir-fixed-mpi"}.Main())
}

func init() {
	sim.RegisterProcess(sim.ProcessModel{
		Name: "sir_fixed",
		Doc:  "continuous-time SIR, transmission rate beta per edge, infectious for exactly period",
		Keys: []sim.Key{{Name: "beta", Kind: sim.Float}, {Name: "period", Kind: sim.Float}, {Name: "seeds", Kind: sim.Int}},
		New:  newSIRFixed,
	})
}

// sirFixed is the process; its exported fields are its [process] keys.
type sirFixed struct {
	Beta   float64 `toml:"beta"`   // per-edge transmission rate while infectious
	Period float64 `toml:"period"` // time a node stays infectious
	Seeds  int     `toml:"seeds"`  // initially infected nodes, chosen at random

	infectedAt []float64 // per node; +Inf: not (yet) infected
	queue      events
}

func newSIRFixed(params sim.Params, n int) (sim.Process, error) {
	p := &sirFixed{Period: 1, Seeds: 1} // the defaults of keys left out
	if err := sim.Decode(params, p); err != nil {
		return nil, err
	}
	switch {
	case !(p.Beta >= 0) || math.IsInf(p.Beta, 0):
		return nil, &sim.ParamError{Key: "beta", Value: p.Beta, Reason: "a rate must be finite and at least 0"}
	case !(p.Period > 0) || math.IsInf(p.Period, 0):
		return nil, &sim.ParamError{Key: "period", Value: p.Period, Reason: "must be finite and above 0"}
	case p.Seeds < 1 || p.Seeds > n:
		return nil, &sim.ParamError{Key: "seeds", Value: p.Seeds, Reason: fmt.Sprintf("must lie in [1, n=%d]", n)}
	}
	return p, nil
}

func (p *sirFixed) Metrics() []sim.Metric {
	return []sim.Metric{
		{Name: "final_size", Lo: 0, Hi: 1},
		{Name: "duration", Lo: 1e-3, Hi: 1e6, Log: true},
	}
}

// Run computes each node's infection time as a shortest path (Dijkstra):
// a node is infected at the earliest time an infectious neighbour's
// transmission reaches it.
func (p *sirFixed) Run(g *sim.Graph, r *sim.Rand, out []float64) error {
	inf := math.Inf(1)
	p.infectedAt = append(p.infectedAt[:0], make([]float64, g.N)...)
	for v := range p.infectedAt {
		p.infectedAt[v] = inf
	}
	p.queue = p.queue[:0]
	for placed := 0; placed < p.Seeds; {
		if v := int32(r.IntN(g.N)); p.infectedAt[v] == inf {
			p.infectedAt[v] = 0
			heap.Push(&p.queue, event{0, v})
			placed++
		}
	}
	infected, last := 0, 0.0
	for p.queue.Len() > 0 {
		e := heap.Pop(&p.queue).(event)
		if e.t > p.infectedAt[e.v] {
			continue // reached earlier through another neighbour
		}
		infected++
		last = e.t
		for _, w := range g.Neighbors(e.v) {
			if p.infectedAt[w] <= e.t {
				continue
			}
			if x := r.Exp() / p.Beta; x < p.Period && e.t+x < p.infectedAt[w] {
				p.infectedAt[w] = e.t + x
				heap.Push(&p.queue, event{e.t + x, w})
			}
		}
	}
	out[0] = float64(infected) / float64(g.N)
	out[1] = last + p.Period
	return nil
}

// event is a node's tentative infection time.
type event struct {
	t float64
	v int32
}

// events is a min-heap of events by time (container/heap).
type events []event

func (h events) Len() int           { return len(h) }
func (h events) Less(i, j int) bool { return h[i].t < h[j].t }
func (h events) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *events) Push(x any)        { *h = append(*h, x.(event)) }
func (h *events) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
