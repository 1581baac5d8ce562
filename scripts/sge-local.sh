#!/usr/bin/env bash
# sge-local.sh: a real one-node Grid Engine cell on this machine, for tests and CI.
#
# Usage:
#   eval "$(scripts/sge-local.sh up)"    # start; prints: export SGE_ROOT=... SGE_CELL=...
#   scripts/sge-local.sh status          # daemons and qhost; exit 0 when usable
#   scripts/sge-local.sh down            # delete jobs, stop what "up" started
#
# Needs root and Debian's gridengine-master, gridengine-exec and
# gridengine-client (8.1.9 tested), installed with debconf preseeded so that
# the package configures the cell (see .ci/run):
#   gridengine-common shared/gridengineconfig boolean true
#   gridengine-common shared/gridenginecell string default
#   gridengine-common shared/gridenginemaster string $(hostname)
#
# The cell is Debian's: SGE_ROOT=/var/lib/gridengine, SGE_CELL=default, spool
# under /var/spool/gridengine. A private SGE_ROOT is not possible with the
# Debian packages: the binaries, the spooling library and the cell's
# bootstrap file are laid out for that root, and `inst_sge` is not shipped.
# "up" configures that cell for a one-node test cluster, idempotently:
#   - host_aliases maps localhost to `hostname` (the machine's name resolves
#     to 127.0.0.1, which resolves back to "localhost", and sge_qmaster
#     refuses a client whose names differ);
#   - min_uid and min_gid 0, so root's jobs run (CI runs as root);
#   - accounting flushed at once, so qacct sees a job as soon as it ends;
#   - the scheduler runs every 2 s (schedule_interval), without load
#     adjustments;
#   - this host as admin, submit and execution host;
#   - a parallel environment "mpi" ($fill_up, control_slaves TRUE) and a
#     queue "all.q" with slots=$(nproc) on this host, its shell /bin/bash,
#     notify time 10 s (SIGUSR2 before a kill) and no load threshold (a
#     busy test machine would otherwise hold every job as "overloaded").
# It then starts sge_qmaster and sge_execd (the packages' init scripts are
# not used: containers have no init) and waits for the queue to be usable.
#
# Environment (all optional):
#   NETSWEEP_SGE_WAIT   seconds "up" waits for the queue [60]
#
# Messages go to stderr; stdout carries only the export line.
set -euo pipefail

export SGE_ROOT=/var/lib/gridengine
export SGE_CELL=default
WAIT=${NETSWEEP_SGE_WAIT:-60}
HOST=$(hostname)
COMMON=$SGE_ROOT/$SGE_CELL/common
QMASTER_SPOOL=/var/spool/gridengine/qmaster
EXECD_SPOOL=/var/spool/gridengine/execd
# sge_execd names its spool directory after the name its address resolves to
# ("localhost" here), not after `hostname`.
execd_pid() {
	local f
	for f in "$EXECD_SPOOL"/*/execd.pid; do
		pid_alive "$f" sge_execd && return 0
	done
	return 1
}

say() { printf 'sge-local: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	tails
	exit 1
}

tails() {
	local f
	for f in "$QMASTER_SPOOL/messages" "$EXECD_SPOOL"/*/messages; do
		if [[ -f $f ]]; then
			printf '\n==> %s (last 15 lines) <==\n' "$f" >&2
			tail -n 15 "$f" >&2 || true
		fi
	done
}

exports() { printf 'export SGE_ROOT=%s SGE_CELL=%s\n' "$SGE_ROOT" "$SGE_CELL"; }

# pid_alive PIDFILE NAME: the pid in PIDFILE is a running NAME. A pid file
# left by an earlier run may name a pid that another process has since
# taken (then "up" would not start the daemon).
pid_alive() {
	local pid
	[[ -s $1 ]] || return 1
	pid=$(<"$1")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]]
}

usable() {
	# The queue instance on this host exists and is not in an error,
	# disabled or unknown state (qstat -f shows "au", "E", "d" flags).
	local line
	line=$(qstat -f -q "all.q@$HOST" 2>/dev/null | awk -v q="all.q@$HOST" '$1 == q') || return 1
	[[ -n $line ]] || return 1
	# Columns: queuename qtype resv/used/tot load arch [states]
	local states
	states=$(awk '{print $6}' <<<"$line")
	[[ -z $states ]]
}

configure() {
	local tmp
	tmp=$(mktemp -d)

	# Global configuration: root may run jobs; accounting flushed at once.
	qconf -sconf global >"$tmp/global"
	# reporting_params spans continuation lines ending in '\'.
	awk '
		skip { skip = /\\$/; next }
		/^min_uid / { print "min_uid 0"; next }
		/^min_gid / { print "min_gid 0"; next }
		/^reporting_params / {
			print "reporting_params accounting=true reporting=false flush_time=00:00:01 joblog=false sharelog=00:00:00 accounting_flush_time=00:00:00"
			skip = /\\$/
			next
		}
		{ print }
	' "$tmp/global" >"$tmp/global.new"
	mv "$tmp/global.new" "$tmp/global"
	qconf -Mconf "$tmp/global" >/dev/null

	# The scheduler: a run every 2 s (tests wait for it), no load adjustment.
	qconf -ssconf >"$tmp/sched"
	sed -i -e 's/^schedule_interval .*/schedule_interval 0:0:2/' -e 's/^job_load_adjustments .*/job_load_adjustments NONE/' \
		-e 's/^load_adjustment_decay_time .*/load_adjustment_decay_time 0:0:0/' "$tmp/sched"
	qconf -Msconf "$tmp/sched" >/dev/null

	qconf -sh 2>/dev/null | grep -qx "$HOST" || qconf -ah "$HOST" >/dev/null
	qconf -ss 2>/dev/null | grep -qx "$HOST" || qconf -as "$HOST" >/dev/null
	if ! qconf -sel 2>/dev/null | grep -qx "$HOST"; then
		printf 'hostname %s\nload_scaling NONE\ncomplex_values NONE\nuser_lists NONE\nxuser_lists NONE\nprojects NONE\nxprojects NONE\nusage_scaling NONE\nreport_variables NONE\n' "$HOST" >"$tmp/host"
		qconf -Ae "$tmp/host" >/dev/null
	fi
	if ! qconf -spl 2>/dev/null | grep -qx mpi; then
		cat >"$tmp/pe" <<-'EOF'
			pe_name            mpi
			slots              9999
			user_lists         NONE
			xuser_lists        NONE
			start_proc_args    NONE
			stop_proc_args     NONE
			allocation_rule    $fill_up
			control_slaves     TRUE
			job_is_first_task  FALSE
			urgency_slots      min
			accounting_summary FALSE
			qsort_args         NONE
		EOF
		qconf -Ap "$tmp/pe" >/dev/null
	fi
	if ! qconf -sql 2>/dev/null | grep -qx all.q; then
		qconf -sq >"$tmp/q" # the template
		sed -i -e 's/^qname .*/qname all.q/' -e "s/^hostlist .*/hostlist $HOST/" \
			-e "s/^slots .*/slots $(nproc)/" -e 's/^pe_list .*/pe_list mpi/' \
			-e 's|^shell .*|shell /bin/bash|' -e 's/^shell_start_mode .*/shell_start_mode unix_behavior/' \
			-e 's/^notify .*/notify 00:00:10/' -e 's/^load_thresholds .*/load_thresholds NONE/' "$tmp/q"
		qconf -Aq "$tmp/q" >/dev/null
	fi
	# A queue left by an earlier configuration gets the same settings.
	qconf -rattr queue load_thresholds NONE all.q >/dev/null
	qconf -rattr queue pe_list mpi all.q >/dev/null
	qconf -rattr queue shell /bin/bash all.q >/dev/null
	qconf -rattr queue notify 00:00:10 all.q >/dev/null
	rm -rf -- "$tmp"
}

up() {
	command -v sge_qmaster >/dev/null 2>&1 || [[ -x /usr/sbin/sge_qmaster ]] ||
		die "sge_qmaster not found; install gridengine-master gridengine-exec gridengine-client (see .ci/run)"
	[[ -f $COMMON/bootstrap ]] ||
		die "$COMMON/bootstrap is missing: the cell was not configured; reinstall with debconf shared/gridengineconfig=true (see .ci/run)"
	[[ $(id -u) == 0 ]] || die "must run as root"
	printf '%s localhost\n' "$HOST" >"$COMMON/host_aliases"
	printf '%s\n' "$HOST" >"$COMMON/act_qmaster"

	if ! pid_alive "$QMASTER_SPOOL/qmaster.pid" sge_qmaster; then
		say "starting sge_qmaster"
		/usr/sbin/sge_qmaster >&2 || die "sge_qmaster did not start"
	fi
	local i
	for ((i = 0; i < WAIT; i++)); do
		qconf -sh >/dev/null 2>&1 && break
		sleep 1
	done
	qconf -sh >/dev/null 2>&1 || die "sge_qmaster does not answer"
	configure >&2
	if ! execd_pid; then
		say "starting sge_execd"
		mkdir -p "$EXECD_SPOOL"
		chown sgeadmin: "$EXECD_SPOOL"
		/usr/sbin/sge_execd >&2 || die "sge_execd did not start"
	fi
	for ((i = 0; i < WAIT; i++)); do
		usable && break
		sleep 1
	done
	usable || die "queue all.q@$HOST is not usable after ${WAIT}s: $(qstat -f 2>&1 | tail -n 3)"
	say "one-node cell up: queue all.q@$HOST, $(nproc) slots, parallel environment mpi"
	exports
}

status() {
	pid_alive "$QMASTER_SPOOL/qmaster.pid" sge_qmaster || {
		say "sge_qmaster is not running"
		return 1
	}
	execd_pid || {
		say "sge_execd is not running"
		return 1
	}
	qhost >&2
	qstat -f >&2
	usable
}

# wait_gone PIDFILE NAME waits up to 30 s for the NAME in PIDFILE to exit.
wait_gone() {
	local i
	for ((i = 0; i < 60; i++)); do
		pid_alive "$1" "$2" || return 0
		sleep 0.5
	done
	say "warning: $(cat "$1") from $1 still runs"
}

down() {
	qdel -u '*' >/dev/null 2>&1 || true
	local f
	if execd_pid; then
		say "stopping sge_execd"
		qconf -ke "$HOST" >/dev/null 2>&1 || kill $(cat "$EXECD_SPOOL"/*/execd.pid) || true
		for f in "$EXECD_SPOOL"/*/execd.pid; do
			wait_gone "$f" sge_execd
		done
	fi
	if pid_alive "$QMASTER_SPOOL/qmaster.pid" sge_qmaster; then
		say "stopping sge_qmaster"
		qconf -km >/dev/null 2>&1 || kill "$(cat "$QMASTER_SPOOL/qmaster.pid")" || true
		wait_gone "$QMASTER_SPOOL/qmaster.pid" sge_qmaster
	fi
}

case ${1:-} in
up) up ;;
status) status ;;
down) down ;;
*)
	echo "usage: $0 up|status|down" >&2
	exit 2
	;;
esac
