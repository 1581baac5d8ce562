package campaign

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// ErrIncomplete reports a campaign stopped before it was complete; its
// finished chunks are in the journal, and running it again resumes it.
var ErrIncomplete = errors.New("the campaign stopped before it was complete; run the same command again to resume it")

// Executor runs the work in opts (opts.Work, the repetitions left) with
// the controller options given, and returns the combined table: opts.Base
// plus every chunk it ran. Local runs it on in-process workers; under MPI
// it is mpirun.Run on rank 0.
type Executor func(ctx context.Context, opts mpirun.Options) (*reduce.Table, error)

// RunOptions say where and how Run runs a campaign.
type RunOptions struct {
	OpenOptions
	// Chunk is a fixed number of repetitions per chunk; 0 lets the
	// controller size chunks itself.
	Chunk int
	// Deadline, if set, hands out no chunk that would not finish by then.
	Deadline time.Time
	// Stop, when closed, hands out no more chunks: those in flight finish
	// and are recorded, and Run returns ErrIncomplete. Cancelling Run's
	// context instead abandons the chunks in flight.
	Stop <-chan struct{}
	// Ranks and Runtime describe the executor, for provenance and status:
	// Runtime is "embedded" (local workers) or "mpi".
	Ranks   int
	Runtime string
	// Ready, if not nil, is told whether the directory could be opened,
	// before any work; an error from it ends Run (under MPI it tells every
	// rank whether to go on).
	Ready func(ok bool) error
	// Timings, if not nil, receives where the controller's time went.
	Timings *mpirun.Timings
	// Provenance carries the caller's part of results.json's provenance
	// (Version, Revision, Command); Run fills in the rest.
	Provenance report.Provenance
	// Budget, if above 0, is the campaign's budget in core-hours: Run
	// hands out no more chunks once the core time its runs have measured
	// (budget.go) reaches it, and returns an error wrapping ErrIncomplete.
	Budget float64
}

// Outcome is what a completed Run did.
type Outcome struct {
	Resumed bool          // earlier runs had recorded part of the campaign
	Elapsed time.Duration // this run's wall time
	// Results is the path of results.csv; "" for a shard, whose results
	// Collect writes once every shard is complete.
	Results string
}

// Run opens (or resumes) the campaign of s in dir, runs what is left with
// exec, and writes the results: it is rank 0's part of a run. A stop
// through o.Stop, o.Deadline or ctx returns an error wrapping
// ErrIncomplete, after recording every chunk that finished; so does a disk
// that fills up (ENOSPC, EDQUOT) while the journal or the results are
// written.
func Run(ctx context.Context, dir string, s *spec.Spec, exec Executor, o RunOptions) (Outcome, error) {
	rep := reporterOrNop(o.Reporter)
	c, err := Open(dir, s, o.OpenOptions)
	if o.Ready != nil {
		if rerr := o.Ready(err == nil); err == nil && rerr != nil {
			c.Close()
			return Outcome{}, rerr
		}
	}
	if err != nil {
		return Outcome{}, err
	}
	defer c.Close()
	start := time.Now()
	st := Start{Dir: dir, Points: s.NumPoints(), Reps: s.Repetitions, Total: c.total, Done: c.done, Ranks: o.Ranks, Runtime: o.Runtime}
	if pr := s.Precision; pr != nil {
		st.Precision = fmt.Sprintf("%v, %d to %d repetitions in blocks of %d", pr, pr.Min, pr.Max, pr.Block)
	}
	rep.Start(st)

	stop := o.Stop
	c.budget.limit = o.Budget * 3600
	if c.budget.limit > 0 {
		// A spent budget closes the stop at once: the controller hands
		// out nothing but still ends every rank's part cleanly (under
		// MPI the other ranks already follow it), and a campaign with
		// nothing left completes.
		c.budget.spend(0)
		var end func()
		stop, end = either(o.Stop, c.budget.stop)
		defer end()
	}
	opts := mpirun.Options{
		Work: c.work, Chunk: o.Chunk, Base: c.base, Stop: stop, Deadline: o.Deadline, Timings: o.Timings,
		OnResult: c.Record,
		OnProgress: func(p mpirun.Progress) {
			rep.Progress(p)
			c.writeProgress(p, StateRunning, o.Ranks)
		},
	}
	if c.dec != nil {
		opts.Extend = c.dec.extend
	}
	// raw.parquet's layout (points, keys, repetitions, seeds) depends on
	// the spec alone: it is encoded while the repetitions run, and their
	// values as the run records them, so that the end of the run encodes
	// only the last. Not for a shard, whose collect writes the file, nor
	// where precision targets decide the repetitions as they go.
	var live *liveRaw
	if c.raw != nil && o.Shard.K == 0 && c.dec == nil {
		if live, err = startRaw(dir, s, c.raw); err != nil {
			return Outcome{}, err
		}
		defer live.wait() // a run that stops leaves no temporary file
	}
	table, err := exec(ctx, opts)
	switch {
	case err == nil:
	case errors.Is(err, mpirun.ErrStopped) || ctx.Err() != nil:
		c.writeProgress(c.last, StateStopped, o.Ranks)
		c.Close()
		if isClosed(c.budget.stop) {
			return Outcome{}, c.budget.over(dir)
		}
		return Outcome{}, fmt.Errorf("%w (journal: %s)", ErrIncomplete, dir)
	case diskFull(err):
		c.writeProgress(c.last, StateStopped, o.Ranks)
		c.Close()
		return Outcome{}, fullErr(dir, err)
	default:
		return Outcome{}, err
	}
	out := Outcome{Resumed: c.done > 0}
	complete := func() {
		out.Elapsed = time.Since(start)
		ran := c.total - c.done
		if c.dec != nil {
			ran = c.last.Total // the work grew as the decisions asked
		}
		c.writeProgress(mpirun.Progress{Done: ran, Total: ran, Elapsed: out.Elapsed}, StateComplete, o.Ranks)
	}
	if o.Shard.K > 0 {
		if err := c.Finish(); err != nil {
			return Outcome{}, err
		}
		complete()
		return out, nil
	}
	prov := provenance(o.Provenance, s, o.Runtime, o.Ranks, o.Chunk, start)
	prov.Resumed = out.Resumed
	prov.Journal = JournalFile
	// raw.parquet is completed beside results.csv and results.json, on
	// another core where there is one (both wait on fsyncs).
	rawDone := make(chan error, 1)
	switch {
	case live != nil:
		c.raw.end() // every record is in
		go func() { rawDone <- live.wait() }()
	case c.raw != nil:
		go func() { rawDone <- writeRaw(dir, s, c.raw) }()
	default:
		rawDone <- nil
	}
	err = report.Write(dir, s, table, prov)
	if rawErr := <-rawDone; err == nil {
		err = rawErr
	}
	if err != nil {
		if diskFull(err) {
			return Outcome{}, fullErr(dir, err)
		}
		return Outcome{}, err
	}
	if err := c.Finish(); err != nil {
		return Outcome{}, err
	}
	complete()
	out.Results = filepath.Join(dir, "results.csv")
	return out, nil
}

// diskFull tells whether err is a full disk or an exhausted quota: every
// chunk recorded before it is in the journal, so the campaign resumes once
// there is space.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// fullErr is Run's error for a full disk: a resumable stop.
func fullErr(dir string, err error) error {
	return fmt.Errorf("%w (journal: %s); the disk is full: %w; free some space first", ErrIncomplete, dir, err)
}

// provenance completes the caller's part of a results file's provenance.
func provenance(p report.Provenance, s *spec.Spec, rt string, ranks, chunk int, start time.Time) report.Provenance {
	p.Host, _ = os.Hostname()
	p.Chunk = "guided"
	if chunk > 0 {
		p.Chunk = strconv.Itoa(chunk)
	}
	p.SpecPath, p.SpecSHA256, p.SpecText, p.Seed = s.Path, s.SHA256, string(s.Text), s.Seed
	p.GoVersion, p.Runtime, p.Ranks = runtime.Version(), rt, ranks
	p.Start, p.End = start.UTC(), time.Now().UTC()
	return p
}

// Job adapts a spec to the runtime's mpirun.Job: every rank runs its
// points with the spec's own runner.
func Job(s *spec.Spec) mpirun.Job { return job{s} }

// job embeds the spec, whose NetworkGroup lets the controller hand out
// the points that share their networks together.
type job struct{ *spec.Spec }

var (
	_ mpirun.Grouper = job{}
	_ mpirun.RawJob  = job{} // Spec.RawMetrics: [output] raw
)

func (j job) NewRunner() mpirun.Runner { return j.Spec.NewRunner() }

// Local returns an Executor that runs a campaign on workers in-process
// ranks. Cancelling its context returns at once; chunks being computed are
// abandoned.
func Local(s *spec.Spec, workers int) Executor { return local(Job(s), workers) }

// local returns an Executor that runs job on workers in-process ranks.
func local(job mpirun.Job, workers int) Executor {
	return func(ctx context.Context, opts mpirun.Options) (*reduce.Table, error) {
		comms := mpirun.NewLocal(workers)
		errs := make([]error, len(comms))
		var table *reduce.Table
		var wg sync.WaitGroup
		for r := range comms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r == 0 {
					table, errs[0] = mpirun.Run(ctx, comms[0], job, opts)
				} else {
					_, errs[r] = mpirun.Run(ctx, comms[r], job, mpirun.Options{})
				}
			}()
		}
		finished := make(chan struct{})
		go func() { wg.Wait(); close(finished) }()
		select {
		case <-finished:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if errs[0] != nil {
			return table, errs[0]
		}
		for _, e := range errs[1:] {
			if e != nil {
				return nil, e
			}
		}
		return table, nil
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
