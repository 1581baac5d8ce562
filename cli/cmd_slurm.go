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
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/rocks"
	"github.com/netsweep/netsweep/slurm"
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

// slurmClient is what the Slurm commands need of slurm.Runner; tests
// replace it through newSlurmClient.
type slurmClient interface {
	Submit(ctx context.Context, req slurm.SubmitRequest) (string, error)
	ShowJob(ctx context.Context, id string) ([]slurm.JobInfo, error)
	Accounting(ctx context.Context, id string) ([]slurm.AcctEntry, error)
	Cancel(ctx context.Context, id string) error
}

// newSlurmClient returns the client the commands use; stderr receives the
// Slurm commands' stderr, each line prefixed with the command's name.
var newSlurmClient = func(stderr io.Writer) slurmClient { return &slurm.Runner{Stderr: stderr} }

func init() { schedulerStatus = slurmStatus }

// renderOptions are the flags of 'netsweep render'.
type renderOptions struct {
	Spec      string // path of the spec
	Scheduler string // "slurm"
	File      string // where to write the script; "" = stdout
	Out       string // campaign directory; "" = the spec's [output] dir
}

func cmdRender(args []string, stdout io.Writer) error {
	var o renderOptions
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Scheduler, "scheduler", "slurm", "the scheduler to render for")
	fs.StringVar(&o.File, "o", "", "write the script to this file")
	fs.StringVar(&o.Out, "out", "", "campaign directory")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", renderUsage)
	}
	o.Spec = fs.Arg(0)
	switch o.Scheduler {
	case "slurm", "rocks":
	default:
		return usagef("netsweep: unknown --scheduler %q; want slurm or rocks", o.Scheduler)
	}
	s, err := spec.Load(o.Spec)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if o.Scheduler == "rocks" {
		if err := renderRocks(&b, s, o.Out); err != nil {
			return err
		}
	} else {
		job, err := slurmJob(s, o.Out)
		if err != nil {
			return err
		}
		if err := slurm.Render(&b, job); err != nil {
			return err
		}
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

// slurmJob describes the campaign of s, run in directory out (default: the
// spec's [output] dir), as a Slurm job. Its paths are absolute: the job
// starts in the submit directory or in [cluster] workdir, and resubmits
// itself from wherever it runs.
func slurmJob(s *spec.Spec, out string) (slurm.Job, error) {
	if !s.HasCluster {
		return slurm.Job{}, usagef("netsweep: %s has no [cluster] table, which says how to run it on Slurm (time, ntasks, partition, ...); add one (see README.md, \"Running on a Slurm cluster\")", s.Path)
	}
	if out == "" {
		out = s.Output.Dir
	}
	dir, err := filepath.Abs(out)
	if err != nil {
		return slurm.Job{}, fmt.Errorf("could not resolve the campaign directory %s: %w", out, err)
	}
	return slurm.Job{
		Name:    s.Name,
		Cluster: s.Cluster,
		Spec:    filepath.Join(dir, campaign.SpecFile),
		Dir:     dir,
		Script:  filepath.Join(dir, "slurm", "job.sbatch"),
	}, nil
}

// renderRocks writes the Rocks launcher of s, run in directory out
// (default: the spec's [output] dir, made absolute).
func renderRocks(w io.Writer, s *spec.Spec, out string) error {
	if out == "" {
		out = s.Output.Dir
	}
	dir, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("could not resolve the campaign directory %s: %w", out, err)
	}
	return rocks.Render(w, rocks.Job{Name: s.Name, Cluster: s.Cluster, Spec: filepath.Join(dir, campaign.SpecFile), Dir: dir})
}

// submitOptions are the flags of 'netsweep submit'.
type submitOptions struct {
	Spec   string // path of the spec
	Out    string // campaign directory; "" = the spec's [output] dir
	Binary string // netsweep-mpi to run instead of [cluster] binary
	Remote submitRemoteOptions
}

func cmdSubmit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o submitOptions
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Out, "out", "", "campaign directory")
	fs.StringVar(&o.Binary, "binary", "", "netsweep-mpi to run instead of [cluster] binary")
	addRemoteFlags(fs, &o.Remote.remoteOptions)
	fs.StringVar(&o.Remote.Dir, "remote-dir", "", "campaign directory on the head node")
	fs.StringVar(&o.Remote.UploadBinary, "upload-binary", "", "upload this netsweep-mpi to the head node and run it")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", submitUsage)
	}
	o.Spec = fs.Arg(0)
	if o.Remote.Target == "" && o.Out != "" {
		if _, ok, _ := readRemoteRecord(o.Out); ok {
			o.Remote.Target = "" // the record's
			return cmdSubmitRemote(ctx, o.Spec, o.Out, &o.Remote, stdout, stderr)
		}
	}
	if o.Remote.Target != "" {
		if o.Binary != "" {
			return usagef("netsweep: --binary names a file on this machine; with --remote use --upload-binary FILE")
		}
		return cmdSubmitRemote(ctx, o.Spec, o.Out, &o.Remote, stdout, stderr)
	}
	s, err := spec.Load(o.Spec)
	if err != nil {
		return err
	}
	if o.Binary != "" {
		s.Cluster.Binary = o.Binary
	}
	job, err := slurmJob(s, o.Out)
	if err != nil {
		return err
	}
	// Render first: a bad [cluster] leaves nothing behind.
	var script bytes.Buffer
	if err := slurm.Render(&script, job); err != nil {
		return err
	}
	dir := job.Dir
	cl := newSlurmClient(stderr)
	ids, err := readJobIDs(dir)
	if err != nil {
		return err
	}
	for _, id := range ids {
		jobs, err := showJob(ctx, cl, id)
		if errors.Is(err, errJobGone) {
			continue
		}
		if err != nil {
			return fmt.Errorf("could not check whether job %s of %s still runs: %w", id, dir, err)
		}
		if j, ok := activeJob(jobs); ok {
			return fmt.Errorf("%s already has job %s %s; wait for it to end, or cancel it with 'netsweep cancel %s'", dir, j.ID, j.State, dir)
		}
	}
	if old, err := spec.Load(job.Spec); err == nil && old.CampaignID != s.CampaignID {
		return fmt.Errorf("%s holds another campaign: its %s has other points, seed, repetitions or metrics than %s; submit with another --out DIR", dir, campaign.SpecFile, o.Spec)
	}
	if err := os.MkdirAll(filepath.Join(dir, "slurm"), 0o755); err != nil {
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
	id, err := cl.Submit(ctx, slurm.SubmitRequest{Script: job.Script, Output: job.Output(), Env: []string{"NETSWEEP_ATTEMPT=0"}})
	if err != nil {
		return err
	}
	if err := slurm.AppendJobID(dir, id); err != nil {
		return fmt.Errorf("submitted job %s but %w; cancel it with 'scancel %s' if it is unwanted", id, err, id)
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
	var ro remoteOptions
	addRemoteFlags(fs, &ro)
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", cancelUsage)
	}
	dir := fs.Arg(0)
	if sess, _, ok, err := remoteFor(dir, &ro); err != nil {
		return err
	} else if ok {
		return cancelRemote(ctx, sess, stdout, stderr)
	}
	ids, err := readJobIDs(dir)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s has no Slurm jobs (no %s); was it started with 'netsweep submit'?", dir, slurm.JobsFile(dir))
	}
	cl := newSlurmClient(stderr)
	cancelled := map[string]bool{}
	// A job cancelled just as it resubmits itself has added an id: look
	// at the list again after cancelling.
	for round := 0; round < 3; round++ {
		if round > 0 {
			if ids, err = readJobIDs(dir); err != nil {
				return err
			}
		}
		n := 0
		for _, id := range ids {
			if cancelled[id] {
				continue
			}
			jobs, err := showJob(ctx, cl, id)
			if errors.Is(err, errJobGone) {
				continue
			}
			if err != nil {
				return fmt.Errorf("could not look up job %s: %w", id, err)
			}
			j, ok := activeJob(jobs)
			if !ok {
				continue
			}
			if err := cl.Cancel(ctx, id); err != nil {
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

// jobIDRE matches a job id in the jobs file.
var jobIDRE = regexp.MustCompile(`^[0-9]{1,19}(_[0-9]{1,19})?$`)

// readJobIDs returns the job ids recorded in dir, oldest first; none when
// dir has no jobs file.
func readJobIDs(dir string) ([]string, error) {
	b, err := os.ReadFile(slurm.JobsFile(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the campaign's job list: %w", err)
	}
	var ids []string
	for _, f := range strings.Fields(string(b)) {
		if jobIDRE.MatchString(f) {
			ids = append(ids, f)
		}
	}
	return ids, nil
}

// errJobGone reports a job that slurmctld no longer knows (MinJobAge
// seconds after it ended).
var errJobGone = errors.New("no longer known to Slurm")

// showJob returns what `scontrol show job` says of id: one entry, or one
// per task of a job array. A job that slurmctld has forgotten is looked up
// with sacct, which answers only where the cluster keeps accounting;
// failing that, showJob returns errJobGone.
func showJob(ctx context.Context, cl slurmClient, id string) ([]slurm.JobInfo, error) {
	jobs, err := cl.ShowJob(ctx, id)
	if err == nil {
		return jobs, nil
	}
	if !strings.Contains(err.Error(), "Invalid job id") {
		return nil, err
	}
	acct, aerr := cl.Accounting(ctx, id)
	if aerr != nil {
		return nil, errJobGone
	}
	jobs = nil
	for _, a := range acct {
		if strings.Contains(a.JobID, ".") { // a step: 123.batch, 123.0
			continue
		}
		jobs = append(jobs, slurm.JobInfo{ID: a.JobID, Name: a.Name, State: a.State, ExitCode: a.ExitCode, Signal: a.Signal,
			Fields: map[string]string{"ExitCode": fmt.Sprintf("%d:%d", a.ExitCode, a.Signal)}})
	}
	if len(jobs) == 0 {
		return nil, errJobGone
	}
	return jobs, nil
}

// activeJob returns the first job (or array task) of jobs that is still
// pending or running.
func activeJob(jobs []slurm.JobInfo) (slurm.JobInfo, bool) {
	for _, j := range jobs {
		if !slurm.Terminal(j.State) {
			return j, true
		}
	}
	return slurm.JobInfo{}, false
}

// describeJob is one job's state for status: "RUNNING", "PENDING (reason
// Priority)", "COMPLETED, exit 0".
func describeJob(j slurm.JobInfo) string {
	switch {
	case j.State == "PENDING":
		return "PENDING (reason " + j.Reason + ")"
	case !slurm.Terminal(j.State):
		return j.State
	case j.Fields["ExitCode"] == "":
		return j.State
	case j.Signal != 0:
		return fmt.Sprintf("%s, killed by signal %d", j.State, j.Signal)
	default:
		return fmt.Sprintf("%s, exit %d", j.State, j.ExitCode)
	}
}

// slurmStatus is the schedulerStatus hook: the Slurm side of 'netsweep
// status DIR', or nil when DIR was not submitted. For a job array it also
// reports each shard's progress, since DIR then has no journal of its own.
func slurmStatus(dir string) []string {
	ids, err := readJobIDs(dir)
	if err != nil {
		return []string{"slurm     " + err.Error()}
	}
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return slurmStatusLines(ctx, newSlurmClient(io.Discard), dir, ids)
}

func slurmStatusLines(ctx context.Context, cl slurmClient, dir string, ids []string) []string {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	s, specErr := spec.Load(filepath.Join(dir, campaign.SpecFile))
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
		jobs, err := showJob(ctx, cl, latest)
		switch {
		case err != nil:
			add("slurm     job %s: %v", latest, err)
		default:
			add("slurm     job %s: %s", latest, describeJob(jobs[0]))
		}
		return lines
	}

	// A job array: the first id covers every shard; each later id is one
	// shard's resubmission. The latest job of each shard is its state.
	type taskJob struct {
		id  string
		job slurm.JobInfo
		err error
	}
	latest := make([]taskJob, shards)
	for n, id := range ids {
		jobs, err := showJob(ctx, cl, id)
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
			for _, t := range arrayTasks(j, shards) {
				latest[t] = taskJob{id: j.ID, job: j}
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
			state = "job " + t.id + " " + describeJob(t.job)
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

// arrayTasks returns the array tasks (< k) that job j stands for: its own
// task, or, for an array not yet split into tasks, every task in its
// ArrayTaskId ("0-3", "1,3", "0-7%2"). A job that is not an array task
// stands for none.
func arrayTasks(j slurm.JobInfo, k int) []int {
	set, ok := j.Fields["ArrayTaskId"]
	if !ok {
		// sacct names tasks 123_4 and pending arrays 123_[0-3].
		_, task, ok := strings.Cut(j.ID, "_")
		if !ok {
			return nil
		}
		set = strings.Trim(task, "[]")
	}
	set, _, _ = strings.Cut(set, "%")
	var out []int
	for _, part := range strings.Split(set, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			continue
		}
		for t := max(a, 0); t <= b && t < k; t++ {
			out = append(out, t)
		}
	}
	return out
}
