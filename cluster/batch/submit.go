package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// Job describes the campaign of s, run in directory out (default: the
// spec's [output] dir), as a cluster job; binary, when not "", is the MPI
// build run when [cluster] binary is unset. needCluster requires a
// [cluster] table (a *cluster.UsageError without one). Its paths are
// absolute: the job starts in the submit directory or in [cluster]
// workdir, and resubmits itself from wherever it runs. A spec that reads
// network files gives the job its Files (copies under
// out/networks, campaign.NetworkCopy) and the SpecText that names them.
func Job(s *spec.Spec, out, binary string, needCluster bool) (cluster.Job, error) {
	if needCluster && !s.HasCluster {
		return cluster.Job{}, cluster.Usagef("netsweep: %s has no [cluster] table, which says how to run it on Slurm (time, ntasks, partition, ...); add one (see README.md, \"Running on a Slurm cluster\")", s.Path)
	}
	if out == "" {
		out = s.Output.Dir
	}
	dir, err := filepath.Abs(out)
	if err != nil {
		return cluster.Job{}, fmt.Errorf("could not resolve the campaign directory %s: %w", out, err)
	}
	c := s.Cluster
	if c.Binary == "" && binary != "" {
		c.Binary = binary // a program of one's own runs its own MPI build
	}
	job := cluster.Job{
		Name:    s.Name,
		Cluster: c,
		Spec:    filepath.Join(dir, campaign.SpecFile),
		Dir:     dir,
		Script:  filepath.Join(dir, "slurm", "job.sbatch"),
	}
	if files := s.NetworkFiles(); len(files) > 0 {
		paths := map[string]string{}
		for _, f := range files {
			rel := campaign.NetworkCopy(f)
			paths[f.Written] = rel
			job.Files = append(job.Files, cluster.File{Source: f.Path, Copy: filepath.Join(dir, filepath.FromSlash(rel)), SHA256: f.SHA256})
		}
		if job.SpecText, err = s.ShippedText(paths); err != nil {
			return cluster.Job{}, err
		}
	}
	return job, nil
}

// Render returns the job script (or launcher) of backend for the campaign
// of s run in out, as Job describes it, with a budget of coreHours (0:
// none; see cluster.Job.Budget); a batch scheduler needs a [cluster]
// table (time, ntasks, ...), a launcher run by hand does not.
func Render(backend cluster.Backend, s *spec.Spec, out, binary string, coreHours float64) ([]byte, error) {
	_, isBatch := backend.(cluster.Scheduler)
	job, err := Job(s, out, binary, isBatch)
	if err != nil {
		return nil, err
	}
	if coreHours > 0 && !isBatch {
		return nil, cluster.Usagef("netsweep: --budget is for the job scripts of a batch scheduler (slurm, sge, pbs); this launcher takes none")
	}
	job.Budget = coreHours
	var b bytes.Buffer
	if err := backend.Render(&b, job); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Submit submits job, the campaign of s, to sched and returns the job id.
// It renders the script first, so a bad [cluster] leaves nothing behind;
// refuses a directory that has a pending or running job, or holds another
// campaign; then copies the spec to job.Spec, with its network files
// beside it in job.Dir/networks, each checked by SHA-256 where the job
// loads it (campaign.ShipNetworks), writes the script to job.Script and
// submits it. A non-empty id with an error means the job
// was submitted but not recorded.
func Submit(ctx context.Context, sched cluster.Scheduler, s *spec.Spec, job cluster.Job) (id string, err error) {
	var script bytes.Buffer
	if err := sched.Render(&script, job); err != nil {
		return "", err
	}
	dir := job.Dir
	ids, err := sched.Jobs(dir)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		jobs, err := sched.Status(ctx, id)
		if errors.Is(err, cluster.ErrUnknownJob) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("could not check whether job %s of %s still runs: %w", id, dir, err)
		}
		if j, ok := cluster.Active(jobs); ok {
			return "", fmt.Errorf("%s already has job %s %s; wait for it to end, or cancel it with 'netsweep cancel %s'", dir, j.ID, j.State, dir)
		}
	}
	if old, err := spec.Load(job.Spec); err == nil && old.CampaignID != s.CampaignID {
		return "", fmt.Errorf("%s holds another campaign: its %s has other points, seed, repetitions or metrics than %s; submit with another --out DIR", dir, campaign.SpecFile, s.Path)
	}
	if err := os.MkdirAll(filepath.Dir(job.Script), 0o755); err != nil {
		return "", fmt.Errorf("could not create the campaign directory: %w", err)
	}
	text, err := campaign.ShipNetworks(s, dir)
	if err != nil {
		return "", err
	}
	if err := report.WriteFileAtomic(job.Spec, text); err != nil {
		return "", err
	}
	if err := report.WriteFileAtomic(job.Script, script.Bytes()); err != nil {
		return "", err
	}
	if err := os.Chmod(job.Script, 0o755); err != nil {
		return "", err
	}
	id, err = sched.Submit(ctx, job)
	if err != nil && id != "" {
		return id, fmt.Errorf("submitted job %s but %w; cancel it with 'scancel %s' if it is unwanted", id, err, id)
	}
	return id, err
}

// Cancel cancels the jobs of the campaign in dir that are still pending or
// running, calling cancelled, if not nil, after each with its id and the
// state it had, and returns how many it cancelled.
func Cancel(ctx context.Context, sched cluster.Scheduler, dir string, cancelled func(id, state string)) (int, error) {
	ids, err := sched.Jobs(dir)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("%s has no Slurm jobs; was it started with 'netsweep submit'?", dir)
	}
	done := map[string]bool{}
	// A job cancelled just as it resubmits itself has added an id: look
	// at the list again after cancelling.
	for round := 0; round < 3; round++ {
		if round > 0 {
			if ids, err = sched.Jobs(dir); err != nil {
				return len(done), err
			}
		}
		n := 0
		for _, id := range ids {
			if done[id] {
				continue
			}
			jobs, err := sched.Status(ctx, id)
			if errors.Is(err, cluster.ErrUnknownJob) {
				continue
			}
			if err != nil {
				return len(done), fmt.Errorf("could not look up job %s: %w", id, err)
			}
			j, ok := cluster.Active(jobs)
			if !ok {
				continue
			}
			if err := sched.Cancel(ctx, id); err != nil {
				return len(done), err
			}
			done[id] = true
			n++
			if cancelled != nil {
				cancelled(id, j.State)
			}
		}
		if n == 0 {
			break
		}
	}
	return len(done), nil
}

// DirCluster returns the [cluster] table of the campaign in dir, from its
// copy of the spec, or an empty one (the default scheduler) when that
// cannot be read.
func DirCluster(dir string) *cluster.Config {
	if s, err := spec.Load(filepath.Join(dir, campaign.SpecFile)); err == nil {
		return &s.Cluster
	}
	return &cluster.Config{}
}
