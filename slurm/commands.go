package slurm

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/netsweep/netsweep/internal/schedcmd"
)

// SubmitRequest is one sbatch call.
type SubmitRequest struct {
	// Script is the path of the job script.
	Script string
	// Output is the --output pattern ("" = Slurm's default, slurm-%j.out in
	// the submit directory); use Job.Output.
	Output string
	// Args are more sbatch options, placed before the script, e.g.
	// "--dependency=afterok:12".
	Args []string
	// Env is added to sbatch's environment as KEY=VALUE; --export=ALL
	// passes it into the job. Values need no quoting: no shell is involved.
	Env []string
}

// SbatchArgs builds sbatch's arguments for r: --parsable (so the output is
// the job id), --export=ALL, the output pattern, r.Args, the script.
func SbatchArgs(r SubmitRequest) []string {
	args := []string{"--parsable", "--export=ALL"}
	if r.Output != "" {
		args = append(args, "--output="+r.Output)
	}
	args = append(args, r.Args...)
	script := r.Script
	if strings.HasPrefix(script, "-") {
		script = "./" + script
	}
	return append(args, script)
}

// ParseSbatch reads the job id from `sbatch --parsable` output: "ID" or
// "ID;CLUSTER" on the last line.
func ParseSbatch(out string) (string, error) {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	id, _, _ := strings.Cut(last, ";")
	if !plainIDRE.MatchString(id) {
		return "", fmt.Errorf("slurm: bad sbatch output %q: want a job id", out)
	}
	return id, nil
}

// Job ids: "123", or "123_4" for one task of a job array.
var (
	plainIDRE = regexp.MustCompile(`^[0-9]{1,19}$`)
	jobIDRE   = regexp.MustCompile(`^[0-9]{1,19}(_[0-9]{1,19})?$`)
	signalRE  = regexp.MustCompile(`^(SIG)?[A-Z][A-Z0-9]*$|^[0-9]{1,2}$`)
)

func checkID(id string) error {
	if !jobIDRE.MatchString(id) {
		return fmt.Errorf("slurm: bad job id %q: want digits, or digits_digits for an array task", id)
	}
	return nil
}

// SqueueArgs builds squeue's arguments to list job id (every task of an
// array) in any state, one "ID|STATE|REASON" line each.
func SqueueArgs(id string) []string {
	return []string{"--noheader", "--states=all", "--jobs=" + id, "--format=%i|%T|%r"}
}

// QueueEntry is one line of squeue output.
type QueueEntry struct {
	ID, State, Reason string
}

// ParseSqueue reads the output of squeue run with SqueueArgs.
func ParseSqueue(out string) ([]QueueEntry, error) {
	var es []QueueEntry
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.SplitN(line, "|", 3)
		if len(f) != 3 || f[0] == "" || f[1] == "" {
			return nil, fmt.Errorf("slurm: bad squeue line %q: want ID|STATE|REASON", line)
		}
		es = append(es, QueueEntry{ID: f[0], State: f[1], Reason: f[2]})
	}
	return es, nil
}

// ScontrolShowJobArgs builds scontrol's arguments to show job id, one line
// per job (array tasks each get a line).
func ScontrolShowJobArgs(id string) []string {
	return []string{"--oneliner", "show", "job", id}
}

// JobInfo is one job as `scontrol show job` describes it.
type JobInfo struct {
	ID       string            // JobId, with _TASK for an array task (ArrayJobId_ArrayTaskId)
	Name     string            // JobName
	State    string            // JobState, e.g. RUNNING, COMPLETED, CANCELLED
	Reason   string            // Reason
	ExitCode int               // the first half of ExitCode=75:0
	Signal   int               // the second half: the signal that ended the job, or 0
	Fields   map[string]string // every Key=Value of the line
}

// keyRE matches the "Key=" that starts a field of scontrol's output, like
// "JobId=", "Socks/Node=", "ReqB:S:C:T=".
var keyRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_:/.]*=`)

// ParseScontrol reads `scontrol --oneliner show job` output: one job a
// line, space-separated Key=Value fields. A value may hold spaces (a
// Reason, a Command path): a word that does not start with Key= continues
// the value before it.
func ParseScontrol(out string) ([]JobInfo, error) {
	var jobs []JobInfo
	for _, line := range strings.Split(out, "\n") {
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		fields := map[string]string{}
		var key string
		for _, w := range words {
			if k := keyRE.FindString(w); k != "" {
				key = k[:len(k)-1]
				fields[key] = w[len(k):]
				continue
			}
			if key == "" {
				return nil, fmt.Errorf("slurm: bad scontrol line %q: want Key=Value fields", line)
			}
			fields[key] += " " + w
		}
		j, err := jobInfo(fields)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

func jobInfo(f map[string]string) (JobInfo, error) {
	j := JobInfo{ID: f["JobId"], Name: f["JobName"], State: f["JobState"], Reason: f["Reason"], Fields: f}
	if j.ID == "" || j.State == "" {
		return JobInfo{}, fmt.Errorf("slurm: bad scontrol output: no JobId or JobState in %v", f)
	}
	if task, ok := f["ArrayTaskId"]; ok && f["ArrayJobId"] != "" && plainIDRE.MatchString(task) {
		j.ID = f["ArrayJobId"] + "_" + task
	}
	if ec, ok := f["ExitCode"]; ok {
		var err error
		if j.ExitCode, j.Signal, err = parseExitCode(ec); err != nil {
			return JobInfo{}, err
		}
	}
	return j, nil
}

// parseExitCode reads Slurm's "STATUS:SIGNAL".
func parseExitCode(s string) (status, signal int, err error) {
	a, b, ok := strings.Cut(s, ":")
	status, err1 := strconv.Atoi(a)
	signal, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || status < 0 || signal < 0 {
		return 0, 0, fmt.Errorf("slurm: bad exit code %q: want STATUS:SIGNAL", s)
	}
	return status, signal, nil
}

// SacctArgs builds sacct's arguments for job id. Only where the cluster
// keeps accounting (AccountingStorageType is not accounting_storage/none):
// elsewhere sacct has nothing to say, so use ScontrolShowJobArgs while the
// job is in slurmctld's memory.
func SacctArgs(id string) []string {
	return []string{"--parsable2", "--noheader", "--jobs=" + id, "--format=JobID,JobName,State,ExitCode"}
}

// AcctEntry is one line of sacct output: a job, array task or step.
type AcctEntry struct {
	JobID    string // 123, 123_4, 123.batch, 123.0
	Name     string
	State    string // the first word: "CANCELLED by 0" gives CANCELLED
	ExitCode int
	Signal   int
}

// ParseSacct reads the output of sacct run with SacctArgs.
func ParseSacct(out string) ([]AcctEntry, error) {
	var es []AcctEntry
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 4 || f[0] == "" {
			return nil, fmt.Errorf("slurm: bad sacct line %q: want JobID|JobName|State|ExitCode", line)
		}
		state, _, _ := strings.Cut(strings.TrimSpace(f[2]), " ")
		if state == "" {
			return nil, fmt.Errorf("slurm: bad sacct line %q: no state", line)
		}
		status, signal, err := parseExitCode(f[3])
		if err != nil {
			return nil, err
		}
		es = append(es, AcctEntry{JobID: f[0], Name: f[1], State: state, ExitCode: status, Signal: signal})
	}
	return es, nil
}

// ScancelArgs builds scancel's arguments to cancel job id.
func ScancelArgs(id string) []string { return []string{id} }

// SignalArgs builds scancel's arguments to send sig (e.g. "USR1") to the
// batch step of job id: the job script and its children, which for a
// netsweep script means the launcher too.
func SignalArgs(id, sig string) []string {
	return []string{"--batch", "--signal=" + sig, id}
}

// Terminal reports whether a job in state will not change state again.
func Terminal(state string) bool {
	switch state {
	case "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
		"OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED":
		return true
	}
	return false
}

// Runner runs Slurm's commands. The zero value finds them on PATH and
// forwards their stderr to os.Stderr.
type Runner struct {
	// Paths of the commands; "" means the plain name, found on PATH.
	Sbatch, Squeue, Scontrol, Sacct, Scancel string
	// Env is added to every command's environment, e.g. "SLURM_CONF=...".
	Env []string
	// Stderr gets every line the commands write to stderr, prefixed with
	// the command's name ("sbatch: ..."); nil means os.Stderr.
	Stderr io.Writer
}

// Submit runs sbatch and returns the new job's id.
func (r *Runner) Submit(ctx context.Context, req SubmitRequest) (string, error) {
	out, err := r.run(ctx, "sbatch", r.Sbatch, SbatchArgs(req), req.Env)
	if err != nil {
		return "", err
	}
	return ParseSbatch(out)
}

// Queue runs squeue for job id. squeue knows only jobs still in
// slurmctld's memory (MinJobAge seconds after they end).
func (r *Runner) Queue(ctx context.Context, id string) ([]QueueEntry, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "squeue", r.Squeue, SqueueArgs(id), nil)
	if err != nil {
		return nil, err
	}
	return ParseSqueue(out)
}

// ShowJob runs `scontrol show job` for job id; its error matches
// ErrUnknownJob when slurmctld does not know the job.
func (r *Runner) ShowJob(ctx context.Context, id string) ([]JobInfo, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "scontrol", r.Scontrol, ScontrolShowJobArgs(id), nil)
	if err != nil {
		// slurm_load_jobs error: Invalid job id specified
		if strings.Contains(err.Error(), "Invalid job id") {
			return nil, fmt.Errorf("%w (%w)", err, ErrUnknownJob)
		}
		return nil, err
	}
	jobs, err := ParseScontrol(out)
	if err == nil && len(jobs) == 0 {
		err = fmt.Errorf("slurm: scontrol show job %s printed no job", id)
	}
	return jobs, err
}

// Accounting runs sacct for job id; only where the cluster keeps
// accounting.
func (r *Runner) Accounting(ctx context.Context, id string) ([]AcctEntry, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "sacct", r.Sacct, SacctArgs(id), nil)
	if err != nil {
		return nil, err
	}
	return ParseSacct(out)
}

// Cancel runs scancel for job id.
func (r *Runner) Cancel(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	_, err := r.run(ctx, "scancel", r.Scancel, ScancelArgs(id), nil)
	return err
}

// Signal sends sig (a name such as "USR1") to the batch step of job id.
func (r *Runner) Signal(ctx context.Context, id, sig string) error {
	if err := checkID(id); err != nil {
		return err
	}
	if !signalRE.MatchString(sig) {
		return fmt.Errorf("slurm: bad signal %q: want a name like USR1", sig)
	}
	_, err := r.run(ctx, "scancel", r.Scancel, SignalArgs(id, sig), nil)
	return err
}

// Wait polls `scontrol show job` every poll until every job it lists for
// id is in a terminal state, and returns them.
func (r *Runner) Wait(ctx context.Context, id string, poll time.Duration) ([]JobInfo, error) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		jobs, err := r.ShowJob(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("slurm: stopped waiting for job %s: %w", id, ctx.Err())
			}
			return nil, fmt.Errorf("slurm: could not wait for job %s: %w", id, err)
		}
		done := true
		for _, j := range jobs {
			done = done && Terminal(j.State)
		}
		if done {
			return jobs, nil
		}
		select {
		case <-ctx.Done():
			return jobs, fmt.Errorf("slurm: stopped waiting for job %s in state %s: %w", id, jobs[0].State, ctx.Err())
		case <-t.C:
		}
	}
}

// AppendJobID appends id to JobsFile(dir), creating dir/slurm as needed.
func AppendJobID(dir, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	return schedcmd.AppendJobID("slurm", JobsFile(dir), id)
}

// ReadJobIDs returns the job ids recorded in JobsFile(dir), oldest first,
// skipping anything that is not a job id; none when there is no such file.
func ReadJobIDs(dir string) ([]string, error) {
	return schedcmd.ReadJobIDs("slurm", JobsFile(dir), jobIDRE)
}

// run runs one command without a shell. Its stderr goes to r.Stderr line
// by line with the prefix "name: ", and the last of it into the error
// when the command fails.
func (r *Runner) run(ctx context.Context, name, path string, args, env []string) (string, error) {
	return schedcmd.Command{Sched: "slurm", Hint: "is Slurm installed and on PATH?", Name: name, Path: path,
		Args: args, Env: append(append([]string(nil), r.Env...), env...), Stderr: r.Stderr}.Run(ctx)
}
