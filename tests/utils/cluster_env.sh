# cluster_env.sh: sourced after lttng_env.sh (as root, inside
# ultrace_isolate): "hosts" on one machine, each a UTS namespace (its own
# host name) and a mount namespace (its own /var/run/lttng and /dev/shm)
# held open by a sleeping process, with its own lttng-sessiond and
# LTTNG_HOME, streaming to the test's lttng-relayd. Every process is
# stopped by pid in cluster_teardown (call it from TEARDOWN_HOOK).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

CLUSTER_HOSTS=

# host_start NAME: the namespaces and the session daemon of host NAME.
host_start() {
	[ "$(id -u)" -eq 0 ] || bail_out "hosts need root (UTS and mount namespaces)"
	command -v nsenter >/dev/null || bail_out "nsenter not found (util-linux)"
	mkdir -p "$WORK/$1/home"
	unshare --uts --mount --propagation private sh -c \
		"hostname '$1' && mount -t tmpfs tmpfs /var/run/lttng &&
		 mount -t tmpfs tmpfs /dev/shm && : >'$WORK/$1/ready' &&
		 exec sleep 100000" &
	echo $! >"$WORK/$1/holder.pid"
	_i=0
	until [ -f "$WORK/$1/ready" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || bail_out "host $1: namespaces not ready"
		sleep 0.05
	done
	CLUSTER_HOSTS="$CLUSTER_HOSTS $1"
	host_start_sessiond "$1"
}

host_start_sessiond() {
	host_exec "$1" lttng-sessiond --no-kernel >"$WORK/$1/sessiond.log" 2>&1 &
	echo $! >"$WORK/$1/sessiond.pid"
	_i=0
	until host_exec "$1" lttng list >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			cat "$WORK/$1/sessiond.log" >&2
			bail_out "host $1: lttng-sessiond did not start"
		fi
		sleep 0.1
	done
}

# host_exec NAME COMMAND...: run COMMAND on host NAME.
host_exec() {
	_h=$1
	shift
	LTTNG_HOME="$WORK/$_h/home" nsenter -t "$(cat "$WORK/$_h/holder.pid")" \
		-u -m "$@"
}

# host_kill_sessiond NAME [SIGNAL]: its session daemon (and with it the
# consumer daemon that holds the relayd connection).
host_kill_sessiond() {
	_p=$(cat "$WORK/$1/sessiond.pid")
	# Its consumer daemons are its children.
	pkill -"${2:-TERM}" -P "$_p" 2>/dev/null
	kill -"${2:-TERM}" "$_p" 2>/dev/null
}

# host_live_session NAME SESSION: a live session streamed to the relayd.
host_live_session() {
	host_exec "$1" lttng create "$2" --live=100000 \
		--set-url="net://127.0.0.1:$RELAYD_CTRL:$RELAYD_DATA" \
		>/dev/null &&
	host_exec "$1" lttng enable-channel -u -s "$2" ultrace --buffers-uid \
		--subbuf-size=1M --num-subbuf=8 >/dev/null &&
	host_exec "$1" lttng enable-event -u -s "$2" -c ultrace 'ultrace:*' \
		>/dev/null &&
	host_exec "$1" lttng start "$2" >/dev/null
}

cluster_teardown() {
	for _h in $CLUSTER_HOSTS; do
		host_exec "$_h" lttng destroy --all >/dev/null 2>&1
		kill "$(cat "$WORK/$_h/sessiond.pid" 2>/dev/null)" 2>/dev/null
		kill "$(cat "$WORK/$_h/holder.pid")" 2>/dev/null
	done
	CLUSTER_HOSTS=
}
