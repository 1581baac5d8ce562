package sge

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/netsweep/netsweep/cluster"
)

// Backend is the Grid Engine backend's entry in the cluster registry.
var Backend = cluster.Factory{
	NewOptions: func() cluster.Options { return &Options{} },
	New: func(c *cluster.Config, stderr io.Writer) (cluster.Backend, error) {
		return NewScheduler(c, &Runner{Stderr: stderr}), nil
	},
}

// ErrUnknownJob is the error of Scheduler.Status for a job that neither
// qstat nor qacct knows: deleted before it ran, or ended and not yet (or
// no longer) in the accounting file. It matches cluster.ErrUnknownJob too.
var ErrUnknownJob = cluster.UnknownJob("no longer known to Grid Engine")

// Commands are the Grid Engine commands a Scheduler runs: a *Runner, or a
// fake in tests.
type Commands interface {
	Submit(ctx context.Context, req SubmitRequest) (string, error)
	// Queue returns the qstat entries of job id, none when qstat does not
	// list it.
	Queue(ctx context.Context, id string) ([]QueueEntry, error)
	// Accounting returns an error matching ErrUnknownJob for a job that
	// qacct does not know.
	Accounting(ctx context.Context, id string) ([]AcctEntry, error)
	Cancel(ctx context.Context, id string) error
}

// Scheduler is the cluster.Scheduler of Grid Engine: Render writes the
// qsub script, the rest run qsub, qstat, qacct and qdel.
type Scheduler struct {
	cmds   Commands
	shards int // array_shards, for the tasks of Status
}

// NewScheduler returns the Grid Engine scheduler of campaigns configured
// by c, running cmds.
func NewScheduler(c *cluster.Config, cmds Commands) *Scheduler {
	return &Scheduler{cmds: cmds, shards: c.ArrayShards}
}

// Render writes the job script of job; see the package function Render.
func (s *Scheduler) Render(w io.Writer, job Job) error { return Render(w, job) }

// Submit submits job.Script with qsub, logging to LogDir(job), as the
// first attempt (NETSWEEP_ATTEMPT=0), records the job id in
// JobsFile(job.Dir) and returns it.
func (s *Scheduler) Submit(ctx context.Context, job Job) (string, error) {
	id, err := s.cmds.Submit(ctx, SubmitRequest{Script: job.Script, LogDir: LogDir(job), Env: []string{"NETSWEEP_ATTEMPT=0"}})
	if err != nil {
		return "", err
	}
	return id, AppendJobID(job.Dir, id)
}

// Jobs returns the job ids recorded in JobsFile(dir); see ReadJobIDs.
func (s *Scheduler) Jobs(dir string) ([]string, error) { return ReadJobIDs(dir) }

// Status returns the state of job id: what `qstat -xml` says of it while
// Grid Engine holds it (one entry per running task, one per range of
// pending tasks) and, for the tasks qstat no longer lists, what qacct
// says. A job that neither knows gives ErrUnknownJob.
func (s *Scheduler) Status(ctx context.Context, id string) ([]cluster.JobStatus, error) {
	queued, err := s.cmds.Queue(ctx, id)
	if err != nil {
		return nil, err
	}
	var st []cluster.JobStatus
	listed := map[int]bool{}
	for _, e := range queued {
		j := queueStatus(e, s.shards)
		for _, t := range j.Tasks {
			listed[t] = true
		}
		st = append(st, j)
	}
	if len(queued) > 0 && s.shards == 0 {
		return st, nil
	}
	// Ended, or an array some of whose tasks ended.
	acct, err := s.cmds.Accounting(ctx, id)
	switch {
	case errors.Is(err, ErrUnknownJob) && len(st) > 0:
		return st, nil
	case errors.Is(err, ErrUnknownJob):
		return nil, ErrUnknownJob
	case err != nil && len(st) > 0:
		return st, nil // qstat has told the state of what is still live
	case err != nil:
		return nil, err
	}
	// qacct lists a task once per run (a rescheduled task twice): keep
	// the last record of each.
	last := map[int]int{}
	for i, a := range acct {
		last[a.Task] = i
	}
	for i, a := range acct {
		if last[a.Task] != i {
			continue
		}
		j := acctStatus(a, s.shards)
		if len(j.Tasks) == 1 && listed[j.Tasks[0]] {
			continue // qstat's word is newer
		}
		st = append(st, j)
	}
	return st, nil
}

// JobLog returns the log of job id of the campaign called name in dir:
// Grid Engine's NAME.oID in LogDir (cluster.JobLogger).
func (s *Scheduler) JobLog(dir, name, id string) string {
	return filepath.Join(dir, "slurm", name+".o"+id)
}

// Cancel deletes job id with qdel.
func (s *Scheduler) Cancel(ctx context.Context, id string) error { return s.cmds.Cancel(ctx, id) }

// queueStatus is the neutral state of a qstat entry, one of a job array of
// k shards.
func queueStatus(e QueueEntry, k int) cluster.JobStatus {
	j := cluster.JobStatus{ID: e.ID, State: e.State, Tasks: cluster.ArrayTasks(e.Tasks, k)}
	if e.Tasks != "" && !strings.ContainsAny(e.Tasks, "-,:") {
		j.ID += "." + e.Tasks
	}
	switch {
	case strings.Contains(e.State, "E"):
		j.Reason = "error: see qstat -j " + e.ID
	case strings.Contains(e.State, "q"):
		j.Pending = true
		j.Reason = "queued"
		if strings.Contains(e.State, "h") {
			j.Reason = "held"
		}
	}
	return j
}

// acctStatus is the neutral state of a qacct record: COMPLETED (exit 0),
// EXITED (another status) or FAILED (Grid Engine's failed field is not 0:
// killed at h_rt, deleted while running, or it could not start).
func acctStatus(a AcctEntry, k int) cluster.JobStatus {
	j := cluster.JobStatus{ID: a.ID, Done: true, HasExit: true, ExitCode: a.Exit}
	if a.Task > 0 {
		j.ID += "." + strconv.Itoa(a.Task)
		if a.Task-1 < k {
			j.Tasks = []int{a.Task - 1}
		}
	}
	if a.Exit > 128 {
		j.ExitCode, j.Signal = 0, a.Exit-128
	}
	switch {
	case strings.TrimSpace(strings.SplitN(a.Failed, ":", 2)[0]) != "0":
		j.State = "FAILED (" + a.Failed + ")"
	case a.Exit == 0:
		j.State = "COMPLETED"
	default:
		j.State = "EXITED"
	}
	return j
}
