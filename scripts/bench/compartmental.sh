#!/usr/bin/env bash
# The compartmental model's benchmarks (BENCHMARKS.md, "Compartmental
# models"), side by side in one run:
#
#   1. sir and SIR declared as a compartmental model on one G(n,p) graph
#      (n = 1e5, mean degree 5), N rounds, the two measured one right after
#      the other in each round so that the shared machine's drift hits both
#      alike; prints each round's CPU ms per outbreak and the medians;
#   2. SEIR (beta = sigma = gamma = 1) as a compartmental model at
#      n = 1e4 and 1e5, and EoN's Gillespie_simple_contagion on the same
#      SEIR (scripts/bench/eon-seir.py), if EON_PATH names the directory
#      that holds EoN's package (EoN is not part of this repository: see
#      the script's header).
#
#   scripts/bench/compartmental.sh [N]          (default 5)
#   EON_PATH=/path/to/eon EON_RUNS=1 scripts/bench/compartmental.sh 5
set -euo pipefail
n=${1:-5}
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)/sim.test
go test -c -o "$bin" ./sim
sir=() comp=()
for i in $(seq "$n"); do
	out=$("$bin" -test.run '^$' -test.bench 'CompartmentalSIR$' -test.count 1)
	s=$(awk '/model=sir-/ {for (i = 1; i <= NF; i++) if ($i == "cpu-ms/op") print $(i-1)}' <<<"$out")
	c=$(awk '/model=compartmental-/ {for (i = 1; i <= NF; i++) if ($i == "cpu-ms/op") print $(i-1)}' <<<"$out")
	echo "round $i: sir $s cpu-ms/op, compartmental $c cpu-ms/op"
	sir+=("$s") comp+=("$c")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms=$(median "${sir[@]}") mc=$(median "${comp[@]}")
echo "medians of $n: sir $ms cpu-ms/op, compartmental $mc cpu-ms/op: compartmental at $(awk -v s="$ms" -v c="$mc" 'BEGIN {printf "%.2f", s / c}')x sir's speed"
"$bin" -test.run '^$' -test.bench 'CompartmentalSEIR' -test.count "$n"
if [ -n "${EON_PATH:-}" ]; then
	for size in 10000 100000; do
		PYTHONPATH=$EON_PATH /usr/bin/python3 scripts/bench/eon-seir.py "${EON_RUNS:-1}" "$size"
	done
fi
