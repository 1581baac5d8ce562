#!/usr/bin/env bash
# Growing a campaign: what raising repetitions from 100 to 200 on a
# finished campaign costs, against a fresh run of 100 and one of 200, all
# on 2 workers, alternating N times (default 5) and printing medians and
# ratios of medians (BENCHMARKS.md, "Growing a campaign").
#
#   scripts/bench/grow.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5}
export NETSWEEP_FAULTS=
make build >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=scripts/bench/grow.toml
sed 's/^repetitions = 100$/repetitions = 200/' $spec >"$tmp/grow200.toml"
bin/netsweep run $spec --out "$tmp/base" --quiet --workers 2 2>/dev/null

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk "BEGIN {print $t1 - $t0}"; }
: >"$tmp/times"
for _ in $(seq "$n"); do
	rm -rf "$tmp/fresh100" "$tmp/fresh200" "$tmp/grown"
	cp -r "$tmp/base" "$tmp/grown"
	echo "fresh100 $(seconds bin/netsweep run $spec --out "$tmp/fresh100" --quiet --workers 2)" >>"$tmp/times"
	echo "grow100to200 $(seconds bin/netsweep run "$tmp/grow200.toml" --out "$tmp/grown" --quiet --workers 2)" >>"$tmp/times"
	echo "fresh200 $(seconds bin/netsweep run "$tmp/grow200.toml" --out "$tmp/fresh200" --quiet --workers 2)" >>"$tmp/times"
	cmp -s "$tmp/grown/results.csv" "$tmp/fresh200/results.csv" || { echo "grown results differ from a fresh run's" >&2; exit 1; }
done
for v in fresh100 grow100to200 fresh200; do
	printf '%-13s median %.3f s  (%s)\n' $v "$(awk -v v=$v '$1 == v {print $2}' "$tmp/times" | median)" "$(awk -v v=$v '$1 == v {printf "%.2f ", $2}' "$tmp/times")"
done
m() { awk -v v="$1" '$1 == v {print $2}' "$tmp/times" | median; }
awk -v g="$(m grow100to200)" -v a="$(m fresh100)" -v b="$(m fresh200)" 'BEGIN {printf "grow / fresh100 = %.2f, grow / fresh200 = %.2f\n", g / a, g / b}'
