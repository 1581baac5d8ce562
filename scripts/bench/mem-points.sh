#!/usr/bin/env bash
# Memory per point: 'netsweep run' of an SIR spec on G(n,p), n = 20, whose
# [sweep] is one range of N values of beta (N = 10^3, 10^4, 10^5 and, with
# a last argument "1e6", 10^6), one repetition each, embedded (--workers 2:
# one process) and under 'mpirun -np 3 --oversubscribe' (each rank under
# /usr/bin/time through a wrapper), printing the peak RSS of rank 0 and of
# rank 1 and rank 0's kB per point (BENCHMARKS.md, "Memory per point").
#
#   scripts/bench/mem-points.sh                      # bin/netsweep, bin/netsweep-mpi (built here)
#   scripts/bench/mem-points.sh bin/netsweep bin/netsweep-mpi 1e6
#   SIZES="1000 10000" scripts/bench/mem-points.sh OLD/netsweep OLD/netsweep-mpi
#   SIZES=1000000 MODES=mpi scripts/bench/mem-points.sh bin/netsweep bin/netsweep-mpi
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ]; then
	make build mpi >/dev/null
	set -- bin/netsweep bin/netsweep-mpi "$@"
fi
emb=$(realpath "$1") mpi=$(realpath "$2")
sizes="1000 10000 100000"
[ "${3:-}" = 1e6 ] && sizes="$sizes 1000000"
sizes=${SIZES:-$sizes}
modes=${MODES:-embedded mpi}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/rank.sh" <<'WRAP'
#!/bin/sh
# One MPI rank under /usr/bin/time: peak RSS (kB) to $RSSDIR/rank.R.
r=${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}
exec /usr/bin/time -f %M -o "$RSSDIR/rank.$r" "$@"
WRAP
chmod +x "$tmp/rank.sh"
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
printf '%-9s %8s %12s %12s %10s %8s\n' mode points rank0_MB rank1_MB kB/point wall_s
for num in $sizes; do
	cat >"$tmp/grid$num.toml" <<SPEC
name = "grid$num"
seed = 1
repetitions = 1
[network]
generator = "er"
n = 20
mean_degree = 2.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 1
[sweep]
"process.beta" = { start = 0.1, stop = 0.9, num = $num }
SPEC
	# Embedded: one process, rank 0 and the workers are goroutines.
	if [[ " $modes " == *" embedded "* ]]; then
		t0=$(date +%s.%N)
		/usr/bin/time -f %M -o "$tmp/emb" "$emb" run "$tmp/grid$num.toml" --workers 2 --out "$tmp/emb$num" --quiet >/dev/null
		t1=$(date +%s.%N)
		kb=$(tail -1 "$tmp/emb")
		printf '%-9s %8d %12.1f %12s %10.2f %8.1f\n' embedded "$num" "$(echo "$kb/1024" | bc -l)" - \
			"$(echo "$kb/$num" | bc -l)" "$(echo "$t1-$t0" | bc -l)"
		rm -rf "$tmp/emb$num"
	fi
	# MPI: three ranks, each its own process.
	[[ " $modes " == *" mpi "* ]] || continue
	mkdir -p "$tmp/rss$num"
	t0=$(date +%s.%N)
	RSSDIR="$tmp/rss$num" mpirun "${root[@]}" --oversubscribe -np 3 -x RSSDIR -x NETSWEEP_FAULTS= \
		"$tmp/rank.sh" "$mpi" run "$tmp/grid$num.toml" --out "$tmp/mpi$num" --quiet >/dev/null
	t1=$(date +%s.%N)
	r0=$(tail -1 "$tmp/rss$num/rank.0") r1=$(tail -1 "$tmp/rss$num/rank.1")
	printf '%-9s %8d %12.1f %12.1f %10.2f %8.1f\n' mpi-np3 "$num" "$(echo "$r0/1024" | bc -l)" "$(echo "$r1/1024" | bc -l)" \
		"$(echo "$r0/$num" | bc -l)" "$(echo "$t1-$t0" | bc -l)"
	rm -rf "$tmp/mpi$num"
done
