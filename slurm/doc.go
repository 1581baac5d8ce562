// Package slurm runs netsweep campaigns on Slurm clusters, as the cluster
// package's "slurm" backend (Backend, Scheduler): it validates its own
// [cluster] keys (Options), renders the job script from templates/, and builds,
// runs and parses the sbatch, squeue, scontrol, sacct and scancel commands.
//
// A campaign is followed with squeue and `scontrol show job`, which know a
// job until MinJobAge seconds after it ends. sacct is used only where the
// cluster keeps accounting (AccountingStorageType other than
// accounting_storage/none); scripts/slurm-local.sh, the one-node cluster
// for tests and CI, keeps none.
package slurm
