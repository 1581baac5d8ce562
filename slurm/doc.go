// Package slurm runs netsweep campaigns on Slurm clusters: it validates the
// spec's [cluster] table, renders the job script from templates/, and builds,
// runs and parses the sbatch, squeue, scontrol, sacct and scancel commands.
package slurm
