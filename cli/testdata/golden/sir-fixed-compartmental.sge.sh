#!/bin/bash
#$ -N sir-fixed-compartmental
#$ -S /bin/bash
#$ -pe mpi 4
#$ -l h_rt=1:00:00
#$ -l s_rt=0:58:00
#$ -notify
#
# netsweep job script for Grid Engine, rendered from templates/sge.sh.tmpl:
# re-render it rather than edit it. Submit it with 'netsweep submit', which
# runs: qsub -terse -o DIR/slurm/ -j y -v NETSWEEP_ATTEMPT=0 SCRIPT
#
# The runner exits with status 0 when the campaign is complete and 75
# (EX_TEMPFAIL) when it stopped early and can resume; on 75 this script
# resubmits itself with NETSWEEP_ATTEMPT one higher, at most max_resubmits
# times, and appends the new job id to $dir/slurm/jobs. Any other status is a
# failure and is not resubmitted. Grid Engine sends SIGUSR1 at the soft limit
# (-l s_rt), signal_lead seconds before the hard one (-l h_rt), and, with
# -notify, SIGUSR2 shortly before it kills the job (qdel, or h_rt); both reach
# the whole job, and the traps below pass them on to the run as USR1, its
# signal to stop well. A job warned with SIGUSR2 is being deleted: it is not
# resubmitted.

spec=/campaigns/sir-fixed-compartmental/spec.toml
dir=/campaigns/sir-fixed-compartmental
script=/campaigns/sir-fixed-compartmental/slurm/job.sbatch
limit_s=3600
max_resubmits=0
attempt=${NETSWEEP_ATTEMPT:-0}
case $attempt in '' | *[!0-9]*) attempt=0 ;; esac

job_start=$(date +%s)
deadline=$(date -u -d "@$((job_start + limit_s))" +%Y-%m-%dT%H:%M:%SZ)
ranks=4
out=$dir
mkdir -p -- "$dir/slurm" || exit 1

child=
killed=
trap 'if [ -n "$child" ]; then kill -USR1 "$child" 2>/dev/null; fi' USR1
trap 'killed=1; if [ -n "$child" ]; then kill -USR1 "$child" 2>/dev/null; fi' USR2
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
trap - USR1 USR2

case $status in
0)
	exit 0
	;;
75)
	if [ -n "$killed" ]; then
		echo "netsweep: stopped before finishing (status 75) as Grid Engine deletes the job (qdel, or h_rt); not resubmitting" >&2
		exit 75
	fi
	if [ "$attempt" -ge "$max_resubmits" ]; then
		echo "netsweep: stopped before finishing (status 75) after $attempt resubmissions (max_resubmits=$max_resubmits); resume with: qsub -o $dir/slurm/ -j y $script" >&2
		exit 75
	fi
	next=$((attempt + 1))
	if ! id=$(qsub -terse -o "$dir/slurm/" -j y -v "NETSWEEP_ATTEMPT=$next" "$script"); then
		echo "netsweep: stopped before finishing (status 75) and could not resubmit; resume with: qsub -o $dir/slurm/ -j y $script" >&2
		exit 75
	fi
	id=${id%%.*}
	printf '%s\n' "$id" >>"$dir/slurm/jobs"
	echo "netsweep: stopped before finishing (status 75); resubmitted as job $id (resubmission $next of $max_resubmits)" >&2
	exit 0
	;;
*)
	echo "netsweep: the run failed with status $status; not resubmitting" >&2
	exit "$status"
	;;
esac
