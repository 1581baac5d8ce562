// Package batch runs a campaign as the jobs of a batch scheduler
// (cluster.Scheduler): it submits the campaign, cancels its jobs, and
// tells their state beside the progress of its shards.
//
// A submitted campaign directory holds:
//
//	DIR/spec.toml          the copy of the spec the jobs run (later edits of the user's file change nothing)
//	DIR/slurm/job.sbatch   the job script; a job that stops early resubmits it
//	DIR/slurm/jobs         the id of every job the campaign ran as, one a line
//	DIR/slurm/*.out        the jobs' logs
//	DIR/journal            the campaign's journal, or, for a job array,
//	DIR/shards/I/journal   one per shard, merged by campaign.Collect
package batch
