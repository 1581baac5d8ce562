#!/usr/bin/env bash
# root.sh: a Debian root with Python's pandas and pyarrow in it, for cli
# TestRawPandas and CI.
#
# Usage:
#   eval "$(scripts/pandas/root.sh up)"   # build if missing; prints: export NETSWEEP_PANDAS_ROOT=...
#   scripts/pandas/root.sh check          # exit 0 when the root imports pandas and pyarrow
#   scripts/pandas/root.sh down           # remove the root
#
# pandas reads Parquet only through pyarrow (or fastparquet), and Debian
# bookworm, the machine's own release, packages neither. Debian testing
# packages both (python3-pandas, python3-pyarrow), built for its own C
# library, so they run in a root of their own: debootstrap builds a
# minimal Debian testing there, apt installs the two packages, and
# TestRawPandas runs `chroot ROOT python3` on a raw.parquet it writes
# inside the root. Nothing outside ROOT is touched. Needs root (chroot)
# and debootstrap; the build takes about a minute and 0.9 GB.
#
# Environment (all optional):
#   NETSWEEP_PANDAS_ROOT     where the root lives   [/var/cache/netsweep/pandas-root]
#   NETSWEEP_DEBIAN_MIRROR   the Debian mirror      [http://deb.debian.org/debian]
#   NETSWEEP_PANDAS_SUITE    the Debian suite       [testing]
#
# "up" is idempotent: a root that already imports pandas and pyarrow is
# kept. Messages go to stderr; stdout carries only the export line.
set -euo pipefail

ROOT=${NETSWEEP_PANDAS_ROOT:-/var/cache/netsweep/pandas-root}
MIRROR=${NETSWEEP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${NETSWEEP_PANDAS_SUITE:-testing}

say() { echo "pandas-root: $*" >&2; }

check() {
	[ -x "$ROOT/usr/bin/python3" ] &&
		chroot "$ROOT" python3 -c 'import pandas, pyarrow' >/dev/null 2>&1
}

up() {
	if check; then
		say "$ROOT already has pandas and pyarrow"
		echo "export NETSWEEP_PANDAS_ROOT=$ROOT"
		return
	fi
	if [ "$(id -u)" != 0 ]; then
		say "building $ROOT needs root (debootstrap, chroot)"
		exit 1
	fi
	command -v debootstrap >/dev/null 2>&1 || { say "debootstrap not found: apt-get install debootstrap"; exit 1; }
	rm -rf "$ROOT"
	mkdir -p "$(dirname "$ROOT")"
	say "debootstrap --variant=minbase $SUITE $ROOT $MIRROR"
	# Debian's own debootstrap names no script for "testing": its suites
	# share sid's.
	local log
	log=$(mktemp)
	if ! debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" /usr/share/debootstrap/scripts/sid >"$log" 2>&1; then
		tail -20 "$log" >&2
		say "debootstrap failed; its log: $ROOT/debootstrap/debootstrap.log"
		exit 1
	fi
	# A mirror's copy of a suite may be older than its Release file's
	# Valid-Until: apt is told to take it anyway.
	local apt=(chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false -y -qq)
	say "apt-get install python3-pandas python3-pyarrow"
	if ! { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends python3-pandas python3-pyarrow; } >"$log" 2>&1; then
		tail -20 "$log" >&2
		say "installing pandas and pyarrow in $ROOT failed"
		exit 1
	fi
	"${apt[@]}" clean >/dev/null 2>&1 || true
	rm -f "$log"
	check || { say "$ROOT does not import pandas and pyarrow"; exit 1; }
	say "$(chroot "$ROOT" python3 -c 'import pandas, pyarrow; print("pandas", pandas.__version__, "pyarrow", pyarrow.__version__)')"
	echo "export NETSWEEP_PANDAS_ROOT=$ROOT"
}

case ${1:-} in
up) up ;;
check) check ;;
down) rm -rf "$ROOT" ;;
*)
	echo "usage: $0 up|check|down" >&2
	exit 2
	;;
esac
