#!/bin/bash
#PBS -N sir-er
#PBS -q workq
#PBS -A netsci
#PBS -l select=4:ncpus=32:mpiprocs=16:mem=64gb
#PBS -l walltime=48:00:00
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

spec=/home/me/sir.toml
dir='/scratch/me/sir 1'
script='/scratch/me/sir 1/slurm/job.sbatch'
limit_s=172800
lead_s=300
max_resubmits=5
attempt=${NETSWEEP_ATTEMPT:-0}
case $attempt in '' | *[!0-9]*) attempt=0 ;; esac

if ! command -v module >/dev/null 2>&1; then
	for f in /etc/profile.d/lmod.sh /etc/profile.d/modules.sh /usr/share/lmod/lmod/init/bash; do
		if [ -r "$f" ]; then
			. "$f"
			break
		fi
	done
fi
module load openmpi || { echo "netsweep: module load failed:" openmpi >&2; exit 1; }

export GOMAXPROCS=2
export NOTE='it'\''s'

cd -- /scratch/me || { echo "netsweep: cannot cd to" /scratch/me >&2; exit 1; }

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
mpirun -np "$ranks" '$HOME/bin/netsweep-mpi' run "$spec" --out "$out" --deadline "$deadline" --shard "$shard/4" &
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
