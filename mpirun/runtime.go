package mpirun

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/netsweep/netsweep/reduce"
)

// Job is what the runtime needs to know of a campaign. Every rank builds
// the same Job (from the same spec text) and only ever exchanges chunk
// coordinates and summaries, never networks, and raw values only where
// it asks for them (RawJob).
type Job interface {
	// Layout describes the metrics every repetition reports.
	Layout() *reduce.Layout
	// NumPoints is the number of parameter points.
	NumPoints() int
	// NewRunner returns a runner for one worker; runners are not shared.
	NewRunner() Runner
}

// Grouper is implemented by a Job whose points can share part of a
// repetition's work: the points of one group (equal NetworkGroup) run
// repetition rep on the same network. Where the repetitions left of such
// points line up, the controller hands them out together, as one task of
// several points, and a worker calls its Runner for every point of the
// task at a repetition before it goes on to the next repetition, so the
// Runner can build each repetition's network once.
type Grouper interface {
	// NetworkGroup returns point's group; points that share nothing have
	// groups of their own.
	NetworkGroup(point int) int
}

// TaskSizer is implemented by a Grouper some of whose groups share more
// than a network: the points of a coupled sweep (a percolation curve)
// come from one pass per repetition, so a task should hold all of them.
type TaskSizer interface {
	// TaskPoints returns the most points a task of group may hold; the
	// controller uses at least maxTaskPoints and at most MaxTaskPoints.
	TaskPoints(group int) int
}

// MaxTaskPoints bounds TaskSizer's answer: a worker holds a summary of
// every point of its task while it runs it (a few kB each).
const MaxTaskPoints = 1024

// RawJob is implemented by a Job that keeps some metrics of every
// repetition: workers send their values with each chunk's summary
// (Result.Raw), encoded (RawValues): a few bits a value for discrete
// metrics, 8 bytes for continuous ones.
type RawJob interface {
	// RawMetrics returns the layout indices of the metrics to keep, or
	// none.
	RawMetrics() []int
}

// Runner computes single repetitions, reusing its buffers between calls.
type Runner interface {
	// Run computes repetition rep of point and writes its metrics to out,
	// in layout order. Its result depends on (point, rep) alone, not on
	// the calls before: a Runner may keep what the points of a group
	// share (see Grouper) from one call to the next, but only as a cache.
	Run(point, rep int, out []float64) error
	// Seed returns the seed a repetition's process stream is derived from,
	// for failure records and replay.
	Seed(point, rep int) uint64
}

// TaskRunner is implemented by a Runner that wants to know a task's
// points before it runs the task's first repetition: a coupled pass (a
// percolation curve) computes every point it holds at once, so the runner
// sets up all of them first.
type TaskRunner interface {
	StartTask(points []int)
}

// Progress is a snapshot of a campaign's progress at the controller.
type Progress struct {
	Done, Total int64 // repetitions finished (successful or failed) and to do in this run
	Failed      int64
	Elapsed     time.Duration
}

// Options configures Run. Fields marked "rank 0" are read on rank 0 only.
type Options struct {
	// Work lists the repetitions to run (rank 0).
	Work []Chunk
	// Chunk fixes the number of repetitions per chunk (of every point, in
	// a task of several points); 0 chooses chunk sizes by guided
	// self-scheduling: large chunks first, smaller near the end, so that
	// ranks finish together (rank 0).
	Chunk int
	// Base holds summaries of repetitions already done, for example read
	// back from a journal; they are merged into the result (rank 0).
	Base *reduce.Table
	// OnResult is called by the controller, in one goroutine, for every
	// finished chunk as it arrives (once per point for a task of several
	// points). An error stops the handing out of chunks; Run then waits
	// for the chunks in flight and returns it (rank 0).
	OnResult func(*Result) error
	// OnProgress is called after every finished chunk (rank 0).
	OnProgress func(Progress)
	// Stop, when closed, stops the handing out of chunks; chunks in flight
	// finish and Run returns ErrStopped (rank 0).
	Stop <-chan struct{}
	// Deadline, if set, stops the handing out of chunks that the running
	// estimate of a repetition's duration (at the chunk's point) says would
	// not finish by then (rank 0).
	Deadline time.Time
	// Timings, if not nil, receives where the time went (rank 0).
	Timings *Timings
	// MaxChunkTime bounds a chunk's estimated duration; 0 means
	// DefaultMaxChunkTime (rank 0).
	MaxChunkTime time.Duration
	// Extend, if set, makes the work grow as it runs (rank 0; see
	// extend.go): once every chunk of a point handed out so far has been
	// reported (and passed OnResult), the controller calls it for that
	// point, and hands out the chunks it returns, before the chunks of
	// Work and the extensions of larger priority first. Run ends when no
	// work is left and no point can be extended.
	Extend func(point int) (more []Chunk, priority float64, err error)
}

// Timings says how much time a run spent on its bookkeeping, to show that
// it stays small next to the simulations.
type Timings struct {
	// Summaries is the time workers spent adding values to summaries,
	// merging and encoding them, summed over all ranks.
	Summaries time.Duration
	// OnResult is the controller's time in Options.OnResult (the journal).
	OnResult time.Duration
	// Reduce is rank 0's time merging the chunks' summaries into its
	// table (and Options.Base), and in the final MPI reduction of these
	// timings (the only one: summaries are merged, not reduced).
	Reduce time.Duration
	// Chunks is the number of chunks run (a task of several points runs
	// one chunk per point).
	Chunks int64
}

// ErrStopped reports that Run stopped before all work was done, through
// Options.Stop or Options.Deadline. The summaries of the finished chunks
// are still returned.
var ErrStopped = errors.New("mpirun: stopped before the campaign was complete")

// Run runs a campaign on comm. Every rank calls it with its own view of the
// communicator: each rank runs a worker, and rank 0 also runs the
// controller. Workers keep no table: each chunk's summary goes to rank 0
// in its exact, canonical encoding (Result.Summary), and the controller
// merges it into rank 0's table as it arrives, so a worker's memory does
// not grow with the number of points and rank 0 holds each point compactly
// (see reduce.Table). Rank 0 returns that table (plus Options.Base); other
// ranks return nil. Cancelling ctx aborts the communicator.
func Run(ctx context.Context, comm Comm, job Job, opts Options) (*reduce.Table, error) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			comm.Abort(130)
		case <-done:
		}
	}()

	var wg sync.WaitGroup
	var workErr error
	var busy [2]int64 // this rank's worker: nanoseconds on summaries, chunks
	wg.Add(1)
	go func() {
		defer wg.Done()
		workErr = work(comm, job, &busy)
		if workErr != nil {
			comm.Abort(1)
		}
	}()
	var ctlErr error
	var table *reduce.Table
	var merging time.Duration
	if comm.Rank() == 0 {
		table = reduce.NewTable(job.Layout(), job.NumPoints())
		ctlErr = control(comm, job, opts, table, &merging)
		if !isSoft(ctlErr) {
			comm.Abort(1)
		}
	}
	wg.Wait()
	if workErr != nil {
		return nil, fmt.Errorf("rank %d: %w", comm.Rank(), workErr)
	}
	if !isSoft(ctlErr) {
		return nil, ctlErr
	}
	t0 := time.Now()
	if comm.Rank() == 0 && opts.Base != nil {
		table.Merge(opts.Base)
	}
	if err := comm.ReduceInt64(0, OpSum, busy[:]); err != nil {
		return nil, fmt.Errorf("could not reduce timings: %w", err)
	}
	if opts.Timings != nil && comm.Rank() == 0 {
		opts.Timings.Reduce = merging + time.Since(t0)
		opts.Timings.Summaries = time.Duration(busy[0])
		opts.Timings.Chunks = busy[1]
	}
	if comm.Rank() != 0 {
		return nil, nil
	}
	return table, ctlErr
}

// work is a rank's worker: it keeps lookahead requests for work open at
// rank 0, runs each task it is given and reports its summaries back, encoded
// (which asks for another), until it has had a stop for
// every open request. Once one stop arrives no task follows, since the
// controller's work only ever shrinks. A task of several points runs
// repetition by repetition, every point at each, with one summary per
// point. It keeps nothing of a task once reported: its memory depends on
// the task it runs, not on the number of points.
func work(comm Comm, job Job, busy *[2]int64) error {
	layout := job.Layout()
	npoints := job.NumPoints()
	runner := job.NewRunner()
	out := make([]float64, len(layout.Metrics))
	var raw []int
	if rj, ok := job.(RawJob); ok {
		raw = rj.RawMetrics()
	}
	// A task's raw values, their encoding and its message, kept from task
	// to task (Send copies the message): fewer allocations, and so fewer
	// collections while the repetitions run.
	var (
		rawBuf []float64
		rawEnc RawEncoder
		encBuf []byte
		msgBuf []byte
	)
	for range lookahead {
		if err := comm.Send(0, tagResult, encodeResult(nil)); err != nil {
			return fmt.Errorf("could not ask the controller for work: %w", err)
		}
	}
	for stops := 0; stops < lookahead; {
		msg, err := comm.Recv(0, tagWork)
		if err != nil {
			return fmt.Errorf("could not receive work: %w", err)
		}
		t, stop, err := decodeTask(msg.Data)
		if err != nil {
			return err
		}
		if stop {
			stops++
			continue
		}
		points := t.Points()
		for _, p := range points {
			if p < 0 || p >= npoints || t.Start < 0 || t.End < t.Start {
				return fmt.Errorf("mpirun: bad chunk from the controller: %v", t)
			}
		}
		results := make([]*Result, len(points))
		sums := make([]*reduce.Summary, len(points))
		k := len(raw) * t.Len() // raw values a point
		if cap(rawBuf) < k*len(points) {
			// Doubled at least, as chunks grow while the run goes on.
			rawBuf = make([]float64, max(k*len(points), 2*cap(rawBuf)))
		}
		for i := range points {
			results[i] = &Result{Chunk: t.chunk(i), Rank: comm.Rank()}
			sums[i] = reduce.NewSummary(layout)
		}
		if tr, ok := runner.(TaskRunner); ok {
			tr.StartTask(points)
		}
		at := 0 // where the next repetition's raw values go
		for rep := t.Start; rep < t.End; rep++ {
			for i, p := range points {
				err := runOne(runner, p, rep, out)
				if err == nil {
					t0 := time.Now()
					err = sums[i].Add(out)
					busy[0] += int64(time.Since(t0))
				}
				if err != nil {
					sums[i].AddFailed()
					results[i].Failures = append(results[i].Failures, Failure{Point: p, Rep: rep, Seed: runner.Seed(p, rep), Message: err.Error()})
				}
				// Repetition by repetition, every point's values side by
				// side: one stream of writes through the buffer, not one a
				// point.
				dst := rawBuf[at : at+len(raw)]
				at += len(raw)
				if err == nil {
					for j, m := range raw {
						dst[j] = out[m]
					}
				} else {
					for j := range dst {
						dst[j] = math.NaN()
					}
				}
			}
		}
		start := time.Now()
		for i := range points {
			results[i].Summary = sums[i].AppendBinary(nil)
		}
		if len(raw) > 0 {
			// Encoded one after another into encBuf, then sliced: an
			// earlier result's bytes may have moved as it grew.
			encBuf = encBuf[:0]
			ends := make([]int, len(points))
			for i := range points {
				encBuf = rawEnc.AppendStrided(encBuf, t.Len(), len(raw), len(points)*len(raw), rawBuf[i*len(raw):])
				ends[i] = len(encBuf)
			}
			from := 0
			for i, end := range ends {
				results[i].Raw = RawValues(encBuf[from:end:end])
				from = end
			}
		}
		busy[0] += int64(time.Since(start))
		busy[1] += int64(len(points))
		msgBuf = appendResults(msgBuf[:0], results)
		if err := comm.Send(0, tagResult, msgBuf); err != nil {
			return fmt.Errorf("could not report to the controller: %w", err)
		}
	}
	return nil
}

// runOne runs one repetition, turning a panic into an error that names
// where it happened.
func runOne(r Runner, point, rep int, out []float64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v [%s]", p, panicSite(debug.Stack()))
		}
	}()
	return r.Run(point, rep, out)
}

// panicSite returns the file:line of the frame that panicked, from a stack
// trace taken in the deferred recover.
func panicSite(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") && i+3 < len(lines) {
			return strings.TrimSpace(strings.Fields(lines[i+3])[0])
		}
	}
	return "unknown site"
}

// onResultError marks an error returned by Options.OnResult.
type onResultError struct{ err error }

func (e onResultError) Error() string { return e.err.Error() }
func (e onResultError) Unwrap() error { return e.err }

// isSoft tells whether err (or its absence) left every rank stopped in
// order, so that the ranks can still reduce what they finished.
func isSoft(err error) bool {
	var e onResultError
	return err == nil || errors.Is(err, ErrStopped) || errors.As(err, &e)
}

// Limits of what the controller hands out.
const (
	// lookahead is how many requests for work each worker keeps open, so
	// that, when chunks are short, its next chunk is already waiting when
	// it finishes one instead of a round trip to the controller away.
	lookahead = 8
	// queueTime bounds the estimated work a rank holds: its open requests
	// are answered only while what it holds would take less than this, so
	// a rank with long chunks holds one at a time and a stop or a deadline
	// can take back everything not yet started.
	queueTime = 20 * time.Millisecond
	// DefaultMaxChunkTime bounds a chunk's estimated duration (guided
	// self-scheduling alone would start with 1/(2P) of the campaign), so
	// stops and deadlines take effect, and journal records come, at least
	// this often.
	DefaultMaxChunkTime = 5 * time.Second
)

// rankState is what the controller knows of one rank.
type rankState struct {
	held    []dispatch // tasks given and not yet reported, in order
	pending int        // requests for work not yet answered
	last    time.Time  // when its last result arrived
}

// heldTime estimates how long the tasks st holds take, from est; ok is
// false if one of them is at a point not yet timed.
func (st *rankState) heldTime(est *estimates) (d time.Duration, ok bool) {
	for _, h := range st.held {
		per := est.perRep(h.task)
		if per == 0 {
			return 0, false
		}
		d += time.Duration(h.task.Len()) * per
	}
	return d, true
}

// estimates are the summed wall times of the finished chunks and their
// repetitions, per point: the points of a sweep differ by orders of
// magnitude (below and above an epidemic threshold), so one average would
// make the chunks of the costly points far longer than MaxChunkTime, and
// run them past a deadline. A task of several points is timed as a whole
// and its time shared equally among its points: they only ever run
// together, so only the sum of their estimates, a repetition of the
// task, is used.
type estimates struct {
	time []time.Duration
	reps []int64
}

func (e *estimates) add(point int, d time.Duration, reps int) {
	if point >= len(e.time) {
		e.time = append(e.time, make([]time.Duration, point+1-len(e.time))...)
		e.reps = append(e.reps, make([]int64, point+1-len(e.reps))...)
	}
	e.time[point] += d
	e.reps[point] += int64(reps)
}

// perRep estimates the wall time of a repetition of t (of all its
// points), or returns 0 before a chunk of each of its points has
// finished.
func (e *estimates) perRep(t task) time.Duration {
	var d time.Duration
	for _, point := range t.Points() {
		if point >= len(e.reps) || e.reps[point] == 0 {
			return 0
		}
		d += max(e.time[point]/time.Duration(e.reps[point]), 1)
	}
	return d
}

// controller is rank 0's controller: it answers every request for work
// with the next chunk, or with stop once there is none (or it was told to
// stop), until every worker has had a stop for each of its requests.
type controller struct {
	comm    Comm
	opts    Options
	sched   *scheduler
	ranks   []rankState
	stopped bool
	active  int // requests that will still be answered with stop
	est     estimates
	// outstanding counts, with Options.Extend, the repetitions of each
	// point not yet reported, handed out or not.
	outstanding []int64
}

// control runs the controller on rank 0, merging every reported chunk's
// summary into table and timing that in merging.
func control(comm Comm, job Job, opts Options, table *reduce.Table, merging *time.Duration) error {
	var work []task
	if g, ok := job.(Grouper); ok {
		var size func(int) int
		if ts, ok := job.(TaskSizer); ok {
			size = ts.TaskPoints
		}
		work = groupWork(opts.Work, g.NetworkGroup, size)
	} else {
		work = groupWork(opts.Work, nil, nil)
	}
	c := &controller{comm: comm, opts: opts, sched: newTaskScheduler(work, comm.Size(), opts.Chunk),
		ranks: make([]rankState, comm.Size()), active: comm.Size() * lookahead}
	if rj, ok := job.(RawJob); ok {
		c.sched.rawValues = len(rj.RawMetrics())
	}
	if opts.Extend != nil {
		c.outstanding = outstandingOf(work, job.NumPoints())
	}
	start := time.Now()
	prog := Progress{Total: c.sched.remaining}
	var firstErr error
	for c.active > 0 {
		msg, err := comm.Recv(AnySource, tagResult)
		if err != nil {
			return fmt.Errorf("controller: %w", err)
		}
		results, err := decodeResults(msg.Data)
		if err != nil {
			return fmt.Errorf("controller: from rank %d: %w", msg.Source, err)
		}
		st := &c.ranks[msg.Source]
		if results != nil {
			if len(st.held) == 0 || !st.held[0].task.reportedBy(results) {
				chunks := make([]Chunk, len(results))
				for i, r := range results {
					chunks[i] = r.Chunk
				}
				return fmt.Errorf("controller: rank %d reported %v, which it was not given", msg.Source, chunks)
			}
			// A task ran from when it was given or, if it waited behind
			// another, from when that one finished.
			now := time.Now()
			began := st.held[0].at
			if st.last.After(began) {
				began = st.last
			}
			share := now.Sub(began) / time.Duration(len(results))
			st.last = now
			st.held = st.held[1:]
			t0 := time.Now()
			for _, res := range results {
				if err := table.AddBinary(res.Chunk.Point, res.Summary); err != nil {
					return fmt.Errorf("controller: the summary of %v from rank %d: %w", res.Chunk, msg.Source, err)
				}
			}
			*merging += time.Since(t0)
			for i, res := range results {
				res.Rank = msg.Source
				res.Elapsed = share
				res.More = i < len(results)-1
				c.est.add(res.Chunk.Point, share, res.Chunk.Len())
				prog.Done += int64(res.Chunk.Len())
				prog.Failed += int64(len(res.Failures))
				if opts.OnResult != nil && firstErr == nil {
					t := time.Now()
					if err := opts.OnResult(res); err != nil {
						firstErr = onResultError{err}
					}
					if opts.Timings != nil {
						opts.Timings.OnResult += time.Since(t)
					}
				}
				if opts.Extend != nil && firstErr == nil {
					added, err := c.extend(res.Chunk)
					if err != nil {
						firstErr = onResultError{err}
					}
					prog.Total += added
				}
			}
			prog.Elapsed = time.Since(start)
			if opts.OnProgress != nil {
				opts.OnProgress(prog)
			}
		}
		st.pending++
		if !c.stopped && (firstErr != nil || isClosed(opts.Stop)) {
			c.stopped = true
		}
		if err := c.serve(msg.Source); err != nil {
			return err
		}
		if c.stopped || opts.Extend != nil {
			for r := range c.ranks {
				if err := c.serve(r); err != nil {
					return err
				}
			}
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if c.stopped {
		return ErrStopped
	}
	return nil
}

// serve answers rank r's open requests: with chunks while it may hold
// more, or with stops once the work is done or the campaign stopped.
func (c *controller) serve(r int) error {
	st := &c.ranks[r]
	for st.pending > 0 {
		if !c.stopped && len(st.held) > 0 {
			if held, ok := st.heldTime(&c.est); !ok || held >= queueTime {
				return nil // answered when r reports its next result
			}
		}
		var t task
		ok := false
		if !c.stopped {
			t, ok = c.sched.next(c.limit(st))
			if !ok && c.sched.remaining > 0 {
				c.stopped = true // the deadline leaves no time for more
			}
			if !ok && !c.stopped && c.opts.Extend != nil && c.inFlight() {
				return nil // answered once the chunks in flight extend the work, or not
			}
		}
		var err error
		if ok {
			st.held = append(st.held, dispatch{task: t, at: time.Now()})
			err = c.comm.Send(r, tagWork, encodeTask(t))
		} else {
			c.active--
			err = c.comm.Send(r, tagWork, encodeWork(Chunk{}, true))
		}
		if err != nil {
			return fmt.Errorf("controller: could not send to rank %d: %w", r, err)
		}
		st.pending--
	}
	return nil
}

// limit returns the most repetitions the next task for a rank holding st
// may have (-1: no limit): single repetitions until one of each of the
// next task's points is timed, then as many as fit in
// Options.MaxChunkTime and, with a deadline, in the time left after what
// the rank already holds.
func (c *controller) limit(st *rankState) int {
	head, ok := c.sched.head()
	if !ok {
		return -1
	}
	// With a deadline, the time left after what the rank holds (serve
	// hands out nothing while that is unknown).
	left := time.Duration(math.MaxInt64)
	if !c.opts.Deadline.IsZero() {
		left = time.Until(c.opts.Deadline)
		if held, ok := st.heldTime(&c.est); ok {
			left -= held
		}
		if left <= 0 {
			return 0
		}
	}
	perRep := c.est.perRep(head)
	if perRep == 0 {
		return 1
	}
	most := c.opts.MaxChunkTime
	if most <= 0 {
		most = DefaultMaxChunkTime
	}
	return min(max(1, int(most/perRep)), int(left/perRep))
}

type dispatch struct {
	task task
	at   time.Time
}

// maxTaskPoints bounds the points of a task. A worker holds a summary
// (and its runner the models) of every point of the task it runs, so a
// task of a whole group, such as every point of a sweep of a process key
// on one network, would make its memory grow with the grid (and leave the
// other ranks idle). Tasks of up to maxTaskPoints points still build
// each repetition's network once for that many points, and keep within
// the models a spec.Runner keeps (its maxModels), which a SIR process on
// 20 nodes makes ~0.7 MB each. 32 keeps the sweeps of BENCHMARKS.md
// ("Networks built once per repetition": 10 and 20 points) in one task;
// a group of more points builds a repetition's network once per task,
// unless the job's TaskSizer allows more (coupled sweeps).
const maxTaskPoints = 32

// groupWork turns the chunks of work into tasks: chunks of points of one
// group (by group; nil groups nothing) with the same range become one
// task of up to maxTaskPoints points (or size(group) if size is not nil,
// within [maxTaskPoints, MaxTaskPoints]), placed where the first of them
// was, and the others stay tasks of one point.
func groupWork(work []Chunk, group, size func(int) int) []task {
	type key struct{ group, start, end int }
	var tasks []task
	at := map[key]int{}     // index in tasks
	limits := map[int]int{} // group → its task size, asked once
	for _, c := range work {
		if c.Len() <= 0 {
			continue
		}
		if group == nil {
			tasks = append(tasks, single(c))
			continue
		}
		k := key{group(c.Point), c.Start, c.End}
		i, ok := at[k]
		if !ok {
			at[k] = len(tasks)
			tasks = append(tasks, single(c))
			continue
		}
		t := &tasks[i]
		if t.points == nil {
			t.points = []int{t.Point}
		}
		t.points = append(t.points, c.Point)
		limit, ok := limits[k.group]
		if !ok {
			limit = maxTaskPoints
			if size != nil {
				limit = min(max(size(k.group), maxTaskPoints), MaxTaskPoints)
			}
			limits[k.group] = limit
		}
		if len(t.points) == limit {
			delete(at, k) // the group's next chunk starts a task
		}
	}
	return tasks
}

func isClosed(c <-chan struct{}) bool {
	if c == nil {
		return false
	}
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// scheduler hands out tasks from a list of pending ones, front first.
type scheduler struct {
	work      []task
	ranks     int
	fixed     int
	remaining int64 // repetitions, summed over points
	// rawValues, for a job that keeps raw values (RawJob), is how many
	// it keeps of a repetition of a point: a guided task holds at most
	// rawTaskValues of them, which its worker keeps as float64 until
	// the task ends.
	rawValues int
	// prio, once an extension was pushed (extend.go), is each pending
	// task's priority, in step with work; the tasks of Options.Work have
	// -Inf.
	prio []float64
}

// newScheduler returns a scheduler of the chunks of work, each a task of
// its own.
func newScheduler(work []Chunk, ranks, fixed int) *scheduler {
	return newTaskScheduler(groupWork(work, nil, nil), ranks, fixed)
}

// rawTaskValues is the most raw values a guided task holds: 512 KiB of
// them in its worker. Guided self-scheduling's first tasks hold a sixth
// of the work with two workers: on a campaign of 10 points × 10^6
// repetitions keeping two metrics, 27 MB a worker. Smaller tasks cost
// more than they save where tasks are small anyway: each of a task's
// points has its own summary, about 25 us of work (the short campaign of
// BENCHMARKS.md, on one core: 8192 values a task, 34 tasks instead of
// 15, cost 5 ms more CPU time).
const rawTaskValues = 1 << 16

func newTaskScheduler(work []task, ranks, fixed int) *scheduler {
	s := &scheduler{ranks: ranks, fixed: fixed}
	for _, t := range work {
		if t.Len() > 0 {
			s.work = append(s.work, t)
			s.remaining += t.size()
		}
	}
	return s
}

// head returns the pending task the next one is cut from, if there is one.
func (s *scheduler) head() (task, bool) {
	if len(s.work) == 0 {
		return task{}, false
	}
	return s.work[0], true
}

// next returns the next task, no longer than budget repetitions when
// budget >= 0. With no fixed chunk size it follows guided self-scheduling
// (Polychronopoulos & Kuck 1987) with a factor of two: a task is the
// remaining work divided by twice the number of ranks, at least one
// repetition; a task of several points counts each repetition once per
// point.
func (s *scheduler) next(budget int) (task, bool) {
	if len(s.work) == 0 || budget == 0 {
		return task{}, false
	}
	head := &s.work[0]
	n := int64(len(head.Points()))
	k := s.fixed
	if k <= 0 {
		share := (s.remaining + int64(2*s.ranks) - 1) / int64(2*s.ranks)
		k = int((share + n - 1) / n)
		if s.rawValues > 0 {
			k = min(k, max(1, rawTaskValues/(int(n)*s.rawValues)))
		}
	}
	if budget > 0 {
		k = min(k, budget)
	}
	k = max(1, min(k, head.Len()))
	t := *head
	t.End = t.Start + k
	head.Start += k
	if head.Len() == 0 {
		s.work = s.work[1:]
		if s.prio != nil {
			s.prio = s.prio[1:]
		}
	}
	s.remaining -= int64(k) * n
	return t, true
}
