package slurm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/netsweep/netsweep/cluster"
)

// Backend is the Slurm backend's entry in the cluster registry.
var Backend = cluster.Factory{
	NewOptions: func() cluster.Options { return &Options{} },
	New: func(c *cluster.Config, stderr io.Writer) (cluster.Backend, error) {
		return NewScheduler(c, &Runner{Stderr: stderr}), nil
	},
}

// ErrUnknownJob is the error of Scheduler.Status for a job that slurmctld
// no longer knows (MinJobAge seconds after it ended) and sacct cannot
// tell of. It matches cluster.ErrUnknownJob too.
var ErrUnknownJob = cluster.UnknownJob("no longer known to Slurm")

// Commands are the Slurm commands a Scheduler runs: a *Runner, or a fake
// in tests.
type Commands interface {
	Submit(ctx context.Context, req SubmitRequest) (string, error)
	// ShowJob returns an error matching ErrUnknownJob for a job that
	// slurmctld does not know.
	ShowJob(ctx context.Context, id string) ([]JobInfo, error)
	Accounting(ctx context.Context, id string) ([]AcctEntry, error)
	Cancel(ctx context.Context, id string) error
}

// Scheduler is the cluster.Scheduler of Slurm: Render writes the sbatch
// script, the rest run sbatch, scontrol, sacct and scancel.
type Scheduler struct {
	cmds   Commands
	shards int // array_shards, for the tasks of Status
}

// NewScheduler returns the Slurm scheduler of campaigns configured by c,
// running cmds.
func NewScheduler(c *cluster.Config, cmds Commands) *Scheduler {
	return &Scheduler{cmds: cmds, shards: c.ArrayShards}
}

// Render writes the job script of job; see the package function Render.
func (s *Scheduler) Render(w io.Writer, job Job) error { return Render(w, job) }

// Submit submits job.Script with sbatch, logging to Output(job), as the
// first attempt (NETSWEEP_ATTEMPT=0), records the job id in
// JobsFile(job.Dir) and returns it.
func (s *Scheduler) Submit(ctx context.Context, job Job) (string, error) {
	id, err := s.cmds.Submit(ctx, SubmitRequest{Script: job.Script, Output: Output(job), Env: []string{"NETSWEEP_ATTEMPT=0"}})
	if err != nil {
		return "", err
	}
	return id, AppendJobID(job.Dir, id)
}

// Jobs returns the job ids recorded in JobsFile(dir); see ReadJobIDs.
func (s *Scheduler) Jobs(dir string) ([]string, error) { return ReadJobIDs(dir) }

// Status returns what `scontrol show job` says of id: one entry, or one
// per task of a job array. A job that slurmctld has forgotten is looked
// up with sacct, which answers only where the cluster keeps accounting;
// failing that, Status returns ErrUnknownJob.
func (s *Scheduler) Status(ctx context.Context, id string) ([]cluster.JobStatus, error) {
	jobs, err := s.cmds.ShowJob(ctx, id)
	if errors.Is(err, ErrUnknownJob) {
		jobs, err = s.accounting(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	st := make([]cluster.JobStatus, len(jobs))
	for i, j := range jobs {
		st[i] = status(j, s.shards)
	}
	return st, nil
}

// accounting returns the jobs and array tasks sacct lists for id, or
// ErrUnknownJob.
func (s *Scheduler) accounting(ctx context.Context, id string) ([]JobInfo, error) {
	acct, err := s.cmds.Accounting(ctx, id)
	if err != nil {
		return nil, ErrUnknownJob
	}
	var jobs []JobInfo
	for _, a := range acct {
		if strings.Contains(a.JobID, ".") { // a step: 123.batch, 123.0
			continue
		}
		jobs = append(jobs, JobInfo{ID: a.JobID, Name: a.Name, State: a.State, ExitCode: a.ExitCode, Signal: a.Signal,
			Fields: map[string]string{"ExitCode": fmt.Sprintf("%d:%d", a.ExitCode, a.Signal)}})
	}
	if len(jobs) == 0 {
		return nil, ErrUnknownJob
	}
	return jobs, nil
}

// Cancel cancels job id with scancel.
func (s *Scheduler) Cancel(ctx context.Context, id string) error { return s.cmds.Cancel(ctx, id) }

// status is the neutral state of j, one of a job array of k shards.
func status(j JobInfo, k int) cluster.JobStatus {
	_, hasExit := j.Fields["ExitCode"]
	return cluster.JobStatus{
		ID: j.ID, State: j.State, Reason: j.Reason,
		Pending:  j.State == "PENDING",
		Done:     Terminal(j.State),
		HasExit:  hasExit && j.Fields["ExitCode"] != "",
		ExitCode: j.ExitCode, Signal: j.Signal,
		Tasks: arrayTasks(j, k),
	}
}

// arrayTasks returns the array tasks (< k) that job j stands for: its own
// task, or, for an array not yet split into tasks, every task in its
// ArrayTaskId ("0-3", "1,3", "0-7%2"). A job that is not an array task
// stands for none.
func arrayTasks(j JobInfo, k int) []int {
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
