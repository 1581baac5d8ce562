#!/bin/bash
#
# netsweep launcher for a Rocks cluster, rendered from templates/rocks.sh.tmpl
# for campaign sir-file-rewire: re-render it rather than edit it. Run it on the
# frontend:
#
#	bash /home/user/campaigns/sir-file-rewire/rocks/launch.sh
#
# It finds the compute hosts with 'rocks list host' (appliance compute),
# writes a hostfile with their CPUs as slots, places netsweep-mpi on each host
# (node-local: the directory is made with 'rocks run host', the binary
# streamed over ssh and checked against its SHA-256), and starts the MPI job
# with mpirun. The campaign directory must be on a file system the hosts share
# (a Rocks /home is): rank 0 reads the spec and writes the journal there.
# Exit status 75 means the run stopped early; run this launcher again to
# resume it.
set -euo pipefail

spec=/home/user/campaigns/sir-file-rewire/spec.toml
dir=/home/user/campaigns/sir-file-rewire
binary=netsweep-mpi
node_bin=/tmp/netsweep-sir-file-rewire/netsweep-mpi
hostfile=/home/user/campaigns/sir-file-rewire/rocks/hostfile

mkdir -p -- "$dir/rocks"

# The network files, copied under the campaign directory and checked by
# SHA-256, and the spec copy, which names them and pins their SHA-256 (every
# rank refuses a file that differs).
ship() { # SOURCE COPY SHA256
	local h
	if [ -f "$2" ]; then h=$(sha256sum <"$2") && [ "${h%% *}" = "$3" ] && return 0; fi
	mkdir -p -- "$(dirname -- "$2")" || exit 1
	cp -- "$1" "$2.tmp" && h=$(sha256sum <"$2.tmp") && [ "${h%% *}" = "$3" ] && mv -f -- "$2.tmp" "$2" && return 0
	rm -f -- "$2.tmp"
	echo "netsweep: $1: not the network file this launcher was rendered with (SHA-256 $3); render the launcher again" >&2
	exit 1
}
ship /EXAMPLES/data/smallworld.txt /home/user/campaigns/sir-file-rewire/networks/e6f268981c417bae-smallworld.txt e6f268981c417baeed33bafecbcaae12da3eae59397837cd7f7a75c4ea1b95f0
cat >"$spec.tmp" <<'NETSWEEP_SPEC'
# SIR on a network read from a file, and on its null model: the same
# network with every degree kept but its edges rewired by double-edge swaps
# (Maslov & Sneppen 2002). The small-world network's clustering slows the
# epidemic; its rewired null model has none, so outbreaks grow larger.
# 2 networks × 3 transmission rates × 200 repetitions = 1200 runs on 400
# nodes; a few seconds.
#
#   go run ./cmd/netsweep validate examples/sir-file-rewire.toml
#   go run ./cmd/netsweep run examples/sir-file-rewire.toml

name = "sir-file-rewire"
seed = 14
repetitions = 200

[network]
generator = "file"              # swept below: "file", then "rewire"
path = "data/smallworld.txt"    # relative to this spec; see data/README.md
format = "edges"                # an edge list; "mtx" for MatrixMarket; gzip is detected
# swaps = 10                    # rewire only: attempted swaps per edge

[process]
model = "sir"
beta = 0.25
gamma = 1.0
seeds = 4

[sweep]
"network.generator" = ["file", "rewire"]
"process.beta" = [0.25, 0.5, 1.0]

[output]
dir = "results/sir-file-rewire"

[cluster]
scheduler = "rocks"
launch = "rocks-run"
time = "1:00:00"

# netsweep: the network files of this copy of the spec, and their SHA-256
[network_files]
"data/smallworld.txt" = { path = "networks/e6f268981c417bae-smallworld.txt", sha256 = "e6f268981c417baeed33bafecbcaae12da3eae59397837cd7f7a75c4ea1b95f0" }
NETSWEEP_SPEC
mv -f -- "$spec.tmp" "$spec"
if ! command -v -- "$binary" >/dev/null 2>&1; then
	echo "netsweep: $binary not found on this frontend; set [cluster] binary to the netsweep-mpi built for this cluster" >&2
	exit 1
fi
binary=$(command -v -- "$binary")

# The compute hosts and their CPUs, from the HOST, MEMBERSHIP and CPUS columns
# of 'rocks list host' ("compute-0-0:  Compute  8  0  0  os  install").
rocks list host | awk -v want=compute '
	NR == 1 && $1 == "HOST" { next }
	tolower($2) == tolower(want) && $3 ~ /^[0-9]+$/ && $3 > 0 { sub(/:$/, "", $1); print $1 " slots=" $3 }
' >"$hostfile.tmp"
mv -f -- "$hostfile.tmp" "$hostfile"
hosts=()
while read -r host _; do
	hosts+=("$host")
done <"$hostfile"
if [ "${#hosts[@]}" -eq 0 ]; then
	echo "netsweep: 'rocks list host' shows no host of appliance" compute >&2
	exit 1
fi
echo "netsweep: ${#hosts[@]} compute hosts: ${hosts[*]}" >&2

# Place netsweep-mpi on every host.
sum=$(sha256sum <"$binary")
sum=${sum%% *}
rocks run host "${hosts[@]}" 'command=mkdir -p -- /tmp/netsweep-sir-file-rewire'
for host in "${hosts[@]}"; do
	ssh -o BatchMode=yes -- "$host" 'sh -c '\''umask 022
mkdir -p -- "$(dirname -- "$1")" || exit 1
t="$1.netsweep-$$.tmp"
cat > "$t" || { rm -f -- "$t"; exit 1; }
h=$(sha256sum < "$t") || { rm -f -- "$t"; exit 1; }
h=${h%% *}
if [ "$h" != "$2" ]; then rm -f -- "$t"; echo "netsweep: checksum mismatch on $(hostname): got $h, want $2" >&2; exit 3; fi
chmod 755 "$t" && mv -f -- "$t" "$1" || { rm -f -- "$t"; exit 1; }'\'' sh /tmp/netsweep-sir-file-rewire/netsweep-mpi'" $sum" <"$binary" ||
		{ echo "netsweep: could not place netsweep-mpi on $host" >&2; exit 1; }
done

status=0
mpirun --hostfile "$hostfile" "$node_bin" run "$spec" --out "$dir" || status=$?
case $status in
0) echo "netsweep: campaign complete in $dir" >&2 ;;
75) echo "netsweep: stopped before finishing (status 75); run this launcher again to resume" >&2 ;;
*) echo "netsweep: the run failed with status $status" >&2 ;;
esac
exit "$status"
