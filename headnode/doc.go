// Package headnode drives a campaign on a Slurm cluster's head node over
// ssh: it submits, follows, cancels and collects it by running the netsweep
// command there, and keeps the local record of where it runs (remote.json).
package headnode
