#!/usr/bin/env bash
# The cost of [output] raw: 'netsweep run' of a campaign without and with
# raw = ["final_size", "major"], measuring its CPU seconds (user +
# system, getrusage of the child), N times (default 5) for each binary given, the variants and
# binaries alternating in one loop so that the shared machine's drifting
# speed hits all alike; prints per binary and campaign the median CPU
# seconds without and with raw and the cost in %, and the median (and
# quartiles) of the paired differences, raw run minus the plain run just
# before it; and the same paired figures of wall time (BENCHMARKS.md, "Higher
# moments, conditions and raw values"). Campaigns: "short", 10^5
# repetitions of a few microseconds (SIR on G(n,p), n = 100, 10 points ×
# 10^4), and the quickstart (examples/quickstart.toml, 1500 repetitions);
# set CAMPAIGNS="short" to run only the first; PIN=1 runs every command
# on CPU 1 alone (taskset), as an MPI rank bound to a core. Compare two
# builds:
#
#   mkdir /tmp/old && git archive OLDCOMMIT | tar -x -C /tmp/old
#   (cd /tmp/old && go build -o /tmp/netsweep.old ./cmd/netsweep)
#   scripts/bench/rawcost.sh 5 /tmp/netsweep.old bin/netsweep
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5}
shift || true
[ $# -gt 0 ] || { make build >/dev/null; set -- bin/netsweep; }
campaigns=${CAMPAIGNS:-short quickstart}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp scripts/bench/short.toml "$tmp/short-plain.toml"
grep -v '^dir = ' examples/quickstart.toml >"$tmp/quickstart-plain.toml"
for c in $campaigns; do
	cp "$tmp/$c-plain.toml" "$tmp/$c-raw.toml"
	if grep -q '^\[output\]' "$tmp/$c-raw.toml"; then
		sed -i 's/^\[output\]$/[output]\nraw = ["final_size", "major"]/' "$tmp/$c-raw.toml"
	else
		printf '[output]\nraw = ["final_size", "major"]\n' >>"$tmp/$c-raw.toml"
	fi
done
python3 - "$tmp" "$n" "$campaigns" "$@" <<'PY'
import collections, os, resource, shutil, statistics, subprocess, sys, time
tmp, n, campaigns, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
pin = ['taskset', '-c', os.environ['PIN']] if os.environ.get('PIN') else []  # PIN=CPU: every run on that core alone
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
t = collections.defaultdict(list)
w = collections.defaultdict(list)  # wall seconds
for _ in range(n):
    for c in campaigns:
        for b in bins:
            for v in ('plain', 'raw'):
                shutil.rmtree(tmp + '/out', ignore_errors=True)
                c0, w0 = cpu(), time.monotonic()
                p = subprocess.run(pin + [b, 'run', f'{tmp}/{c}-{v}.toml', '--out', tmp + '/out', '--quiet'], capture_output=True, text=True)
                if p.returncode:
                    sys.exit(p.stderr)
                t[b, c, v].append(cpu() - c0)
                w[b, c, v].append(time.monotonic() - w0)
for b in bins:
    for c in campaigns:
        p, r = statistics.median(t[b, c, 'plain']), statistics.median(t[b, c, 'raw'])
        # The pairs run back to back, so the median of their differences
        # is steadier than the difference of the medians on a shared machine.
        d = [y - x for x, y in zip(t[b, c, 'plain'], t[b, c, 'raw'])]
        q = statistics.quantiles(d, n=4) if n > 1 else [d[0]] * 3
        print(f"{b} {c}: without raw {p:.3f} CPU-s, with raw {r:.3f} CPU-s, cost {1000 * (r - p):+.0f} ms, {100 * (r - p) / p:+.1f} %; "
              f"paired median {1000 * statistics.median(d):+.1f} ms, {100 * statistics.median(d) / p:+.1f} % (quartiles {1000 * q[0]:+.0f} to {1000 * q[2]:+.0f} ms) ({n} runs each)")
        # Interference from other work on a shared machine only adds time:
        # the lowest decile of each variant is its least disturbed runs.
        lo = lambda x: statistics.quantiles(x, n=10)[0] if n >= 10 else min(x)
        pl, rl = lo(t[b, c, 'plain']), lo(t[b, c, 'raw'])
        print(f"{b} {c}: lowest deciles of CPU-s without raw {pl:.4f}, with raw {rl:.4f}: cost {1000 * (rl - pl):+.1f} ms, {100 * (rl - pl) / pl:+.1f} %")
        pw = statistics.median(w[b, c, 'plain'])
        dw = [y - x for x, y in zip(w[b, c, 'plain'], w[b, c, 'raw'])]
        qw = statistics.quantiles(dw, n=4) if n > 1 else [dw[0]] * 3
        print(f"{b} {c}: wall time without raw {pw:.3f} s, with raw {statistics.median(w[b, c, 'raw']):.3f} s; "
              f"paired median {1000 * statistics.median(dw):+.1f} ms, {100 * statistics.median(dw) / pw:+.1f} % (quartiles {1000 * qw[0]:+.0f} to {1000 * qw[2]:+.0f} ms)")
PY
