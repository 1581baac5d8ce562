#!/usr/bin/env bash
# Repetitions to a target precision: the quickstart grid with sem = 0.005
# on final_size (scripts/bench/precision.toml), run on 2 workers, against
# the fixed repetition count that gives every point that precision
# (BENCHMARKS.md, "Repetitions to a target precision"). With the argument
# "seeded", the same grid seeded with 0.1 % of the nodes instead of one.
#
# The runs are exact counts, the same on any machine: point p stops at
# n_p, the first multiple of the block at which its first n_p repetitions
# meet the target. A fixed count N gives every point the precision only
# if N >= max n_p (with these seeds, a point's repetitions 0 … N-1 meet it
# first at n_p), so the fixed campaign needs at least points × max n_p
# runs; the script also prints the count from each point's standard
# deviation, max (std/target)², and the least any rule that stops a point
# once its standard error meets the target could run, knowing each point's
# standard deviation beforehand: the sum over points of
# max(min_repetitions, (std/target)²). BLOCK=10 runs blocks of 10 instead
# of 50 (min_repetitions stays 50).
#
#   [BLOCK=10] scripts/bench/precision.sh [seeded]
set -euo pipefail
cd "$(dirname "$0")/../.."
export NETSWEEP_FAULTS=
make build >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=scripts/bench/precision.toml
if [ "${1:-}" = seeded ]; then
	sed 's/^seeds = 1$/seed_fraction = 0.001/' $spec >"$tmp/seeded.toml"
	spec=$tmp/seeded.toml
fi
if [ -n "${BLOCK:-}" ]; then
	sed "s/^block = 50\$/block = $BLOCK/" $spec >"$tmp/block.toml"
	spec=$tmp/block.toml
fi
t0=$(date +%s.%N)
bin/netsweep run $spec --out "$tmp/out" --quiet --workers 2 >/dev/null 2>&1
t1=$(date +%s.%N)
awk -F, -v target=0.005 -v secs="$(awk "BEGIN {print $t1 - $t0}")" '
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	n = $col["reps"]; sd = $col["final_size_std"]
	runs += n; points++; if (n > most) most = n
	need = (sd / target) ^ 2; if (need > needmost) needmost = need
	least += need > 50 ? need : 50
	if ($col["precision_met"] != "true") unmet++
	printf "beta %-5s k %-3s reps %6d  sem %.5f  met %s\n", $1, $2, n, $col["final_size_sem"], $col["precision_met"]
}
END {
	printf "precision: %d runs over %d points (%d not at the target), %.1f s on 2 workers\n", runs, points, unmet, secs
	printf "fixed count: at least %d x %d = %d runs (ratio %.2f); from the std, %d x %.0f = %.0f (ratio %.2f)\n", points, most, points * most, points * most / runs, points, needmost, points * needmost, points * needmost / runs
	printf "least for any stopping rule knowing the std: %.0f runs (these runs are %.2f%% more; fixed from the std over it: ratio %.2f)\n", least, 100 * (runs / least - 1), points * needmost / least
}' "$tmp/out/results.csv"
