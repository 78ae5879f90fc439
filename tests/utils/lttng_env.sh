# lttng_env.sh: sourced by integration tests: a private work directory and
# an LTTng session daemon isolated from any other on the machine.
# Knows LTTng's command line tools; nothing of SNMP.
#
# As root the script re-runs itself in new mount and PID namespaces: a
# tmpfs on /var/run/lttng hides the machine's session daemon, and when the
# script ends the kernel kills whatever it started that is still alive.
# Every daemon is also stopped by pid from the EXIT trap.

: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"
: "${ULTRACE_SRCDIR:?run through make check (ULTRACE_SRCDIR unset)}"

ULTRACE_REPLAY="$ULTRACE_BUILDDIR/consumer/ultrace-replay"
ULTRACE_LOADGEN="$ULTRACE_BUILDDIR/tools/loadgen/ultrace-loadgen"
ULTRACE_PROVIDER="$ULTRACE_BUILDDIR/tracepoints/.libs/libultrace-provider.so"
export ULTRACE_PROVIDER

# ultrace_isolate "$@": call first, with the script's own arguments.
ultrace_isolate() {
	if [ "$(id -u)" -eq 0 ] && [ -z "${ULTRACE_ISOLATED:-}" ]; then
		ULTRACE_ISOLATED=1
		export ULTRACE_ISOLATED
		# --kill-child: unshare itself ignores TERM; if it is killed,
		# the script still gets a TERM and tears down.
		exec unshare --mount --propagation private --pid --fork \
			--kill-child=TERM --mount-proc sh "$0" "$@"
	fi
	if [ "$(id -u)" -eq 0 ]; then
		mkdir -p /var/run/lttng
		mount -t tmpfs tmpfs /var/run/lttng ||
			bail_out "cannot mount a private /var/run/lttng"
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-test.XXXXXX") ||
		bail_out "mktemp failed"
	LTTNG_HOME="$WORK/home"
	export LTTNG_HOME
	mkdir -p "$LTTNG_HOME"
	SESSIOND_PID=
	trap ultrace_teardown EXIT
	trap 'exit 130' INT TERM
}

# Stop every daemon by pid; keep $WORK if ULTRACE_KEEP is set.
ultrace_teardown() {
	if [ -n "${TEARDOWN_HOOK:-}" ]; then
		$TEARDOWN_HOOK
	fi
	if [ -n "$SESSIOND_PID" ]; then
		lttng destroy --all >/dev/null 2>&1
		kill "$SESSIOND_PID" 2>/dev/null
		_i=0
		while kill -0 "$SESSIOND_PID" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -9 "$SESSIOND_PID" 2>/dev/null
		SESSIOND_PID=
	fi
	stop_relayd
	if [ -n "${ULTRACE_KEEP:-}" ]; then
		echo "# work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}

# Start lttng-sessiond (user space only) and wait until it answers.
start_sessiond() {
	command -v lttng-sessiond >/dev/null ||
		bail_out "lttng-sessiond not found: install lttng-tools"
	lttng-sessiond --no-kernel >"$WORK/sessiond.log" 2>&1 &
	SESSIOND_PID=$!
	_i=0
	until lttng list >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$SESSIOND_PID" 2>/dev/null; then
			cat "$WORK/sessiond.log" >&2
			bail_out "lttng-sessiond did not start"
		fi
		sleep 0.1
	done
}

# create_session NAME DIR [EVENTS]: a local session NAME recording every
# ultrace event into DIR, in a per-UID channel big enough that a test
# burst loses nothing; EVENTS: more events to enable in the same channel
# (an `lttng enable-event` pattern: bench/run's 'ultrace_floor:*').
create_session() {
	lttng create "$1" --output="$2" >/dev/null &&
	lttng enable-channel -u -s "$1" ultrace --buffers-uid \
		--subbuf-size=4M --num-subbuf=8 >/dev/null &&
	lttng enable-event -u -s "$1" -c ultrace 'ultrace:*' >/dev/null &&
	{ [ -z "${3:-}" ] ||
		lttng enable-event -u -s "$1" -c ultrace "$3" >/dev/null; } &&
	lttng start "$1" >/dev/null
}

stop_session() {
	lttng stop "$1" >/dev/null && lttng destroy "$1" >/dev/null
}

# Run ultrace-replay under valgrind (through libtool's wrapper if any).
replay_valgrind() {
	${LIBTOOL:-libtool} --mode=execute valgrind --quiet \
		--leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 "$ULTRACE_REPLAY" "$@"
}

# port_free PROTO PORT: nothing listens there (ss from iproute2).
port_free() {
	! ss -H -ln"$(echo "$1" | cut -c1)" "sport = :$2" 2>/dev/null | grep -q .
}

# pick_ports N BASE: N consecutive free TCP ports from BASE up, printed.
pick_ports() {
	_base=$2
	while [ "$_base" -lt 60000 ]; do
		_ok=1
		_p=$_base
		while [ "$_p" -lt $((_base + $1)) ]; do
			port_free tcp "$_p" || _ok=0
			_p=$((_p + 1))
		done
		if [ $_ok -eq 1 ]; then
			echo "$_base"
			return 0
		fi
		_base=$((_base + $1 + 7))
	done
	return 1
}

# Start lttng-relayd on loopback with non-default ports:
# RELAYD_CTRL, RELAYD_DATA, RELAYD_LIVE.
start_relayd() {
	_b=$(pick_ports 3 "${1:-25342}") || bail_out "no free ports for relayd"
	RELAYD_CTRL=$_b RELAYD_DATA=$((_b + 1)) RELAYD_LIVE=$((_b + 2))
	mkdir -p "$WORK/relayd"
	lttng-relayd -o "$WORK/relayd" \
		-C "tcp://127.0.0.1:$RELAYD_CTRL" \
		-D "tcp://127.0.0.1:$RELAYD_DATA" \
		-L "tcp://127.0.0.1:$RELAYD_LIVE" \
		>"$WORK/relayd.log" 2>&1 &
	RELAYD_PID=$!
	_i=0
	until ! port_free tcp "$RELAYD_LIVE"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$RELAYD_PID" 2>/dev/null; then
			cat "$WORK/relayd.log" >&2
			bail_out "lttng-relayd did not start"
		fi
		sleep 0.1
	done
}

stop_relayd() {
	if [ -n "${RELAYD_PID:-}" ]; then
		kill "$RELAYD_PID" 2>/dev/null
		wait "$RELAYD_PID" 2>/dev/null
		RELAYD_PID=
	fi
}

# create_live_session NAME [LIVE_TIMER_US]: streamed to our relayd, with
# the recommended channel (doc/lttng-settings.md).
create_live_session() {
	lttng create "$1" --live="${2:-100000}" \
		--set-url="net://127.0.0.1:$RELAYD_CTRL:$RELAYD_DATA" \
		>/dev/null &&
	lttng enable-channel -u -s "$1" ultrace --buffers-uid \
		--subbuf-size=1M --num-subbuf=8 >/dev/null &&
	lttng enable-event -u -s "$1" -c ultrace 'ultrace:*' >/dev/null &&
	lttng start "$1" >/dev/null
}

# The URL ultrace-consumerd follows for live session NAME.
live_url() {
	echo "net://127.0.0.1:$RELAYD_LIVE/host/$(hostname)/$1"
}
