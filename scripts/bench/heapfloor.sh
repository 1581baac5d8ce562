#!/usr/bin/env bash
# The heap floor (BENCHMARKS.md, "The heap floor"): one netsweep binary,
# its runs with the floor (GOGC unset) and without (GOGC=100, which
# leaves the floor out and is Go's default), alternating, N pairs
# (default 31) of the short campaign of rawcost.sh without and with
# [output] raw. Prints the median CPU seconds (user + system) of each, the
# median paired difference floor minus none, and raw's cost under each.
# PIN=CPU runs every command on that core alone (taskset).
#
#   scripts/bench/heapfloor.sh 61 bin/netsweep
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-31}
bin=${2:-bin/netsweep}
[ -x "$bin" ] || make build >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp scripts/bench/short.toml "$tmp/plain.toml"
{ cat "$tmp/plain.toml"; printf '[output]\nraw = ["final_size", "major"]\n'; } >"$tmp/raw.toml"
python3 - "$tmp" "$n" "$bin" <<'PY'
import os, resource, shutil, statistics, subprocess, sys
tmp, n, b = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pin = ['taskset', '-c', os.environ['PIN']] if os.environ.get('PIN') else []
def run(v, env):
    shutil.rmtree(tmp + '/out', ignore_errors=True)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    e = {k: x for k, x in os.environ.items() if k not in ('GOGC', 'GOMEMLIMIT')}
    e.update(env)
    subprocess.run(pin + [b, 'run', f'{tmp}/{v}.toml', '--out', tmp + '/out', '--quiet'], check=True, capture_output=True, env=e)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
t = {}
for _ in range(n):
    for v in ('plain', 'raw'):
        for floor, env in (('floor', {}), ('none', {'GOGC': '100'})):
            t.setdefault((v, floor), []).append(run(v, env))
ms = lambda x: statistics.median(x) * 1e3
for v in ('plain', 'raw'):
    f, g = t[v, 'floor'], t[v, 'none']
    print(f'{v}: with the floor {ms(f):.1f} ms of CPU, without {ms(g):.1f} ms; paired median {ms([a - c for a, c in zip(f, g)]):+.1f} ms ({n} pairs)')
for floor in ('floor', 'none'):
    p, r = t['plain', floor], t['raw', floor]
    d = ms([y - x for x, y in zip(p, r)])
    print(f'raw cost, {"with" if floor == "floor" else "without"} the floor: paired median {d:+.1f} ms, {d / ms(p) * 100:+.1f} %')
PY
