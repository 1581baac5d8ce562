package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Job is one campaign to run on a cluster: the input of Backend.Render
// and Scheduler.Submit.
type Job struct {
	// Name is the campaign's name, the job name.
	Name string
	// Cluster is the spec's [cluster] table; Render validates it.
	Cluster Config
	// Spec is the path of the campaign spec on the cluster, given to
	// `netsweep-mpi run`.
	Spec string
	// Dir is the campaign directory on the cluster, given as --out (with
	// shards: Dir/shards/I).
	Dir string
	// Script is where the rendered script is stored on the cluster; a job
	// that stops early resubmits this file.
	Script string
	// Files are the input files the campaign reads (a spec's network
	// files), and SpecText the text of the spec copy at Spec that names
	// their copies and pins their SHA-256; both are empty for a spec that
	// reads none. A launcher run by hand places them itself (Rocks); a
	// Scheduler ignores them, as Submit ships them.
	Files    []File
	SpecText []byte
	// Budget is the core-hours the whole campaign may spend ('netsweep
	// submit --budget'); 0: no budget. The script passes RunBudget to
	// every run it starts, resubmissions included.
	Budget float64
}

// RunBudget is the --budget of each run of the job, as the script passes
// it ("" without a budget): Budget, or for a job array of K shards
// Budget/K, since each shard counts the core time of its own directory
// (Dir/shards/I/cost.json). Without [precision] a shard runs 1/K of
// every point's repetitions, so the shards cost about the same (with it,
// every K-th point, whose costs may differ); a share is fixed when the
// job is submitted and does not depend on when the other shards run.
func (j Job) RunBudget() string {
	if !(j.Budget > 0) {
		return ""
	}
	h := j.Budget
	if k := j.Cluster.ArrayShards; k > 0 {
		h /= float64(k)
	}
	return strconv.FormatFloat(h, 'g', -1, 64) + "h"
}

// File is an input file of a campaign, to be copied before the run.
type File struct {
	Source string // where it was read when the job was made
	Copy   string // where the job reads it: under the campaign directory
	SHA256 string // hex SHA-256 of its bytes; a copy that differs is refused
}

// Backend renders the job script (or launcher) of a campaign for one kind
// of cluster.
type Backend interface {
	// Render writes the script of job to w; it validates job first and
	// writes nothing when it is bad.
	Render(w io.Writer, job Job) error
}

// Scheduler is a Backend that also submits, follows and cancels jobs.
type Scheduler interface {
	Backend
	// Submit submits job, whose script Render wrote to job.Script,
	// records the new job's id in job.Dir (see Jobs) and returns it. An
	// error with an id means the job was submitted but not recorded.
	Submit(ctx context.Context, job Job) (id string, err error)
	// Jobs returns the ids of the jobs the campaign in dir ran as, oldest
	// first (a job that resubmits itself records the new id); none when
	// it was never submitted.
	Jobs(dir string) ([]string, error)
	// Status returns the state of job id: one entry, or one per task of
	// a job array. It returns an error matching ErrUnknownJob when the
	// scheduler no longer knows the job.
	Status(ctx context.Context, id string) ([]JobStatus, error)
	// Cancel cancels job id.
	Cancel(ctx context.Context, id string) error
}

// JobLogger is implemented by a Scheduler whose jobs do not log to
// DIR/slurm/NAME-ID.out, Slurm's name: JobLog returns the log of job id of
// the campaign called name in dir.
type JobLogger interface {
	JobLog(dir, name, id string) string
}

// ErrUnknownJob is matched (errors.Is) by the error of Scheduler.Status
// for a job the scheduler no longer knows.
var ErrUnknownJob = errors.New("no longer known to the scheduler")

// UnknownJob returns a scheduler's own ErrUnknownJob: an error saying
// msg that matches cluster.ErrUnknownJob too (errors.Is).
func UnknownJob(msg string) error { return unknownJob{msg} }

type unknownJob struct{ msg string }

func (e unknownJob) Error() string      { return e.msg }
func (unknownJob) Is(target error) bool { return target == ErrUnknownJob }

// JobStatus is the state of one job, or one task of a job array.
type JobStatus struct {
	ID      string // the scheduler's id of the job or task, e.g. "123", "123_4"
	State   string // the scheduler's word for it, e.g. PENDING, RUNNING, COMPLETED, TIMEOUT
	Reason  string // why a pending job waits, as the scheduler says
	Pending bool   // waiting to start
	Done    bool   // in a final state: it will not change again
	// HasExit tells whether ExitCode and Signal are known.
	HasExit  bool
	ExitCode int // the job's exit status
	Signal   int // the signal that ended it, or 0
	// Tasks are the array tasks (shards) this entry stands for, below the
	// job's array_shards: its own, or, for an array not yet split into
	// tasks, all it covers; none for a job that is not an array.
	Tasks []int
}

// String describes the state for 'netsweep status': "RUNNING", "PENDING
// (reason Priority)", "COMPLETED, exit 0".
func (j JobStatus) String() string {
	switch {
	case j.Pending:
		return j.State + " (reason " + j.Reason + ")"
	case !j.Done || !j.HasExit:
		return j.State
	case j.Signal != 0:
		return fmt.Sprintf("%s, killed by signal %d", j.State, j.Signal)
	default:
		return fmt.Sprintf("%s, exit %d", j.State, j.ExitCode)
	}
}

// Active returns the first of jobs that is still pending or running.
func Active(jobs []JobStatus) (JobStatus, bool) {
	for _, j := range jobs {
		if !j.Done {
			return j, true
		}
	}
	return JobStatus{}, false
}

// Factory is what a backend package offers the registry.
type Factory struct {
	// NewOptions returns a pointer to a new zero value of the backend's
	// own options struct, whose toml-tagged fields are its [cluster] keys;
	// nil when the backend has no keys of its own.
	NewOptions func() Options
	// New returns the backend for campaigns configured by c (c.Options,
	// when set, came from NewOptions). stderr receives the stderr of the
	// commands it runs.
	New func(c *Config, stderr io.Writer) (Backend, error)
}

var (
	mu       sync.RWMutex
	registry = map[string]Factory{}
	order    []string // names in the order registered
)

// Register makes a backend available under name, the value of the
// [cluster] scheduler key and of 'netsweep render --scheduler'. It panics
// when name is taken or f lacks New: registration happens once, at init.
func Register(name string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup {
		panic("cluster: Register called twice for " + name)
	}
	if f.New == nil {
		panic("cluster: Register of " + name + " without New")
	}
	registry[name] = f
	order = append(order, name)
}

// Names returns the registered backends in the order registered.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return append([]string(nil), order...)
}

// Lookup returns the factory registered as name.
func Lookup(name string) (Factory, bool) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := registry[name]
	return f, ok
}

// UnknownSchedulerError is returned for a backend name nobody registered.
type UnknownSchedulerError struct{ Name string }

func (e *UnknownSchedulerError) Error() string {
	return fmt.Sprintf("unknown scheduler %q; want %s", e.Name, strings.Join(Names(), " or "))
}

// NewConfig returns an empty Config for the backend called name ("" =
// DefaultScheduler), with its Options ready to be decoded into.
func NewConfig(name string) (Config, error) {
	c := Config{Scheduler: name}
	f, ok := Lookup(c.SchedulerName())
	if !ok {
		return Config{}, &UnknownSchedulerError{Name: c.SchedulerName()}
	}
	if f.NewOptions != nil {
		c.Options = f.NewOptions()
	}
	return c, nil
}

// Open returns the backend called name ("" = c's scheduler) for campaigns
// configured by c.
func Open(c *Config, name string, stderr io.Writer) (Backend, error) {
	if name == "" {
		name = c.SchedulerName()
	}
	f, ok := Lookup(name)
	if !ok {
		return nil, &UnknownSchedulerError{Name: name}
	}
	return f.New(c, stderr)
}

// AsScheduler returns backend b, called name, as a Scheduler, or a usage
// error saying that it only renders.
func AsScheduler(b Backend, name string) (Scheduler, error) {
	sched, ok := b.(Scheduler)
	if !ok {
		return nil, Usagef("netsweep: the %s backend only renders a launcher, which you run yourself: use 'netsweep render --scheduler %s'", name, name)
	}
	return sched, nil
}

// ArrayTasks returns the shards (array task - 1, below k) that a job
// array's task list stands for, as Grid Engine and PBS write it: "2",
// "1-3", "1-3:1", "4,6-9:2". Tasks count from 1 there, shards from 0;
// parts that do not parse are passed over.
func ArrayTasks(set string, k int) []int {
	var out []int
	for _, part := range strings.Split(set, ",") {
		rng, stepS, hasStep := strings.Cut(strings.TrimSpace(part), ":")
		lo, hi, isRange := strings.Cut(rng, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		step, err3 := 1, error(nil)
		if hasStep {
			step, err3 = strconv.Atoi(stepS)
		}
		if err1 != nil || err2 != nil || err3 != nil || step < 1 {
			continue
		}
		for t := max(a, 1); t <= b && t-1 < k; t += step {
			out = append(out, t-1)
		}
	}
	return out
}
