#!/usr/bin/env bash
# Compares Go test binaries (or one binary under different environments)
# on the same benchmarks, alternating them N times so that the shared
# machine's drifting speed hits all alike, and prints, per binary and per
# benchmark, the median and the minimum of the benchmark's 5th column
# (cpu-ms/op for the sim benchmarks).
#
#   scripts/bench/ab.sh REGEX N LABEL:[ENV=V ...;]BINARY ...
#
# For example, the event queue against commit 10f0a40 (BENCHMARKS.md):
#
#   git worktree add /tmp/old 10f0a40
#   cp sim/sir_bench_test.go /tmp/old/sim/      # the same benchmarks
#   (cd /tmp/old && go test -c -o /tmp/old.test ./sim)
#   go test -c -o /tmp/new.test ./sim
#   scripts/bench/ab.sh 'SIRGnp|SIRPowerLaw|SIRWholeRun' 7 old:/tmp/old.test new:/tmp/new.test
set -euo pipefail
if [ $# -lt 3 ]; then
	sed -n '2,17p' "$0" >&2
	exit 2
fi
re=$1 n=$2
shift 2
declare -A res
for _ in $(seq "$n"); do
	for spec in "$@"; do
		label=${spec%%:*} rest=${spec#*:} envs=()
		if [[ $rest == *";"* ]]; then
			read -r -a envs <<<"${rest%%;*}"
			rest=${rest#*;}
		fi
		v=$(env "${envs[@]}" "$rest" -test.run '^$' -test.bench "$re" -test.count 1 | awk '/^Benchmark/ {print $5}' | tr '\n' ' ')
		res[$label]+="$v,"
	done
done
for spec in "$@"; do
	label=${spec%%:*}
	python3 - "$label" "${res[$label]}" <<'PY'
import statistics, sys
label, runs = sys.argv[1], [r.split() for r in sys.argv[2].strip(',').split(',')]
cols = zip(*runs)
print(label, ' | '.join('median %.1f (min %.1f)' % (statistics.median(map(float, c)), min(map(float, c))) for c in cols))
PY
done
