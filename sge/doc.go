// Package sge runs netsweep campaigns on Grid Engine clusters (Sun, Son of,
// Open and Univa Grid Engine; the queue of Rocks' SGE roll), as the cluster
// package's "sge" backend (Backend, Scheduler): it validates its own
// [cluster] keys (Options), renders the job script from templates/, and
// builds, runs and parses the qsub, qstat, qacct and qdel commands.
//
// A job is followed with `qstat -xml`, parsed with encoding/xml, while
// Grid Engine holds it, and with qacct once it has ended. The job script
// asks for a soft limit (-l s_rt) before the hard one (-l h_rt), so Grid
// Engine sends SIGUSR1 signal_lead seconds before the end; the run stops
// well and the script resubmits itself with qsub.
package sge
