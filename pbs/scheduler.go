package pbs

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/netsweep/netsweep/cluster"
)

// Backend is the PBS backend's entry in the cluster registry.
var Backend = cluster.Factory{
	NewOptions: func() cluster.Options { return &Options{} },
	New: func(c *cluster.Config, stderr io.Writer) (cluster.Backend, error) {
		return NewScheduler(c, &Runner{Flavour: OptionsOf(c).FlavourName(), Stderr: stderr}), nil
	},
}

// ErrUnknownJob is the error of Scheduler.Status for a job the PBS server
// no longer knows (PBS Pro keeps finished jobs for job_history_duration
// where job_history_enable is set; Torque for keep_completed seconds). It
// matches cluster.ErrUnknownJob too.
var ErrUnknownJob = cluster.UnknownJob("no longer known to PBS")

// Commands are the PBS commands a Scheduler runs: a *Runner, or a fake in
// tests.
type Commands interface {
	Submit(ctx context.Context, req SubmitRequest) (string, error)
	// Show returns an error matching ErrUnknownJob for a job the server
	// does not know.
	Show(ctx context.Context, id string) ([]JobInfo, error)
	Cancel(ctx context.Context, id string) error
}

// Scheduler is the cluster.Scheduler of PBS: Render writes the qsub
// script, the rest run qsub, qstat and qdel.
type Scheduler struct {
	cmds    Commands
	flavour string
	shards  int // array_shards, for the tasks of Status
}

// NewScheduler returns the PBS scheduler of campaigns configured by c,
// running cmds.
func NewScheduler(c *cluster.Config, cmds Commands) *Scheduler {
	return &Scheduler{cmds: cmds, flavour: OptionsOf(c).FlavourName(), shards: c.ArrayShards}
}

// Render writes the job script of job; see the package function Render.
func (s *Scheduler) Render(w io.Writer, job Job) error { return Render(w, job) }

// Submit submits job.Script with qsub, logging to LogDir(job), as the
// first attempt (NETSWEEP_ATTEMPT=0) and, for array_shards = K, as a job
// array of K subjobs; records the job id in JobsFile(job.Dir) and returns
// it.
func (s *Scheduler) Submit(ctx context.Context, job Job) (string, error) {
	id, err := s.cmds.Submit(ctx, SubmitRequest{Script: job.Script, LogDir: LogDir(job), Env: []string{"NETSWEEP_ATTEMPT=0"},
		Flavour: s.flavour, Shards: job.Cluster.ArrayShards})
	if err != nil {
		return "", err
	}
	return id, AppendJobID(job.Dir, id)
}

// Jobs returns the job ids recorded in JobsFile(dir); see ReadJobIDs.
func (s *Scheduler) Jobs(dir string) ([]string, error) { return ReadJobIDs(dir) }

// Status returns what qstat -f says of id: one entry, or one per subjob
// of a job array (the array's own entry only while it has none).
func (s *Scheduler) Status(ctx context.Context, id string) ([]cluster.JobStatus, error) {
	jobs, err := s.cmds.Show(ctx, id)
	if err != nil {
		return nil, err
	}
	hasSub := false
	for _, j := range jobs {
		hasSub = hasSub || subRE.MatchString(j.ID)
	}
	var st []cluster.JobStatus
	for _, j := range jobs {
		if hasSub && strings.Contains(j.ID, "[]") {
			continue
		}
		st = append(st, status(j, s.shards))
	}
	return st, nil
}

// Cancel deletes job id with qdel.
func (s *Scheduler) Cancel(ctx context.Context, id string) error { return s.cmds.Cancel(ctx, id) }

// stateWords are PBS's job states in words, for 'netsweep status'.
var stateWords = map[string]string{
	"Q": "QUEUED", "H": "HELD", "W": "WAITING", "T": "TRANSIT", "M": "MOVED", "R": "RUNNING",
	"E": "EXITING", "S": "SUSPENDED", "U": "SUSPENDED", "B": "RUNNING", "F": "FINISHED", "X": "FINISHED", "C": "COMPLETED",
}

// status is the neutral state of j, one of a job array of k shards.
func status(j JobInfo, k int) cluster.JobStatus {
	word := stateWords[j.State]
	if word == "" {
		word = j.State
	}
	st := cluster.JobStatus{ID: j.ID, State: word, Reason: j.Comment, HasExit: j.HasExit, ExitCode: j.Exit}
	switch j.State {
	case "Q", "H", "W", "T":
		st.Pending = true
		if st.Reason == "" {
			st.Reason = word
		}
	case "F", "X", "C":
		st.Done = true
	}
	if j.Exit > 256 {
		st.ExitCode, st.Signal = 0, j.Exit-256
	}
	switch m := subRE.FindStringSubmatch(j.ID); {
	case m != nil:
		if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n-1 < k {
			st.Tasks = []int{n - 1}
		}
	case strings.Contains(j.ID, "[]"):
		st.Tasks = cluster.ArrayTasks(j.Indices, k)
	case j.Shard >= 0 && j.Shard < k:
		st.Tasks = []int{j.Shard}
	}
	return st
}
