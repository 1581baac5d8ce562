// Package campaign owns a campaign directory: it opens or resumes the
// journal of finished chunks, records what the workers return, runs what is
// left through an Executor, and writes the results; it reads a directory's
// status, and merges the shards of a job array.
//
// It prints nothing. What a user should see reaches the caller through a
// Reporter, so a command-line tool, a notebook kernel or a web service can
// each show progress its own way.
//
// A directory holds:
//
//	spec.toml       the spec the journal belongs to (status and replay read it)
//	journal         every finished chunk's exact summary (package journal)
//	failures.jsonl  one JSON line per failed repetition
//	progress.json   the latest progress of a run, rewritten every few seconds
//	results.csv     the results, once the campaign is complete
//	results.json    the same with provenance
//	shards/I/       for a job array: shard I's own directory, merged by Collect
package campaign
