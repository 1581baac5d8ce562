package spec

import (
	"fmt"

	"github.com/netsweep/netsweep/sim"
)

// Runner runs single repetitions of a spec's points. It keeps one graph,
// and the current point's generator and process, across calls, so a worker
// allocates only when the point changes. It is not safe for concurrent use.
type Runner struct {
	s      *Spec
	g      sim.Graph
	nr, pr sim.Rand
	point  int
	gen    sim.Generator
	proc   sim.Process
	nm     *sim.NetworkMetrics
	np     int     // the number of the process's metrics, before the network's
	faults *faults // injected failures; see FaultsEnv
}

// NewRunner returns a runner for one worker. It satisfies mpirun.Runner.
func (s *Spec) NewRunner() *Runner { return &Runner{s: s, point: -1, faults: loadFaults()} }

// Seed returns the seed of repetition rep's process stream at point (see
// Point.Seeds).
func (r *Runner) Seed(point, rep int) uint64 {
	_, process := r.s.Points[point].Seeds(r.s.Seed, rep)
	return process
}

// Run computes repetition rep of point and writes its metrics to out. The
// network and the process draw from their own streams, derived from the
// campaign seed, the point's settings and the repetition alone.
func (r *Runner) Run(point, rep int, out []float64) error {
	if point != r.point {
		pt := &r.s.Points[point]
		gen, err := pt.Network.New()
		if err != nil {
			return fmt.Errorf("could not set up the network of %s: %w", r.s.PointLabel(point), err)
		}
		proc, err := pt.Process.New(pt.Network.N())
		if err != nil {
			return fmt.Errorf("could not set up the process of %s: %w", r.s.PointLabel(point), err)
		}
		nm, err := pt.Network.NewMetrics()
		if err != nil {
			return fmt.Errorf("could not set up the network metrics of %s: %w", r.s.PointLabel(point), err)
		}
		r.gen, r.proc, r.nm, r.np, r.point = gen, proc, nm, len(proc.Metrics()), point
	}
	if r.faults != nil {
		if err := r.faults.inject(point, rep); err != nil {
			return err
		}
	}
	netSeed, procSeed := r.s.Points[point].Seeds(r.s.Seed, rep)
	r.nr.Seed(netSeed)
	if err := r.gen.Generate(&r.g, &r.nr); err != nil {
		return err
	}
	r.nm.Measure(&r.g, out[r.np:])
	r.pr.Seed(procSeed)
	return r.proc.Run(&r.g, &r.pr, out[:r.np])
}
