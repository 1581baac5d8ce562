package cli

// The Slurm commands: render, submit and cancel, and the scheduler's part
// of status (the schedulerStatus hook).
//
// A submitted campaign directory holds:
//
//	DIR/spec.toml          the copy of the spec the jobs run (later edits of the user's file change nothing)
//	DIR/slurm/job.sbatch   the job script; a job that stops early resubmits it
//	DIR/slurm/jobs         the id of every job the campaign ran as, one a line
//	DIR/slurm/*.out        the jobs' logs
//	DIR/journal            the campaign's journal, or, for a job array,
//	DIR/shards/I/journal   one per shard, merged by 'netsweep collect DIR'

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	_ "github.com/netsweep/netsweep/cluster/backends" // every scheduler backend
	"github.com/netsweep/netsweep/headnode"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

const renderUsage = `usage: netsweep render SPEC [--scheduler slurm|rocks] [-o FILE] [--out DIR]

Writes the job script that 'netsweep submit SPEC --out DIR' would submit
for the [cluster] table of SPEC, to FILE (executable) or standard output.
The script runs DIR/spec.toml, the copy of SPEC that submit makes, with
--out DIR; DIR defaults to the spec's [output] dir and is made absolute.

With --scheduler rocks it writes instead a bash launcher for a Rocks
cluster's frontend: it lists the compute hosts with 'rocks list host',
places [cluster] binary (netsweep-mpi) on each (node-local, in
/tmp/netsweep-NAME) and runs it under mpirun with a hostfile of their CPUs.
[cluster] is optional there (ntasks and env are used). Copy SPEC to
DIR/spec.toml, on the shared /home, and run the launcher on the frontend.`

const submitUsage = `usage: netsweep submit SPEC [--out DIR] [--binary PATH]
       netsweep submit SPEC --remote [USER@]HOST[:PORT] [--out LOCALDIR] [--remote-dir DIR] [--upload-binary FILE] [remote flags]

Submits the campaign of SPEC to Slurm as its [cluster] table says. It
copies SPEC to DIR/spec.toml (the jobs run the copy), writes the job script
to DIR/slurm/job.sbatch, submits it with sbatch, records the job id in
DIR/slurm/jobs and prints it. A job that nears its time limit stops cleanly
(exit 75) and resubmits itself, up to max_resubmits times. With
array_shards = K it is a job array of K shards, run into DIR/shards/I; when
all are complete, 'netsweep collect DIR' merges them. Submitting the same
spec to the same DIR again resumes the campaign.

Follow it with 'netsweep status DIR'; stop it with 'netsweep cancel DIR'.
--binary PATH runs PATH as netsweep-mpi instead of [cluster] binary.

With --remote it does all this on the cluster's head node over ssh, with
the netsweep there (--remote-netsweep), in --remote-dir DIR (default
~/netsweep/NAME there), after uploading SPEC and, with --upload-binary
FILE, FILE (a netsweep-mpi built for the cluster), which then serves as
both the remote netsweep and the job's binary. LOCALDIR/remote.json
records the remote campaign: 'netsweep status LOCALDIR', 'cancel
LOCALDIR' and 'collect LOCALDIR' then need no --remote.

` + remoteFlagsUsage

const cancelUsage = `usage: netsweep cancel DIR [remote flags]

Cancels (scancel) the jobs of the campaign in DIR, listed in
DIR/slurm/jobs, that are still pending or running. The journal keeps every
finished chunk: 'netsweep submit' with the same spec and --out resumes.
For a campaign submitted with --remote (DIR holds remote.json), or with
--remote, it cancels them on the head node.

` + remoteFlagsUsage

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
	sched, ok := b.(cluster.Scheduler)
	if !ok {
		name := c.SchedulerName()
		return nil, usagef("netsweep: the %s backend only renders a launcher, which you run yourself: use 'netsweep render --scheduler %s'", name, name)
	}
	return sched, nil
}

func init() { schedulerStatus = slurmStatus }

// renderOptions are the flags of 'netsweep render'.
type renderOptions struct {
	Spec      string // path of the spec
	Scheduler string // a registered backend; "" = the spec's [cluster] scheduler
	File      string // where to write the script; "" = stdout
	Out       string // campaign directory; "" = the spec's [output] dir
}

func cmdRender(args []string, stdout io.Writer) error {
	var o renderOptions
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Scheduler, "scheduler", "", "the scheduler to render for (default: the spec's)")
	fs.StringVar(&o.File, "o", "", "write the script to this file")
	fs.StringVar(&o.Out, "out", "", "campaign directory")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", renderUsage)
	}
	o.Spec = fs.Arg(0)
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
	// A batch scheduler needs [cluster] (time, ntasks, ...); a launcher
	// run by hand does not.
	_, batch := backend.(cluster.Scheduler)
	job, err := clusterJob(s, o.Out, batch)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := backend.Render(&b, job); err != nil {
		return err
	}
	if o.File == "" {
		_, err := stdout.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(o.File, b.Bytes(), 0o755); err != nil {
		return fmt.Errorf("could not write the job script: %w", err)
	}
	return nil
}

// clusterJob describes the campaign of s, run in directory out (default:
// the spec's [output] dir), as a cluster job; needCluster requires a
// [cluster] table. Its paths are absolute: the job starts in the submit
// directory or in [cluster] workdir, and resubmits itself from wherever
// it runs.
func clusterJob(s *spec.Spec, out string, needCluster bool) (cluster.Job, error) {
	if needCluster && !s.HasCluster {
		return cluster.Job{}, usagef("netsweep: %s has no [cluster] table, which says how to run it on Slurm (time, ntasks, partition, ...); add one (see README.md, \"Running on a Slurm cluster\")", s.Path)
	}
	if out == "" {
		out = s.Output.Dir
	}
	dir, err := filepath.Abs(out)
	if err != nil {
		return cluster.Job{}, fmt.Errorf("could not resolve the campaign directory %s: %w", out, err)
	}
	c := s.Cluster
	if c.Binary == "" && defaultBinary != "" {
		c.Binary = defaultBinary // a program of one's own runs its own MPI build
	}
	return cluster.Job{
		Name:    s.Name,
		Cluster: c,
		Spec:    filepath.Join(dir, campaign.SpecFile),
		Dir:     dir,
		Script:  filepath.Join(dir, "slurm", "job.sbatch"),
	}, nil
}

// submitOptions are the flags of 'netsweep submit'.
type submitOptions struct {
	Spec   string // path of the spec
	Out    string // campaign directory; "" = the spec's [output] dir
	Binary string // netsweep-mpi to run instead of [cluster] binary
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
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", submitUsage)
	}
	o.Spec = fs.Arg(0)
	if o.Remote.Target == "" && o.Out != "" {
		if _, ok, _ := headnode.ReadRecord(o.Out); ok {
			o.Remote.Target = "" // the record's
			return cmdSubmitRemote(ctx, o.Spec, o.Out, o.Remote, stdout, stderr)
		}
	}
	if o.Remote.Target != "" {
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
	job, err := clusterJob(s, o.Out, true)
	if err != nil {
		return err
	}
	sched, err := openScheduler(&s.Cluster, stderr)
	if err != nil {
		return err
	}
	// Render first: a bad [cluster] leaves nothing behind.
	var script bytes.Buffer
	if err := sched.Render(&script, job); err != nil {
		return err
	}
	dir := job.Dir
	ids, err := sched.Jobs(dir)
	if err != nil {
		return err
	}
	for _, id := range ids {
		jobs, err := sched.Status(ctx, id)
		if errors.Is(err, cluster.ErrUnknownJob) {
			continue
		}
		if err != nil {
			return fmt.Errorf("could not check whether job %s of %s still runs: %w", id, dir, err)
		}
		if j, ok := cluster.Active(jobs); ok {
			return fmt.Errorf("%s already has job %s %s; wait for it to end, or cancel it with 'netsweep cancel %s'", dir, j.ID, j.State, dir)
		}
	}
	if old, err := spec.Load(job.Spec); err == nil && old.CampaignID != s.CampaignID {
		return fmt.Errorf("%s holds another campaign: its %s has other points, seed, repetitions or metrics than %s; submit with another --out DIR", dir, campaign.SpecFile, o.Spec)
	}
	if err := os.MkdirAll(filepath.Dir(job.Script), 0o755); err != nil {
		return fmt.Errorf("could not create the campaign directory: %w", err)
	}
	if err := report.WriteFileAtomic(job.Spec, s.Text); err != nil {
		return err
	}
	if err := report.WriteFileAtomic(job.Script, script.Bytes()); err != nil {
		return err
	}
	if err := os.Chmod(job.Script, 0o755); err != nil {
		return err
	}
	id, err := sched.Submit(ctx, job)
	if err != nil && id != "" {
		return fmt.Errorf("submitted job %s but %w; cancel it with 'scancel %s' if it is unwanted", id, err, id)
	}
	if err != nil {
		return err
	}
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
	sched, err := openScheduler(dirCluster(dir), stderr)
	if err != nil {
		return err
	}
	ids, err := sched.Jobs(dir)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s has no Slurm jobs; was it started with 'netsweep submit'?", dir)
	}
	cancelled := map[string]bool{}
	// A job cancelled just as it resubmits itself has added an id: look
	// at the list again after cancelling.
	for round := 0; round < 3; round++ {
		if round > 0 {
			if ids, err = sched.Jobs(dir); err != nil {
				return err
			}
		}
		n := 0
		for _, id := range ids {
			if cancelled[id] {
				continue
			}
			jobs, err := sched.Status(ctx, id)
			if errors.Is(err, cluster.ErrUnknownJob) {
				continue
			}
			if err != nil {
				return fmt.Errorf("could not look up job %s: %w", id, err)
			}
			j, ok := cluster.Active(jobs)
			if !ok {
				continue
			}
			if err := sched.Cancel(ctx, id); err != nil {
				return err
			}
			cancelled[id] = true
			n++
			fmt.Fprintf(stdout, "cancelled job %s (%s)\n", id, j.State)
		}
		if n == 0 {
			break
		}
	}
	if len(cancelled) == 0 {
		fmt.Fprintf(stdout, "no job of %s is pending or running\n", dir)
		return nil
	}
	fmt.Fprintf(stderr, "netsweep: the journal keeps every finished chunk; 'netsweep submit SPEC --out %s' with the same spec resumes\n", dir)
	return nil
}

// dirCluster returns the [cluster] table of the campaign in dir, from its
// copy of the spec, or an empty one (the default scheduler) when that
// cannot be read.
func dirCluster(dir string) *cluster.Config {
	if s, err := spec.Load(filepath.Join(dir, campaign.SpecFile)); err == nil {
		return &s.Cluster
	}
	return &cluster.Config{}
}

// slurmStatus is the schedulerStatus hook: the Slurm side of 'netsweep
// status DIR', or nil when DIR was not submitted. For a job array it also
// reports each shard's progress, since DIR then has no journal of its own.
func slurmStatus(dir string) []string {
	s, specErr := spec.Load(filepath.Join(dir, campaign.SpecFile))
	c := &cluster.Config{}
	if specErr == nil {
		c = &s.Cluster
	}
	sched, err := openScheduler(c, io.Discard)
	if err != nil {
		return nil // a backend that only renders has no jobs to follow
	}
	ids, err := sched.Jobs(dir)
	if err != nil {
		return []string{"slurm     " + err.Error()}
	}
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return slurmStatusLines(ctx, sched, dir, ids, s, specErr)
}

// slurmStatusLines are the lines of status for the jobs ids of the
// campaign in dir, whose spec copy is s (or could not be read: specErr).
// The scheduler tells each job's state; the campaign directory each
// shard's progress.
func slurmStatusLines(ctx context.Context, sched cluster.Scheduler, dir string, ids []string, s *spec.Spec, specErr error) []string {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	_, jerr := os.Stat(filepath.Join(dir, campaign.JournalFile))
	hasJournal := jerr == nil
	shards := 0
	if specErr == nil && s.HasCluster {
		shards = s.Cluster.ArrayShards
	}
	if !hasJournal && specErr == nil {
		// status printed nothing of its own.
		add("campaign  %s (%s, campaign %.12s)", s.Name, dir, s.CampaignID)
		if shards == 0 {
			add("progress  not started (no journal yet)")
		}
	}
	maxResub := "?"
	if specErr == nil {
		maxResub = strconv.Itoa(s.Cluster.MaxResubmits)
	}

	if shards == 0 {
		latest := ids[len(ids)-1]
		log := "*-" + latest + ".out"
		if specErr == nil {
			log = s.Name + "-" + latest + ".out"
		}
		add("jobs      %d submitted: the first and %d resubmissions (max_resubmits %s); log %s", len(ids), len(ids)-1, maxResub, filepath.Join(dir, "slurm", log))
		jobs, err := sched.Status(ctx, latest)
		switch {
		case err != nil:
			add("slurm     job %s: %v", latest, err)
		default:
			add("slurm     job %s: %s", latest, jobs[0])
		}
		return lines
	}

	// A job array: the first id covers every shard; each later id is one
	// shard's resubmission. The latest job of each shard is its state.
	type taskJob struct {
		id  string
		job cluster.JobStatus
		err error
	}
	latest := make([]taskJob, shards)
	for n, id := range ids {
		jobs, err := sched.Status(ctx, id)
		if err != nil {
			// Without its tasks we cannot tell which shard a resubmission
			// was; the first job covers them all.
			if n == 0 {
				for i := range latest {
					latest[i] = taskJob{id: id, err: err}
				}
			}
			continue
		}
		for _, j := range jobs {
			for _, t := range j.Tasks {
				if t < shards {
					latest[t] = taskJob{id: j.ID, job: j}
				}
			}
		}
	}
	add("jobs      %d submitted: a job array of %d shards (%s) and %d resubmissions (max_resubmits %s per shard)", len(ids), shards, ids[0], len(ids)-1, maxResub)
	var done, total, failed int64
	complete := 0
	var shardLines []string
	for i := 0; i < shards; i++ {
		sdir := filepath.Join(dir, "shards", strconv.Itoa(i))
		var progress string
		if specErr == nil {
			var want int64
			for _, r := range (campaign.Shard{I: i, K: shards}).Ranges(s) {
				want += int64(r.Len())
			}
			total += want
			if st, err := campaign.ReadStatus(sdir); err == nil {
				d, f := st.Totals()
				done, failed = done+d, failed+f
				progress = fmt.Sprintf("%d/%d runs (%.1f%%)", d, want, 100*float64(d)/float64(max(want, 1)))
				if d >= want {
					complete++
					progress += ", complete"
				}
			} else {
				progress = fmt.Sprintf("0/%d runs, not started", want)
			}
		}
		var state string
		switch t := latest[i]; {
		case t.err != nil:
			state = fmt.Sprintf("job %s: %v", t.id, t.err)
		case t.id == "":
			state = "no job found"
		default:
			state = "job " + t.id + " " + t.job.String()
		}
		shardLines = append(shardLines, fmt.Sprintf("shard %-3d %s; %s", i, progress, state))
	}
	if specErr == nil && !hasJournal {
		add("progress  %d/%d runs (%.1f%%), %d failed, in %d shards", done, total, 100*float64(done)/float64(max(total, 1)), failed, shards)
	}
	lines = append(lines, shardLines...)
	if specErr == nil && complete == shards {
		if _, err := os.Stat(filepath.Join(dir, "results.csv")); err == nil && !hasJournal {
			add("results   collected in %s", filepath.Join(dir, "results.csv"))
		} else if !hasJournal {
			add("next      every shard is complete: merge them with 'netsweep collect %s'", dir)
		}
	}
	return lines
}
