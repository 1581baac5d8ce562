package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/internal/progress"
	"github.com/netsweep/netsweep/internal/signals"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// runOptions are the flags of 'netsweep run'.
type runOptions struct {
	Spec     string         // path of the spec
	Out      string         // campaign directory; overrides [output] dir
	Workers  int            // ranks of the embedded runtime
	Chunk    int            // fixed chunk size; 0: guided
	Interval time.Duration  // between progress lines when stderr is not a terminal
	Quiet    bool           // no progress output
	Force    bool           // move aside a directory holding another campaign
	Salvage  bool           // keep the records before damage in the journal's middle
	Grace    time.Duration  // how long a stop waits for chunks in flight
	Deadline time.Time      // hand out no chunk that would not finish by then
	Shard    campaign.Shard // run only this part of the campaign
	Timings  bool           // print where the time went
	Budget   float64        // core-hours; 0: none
}

var runUsage = usageText("run")

func parseRunFlags(args []string) (runOptions, error) {
	o := runOptions{Workers: runtime.NumCPU(), Interval: 5 * time.Second, Grace: 60 * time.Second}
	var deadline, sh, budget string
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Out, "out", "", "campaign directory (default: [output] dir of the spec)")
	fs.IntVar(&o.Workers, "workers", o.Workers, "number of workers (default: all cores)")
	fs.IntVar(&o.Chunk, "chunk", 0, "repetitions per chunk (default: automatic)")
	fs.DurationVar(&o.Interval, "progress-every", o.Interval, "interval between progress lines when stderr is not a terminal")
	fs.BoolVar(&o.Quiet, "quiet", false, "print no progress")
	fs.BoolVar(&o.Timings, "timings", false, "print the time spent on summaries, the journal and merging them on rank 0")
	fs.BoolVar(&o.Force, "force", false, "move aside a directory holding another campaign")
	fs.BoolVar(&o.Salvage, "salvage", false, "resume from the records before damage in the journal's middle")
	fs.DurationVar(&o.Grace, "grace", o.Grace, "how long a stop waits for chunks in flight")
	fs.StringVar(&deadline, "deadline", "", "time or duration after which no chunk is started that would not finish")
	fs.StringVar(&sh, "shard", "", "I/K: run only shard I of K (of every point, the I-th of K blocks of repetitions)")
	fs.StringVar(&budget, "budget", "", "core-hours after which no more chunks are handed out, such as 500h")
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
		if o.Shard, err = campaign.ParseShard(sh); err != nil {
			return o, usagef("--shard %s: %v", sh, err)
		}
	}
	if budget != "" {
		h, err := campaign.ParseCoreHours(budget)
		if err != nil {
			return o, usagef("--budget %s: %v", budget, err)
		}
		o.Budget = h
	}
	if deadline != "" {
		t, err := campaign.ParseDeadline(deadline, time.Now())
		if err != nil {
			return o, usagef("--deadline %s: %v", deadline, err)
		}
		o.Deadline = t
	}
	return o, nil
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
	if err := s.CheckMemory(); err != nil {
		return err
	}
	return runCampaign(ctx, o, s, stderr, o.Workers, "embedded", nil, campaign.Local(s, o.Workers))
}

// runCampaign is rank 0's part of a run: campaign.Run with the flags of
// o, progress printed to stderr, and a graceful stop on the first signal.
// ready, if not nil, is told whether the directory could be opened, before
// any work.
func runCampaign(ctx context.Context, o runOptions, s *spec.Spec, stderr io.Writer, ranks int, rt string, ready func(ok bool) error, exec campaign.Executor) error {
	if o.Out == "" {
		o.Out = s.Output.Dir
	}
	rep := progress.NewReporter(stderr, o.Interval, o.Quiet)
	ro := campaign.RunOptions{
		OpenOptions: campaign.OpenOptions{Shard: o.Shard, Force: o.Force, Salvage: o.Salvage, Version: version, Reporter: rep},
		Chunk:       o.Chunk, Deadline: o.Deadline, Stop: signals.Graceful(ctx, o.Grace),
		Ranks: ranks, Runtime: rt, Ready: ready, Budget: o.Budget,
		Provenance: report.Provenance{Version: version, Revision: vcsRevision(), Command: os.Args},
	}
	var timings mpirun.Timings
	if o.Timings {
		ro.Timings = &timings
	}
	start := time.Now()
	out, err := campaign.Run(ctx, o.Out, s, exec, ro)
	if err != nil {
		return err
	}
	if o.Timings {
		progress.WriteTimings(stderr, timings, time.Since(start), ranks)
	}
	if o.Shard.K > 0 {
		fmt.Fprintf(stderr, "netsweep: shard %v complete; when every shard is, 'netsweep collect' merges them\n", o.Shard)
		return nil
	}
	fmt.Fprintf(stderr, "netsweep: wrote %s and %s\n", out.Results, "results.json")
	return nil
}
