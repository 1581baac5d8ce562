#!/bin/bash
#PBS -N sir-fixed-compartmental
#PBS -l procs=4
#PBS -l walltime=1:00:00
#
# netsweep job script for PBS (Torque), rendered from
# templates/pbs.sh.tmpl: re-render it rather than edit it. Submit it with
# 'netsweep submit', which runs: qsub -o DIR/slurm/ -j oe -v NETSWEEP_ATTEMPT=0
# [-t 1-K for array_shards = K] SCRIPT
#
# The runner exits with status 0 when the campaign is complete and 75
# (EX_TEMPFAIL) when it stopped early and can resume; on 75 this script
# resubmits itself with NETSWEEP_ATTEMPT one higher (a shard as a plain job
# with NETSWEEP_SHARD), at most max_resubmits times, and appends the new job
# id to $dir/slurm/jobs. Any other status is a failure and is not
# resubmitted. PBS sends no signal before the walltime: the run gets a
# --deadline stop_lead seconds before it and stops by itself. USR1 (qsig -s
# USR1) is passed on to the run, which then stops well too.

spec=/campaigns/sir-fixed-compartmental/spec.toml
dir=/campaigns/sir-fixed-compartmental
script=/campaigns/sir-fixed-compartmental/slurm/job.sbatch
limit_s=3600
lead_s=120
max_resubmits=0
attempt=${NETSWEEP_ATTEMPT:-0}
case $attempt in '' | *[!0-9]*) attempt=0 ;; esac

job_start=$(date +%s)
deadline=$(date -u -d "@$((job_start + limit_s - lead_s))" +%Y-%m-%dT%H:%M:%SZ)
ranks=4
out=$dir
mkdir -p -- "$dir/slurm" || exit 1

child=
trap 'if [ -n "$child" ]; then kill -USR1 "$child" 2>/dev/null; fi' USR1
mpirun -np "$ranks" netsweep-mpi run "$spec" --out "$out" --deadline "$deadline" &
child=$!
while :; do
	wait "$child"
	status=$?
	# wait returns early, above 128, when a trapped signal arrives.
	if [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null; then
		continue
	fi
	break
done
trap - USR1

case $status in
0)
	exit 0
	;;
75)
	if [ "$attempt" -ge "$max_resubmits" ]; then
		echo "netsweep: stopped before finishing (status 75) after $attempt resubmissions (max_resubmits=$max_resubmits); resume with 'netsweep submit'" >&2
		exit 75
	fi
	next=$((attempt + 1))
	if ! id=$(qsub -o "$dir/slurm/" -j oe -v "NETSWEEP_ATTEMPT=$next" "$script"); then
		echo "netsweep: stopped before finishing (status 75) and could not resubmit; resume with 'netsweep submit'" >&2
		exit 75
	fi
	printf '%s\n' "$id" >>"$dir/slurm/jobs"
	echo "netsweep: stopped before finishing (status 75); resubmitted as job $id (resubmission $next of $max_resubmits)" >&2
	exit 0
	;;
*)
	echo "netsweep: the run failed with status $status; not resubmitting" >&2
	exit "$status"
	;;
esac
