#!/bin/bash
#PBS -N sir-er-campaign
#PBS -l select=64:ncpus=1:mpiprocs=1
#PBS -l walltime=2:00:00
#
# netsweep job script for PBS (PBS Professional, OpenPBS), rendered from
# templates/pbs.sh.tmpl: re-render it rather than edit it. Submit it with
# 'netsweep submit', which runs: qsub -o DIR/slurm/ -j oe -v NETSWEEP_ATTEMPT=0
# [-J 1-K for array_shards = K] SCRIPT
#
# The runner exits with status 0 when the campaign is complete and 75
# (EX_TEMPFAIL) when it stopped early and can resume; on 75 this script
# resubmits itself with NETSWEEP_ATTEMPT one higher (a shard as a plain job
# with NETSWEEP_SHARD), at most max_resubmits times, and appends the new job
# id to $dir/slurm/jobs. Any other status is a failure and is not
# resubmitted. PBS sends no signal before the walltime: the run gets a
# --deadline stop_lead seconds before it and stops by itself. USR1 (qsig -s
# USR1) is passed on to the run, which then stops well too.

spec=/campaigns/campaign/spec.toml
dir=/campaigns/campaign
script=/campaigns/campaign/slurm/job.sbatch
limit_s=7200
lead_s=120
max_resubmits=3
# Each run gets --budget "$budget" (core-hours; with array shards, each
# shard's share of 'submit --budget', counted in its own directory): it
# stops handing out chunks once $out/cost.json reaches it and exits 77,
# which is not resubmitted.
budget=125h
attempt=${NETSWEEP_ATTEMPT:-0}
case $attempt in '' | *[!0-9]*) attempt=0 ;; esac

job_start=$(date +%s)
deadline=$(date -u -d "@$((job_start + limit_s - lead_s))" +%Y-%m-%dT%H:%M:%SZ)
ranks=64
out=$dir
# A shard: the array index (from 1), or NETSWEEP_SHARD in a resubmission.
shard=${NETSWEEP_SHARD:-}
if [ -z "$shard" ]; then
	task=${PBS_ARRAY_INDEX:-}
	case $task in '' | *[!0-9]*) echo "netsweep: PBS_ARRAY_INDEX is not set; submit this script with 'netsweep submit'" >&2; exit 1 ;; esac
	shard=$((task - 1))
fi
case $shard in '' | *[!0-9]*) echo "netsweep: bad NETSWEEP_SHARD" >&2; exit 1 ;; esac
out=$dir/shards/$shard
mkdir -p -- "$dir/slurm" || exit 1

child=
trap 'if [ -n "$child" ]; then kill -USR1 "$child" 2>/dev/null; fi' USR1
mpirun -np "$ranks" netsweep-mpi run "$spec" --out "$out" --deadline "$deadline" --shard "$shard/4" --budget "$budget" &
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
77)
	echo "netsweep: stopped at its budget of $budget (status 77); not resubmitting; submit again with a larger --budget to go on" >&2
	exit 77
	;;
75)
	if [ "$attempt" -ge "$max_resubmits" ]; then
		echo "netsweep: stopped before finishing (status 75) after $attempt resubmissions (max_resubmits=$max_resubmits); resume with 'netsweep submit'" >&2
		exit 75
	fi
	next=$((attempt + 1))
	if ! id=$(qsub -o "$dir/slurm/" -j oe -v "NETSWEEP_ATTEMPT=$next,NETSWEEP_SHARD=$shard" "$script"); then
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
