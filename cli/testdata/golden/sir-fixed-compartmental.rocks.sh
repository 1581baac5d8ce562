#!/bin/bash
#
# netsweep launcher for a Rocks cluster, rendered from templates/rocks.sh.tmpl
# for campaign sir-fixed-compartmental: re-render it rather than edit it. Run it on the
# frontend:
#
#	bash /home/user/campaigns/sir-fixed-compartmental/rocks/launch.sh
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

spec=/home/user/campaigns/sir-fixed-compartmental/spec.toml
dir=/home/user/campaigns/sir-fixed-compartmental
binary=netsweep-mpi
node_bin=/tmp/netsweep-sir-fixed-compartmental/netsweep-mpi
hostfile=/home/user/campaigns/sir-fixed-compartmental/rocks/hostfile

mkdir -p -- "$dir/rocks"
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
rocks run host "${hosts[@]}" 'command=mkdir -p -- /tmp/netsweep-sir-fixed-compartmental'
for host in "${hosts[@]}"; do
	ssh -o BatchMode=yes -- "$host" 'sh -c '\''umask 022
mkdir -p -- "$(dirname -- "$1")" || exit 1
t="$1.netsweep-$$.tmp"
cat > "$t" || { rm -f -- "$t"; exit 1; }
h=$(sha256sum < "$t") || { rm -f -- "$t"; exit 1; }
h=${h%% *}
if [ "$h" != "$2" ]; then rm -f -- "$t"; echo "netsweep: checksum mismatch on $(hostname): got $h, want $2" >&2; exit 3; fi
chmod 755 "$t" && mv -f -- "$t" "$1" || { rm -f -- "$t"; exit 1; }'\'' sh /tmp/netsweep-sir-fixed-compartmental/netsweep-mpi'" $sum" <"$binary" ||
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
