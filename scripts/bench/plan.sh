#!/usr/bin/env bash
# plan's estimate against the measured cost (BENCHMARKS.md, "plan's
# estimate"): for each campaign, 'netsweep plan --pilot P --workers 2'
# into a fresh directory, then 'netsweep run --workers 2' on it, which
# resumes after the pilot's journaled repetitions; the measured cost is
# the run's CPU time, user and system (on this shared machine its wall
# time includes waits for a core; 2 x wall is printed beside), against
# the plan's core-hours left and its 95 % interval. Repeats N times
# (default 3) and prints every estimate and measure.
#
#   scripts/bench/plan.sh [N] [PILOT]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-3}
pilot=${2:-10s}
export NETSWEEP_FAULTS=
make build >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in scripts/bench/plan-uniform.toml examples/quickstart.toml scripts/bench/plan-powerlaw.toml scripts/bench/plan-precision.toml; do
	for i in $(seq "$n"); do
		dir=$tmp/$(basename "$spec" .toml)-$i
		bin/netsweep plan "$spec" --out "$dir" --pilot "$pilot" --workers 2 >"$dir.plan"
		t0=$(date +%s.%N)
		cpu=$( { TIMEFORMAT='%U %S'; time bin/netsweep run "$spec" --out "$dir" --workers 2 --quiet >/dev/null 2>&1; } 2>&1 | awk '{print $1 + $2}')
		t1=$(date +%s.%N)
		awk -v spec="$(basename "$spec")" -v cpu="$cpu" -v secs="$(awk "BEGIN {print $t1 - $t0}")" '
			/^cost/ { est = $2; lo = $6; hi = $8 }
			/^runs left/ { runs = $3 }
			END {
				meas = cpu / 3600
				inside = (meas >= lo && meas <= hi) ? "inside" : "OUTSIDE"
				printf "%-22s runs left %6s  estimate %.5f [%.5f, %.5f] core-h  measured %.5f (2 x wall %.5f)  error %+5.1f%%  %s\n", spec, runs, est, lo, hi, meas, 2 * secs / 3600, 100 * (est - meas) / meas, inside
			}' "$dir.plan"
	done
done
