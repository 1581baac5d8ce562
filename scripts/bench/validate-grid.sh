#!/usr/bin/env bash
# Validating a large grid: 'netsweep validate' of an SIR spec on G(n,p),
# n = 20, whose [sweep] is one range of 10^3 to 10^6 values of beta, under
# /usr/bin/time (wall and user seconds, peak RSS), N times (default 3) for
# each binary given, alternating, printing medians (BENCHMARKS.md, "Spec
# validation of large grids"). Compare two builds side by side:
#
#   git worktree add /tmp/old OLDCOMMIT && (cd /tmp/old && go build -o /tmp/netsweep.old ./cmd/netsweep)
#   scripts/bench/validate-grid.sh 3 /tmp/netsweep.old bin/netsweep
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-3}
shift || true
[ $# -gt 0 ] || { make build >/dev/null; set -- bin/netsweep; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for num in 1000 10000 100000 1000000; do
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
done
for _ in $(seq "$n"); do
	for bin in "$@"; do
		for num in 1000 10000 100000 1000000; do
			/usr/bin/time -f "$bin $num %e %U %M" "$bin" validate "$tmp/grid$num.toml" 2>>"$tmp/times" >/dev/null
		done
	done
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-28s %9s %10s %10s %10s\n' binary points wall_s user_s rss_MB
for bin in "$@"; do
	for num in 1000 10000 100000 1000000; do
		rows=$(grep -F "$bin $num " "$tmp/times" | grep -v '^Command')
		printf '%-28s %9s %10s %10s %10.0f\n' "$bin" "$num" \
			"$(awk '{print $3}' <<<"$rows" | median)" "$(awk '{print $4}' <<<"$rows" | median)" \
			"$(awk '{print $5/1024}' <<<"$rows" | median)"
	done
done
