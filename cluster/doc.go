// Package cluster describes where and how a campaign runs away from this
// machine: the spec's [cluster] table (the keys every backend reads, the
// workstation keys, and the chosen scheduler's own keys), and the registry
// of scheduler backends that render, submit, follow and cancel its jobs.
//
// A backend package (slurm, rocks) offers a Factory; the backends package
// registers them all in one list, and nothing else names a backend.
package cluster
