package batch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/spec"
)

// Status is the scheduler's part of the status of the campaign in dir, in
// lines: the state of its jobs and, for a job array, each shard's
// progress, since dir then has no journal of its own. It is nil when dir
// has no jobs.
func Status(ctx context.Context, sched cluster.Scheduler, dir string) []string {
	ids, err := sched.Jobs(dir)
	if err != nil {
		return []string{"slurm     " + err.Error()}
	}
	if len(ids) == 0 {
		return nil // and the spec, seconds to load for a large grid, is not read
	}
	s, specErr := spec.Load(filepath.Join(dir, campaign.SpecFile))
	return statusLines(ctx, sched, dir, ids, s, specErr)
}

// statusLines are the lines of status for the jobs ids of the
// campaign in dir, whose spec copy is s (or could not be read: specErr).
// The scheduler tells each job's state; the campaign directory each
// shard's progress.
func statusLines(ctx context.Context, sched cluster.Scheduler, dir string, ids []string, s *spec.Spec, specErr error) []string {
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
		logPath := filepath.Join(dir, "slurm", log)
		if l, ok := sched.(cluster.JobLogger); ok && specErr == nil {
			logPath = l.JobLog(dir, s.Name, latest)
		}
		add("jobs      %d submitted: the first and %d resubmissions (max_resubmits %s); log %s", len(ids), len(ids)-1, maxResub, logPath)
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
				if s.Precision != nil {
					// The repetitions decided so far, not the first's.
					total += st.Total() - want
					want = st.Total()
				}
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
