#!/bin/bash
#
# netsweep launcher for a Rocks cluster, rendered from templates/rocks.sh.tmpl
# for campaign sir-cns-nullmodels: re-render it rather than edit it. Run it on the
# frontend:
#
#	bash /home/user/campaigns/sir-cns-nullmodels/rocks/launch.sh
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

spec=/home/user/campaigns/sir-cns-nullmodels/spec.toml
dir=/home/user/campaigns/sir-cns-nullmodels
binary=netsweep-mpi
node_bin=/tmp/netsweep-sir-cns-nullmodels/netsweep-mpi
hostfile=/home/user/campaigns/sir-cns-nullmodels/rocks/hostfile

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
ship /EXAMPLES/data/cns-fb-friends.txt /home/user/campaigns/sir-cns-nullmodels/networks/f16bb39e4ec42b94-cns-fb-friends.txt f16bb39e4ec42b947b7e9586f9e7eb5287f37854800099da7a56b159a6233787
cat >"$spec.tmp" <<'NETSWEEP_SPEC'
# SIR on a measured social network and on its null model, side by side:
# the Facebook friendships among 800 students of the Copenhagen Networks
# Study (data/cns-fb-friends.txt; citation and licence in data/README.md)
# and the same network rewired by double-edge swaps, every degree kept
# (Maslov & Sneppen 2002). The network's own metrics are reported beside
# the epidemic's: the friendships are clustered (C ≈ 0.32) and assortative
# (r ≈ 0.18); the null model keeps the degrees but loses the clustering and
# the correlations (C ≈ 0.05, r ≈ −0.03). Near the epidemic threshold the
# assortative friendships carry outbreaks further; above it the clustering
# wastes transmissions on shared friends, and outbreaks on the null model
# are larger. (For the
# configuration model of the same degrees, set generator =
# "configuration" and degrees = "file".)
# 2 networks × 3 transmission rates × 200 repetitions = 1200 runs on 800
# nodes; a few seconds.
#
#   go run ./cmd/netsweep validate examples/sir-cns-nullmodels.toml
#   go run ./cmd/netsweep run examples/sir-cns-nullmodels.toml

name = "sir-cns-nullmodels"
seed = 2019
repetitions = 200

[network]
generator = "file"                  # swept below: "file", then "rewire"
path = "data/cns-fb-friends.txt"    # relative to this spec; see data/README.md
metrics = ["mean_k", "giant", "clustering", "assortativity"]

[process]
model = "sir"
beta = 0.05                         # swept below; the epidemic threshold is near 0.04
gamma = 1.0
seeds = 4

[sweep]
"network.generator" = ["file", "rewire"]    # rewire: swaps = 10 attempted per edge (default)
"process.beta" = [0.05, 0.1, 0.2]

[output]
dir = "results/sir-cns-nullmodels"

[cluster]
scheduler = "rocks"
launch = "rocks-run"
time = "1:00:00"

# netsweep: the network files of this copy of the spec, and their SHA-256
[network_files]
"data/cns-fb-friends.txt" = { path = "networks/f16bb39e4ec42b94-cns-fb-friends.txt", sha256 = "f16bb39e4ec42b947b7e9586f9e7eb5287f37854800099da7a56b159a6233787" }
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
rocks run host "${hosts[@]}" 'command=mkdir -p -- /tmp/netsweep-sir-cns-nullmodels'
for host in "${hosts[@]}"; do
	ssh -o BatchMode=yes -- "$host" 'sh -c '\''umask 022
mkdir -p -- "$(dirname -- "$1")" || exit 1
t="$1.netsweep-$$.tmp"
cat > "$t" || { rm -f -- "$t"; exit 1; }
h=$(sha256sum < "$t") || { rm -f -- "$t"; exit 1; }
h=${h%% *}
if [ "$h" != "$2" ]; then rm -f -- "$t"; echo "netsweep: checksum mismatch on $(hostname): got $h, want $2" >&2; exit 3; fi
chmod 755 "$t" && mv -f -- "$t" "$1" || { rm -f -- "$t"; exit 1; }'\'' sh /tmp/netsweep-sir-cns-nullmodels/netsweep-mpi'" $sum" <"$binary" ||
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
