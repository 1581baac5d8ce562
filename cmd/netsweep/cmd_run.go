package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// runOptions are the flags of 'netsweep run'.
type runOptions struct {
	Spec     string        // path of the spec
	Out      string        // results directory; overrides [output] dir
	Workers  int           // ranks of the embedded runtime
	Chunk    int           // fixed chunk size; 0: guided
	Interval time.Duration // between progress lines when stderr is not a terminal
	Quiet    bool          // no progress output
}

const runUsage = `usage: netsweep run SPEC [--out DIR] [--workers N] [--chunk K] [--progress-every D] [--quiet]

Runs every repetition of every parameter point of SPEC on the local cores
and writes DIR/results.csv and DIR/results.json.`

func parseRunFlags(args []string) (runOptions, error) {
	o := runOptions{Workers: runtime.NumCPU(), Interval: 5 * time.Second}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Out, "out", "", "results directory (default: [output] dir of the spec)")
	fs.IntVar(&o.Workers, "workers", o.Workers, "number of workers (default: all cores)")
	fs.IntVar(&o.Chunk, "chunk", 0, "repetitions per chunk (default: automatic)")
	fs.DurationVar(&o.Interval, "progress-every", o.Interval, "interval between progress lines when stderr is not a terminal")
	fs.BoolVar(&o.Quiet, "quiet", false, "print no progress")
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
	s, err := spec.Load(o.Spec)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = s.Output.Dir
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("could not create the output directory: %w", err)
	}
	start := time.Now()
	fmt.Fprintf(stderr, "netsweep: %d points × %d repetitions = %d runs on %d workers\n", len(s.Points), s.Repetitions, s.Runs(), o.Workers)
	table, err := runLocal(ctx, s, o, stderr)
	if err != nil {
		return err
	}
	prov := provenance(s, "embedded", o.Workers, o.Chunk, start)
	if err := report.Write(o.Out, s, table, prov); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "netsweep: wrote %s/results.csv and results.json\n", o.Out)
	return nil
}

// job adapts a spec to the runtime's Job.
type job struct{ *spec.Spec }

func (j job) NewRunner() mpirun.Runner { return j.Spec.NewRunner() }

// allWork lists every repetition of every point of s.
func allWork(s *spec.Spec) []mpirun.Chunk {
	work := make([]mpirun.Chunk, len(s.Points))
	for i := range work {
		work[i] = mpirun.Chunk{Point: i, Start: 0, End: s.Repetitions}
	}
	return work
}

// runLocal runs the campaign on an in-process communicator of o.Workers
// ranks and returns the combined table.
func runLocal(ctx context.Context, s *spec.Spec, o runOptions, stderr io.Writer) (*reduce.Table, error) {
	comms := mpirun.NewLocal(o.Workers)
	opts := mpirun.Options{Work: allWork(s), Chunk: o.Chunk}
	if !o.Quiet {
		opts.OnProgress = newProgress(stderr, o.Interval, 0, s.Runs()).update
	}
	var wg sync.WaitGroup
	errs := make([]error, len(comms))
	for r := 1; r < len(comms); r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[r] = mpirun.Run(ctx, comms[r], job{s}, mpirun.Options{})
		}()
	}
	table, err := mpirun.Run(ctx, comms[0], job{s}, opts)
	wg.Wait()
	if err != nil && ctx.Err() != nil {
		return nil, errors.Join(errIncomplete, ctx.Err())
	}
	if err != nil {
		return nil, err
	}
	for _, e := range errs {
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
