#!/usr/bin/env bash
# slurm-local.sh: a real one-node Slurm cluster on this machine, for tests and CI.
#
# Usage:
#   eval "$(scripts/slurm-local.sh up)"    # start; prints: export SLURM_CONF=...
#   scripts/slurm-local.sh status          # daemons and sinfo; exit 0 when usable
#   scripts/slurm-local.sh down            # cancel jobs, stop what "up" started
#
# Everything lives in one state directory, so the machine's own /etc/slurm and
# /etc/munge are never touched: its own munge key and socket (munged runs with
# --socket and --key-file there; Slurm finds it through AuthInfo=socket=...),
# its own slurm.conf, spool, logs and pid files. Needs root (slurmd runs jobs as
# their users) and Debian's slurm-wlm (22.05 tested), munge and, for MPI jobs,
# OpenMPI.
#
# The cluster: one node named after `hostname -s` at 127.0.0.1 with
# CPUs=$(nproc), one partition "debug" (Default=YES, MaxTime=INFINITE),
# ProctrackType=proctrack/linuxproc and TaskPlugin=task/none (no cgroups
# needed, so it runs in containers). No accounting daemon:
# AccountingStorageType=accounting_storage/none, so `sacct` does not work
# here; finished jobs stay visible to `scontrol show job` for MinJobAge
# seconds and are appended to $STATE/jobcomp.txt (JobCompType=jobcomp/filetxt).
# netsweep calls sacct only where a cluster has accounting on.
#
# Environment (all optional):
#   NETSWEEP_SLURM_DIR        state directory            [/tmp/netsweep-slurm]
#   NETSWEEP_SLURMCTLD_PORT   SlurmctldPort              [16817]
#   NETSWEEP_SLURMD_PORT      SlurmdPort                 [16818]
#   NETSWEEP_SLURM_WAIT       seconds "up" waits for the node to be idle [60]
#
# "up" is idempotent: when the daemons from a previous "up" are alive and the
# node answers, it only prints the export line again. Messages go to stderr;
# stdout carries only the export line, so eval "$(... up)" works.
set -euo pipefail

STATE=${NETSWEEP_SLURM_DIR:-/tmp/netsweep-slurm}
CTLD_PORT=${NETSWEEP_SLURMCTLD_PORT:-16817}
SLURMD_PORT=${NETSWEEP_SLURMD_PORT:-16818}
WAIT=${NETSWEEP_SLURM_WAIT:-60}

CONF=$STATE/slurm.conf
MUNGE_DIR=$STATE/munge
MUNGE_SOCKET=$MUNGE_DIR/munge.socket.2
MUNGE_PID=$MUNGE_DIR/munged.pid
CTLD_PID=$STATE/run/slurmctld.pid
SLURMD_PID=$STATE/run/slurmd.pid
LOGS=$STATE/log

say() { printf 'slurm-local: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

tails() {
	local f
	for f in "$LOGS/munged.log" "$LOGS/slurmctld.log" "$LOGS/slurmd.log"; do
		if [[ -f $f ]]; then
			printf '\n==> %s (last 25 lines) <==\n' "$f" >&2
			tail -n 25 "$f" >&2 || true
		fi
	done
}

need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "$c not found; install Debian's slurm-wlm and munge (apt-get install slurm-wlm munge)"
	done
}

# alive PIDFILE: the pid in PIDFILE names a running process of the
# daemon the file is named after (munged.pid: munged). A pid file left by
# an earlier run may name a pid that another process has since taken.
alive() {
	local pid
	[[ -s $1 ]] || return 1
	pid=$(<"$1")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$(basename "$1" .pid)" ]]
}

# stop NAME PIDFILE: TERM the process, wait up to 15 s, then KILL.
stop() {
	local name=$1 pidfile=$2 pid i
	if ! alive "$pidfile"; then
		rm -f "$pidfile"
		return 0
	fi
	pid=$(<"$pidfile")
	say "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$name did not stop; sending KILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}

node_name() { hostname -s; }

node_state() {
	SLURM_CONF=$CONF sinfo --noheader --Node --format=%T 2>/dev/null | head -n 1
}

write_conf() {
	local node cpus mem
	node=$(node_name)
	cpus=$(nproc)
	# RealMemory in MiB, a little under the machine's, so slurmd never finds
	# less memory than configured.
	mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
	mkdir -p "$STATE/spool/ctld" "$STATE/spool/d" "$STATE/run" "$LOGS"
	cat >"$CONF.tmp" <<EOF
# Written by scripts/slurm-local.sh; rewritten on every "up".
ClusterName=netsweep-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdParameters=config_overrides
# Short time limits: check the limits and --signal deadlines often, give a
# killed job 5 s between SIGTERM and SIGKILL, keep finished jobs visible to
# scontrol for 5 minutes.
MessageTimeout=10
KillWait=5
OverTimeLimit=0
MinJobAge=300
InactiveLimit=0
# No accounting daemon; sacct does not work here.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/jobcomp.txt
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
	mv "$CONF.tmp" "$CONF"
	# Read by slurmd only with cgroup plugins; written so a changed plugin
	# choice does not fail on a missing file.
	cat >"$STATE/cgroup.conf" <<EOF
# Written by scripts/slurm-local.sh.
CgroupPlugin=autodetect
EOF
}

start_munge() {
	mkdir -p "$MUNGE_DIR" "$LOGS"
	# Others need execute permission to reach the socket; the key stays 0600.
	chmod 0755 "$MUNGE_DIR"
	if [[ ! -s $MUNGE_DIR/munge.key ]]; then
		say "creating munge key $MUNGE_DIR/munge.key"
		(umask 077 && dd if=/dev/urandom of="$MUNGE_DIR/munge.key" bs=1024 count=1 status=none)
	fi
	chmod 0600 "$MUNGE_DIR/munge.key"
	if alive "$MUNGE_PID"; then
		return 0
	fi
	rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
	say "starting munged"
	munged --force --socket="$MUNGE_SOCKET" --key-file="$MUNGE_DIR/munge.key" \
		--pid-file="$MUNGE_PID" --log-file="$LOGS/munged.log" \
		--seed-file="$MUNGE_DIR/munged.seed" ||
		{
			tails
			die "munged did not start"
		}
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -S $MUNGE_SOCKET ]] && return 0
		sleep 0.1
	done
	tails
	die "munged started but $MUNGE_SOCKET did not appear"
}

# wait_pid NAME PIDFILE: a daemon that forked writes its pid file shortly after.
wait_pid() {
	local i
	for ((i = 0; i < 100; i++)); do
		alive "$2" && return 0
		sleep 0.1
	done
	tails
	die "$1 did not write a live pid to $2"
}

wait_idle() {
	local deadline=$((SECONDS + WAIT)) st="" resumed=0
	while ((SECONDS < deadline)); do
		alive "$CTLD_PID" || {
			tails
			die "slurmctld exited; see $LOGS/slurmctld.log"
		}
		alive "$SLURMD_PID" || {
			tails
			die "slurmd exited; see $LOGS/slurmd.log"
		}
		st=$(node_state || true)
		case $st in
		idle | mixed | allocated) return 0 ;;
		down* | drain* | drained*)
			# A node restarted with saved state can come back down.
			if ((resumed == 0)); then
				SLURM_CONF=$CONF scontrol update NodeName="$(node_name)" State=RESUME >/dev/null 2>&1 || true
				resumed=1
			fi
			;;
		esac
		sleep 0.5
	done
	SLURM_CONF=$CONF sinfo --Node --long >&2 2>/dev/null || true
	tails
	die "node not idle after ${WAIT}s (state: ${st:-no answer from slurmctld}); logs in $LOGS"
}

cmd_up() {
	need munged slurmctld slurmd sinfo scontrol
	[[ $(id -u) -eq 0 ]] || die "must run as root (slurmd starts jobs as their users)"
	if [[ -f $CONF ]] && alive "$MUNGE_PID" && alive "$CTLD_PID" && alive "$SLURMD_PID"; then
		case $(node_state || true) in
		idle | mixed | allocated)
			say "already up ($STATE)"
			printf 'export SLURM_CONF=%s\n' "$CONF"
			return 0
			;;
		esac
	fi
	# Partly up, or up with another config: start over, keeping saved state.
	stop slurmd "$SLURMD_PID"
	stop slurmctld "$CTLD_PID"
	local port
	for port in "$CTLD_PORT" "$SLURMD_PORT"; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			die "port $port is already in use; choose others with NETSWEEP_SLURMCTLD_PORT and NETSWEEP_SLURMD_PORT"
		fi
	done
	write_conf
	start_munge
	say "starting slurmctld (port $CTLD_PORT)"
	slurmctld -f "$CONF" || {
		tails
		die "slurmctld did not start"
	}
	wait_pid slurmctld "$CTLD_PID"
	say "starting slurmd (port $SLURMD_PORT)"
	slurmd -f "$CONF" -N "$(node_name)" || {
		tails
		die "slurmd did not start"
	}
	wait_pid slurmd "$SLURMD_PID"
	wait_idle
	say "up: node $(node_name), $(nproc) CPUs, partition debug; logs in $LOGS"
	printf 'export SLURM_CONF=%s\n' "$CONF"
}

cmd_down() {
	if [[ -f $CONF ]] && alive "$CTLD_PID"; then
		# Cancel this cluster's jobs so their steps do not outlive slurmd.
		local ids
		ids=$(SLURM_CONF=$CONF timeout 10 squeue --noheader --format=%i 2>/dev/null || true)
		if [[ -n $ids ]]; then
			say "cancelling jobs: $(echo $ids)"
			# shellcheck disable=SC2086 # one job id a word
			SLURM_CONF=$CONF timeout 10 scancel $ids 2>/dev/null || true
			local i
			for ((i = 0; i < 50; i++)); do
				[[ -z $(SLURM_CONF=$CONF timeout 5 squeue --noheader --format=%i 2>/dev/null || true) ]] && break
				sleep 0.2
			done
		fi
	fi
	stop slurmd "$SLURMD_PID"
	stop slurmctld "$CTLD_PID"
	stop munged "$MUNGE_PID"
	rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
	say "down"
}

cmd_status() {
	local ok=0 name pidfile
	for name in munged slurmctld slurmd; do
		case $name in
		munged) pidfile=$MUNGE_PID ;;
		slurmctld) pidfile=$CTLD_PID ;;
		slurmd) pidfile=$SLURMD_PID ;;
		esac
		if alive "$pidfile"; then
			echo "$name: running (pid $(<"$pidfile"))"
		else
			echo "$name: stopped"
			ok=1
		fi
	done
	if ((ok == 0)); then
		echo "SLURM_CONF=$CONF"
		SLURM_CONF=$CONF sinfo || ok=1
	fi
	return $ok
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
	sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
