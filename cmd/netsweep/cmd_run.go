package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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

// runOptions are the flags of 'netsweep run'.
type runOptions struct {
	Spec     string        // path of the spec
	Out      string        // campaign directory; overrides [output] dir
	Workers  int           // ranks of the embedded runtime
	Chunk    int           // fixed chunk size; 0: guided
	Interval time.Duration // between progress lines when stderr is not a terminal
	Quiet    bool          // no progress output
	Force    bool          // move aside a directory holding another campaign
	Salvage  bool          // keep the records before damage in the journal's middle
	Grace    time.Duration // how long a stop waits for chunks in flight
	Deadline time.Time     // hand out no chunk that would not finish by then
	Shard    shard         // run only this part of the campaign
	Timings  bool          // print where the time went
}

const runUsage = `usage: netsweep run SPEC [--out DIR] [--workers N] [--chunk K] [--deadline T]
                    [--grace D] [--force] [--salvage] [--progress-every D] [--quiet]

Runs every repetition of every parameter point of SPEC on the local cores
(or, in bin/netsweep-mpi under mpirun, on every rank) and writes
DIR/results.csv and DIR/results.json. Finished chunks are journaled in
DIR/journal: the same command resumes an interrupted campaign.

  --deadline T   an RFC 3339 time or a duration from now (90m): hand out no
                 chunk that the running estimate says would not finish by then
  --grace D      after SIGINT, SIGTERM or SIGUSR1, wait this long for chunks
                 in flight before stopping at once (default 60s)
  --force        if DIR holds another spec's campaign, or a journal that
                 cannot be resumed, move it aside to DIR.replaced-TIME and
                 start afresh
  --salvage      if DIR's journal is damaged in the middle, keep a copy of
                 it, resume from the records before the damage and run the
                 rest again
  --shard I/K    run only shard I of K: of every point, the I-th of K blocks
                 of repetitions; 'netsweep collect' merges the shards`

func parseRunFlags(args []string) (runOptions, error) {
	o := runOptions{Workers: runtime.NumCPU(), Interval: 5 * time.Second, Grace: 60 * time.Second}
	var deadline, sh string
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Out, "out", "", "campaign directory (default: [output] dir of the spec)")
	fs.IntVar(&o.Workers, "workers", o.Workers, "number of workers (default: all cores)")
	fs.IntVar(&o.Chunk, "chunk", 0, "repetitions per chunk (default: automatic)")
	fs.DurationVar(&o.Interval, "progress-every", o.Interval, "interval between progress lines when stderr is not a terminal")
	fs.BoolVar(&o.Quiet, "quiet", false, "print no progress")
	fs.BoolVar(&o.Timings, "timings", false, "print the time spent on summaries, the journal and the reduction")
	fs.BoolVar(&o.Force, "force", false, "move aside a directory holding another campaign")
	fs.BoolVar(&o.Salvage, "salvage", false, "resume from the records before damage in the journal's middle")
	fs.DurationVar(&o.Grace, "grace", o.Grace, "how long a stop waits for chunks in flight")
	fs.StringVar(&deadline, "deadline", "", "time or duration after which no chunk is started that would not finish")
	fs.StringVar(&sh, "shard", "", "I/K: run only shard I of K (of every point, the I-th of K blocks of repetitions)")
	if err := parseInterspersed(fs, args); err != nil {
		return o, usagef("%v\n%s", err, runUsage)
	}
	if fs.NArg() != 1 {
		return o, usagef("%s", runUsage)
	}
	o.Spec = fs.Arg(0)
	if o.Workers < 1 {
		return o, usagef("--workers %d: need at least 1 worker", o.Workers)
	}
	if o.Chunk < 0 {
		return o, usagef("--chunk %d: give a positive chunk size, or leave it out for automatic", o.Chunk)
	}
	if sh != "" {
		var err error
		if o.Shard, err = parseShard(sh); err != nil {
			return o, usagef("--shard %s: %v", sh, err)
		}
	}
	if deadline != "" {
		t, err := parseDeadline(deadline, time.Now())
		if err != nil {
			return o, usagef("--deadline %s: %v", deadline, err)
		}
		o.Deadline = t
	}
	return o, nil
}

// parseDeadline reads an RFC 3339 time, a Unix time in seconds, or a
// duration from now.
func parseDeadline(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec > 0 {
		return time.Unix(sec, 0), nil
	}
	return time.Time{}, errors.New("want a time like 2026-11-24T08:00:00Z, a Unix time, or a duration like 90m")
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, as in 'netsweep run spec.toml --workers 2'.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(pos)
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseRunFlags(args)
	if err != nil {
		return err
	}
	if mpirun.Enabled {
		return runMPI(ctx, o, stderr)
	}
	if size, _, launcher := mpirun.DetectLauncher(os.Getenv); size > 1 {
		return usagef("netsweep: this binary was built without MPI, but %s started it as one of %d ranks: each would run the whole campaign.\n"+
			"Run bin/netsweep-mpi (built by 'make mpi') under mpirun instead, or run this binary once with --workers N.", launcher, size)
	}
	s, err := spec.Load(o.Spec)
	if err != nil {
		return err
	}
	return runCampaign(ctx, o, s, stderr, o.Workers, "embedded", nil, func(ctx context.Context, opts mpirun.Options) (*reduce.Table, error) {
		return runLocal(ctx, s, o.Workers, opts)
	})
}

// executor runs the campaign's remaining work with the controller options
// given and returns the combined table.
type executor func(ctx context.Context, opts mpirun.Options) (*reduce.Table, error)

// runCampaign is rank 0's part of a run: it opens (or resumes) the campaign
// directory, runs what is left with exec, and writes the results. ready, if
// not nil, is told whether the directory could be opened, before any work.
func runCampaign(ctx context.Context, o runOptions, s *spec.Spec, stderr io.Writer, ranks int, rt string, ready func(ok bool) error, exec executor) error {
	if o.Out == "" {
		o.Out = s.Output.Dir
	}
	c, err := openCampaign(o.Out, s, o.Shard, o.Force, o.Salvage, stderr)
	if ready != nil {
		if rerr := ready(err == nil); err == nil && rerr != nil {
			c.close()
			return rerr
		}
	}
	if err != nil {
		return err
	}
	defer c.close()
	start := time.Now()
	total := c.total
	if c.done > 0 {
		fmt.Fprintf(stderr, "netsweep: resuming %s: %d of %d runs already done\n", o.Out, c.done, total)
	}
	fmt.Fprintf(stderr, "netsweep: %d points × %d repetitions = %d runs on %d %s\n", len(s.Points), s.Repetitions, total, ranks, map[bool]string{true: "workers", false: "ranks"}[rt == "embedded"])

	hard, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	defer watchSignals(stop, cancel, o.Grace, stderr)()

	prog := newProgress(stderr, o.Interval, c.done, total)
	opts := mpirun.Options{
		Work: c.work, Chunk: o.Chunk, Base: c.base, Stop: stop, Deadline: o.Deadline,
		OnResult: c.record,
		OnProgress: func(p mpirun.Progress) {
			if !o.Quiet {
				prog.update(p)
			}
			c.writeProgress(p, "running", ranks)
		},
	}
	var timings mpirun.Timings
	if o.Timings {
		opts.Timings = &timings
	}
	table, err := exec(hard, opts)
	if o.Timings && err == nil {
		printTimings(stderr, timings, time.Since(start), ranks)
	}
	switch {
	case err == nil:
	case errors.Is(err, mpirun.ErrStopped) || hard.Err() != nil:
		c.writeProgress(c.last, "stopped", ranks)
		c.close()
		return fmt.Errorf("%w (journal: %s)", errIncomplete, c.dir)
	default:
		return err
	}
	if o.Shard.K > 0 {
		if err := c.finish(); err != nil {
			return err
		}
		c.writeProgress(mpirun.Progress{Done: total - c.done, Total: total - c.done, Elapsed: time.Since(start)}, "complete", ranks)
		fmt.Fprintf(stderr, "netsweep: shard %v complete; when every shard is, 'netsweep collect' merges them\n", o.Shard)
		return nil
	}
	prov := provenance(s, rt, ranks, o.Chunk, start)
	prov.Resumed = c.done > 0
	prov.Journal = journalFile
	if err := report.Write(o.Out, s, table, prov); err != nil {
		return err
	}
	if err := c.finish(); err != nil {
		return err
	}
	c.writeProgress(mpirun.Progress{Done: total - c.done, Total: total - c.done, Elapsed: time.Since(start)}, "complete", ranks)
	fmt.Fprintf(stderr, "netsweep: wrote %s and %s\n", pathJoin(o.Out, "results.csv"), "results.json")
	return nil
}

// watchSignals turns the first SIGINT, SIGTERM or SIGUSR1 into a stop (no
// new chunks; those in flight finish), and a second one, or the end of the
// grace period, into cancel. It returns a function that stops watching.
func watchSignals(stop chan struct{}, cancel func(), grace time.Duration, stderr io.Writer) func() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1)
	done := make(chan struct{})
	go func() {
		var timer <-chan time.Time
		for {
			select {
			case sig := <-sigs:
				if timer == nil {
					fmt.Fprintf(stderr, "\nnetsweep: %v: finishing the chunks in flight (up to %v), then stopping; signal again to stop at once\n", sig, grace)
					close(stop)
					timer = time.After(grace)
					continue
				}
				fmt.Fprintf(stderr, "netsweep: %v: stopping at once\n", sig)
				cancel()
				return
			case <-timer:
				fmt.Fprintf(stderr, "netsweep: grace period over: stopping at once\n")
				cancel()
				return
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// job adapts a spec to the runtime's Job.
type job struct{ *spec.Spec }

func (j job) NewRunner() mpirun.Runner { return j.Spec.NewRunner() }

// runLocal runs the campaign on an in-process communicator of workers ranks
// and returns the combined table. Cancelling ctx returns at once; chunks
// being computed are abandoned.
func runLocal(ctx context.Context, s *spec.Spec, workers int, opts mpirun.Options) (*reduce.Table, error) {
	comms := mpirun.NewLocal(workers)
	errs := make([]error, len(comms))
	var table *reduce.Table
	var wg sync.WaitGroup
	for r := range comms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r == 0 {
				table, errs[0] = mpirun.Run(ctx, comms[0], job{s}, opts)
			} else {
				_, errs[r] = mpirun.Run(ctx, comms[r], job{s}, mpirun.Options{})
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

func provenance(s *spec.Spec, rt string, ranks, chunk int, start time.Time) report.Provenance {
	host, _ := os.Hostname()
	c := "guided"
	if chunk > 0 {
		c = strconv.Itoa(chunk)
	}
	return report.Provenance{
		SpecPath: s.Path, SpecSHA256: s.SHA256, SpecText: string(s.Text), Seed: s.Seed,
		Version: version, Revision: vcsRevision(), GoVersion: runtime.Version(), Host: host,
		Command: os.Args, Runtime: rt, Ranks: ranks, Chunk: c, Start: start.UTC(), End: time.Now().UTC(),
	}
}

// printTimings reports the bookkeeping's share of a run: summaries (summed
// over ranks, so compared with ranks × wall time), the journal and the
// final reduction (on rank 0, compared with wall time).
func printTimings(w io.Writer, t mpirun.Timings, wall time.Duration, ranks int) {
	pct := func(d, of time.Duration) float64 { return 100 * d.Seconds() / max(of.Seconds(), 1e-9) }
	cpu := wall * time.Duration(ranks)
	fmt.Fprintf(w, "netsweep: timings: wall %v on %d ranks, %d chunks\n", wall.Round(time.Millisecond), ranks, t.Chunks)
	fmt.Fprintf(w, "netsweep: timings: summaries %v (%.3f%% of the ranks' time), journal %v (%.3f%% of wall), reduction %v (%.3f%% of wall)\n",
		t.Summaries.Round(time.Microsecond), pct(t.Summaries, cpu), t.OnResult.Round(time.Microsecond), pct(t.OnResult, wall), t.Reduce.Round(time.Microsecond), pct(t.Reduce, wall))
}
