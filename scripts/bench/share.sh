#!/usr/bin/env bash
# Times two netsweep binaries on the sweeps over a process parameter
# (networks built once per repetition, BENCHMARKS.md), alternating them
# A B A B so that the shared machine's drifting speed hits both alike, and
# prints each run, the medians and the ratio of medians (A / B).
#
#   scripts/bench/share.sh OLD NEW [N] [SPEC ...]
#
# N runs of each (default 5); the specs default to share-percolation.toml
# and share-sir.toml beside this script. Every run is a fresh campaign on
# $WORKERS workers (default 2). CPU=1 times each run by its CPU seconds
# (user + system, all workers) instead of wall time, which the other
# processes on a shared machine disturb less. For example, against the
# commit before issue 13:
#
#   git worktree add /tmp/old 4f2f51b
#   (cd /tmp/old && go build -o /tmp/netsweep-old ./cmd/netsweep)
#   git worktree remove /tmp/old
#   go build -o /tmp/netsweep-new ./cmd/netsweep
#   scripts/bench/share.sh /tmp/netsweep-old /tmp/netsweep-new
#
# A SPEC of the form A.toml:B.toml runs A.toml with OLD and B.toml with NEW
# (give one binary twice to compare two specs, e.g. point by point against
# a coupled sweep: sweep50-bond-independent.toml:sweep50-bond.toml).
set -euo pipefail
if [ $# -lt 2 ]; then
	sed -n '2,24p' "$0" >&2
	exit 2
fi
old=$1 new=$2 n=${3:-5} workers=${WORKERS:-2}
shift $(($# < 3 ? $# : 3))
here=$(dirname "$0")
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=("$here/share-percolation.toml" "$here/share-sir.toml")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export NETSWEEP_FAULTS=

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() {
	local t0 t1
	rm -rf "$out/run"
	if [ "${CPU:-}" = 1 ]; then
		/usr/bin/time -f '%U %S' -o "$out/time" \
			"$1" run "$2" --out "$out/run" --workers "$workers" --quiet >/dev/null 2>&1
		awk '{printf "%.2f", $1 + $2}' "$out/time"
		return
	fi
	t0=$(date +%s.%N)
	"$1" run "$2" --out "$out/run" --workers "$workers" --quiet >/dev/null 2>&1
	t1=$(date +%s.%N)
	awk "BEGIN {printf \"%.2f\", $t1 - $t0}"
}

for spec in "${specs[@]}"; do
	a=() b=()
	specA=${spec%%:*} specB=${spec#*:}
	label=$(basename "$specA")
	[ "$specA" = "$specB" ] || label="$label vs $(basename "$specB")"
	for i in $(seq "$n"); do
		a+=("$(seconds "$old" "$specA")")
		b+=("$(seconds "$new" "$specB")")
		echo "$label run $i: A ${a[-1]} s, B ${b[-1]} s"
	done
	ma=$(printf '%s\n' "${a[@]}" | median)
	mb=$(printf '%s\n' "${b[@]}" | median)
	echo "$label: median A ${ma} s, B ${mb} s, A/B $(awk "BEGIN {printf \"%.2f\", $ma / $mb}")"
done
