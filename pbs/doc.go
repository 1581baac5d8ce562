// Package pbs runs netsweep campaigns on PBS clusters (PBS Professional,
// OpenPBS, and Torque where they differ: the flavour key), as the cluster
// package's "pbs" backend (Backend, Scheduler): it validates its own
// [cluster] keys (Options), renders the job script from templates/, and
// builds, runs and parses the qsub, qstat and qdel commands.
//
// PBS sends no warning signal before the walltime: the job runs with
// --deadline set stop_lead seconds before its walltime ends, so the run
// stops well (status 75) by itself and the script resubmits itself with
// qsub. A job is followed with `qstat -f -F json -x` (PBS Pro, OpenPBS),
// parsed with encoding/json, or `qstat -f` (Torque).
package pbs
