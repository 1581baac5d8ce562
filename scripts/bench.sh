#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md; run it on a quiet machine.
#
#   scripts/bench.sh [OUTDIR]     (default: bench-out)
#
# Go benchmarks run 5 times each and are summarised as medians; whole-run
# timings (MPI and embedded speed-ups, controller throughput) alternate
# their variants 5 times and report medians and the ratio of medians from
# the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-out}
mkdir -p "$out"
export NETSWEEP_FAULTS=
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk "BEGIN {print $t1 - $t0}"; }
ratio() { awk "BEGIN {printf \"%.3f\", $1 / $2}"; }

echo "== machine"
{ uname -srm; nproc; grep -m1 'model name' /proc/cpuinfo || true; go version; date -u +%F; } | tee "$out/machine.txt"

echo "== Go benchmarks (5 runs each)"
go test -run '^$' -bench 'Gnp$|SIRGnp|SIRPowerLaw|SIRWholeRun|SIROneSeed' -count 5 ./sim | tee "$out/sim.txt"
go test -run '^$' -bench 'WorkerMemory' -benchtime 3x -count 3 ./spec | tee "$out/memory.txt"
go test -run '^$' -bench 'Add$|Merge|EncodeDecode|Flat' -count 5 ./reduce | tee "$out/reduce.txt"
go test -run '^$' -bench 'Append|Fsync' -count 5 ./journal | tee "$out/journal.txt"
go test -run '^$' -bench 'Controller' -benchtime 200000x -count 5 ./mpirun | tee "$out/controller-local.txt"

echo "== builds"
make build mpi >/dev/null
go build -tags mpi -o bin/ctlbench ./mpirun/internal/ctlbench

echo "== controller throughput under mpirun, np=3 (5 runs)"
for i in 1 2 3 4 5; do
	mpirun "${root[@]}" --oversubscribe -np 3 bin/ctlbench -chunks 200000
done | tee "$out/controller-mpi.txt"
echo "median chunks/s: $(awk '{print $(NF-1)}' "$out/controller-mpi.txt" | median)" | tee -a "$out/controller-mpi.txt"

spec=scripts/bench/speedup.toml
# run_timed CMD...: prints the command's elapsed seconds, and the campaign's
# own wall time from --timings (without process and mpirun start-up).
run_timed() {
	local t0 t1 w
	t0=$(date +%s.%N)
	w=$("$@" --timings 2>&1 | sed -n 's/.*timings: wall \([0-9.]*\)s.*/\1/p')
	t1=$(date +%s.%N)
	awk "BEGIN {print $t1 - $t0, \"$w\"}"
}
echo "== MPI speed-up of $spec: np=1 vs np=2, alternating, 5 runs each (elapsed, campaign wall)"
: >"$out/speedup-mpi.txt"
for i in 1 2 3 4 5; do
	for np in 1 2; do
		rm -rf "$out/run"
		echo "np=$np $(run_timed mpirun "${root[@]}" --oversubscribe -np $np bin/netsweep-mpi run $spec --out "$out/run" --quiet)" | tee -a "$out/speedup-mpi.txt"
	done
done
for col in 2 3; do
	m1=$(grep '^np=1 ' "$out/speedup-mpi.txt" | cut -d' ' -f$col | median)
	m2=$(grep '^np=2 ' "$out/speedup-mpi.txt" | cut -d' ' -f$col | median)
	what=$([ $col = 2 ] && echo "elapsed, mpirun start-up included" || echo "campaign wall time")
	echo "median np=1 ${m1}s, np=2 ${m2}s, speed-up $(ratio "$m1" "$m2") ($what)" | tee -a "$out/speedup-mpi.txt"
done

echo "== embedded speed-up: --workers 1 vs 2, alternating, 5 runs each"
: >"$out/speedup-embedded.txt"
for i in 1 2 3 4 5; do
	for w in 1 2; do
		rm -rf "$out/run"
		s=$(seconds bin/netsweep run $spec --out "$out/run" --quiet --workers $w)
		echo "workers=$w $s" | tee -a "$out/speedup-embedded.txt"
	done
done
m1=$(grep '^workers=1 ' "$out/speedup-embedded.txt" | cut -d' ' -f2 | median)
m2=$(grep '^workers=2 ' "$out/speedup-embedded.txt" | cut -d' ' -f2 | median)
echo "median workers=1 ${m1}s, workers=2 ${m2}s, speed-up $(ratio "$m1" "$m2")" | tee -a "$out/speedup-embedded.txt"

echo "== bookkeeping share of a campaign (examples/quickstart.toml, --timings)"
for i in 1 2 3; do
	rm -rf "$out/run"
	bin/netsweep run examples/quickstart.toml --out "$out/run" --quiet --timings 2>&1 | grep timings
done | tee "$out/timings.txt"

if [ -n "${BENCH_NP:-}" ]; then
	echo "== scaling at np = $BENCH_NP (a machine with that many cores)"
	for np in 1 $BENCH_NP; do
		rm -rf "$out/run"
		echo "np=$np $(seconds mpirun "${root[@]}" -np $np bin/netsweep-mpi run $spec --out "$out/run" --quiet)"
	done | tee "$out/scaling.txt"
fi
echo "== done: $out"
