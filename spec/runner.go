package spec

import (
	"fmt"
	"maps"
	"slices"

	"github.com/netsweep/netsweep/sim"
)

// Runner runs single repetitions of a spec's points. It keeps one graph
// across calls, and the generator and process of the points of the
// current network group (see Spec.NetworkGroup) it was last asked for, so a
// worker allocates only when the group changes. Points of one group run on
// the same network in each repetition, so when the graph already holds the
// network of a call's group and repetition, Run uses it instead of
// building it again: a worker that runs a group's points repetition by
// repetition builds each network once. A generator that implements
// sim.Fixed (a network file) is not called: its shared graph serves every
// call, with no copy. It is not safe for concurrent use.
//
// A group is told by its network stream's seed (equal network keys, or the
// point's own key with independent realisations), which a point's entry
// holds, so that a worker's spec (ParseWorker), which does not know the
// groups' first points, runs the same way.
type Runner struct {
	s      *Spec
	g      sim.Graph
	cur    *sim.Graph // the network of the last call: &g, or a sim.Fixed's shared graph
	nr, pr sim.Rand
	// built tells which network g holds: that of repetition rep of the
	// points of group, if ok (not before the first build, nor after a
	// build failed).
	built struct {
		group uint64
		rep   int
		ok    bool
	}
	group  uint64               // the network group of models (its network seed)
	models map[int]*pointModels // per point of group, set up at its first call
	keep   int                  // the points of the current task: the cache keeps at least that many
	faults *faults              // injected failures; see FaultsEnv
	// coupled holds the process metrics of the points of models that
	// share the process stream seed in repetition rep, computed together
	// by the first of them to run (sim.Coupled).
	coupled struct {
		group uint64
		rep   int
		seed  uint64
		ok    bool
		outs  map[int][]float64
		err   error
	}
}

// maxModels bounds the points whose models a Runner keeps: as many as
// the points of one task (mpirun's maxTaskPoints). A process holds
// buffers even on a small network (~0.7 MB for SIR on 20 nodes), so a worker that
// kept the models of every point of a group (a sweep of a process key on
// one network is one group) would grow with the grid: 175 kB a point for
// SIR. Past the bound the cache starts again; a task of more points of
// one group then sets up each point's models once per repetition.
const maxModels = 32

// pointModels are the models of one point and the seeds of its streams,
// from its entry (the network one tells its group).
type pointModels struct {
	gen  sim.Generator
	proc sim.Process
	nm   *sim.NetworkMetrics
	np   int // the number of the process's metrics, before the network's
	e    pointEntry
}

// NewRunner returns a runner for one worker. It satisfies mpirun.Runner.
func (s *Spec) NewRunner() *Runner { return &Runner{s: s, faults: loadFaults()} }

// NetworkGroup returns the network group of point: the index of the first
// point with the same network settings, unless networks are realised
// independently ([network] realisations), when every point is its own
// group. Points of one group run on the same network in each repetition
// (Point.Seeds). It satisfies mpirun.Grouper.
//
// A worker's spec (ParseWorker) does not know the groups: it panics.
func (s *Spec) NetworkGroup(point int) int {
	s.needTable("NetworkGroup")
	return int(s.table[point].network)
}

// TaskPoints returns the most points a task of network group g should
// hold: the size of its largest coupled set (points that differ only in
// threshold keys, such as a percolation curve's occupations, share their
// process stream seed), which one pass per repetition computes together,
// so that a curve of 50 or 500 occupations builds each repetition's
// network and runs its pass once, not once per 32 points; 0 where no
// points share their process stream. mpirun bounds the answer. It
// satisfies mpirun.TaskSizer.
func (s *Spec) TaskPoints(g int) int {
	s.needTable("TaskPoints")
	sizes := map[uint64]int{}
	most := 0
	for q := int32(g); q >= 0; q = s.table[q].next {
		k := s.table[q].processSeed
		sizes[k]++
		most = max(most, sizes[k])
	}
	if most < 2 {
		return 0
	}
	return most
}

// StartTask sets up the models of a task's points before its first
// repetition, so that a coupled pass (runCoupled) computes all of them at
// once, and keeps them all for the task. A point whose models fail is
// left for Run to report. It satisfies mpirun.TaskRunner.
func (r *Runner) StartTask(points []int) {
	r.keep = len(points)
	missing := 0
	for _, p := range points {
		if r.models[p] == nil {
			missing++
		}
	}
	if len(r.models)+missing > max(maxModels, r.keep) {
		clear(r.models) // room for the whole task, not a clear half-way
	}
	for _, p := range points {
		r.setUp(p) //nolint:errcheck // Run reports it
	}
}

// Seed returns the seed of repetition rep's process stream at point (see
// Point.Seeds).
func (r *Runner) Seed(point, rep int) uint64 {
	if m := r.models[point]; m != nil {
		return sim.StreamSeed(r.s.Seed, m.e.processSeed, rep, sim.StreamProcess)
	}
	_, process := r.s.PointSeeds(point, rep)
	return process
}

// Run computes repetition rep of point and writes its metrics to out. The
// network and the process draw from their own streams, derived from the
// campaign seed, the point's settings and the repetition alone; the
// network is built unless the graph holds it already, from the last call
// at a point of the same group and the same repetition.
func (r *Runner) Run(point, rep int, out []float64) error {
	m, err := r.setUp(point)
	if err != nil {
		return err
	}
	if r.faults != nil {
		if err := r.faults.inject(point, rep); err != nil {
			return err
		}
	}
	group := m.e.networkSeed
	netSeed := sim.StreamSeed(r.s.Seed, m.e.networkSeed, rep, sim.StreamNetwork)
	procSeed := sim.StreamSeed(r.s.Seed, m.e.processSeed, rep, sim.StreamProcess)
	if fixed, ok := m.gen.(sim.Fixed); ok {
		// A network without randomness (a file's) is built once per
		// process and shared read-only by every worker and repetition.
		r.cur = fixed.Fixed()
	} else if r.cur != &r.g || !r.built.ok || r.built.group != group || r.built.rep != rep {
		r.built.ok = false
		r.nr.Seed(netSeed)
		if err := m.gen.Generate(&r.g, &r.nr); err != nil {
			return err
		}
		r.cur = &r.g
		r.built.group, r.built.rep, r.built.ok = group, rep, true
	}
	if r.cur == &r.g {
		m.nm.Measure(r.cur, out[m.np:])
	} else {
		m.nm.MeasureFixed(r.cur, out[m.np:]) // the same values every repetition
	}
	if _, ok := m.proc.(sim.Coupled); ok {
		return r.runCoupled(point, rep, procSeed, out[:m.np])
	}
	r.pr.Seed(procSeed)
	// Processes only read the graph (sim.Process), so it serves the next
	// point of the group unchanged.
	return m.proc.Run(r.cur, &r.pr, out[:m.np])
}

// setUp returns the models of point, setting them up at its first call
// since the group changed. The point is materialised (Spec.Point) then,
// not at every repetition.
func (r *Runner) setUp(point int) (*pointModels, error) {
	if m := r.models[point]; m != nil {
		return m, nil // the cache holds the current group's points only
	}
	pt := r.s.Point(point)
	e := pointEntry{networkSeed: pt.networkSeed, processSeed: pt.processSeed}
	if r.models == nil || e.networkSeed != r.group {
		r.group, r.models = e.networkSeed, map[int]*pointModels{}
	}
	if len(r.models) >= max(maxModels, r.keep) {
		clear(r.models) // a cache: models depend on the point alone
	}
	gen, err := pt.Network.New()
	if err != nil {
		return nil, fmt.Errorf("could not set up the network of %s: %w", r.s.PointLabel(point), err)
	}
	proc, err := pt.Process.New(pt.Network.N())
	if err != nil {
		return nil, fmt.Errorf("could not set up the process of %s: %w", r.s.PointLabel(point), err)
	}
	nm, err := pt.Network.NewMetrics()
	if err != nil {
		return nil, fmt.Errorf("could not set up the network metrics of %s: %w", r.s.PointLabel(point), err)
	}
	m := &pointModels{gen: gen, proc: proc, nm: nm, np: len(proc.Metrics()), e: e}
	r.models[point] = m
	return m, nil
}

// runCoupled writes point's process metrics of repetition rep, computing
// them, with those of the other points whose models the runner holds
// (points of its group) and that share the process stream seed (points
// that differ only in threshold keys), in one coupled pass unless an
// earlier call of the repetition did. The stream's key hashes the process
// model, so they share it too. Each process's metrics depend on the
// shared draws and its own thresholds only, not on which others run with
// it (TestCoupledAlone). The graph holds the group's network of rep.
func (r *Runner) runCoupled(point, rep int, seed uint64, out []float64) error {
	c := &r.coupled
	if _, done := c.outs[point]; !done || !c.ok || c.group != r.group || c.rep != rep || c.seed != seed {
		c.ok, c.outs, c.err = false, map[int][]float64{}, nil
		var procs []sim.Process
		var outs [][]float64
		points := slices.Sorted(maps.Keys(r.models))
		for _, q := range points {
			m := r.models[q]
			if sim.StreamSeed(r.s.Seed, m.e.processSeed, rep, sim.StreamProcess) != seed {
				continue
			}
			o := make([]float64, m.np)
			procs, outs = append(procs, m.proc), append(outs, o)
			c.outs[q] = o
		}
		r.pr.Seed(seed)
		c.err = procs[0].(sim.Coupled).RunCoupled(r.cur, &r.pr, procs, outs)
		c.group, c.rep, c.seed, c.ok = r.group, rep, seed, true
	}
	if c.err != nil {
		return c.err
	}
	copy(out, c.outs[point])
	return nil
}
