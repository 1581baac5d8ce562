#!/usr/bin/env bash
# Reads a 10^7-edge edge list, plain and gzipped, with netsweep's reader
# (sim.ReadNetwork, one core: GOMAXPROCS=1) and with python-igraph's
# (Graph.Read_Edgelist, igraph's C reader, single-threaded), alternating
# them N times so that the shared machine's drifting speed hits both
# alike; prints each run's wall and CPU seconds, the medians, the rates
# per CPU second (MB/s of the file as stored, edges/s), and
# the peak memory (maximum resident set, /usr/bin/time -v) of
# `netsweep validate` and of a one-worker `netsweep run` on the file
# against the size of its CSR arrays (4 bytes a node and 8 an edge).
#
#   scripts/bench/netfile.sh [N]
#
# N runs of each (default 5). The file, G(n,m)-like random pairs on
# n = 2×10^6 nodes, 10^7 lines, node ids 0..n-1 (igraph needs them), no
# comments, is written once into $NETFILE_DIR (default
# /tmp/netsweep-netfile, about 160 MB with its gzip copy) with a fixed
# seed. igraph has no gzip edge-list reader: for the gzipped file it is
# timed decompressing to a temporary file (Python's gzip, as igraph's own
# graphmlz reader does) and reading that. Needs /usr/bin/python3 with
# python3-igraph (Debian: apt-get install python3-igraph); NetworKit is
# not packaged by Debian and PyPI is out of reach here, so it is left out.
set -euo pipefail
n=${1:-5}
dir=${NETFILE_DIR:-/tmp/netsweep-netfile}
root=$(cd "$(dirname "$0")/../.." && pwd)
py=/usr/bin/python3
mkdir -p "$dir"
plain=$dir/edges.txt gz=$dir/edges.txt.gz
if [ ! -s "$plain" ]; then
	echo "writing $plain" >&2
	"$py" - "$plain" <<'PY'
import random, sys
n, m = 2_000_000, 10_000_000
rng = random.Random(14)
with open(sys.argv[1], "w") as f:
    for start in range(0, m, 100_000):
        lines = []
        for _ in range(100_000):
            u = rng.randrange(n)
            v = rng.randrange(n - 1)
            v += v >= u  # no self-loop
            lines.append(f"{u} {v}\n")
        f.write("".join(lines))
PY
fi
[ -s "$gz" ] || gzip -k -6 "$plain"
(cd "$root" && go test -c -o "$dir/sim.test" ./sim && go build -o "$dir/netsweep" ./cmd/netsweep)

netsweep_read() { # file → wall,cpu seconds for one read
	GOMAXPROCS=1 NETSWEEP_BENCH_NETFILE=$1 "$dir/sim.test" -test.run '^$' \
		-test.bench 'ReadNetworkFile$' -test.benchtime 1x -test.count 1 |
		awk '/^BenchmarkReadNetworkFile/ {for (i = 1; i < NF; i++) if ($(i+1) == "cpu-s/op") cpu = $i; print $3 / 1e9 "," cpu}'
}
igraph_read() { # file → wall,cpu seconds for one read
	"$py" - "$1" <<'PY'
import sys
sys.modules["matplotlib"] = None  # igraph's optional plotting: not needed, not loaded
import gzip, igraph, os, shutil, tempfile, time
path = sys.argv[1]
t, c = time.perf_counter(), time.process_time()
if path.endswith(".gz"):
    with tempfile.NamedTemporaryFile(dir=os.path.dirname(path), suffix=".txt") as tmp:
        with gzip.open(path, "rb") as src:
            shutil.copyfileobj(src, tmp, 1 << 20)
        tmp.flush()
        g = igraph.Graph.Read_Edgelist(tmp.name, directed=False)
else:
    g = igraph.Graph.Read_Edgelist(path, directed=False)
dt, dc = time.perf_counter() - t, time.process_time() - c
assert g.ecount() == 10_000_000, g.ecount()
print(f"{dt},{dc}")
PY
}

declare -A res
for i in $(seq "$n"); do
	for f in "$plain" "$gz"; do
		k=$(basename "$f")
		res[netsweep:$k]+="$(netsweep_read "$f") "
		res[igraph:$k]+="$(igraph_read "$f") "
	done
	echo "run $i:" >&2
	for k in "${!res[@]}"; do echo "  $k ${res[$k]}" >&2; done
done
echo "| reader | file | size | median wall s | median CPU s | MB/CPU-s | M edges/CPU-s | runs (wall,CPU s) |"
echo "|---|---|---|---|---|---|---|---|"
for k in netsweep:edges.txt igraph:edges.txt netsweep:edges.txt.gz igraph:edges.txt.gz; do
	f=$dir/${k#*:}
	"$py" - "$k" "$(stat -c %s "$f")" "${res[$k]}" <<'PY'
import statistics, sys
k, size = sys.argv[1], int(sys.argv[2])
runs = [tuple(float(y) for y in x.split(",")) for x in sys.argv[3].split()]
wall = statistics.median(r[0] for r in runs)
cpu = statistics.median(r[1] for r in runs)
reader, file = k.split(":")
print(f"| {reader} | {file} | {size/1e6:.1f} MB | {wall:.2f} | {cpu:.2f} | {size/1e6/cpu:.1f} | {10/cpu:.2f} | {' '.join(f'{a:.1f},{b:.1f}' for a, b in runs)} |")
PY
done

# Peak memory of a process that reads the file (validate) and of a
# one-worker run of a cheap process on it, against the CSR arrays.
cat >"$dir/mem.toml" <<EOF2
name = "netfile-mem"
seed = 1
repetitions = 2
[network]
generator = "file"
path = "edges.txt"
[process]
model = "bond_percolation"
occupation = 0.5
[output]
dir = "mem-out"
EOF2
rm -rf "$dir/mem-out"
# validate prints "network  edges.txt: N nodes, M edges; removed ...".
csr=$(cd "$dir" && ./netsweep validate mem.toml | awk '$1 == "network" {gsub("[,;]", ""); print 4 * ($3 + 1) + 8 * $5}')
for cmd in "validate mem.toml" "run mem.toml --workers 1"; do
	rss=$(cd "$dir" && /usr/bin/time -v ./netsweep $cmd 2>&1 >/dev/null | awk '/Maximum resident set size/ {print $6 * 1024}')
	"$py" -c "import sys; rss, csr = int(sys.argv[1]), int(sys.argv[2]); print(f'netsweep {sys.argv[3]}: peak RSS {rss/1e6:.0f} MB, CSR arrays {csr/1e6:.0f} MB, ratio {rss/csr:.2f}')" "$rss" "$csr" "$cmd"
	rm -rf "$dir/mem-out"
done
