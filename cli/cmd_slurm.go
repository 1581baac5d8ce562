package cli

// The Slurm commands: render, submit and cancel, and the scheduler's part
// of status (slurmStatus), over package cluster/batch.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	_ "github.com/netsweep/netsweep/cluster/backends" // every scheduler backend
	"github.com/netsweep/netsweep/cluster/batch"
	"github.com/netsweep/netsweep/headnode"
	"github.com/netsweep/netsweep/spec"
)

var renderUsage = usageText("render")

var submitUsage = usageText("submit")

var cancelUsage = usageText("cancel")

// openBackend opens the backend called name ("" = c's scheduler) for
// campaigns configured by c; stderr receives its commands' stderr. Tests
// replace it.
var openBackend = cluster.Open

// openScheduler opens c's scheduler, which must submit, follow and cancel
// jobs.
func openScheduler(c *cluster.Config, stderr io.Writer) (cluster.Scheduler, error) {
	b, err := openBackend(c, "", stderr)
	if err != nil {
		return nil, err
	}
	return cluster.AsScheduler(b, c.SchedulerName())
}

// renderOptions are the flags of 'netsweep render'.
type renderOptions struct {
	Spec      string // path of the spec
	Scheduler string // a registered backend; "" = the spec's [cluster] scheduler
	File      string // where to write the script; "" = stdout
	Out       string // campaign directory; "" = the spec's [output] dir
	Budget    string // core-hours the job's runs may spend; "" = none
}

func cmdRender(args []string, stdout io.Writer) error {
	var o renderOptions
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Scheduler, "scheduler", "", "the scheduler to render for (default: the spec's)")
	fs.StringVar(&o.File, "o", "", "write the script to this file")
	fs.StringVar(&o.Out, "out", "", "campaign directory")
	fs.StringVar(&o.Budget, "budget", "", "core-hours the campaign's runs may spend, such as 500h")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", renderUsage)
	}
	o.Spec = fs.Arg(0)
	var budget float64
	if o.Budget != "" {
		h, err := campaign.ParseCoreHours(o.Budget)
		if err != nil {
			return usagef("--budget %s: %v", o.Budget, err)
		}
		budget = h
	}
	if _, ok := cluster.Lookup(o.Scheduler); !ok && o.Scheduler != "" {
		return usagef("netsweep: unknown --scheduler %q; want %s", o.Scheduler, strings.Join(cluster.Names(), " or "))
	}
	s, err := spec.Load(o.Spec)
	if err != nil {
		return err
	}
	backend, err := openBackend(&s.Cluster, o.Scheduler, io.Discard)
	if err != nil {
		return err
	}
	script, err := batch.Render(backend, s, o.Out, defaultBinary, budget)
	if err != nil {
		return err
	}
	if o.File == "" {
		_, err := stdout.Write(script)
		return err
	}
	if err := os.WriteFile(o.File, script, 0o755); err != nil {
		return fmt.Errorf("could not write the job script: %w", err)
	}
	return nil
}

// submitOptions are the flags of 'netsweep submit'.
type submitOptions struct {
	Spec   string  // path of the spec
	Out    string  // campaign directory; "" = the spec's [output] dir
	Binary string  // netsweep-mpi to run instead of [cluster] binary
	Budget float64 // core-hours: refuse a campaign expected to cost more, stop its runs there; 0 = none
	Remote headnode.SubmitOptions
}

func cmdSubmit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o submitOptions
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Out, "out", "", "campaign directory")
	fs.StringVar(&o.Binary, "binary", "", "netsweep-mpi to run instead of [cluster] binary")
	addRemoteFlags(fs, &o.Remote.Options)
	fs.StringVar(&o.Remote.Dir, "remote-dir", "", "campaign directory on the head node")
	fs.StringVar(&o.Remote.UploadBinary, "upload-binary", "", "upload this netsweep-mpi to the head node and run it")
	budget := fs.String("budget", "", "refuse a campaign that 'netsweep plan' expects to cost more core-hours than this, and stop its runs there")
	checked := fs.Bool("budget-checked", false, "the submitting machine checked --budget against its plan (submit --remote passes it)")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", submitUsage)
	}
	o.Spec = fs.Arg(0)
	if *checked && *budget == "" {
		return usagef("netsweep: --budget-checked says a --budget was checked; give the --budget")
	}
	remote := o.Remote.Target != ""
	if !remote && o.Out != "" {
		_, remote, _ = headnode.ReadRecord(o.Out)
	}
	if *checked && remote {
		return usagef("netsweep: --budget-checked is the head node's side of 'submit --remote --budget', which checks the budget on this machine; leave it out")
	}
	if *budget != "" {
		h, err := campaign.ParseCoreHours(*budget)
		if err != nil {
			return usagef("--budget %s: %v", *budget, err)
		}
		// With --budget-checked this is the head node's side of a
		// 'submit --remote --budget': the plan, its pilot's journal and
		// the spec it names are on the submitting machine, which
		// checked them before uploading anything.
		if !*checked {
			s, err := spec.Load(o.Spec)
			if err != nil {
				return err
			}
			dir := o.Out
			if dir == "" {
				dir = s.Output.Dir
			}
			if err := campaign.CheckBudget(dir, s, h); err != nil {
				return err
			}
		}
		o.Budget = h
		o.Remote.Budget = h
	}
	if remote {
		if o.Binary != "" {
			return usagef("netsweep: --binary names a file on this machine; with --remote use --upload-binary FILE")
		}
		return cmdSubmitRemote(ctx, o.Spec, o.Out, o.Remote, stdout, stderr)
	}
	s, err := spec.Load(o.Spec)
	if err != nil {
		return err
	}
	if o.Binary != "" {
		s.Cluster.Binary = o.Binary
	}
	job, err := batch.Job(s, o.Out, defaultBinary, true)
	if err != nil {
		return err
	}
	job.Budget = o.Budget
	sched, err := openScheduler(&s.Cluster, stderr)
	if err != nil {
		return err
	}
	id, err := batch.Submit(ctx, sched, s, job)
	if err != nil {
		return err
	}
	dir := job.Dir
	what := "job"
	if k := s.Cluster.ArrayShards; k > 0 {
		what = fmt.Sprintf("a job array of %d shards,", k)
	}
	fmt.Fprintln(stdout, id)
	fmt.Fprintf(stderr, "netsweep: submitted %s to %s as %s %s; follow it with 'netsweep status %s'\n", s.Name, dir, what, id, dir)
	return nil
}

func cmdCancel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cancel", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var ro headnode.Options
	addRemoteFlags(fs, &ro)
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", cancelUsage)
	}
	dir := fs.Arg(0)
	if sess, _, ok, err := headnode.Open(dir, ro); err != nil {
		return err
	} else if ok {
		return sess.Cancel(ctx, stdout, stderr)
	}
	sched, err := openScheduler(batch.DirCluster(dir), stderr)
	if err != nil {
		return err
	}
	n, err := batch.Cancel(ctx, sched, dir, func(id, state string) {
		fmt.Fprintf(stdout, "cancelled job %s (%s)\n", id, state)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(stdout, "no job of %s is pending or running\n", dir)
		return nil
	}
	fmt.Fprintf(stderr, "netsweep: the journal keeps every finished chunk; 'netsweep submit SPEC --out %s' with the same spec resumes\n", dir)
	return nil
}

// slurmStatus is the scheduler's side of
// 'netsweep status DIR', or nil when DIR was not submitted. cfg is DIR's
// [cluster], where the caller has read DIR's spec (a large grid takes
// seconds to load); nil reads it.
func slurmStatus(dir string, cfg *cluster.Config) []string {
	if cfg == nil {
		cfg = batch.DirCluster(dir)
	}
	sched, err := openScheduler(cfg, io.Discard)
	if err != nil {
		return nil // a backend that only renders has no jobs to follow
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return batch.Status(ctx, sched, dir)
}
