# snmp_env.sh: sourced by integration tests: a private snmpd (AgentX master
# on 127.0.0.1, a free non-default UDP port, its own config and AgentX
# socket in $WORK) and the ultrace-snmp-fixture agent. Knows net-snmp's
# command line tools; nothing of LTTng.
#
# Alone: call snmp_isolate "$@" first (work directory, namespaces as root,
# teardown on EXIT). Beside lttng_env.sh: call ultrace_isolate instead and
# stop_snmpd from its TEARDOWN_HOOK; start_snmpd needs only $WORK.
#
# Sets SNMPD_PORT, SNMPD_PID, AGENTX_SOCKET; FIXTURE_PID. Every process is
# stopped by its pid.
#
# SNMP_SHELL=direct: no snmpd; the fixture answers SNMP itself on
# SNMPD_PORT (--no-agentx --snmp-listen, the same communities from
# $WORK/direct.conf), so a test written for AgentX checks the direct shell.

: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"
: "${ULTRACE_SRCDIR:?run through make check (ULTRACE_SRCDIR unset)}"

ULTRACE_SNMP_FIXTURE="$ULTRACE_BUILDDIR/tests/fixtures/ultrace-snmp-fixture"

# Numeric OIDs and raw values: the tests load no MIB module, whatever the
# host's snmp.conf loads (with ultrace's drop-in included there, hints
# would print DateAndTime as dates, enumerations as labels). Names are
# snmp_names.sh's concern.
MIBS=
export MIBS
KAMAILIO_REG_CFG=.1.3.6.1.4.1.34352.3.1.2.1.5
KAMAILIO_REG_STATS=.1.3.6.1.4.1.34352.3.1.2.1.6
SYS_UPTIME=.1.3.6.1.2.1.1.3.0

# snmp_isolate "$@": a work directory and, as root, new mount and PID
# namespaces (whatever the test started dies with it) with a private
# /var/agentx, and a network namespace of its own when the kernel allows
# one (its loopback: tests running in parallel never share a port).
snmp_isolate() {
	if [ "$(id -u)" -eq 0 ] && [ -z "${ULTRACE_ISOLATED:-}" ]; then
		ULTRACE_ISOLATED=1
		export ULTRACE_ISOLATED
		_net=
		if unshare --net true 2>/dev/null; then
			_net=--net
			ULTRACE_NETNS=1
			export ULTRACE_NETNS
		fi
		exec unshare --mount --propagation private --pid --fork \
			--mount-proc $_net sh "$0" "$@"
	fi
	if [ "$(id -u)" -eq 0 ]; then
		mkdir -p /var/agentx
		mount -t tmpfs tmpfs /var/agentx ||
			bail_out "cannot mount a private /var/agentx"
	fi
	if [ -n "${ULTRACE_NETNS:-}" ]; then
		ip link set lo up || bail_out "cannot bring up loopback"
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-test.XXXXXX") ||
		bail_out "mktemp failed"
	SNMPD_PID=
	FIXTURE_PID=
	trap snmp_teardown EXIT
	trap 'exit 130' INT TERM
}

snmp_teardown() {
	stop_fixture
	stop_proxy_snmpd
	stop_snmpd
	if [ -n "${ULTRACE_KEEP:-}" ]; then
		echo "# work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}

# snmp_udp_port_free PORT: nothing listens on that UDP port.
snmp_udp_port_free() {
	! ss -H -lun "sport = :$1" 2>/dev/null | grep -q .
}

# snmp_pick_udp_port BASE: a free UDP port from BASE (plus a random
# offset, so that tests started together rarely try the same one) up.
snmp_pick_udp_port() {
	_p=$(($1 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2000))
	while [ "$_p" -lt 65000 ]; do
		if snmp_udp_port_free "$_p"; then
			echo "$_p"
			return 0
		fi
		_p=$((_p + 11))
	done
	return 1
}

# The peer argument of every net-snmp command.
snmp_peer() {
	echo "127.0.0.1:$SNMPD_PORT"
}

# start_snmpd [BASE_PORT]: snmpd as AgentX master on a free port (the
# same one again if SNMPD_PORT is set: a restart), answering before this
# returns. A port taken between the check and snmpd's bind: another one.
start_snmpd() {
	if [ "${SNMP_SHELL:-agentx}" = direct ]; then
		# A restart of the master is a no-op: there is none.
		if [ -z "${SNMPD_PORT:-}" ]; then
			SNMPD_PORT=$(snmp_pick_udp_port "${1:-16161}") ||
				bail_out "no free UDP port for the fixture"
		fi
		return
	fi
	command -v snmpd >/dev/null ||
		bail_out "snmpd not found: install the Debian package snmpd"
	AGENTX_SOCKET=${AGENTX_SOCKET:-$WORK/agentx.sock}
	if [ -n "${SNMPD_PORT:-}" ]; then
		snmp_start_snmpd_on "$SNMPD_PORT" ||
			bail_out "snmpd did not start again on port $SNMPD_PORT"
		return
	fi
	for _try in 1 2 3 4 5; do
		SNMPD_PORT=$(snmp_pick_udp_port "${1:-16161}") ||
			bail_out "no free UDP port for snmpd"
		snmp_start_snmpd_on "$SNMPD_PORT" && return
	done
	bail_out "snmpd did not start (last port tried: $SNMPD_PORT)"
}

# snmp_start_snmpd_on PORT: 0 once snmpd answers there, 1 if it died.
snmp_start_snmpd_on() {
	cat >"$WORK/snmpd.conf" <<EOF
agentAddress udp:127.0.0.1:$SNMPD_PORT
master agentx
agentXSocket $AGENTX_SOCKET
rwcommunity private 127.0.0.1
rocommunity public 127.0.0.1
# No log line per request (with tcp-wrappers, snmpd logs every
# "Connection from"): it costs a third of a walk's time.
dontLogTCPWrappersConnects yes
EOF
	snmp_launch_snmpd SNMPD_PID snmpd "$(snmp_peer)" "$AGENTX_SOCKET"
}

# snmp_launch_snmpd PIDVAR NAME PEER [SOCKET]: snmpd on $WORK/NAME.conf,
# with its persistent directory, pid file and log beside it in $WORK
# (NAME-persist, NAME.pid, NAME.log: nothing in /var/lib/snmp), its pid in
# the variable PIDVAR at once (the teardown stops it). 0 once it answers
# sysUpTime at PEER (and SOCKET exists); 1, its last log lines shown and
# it stopped, if it died or did not answer within 10 s.
snmp_launch_snmpd() {
	mkdir -p "$WORK/$2-persist"
	SNMP_PERSISTENT_DIR="$WORK/$2-persist" snmpd -f -Lo -C \
		-c "$WORK/$2.conf" -p "$WORK/$2.pid" >>"$WORK/$2.log" 2>&1 &
	eval "$1=\$!"
	_i=0
	until snmpget -v2c -c public -On -t 0.2 -r 0 "$3" "$SYS_UPTIME" \
			>/dev/null 2>&1 && { [ -z "${4:-}" ] || [ -S "$4" ]; }; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! eval "kill -0 \"\$$1\"" 2>/dev/null; then
			grep -v "Cannot find module\|MIB search path" \
				"$WORK/$2.log" | tail -n 5 | sed 's/^/# /'
			eval "kill \"\$$1\"; wait \"\$$1\"; $1=" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# start_proxy_snmpd TARGET_PORT: a second snmpd on a free port
# (PROXY_PORT, PROXY_SNMPD_PID) that forwards what ultrace serves to the
# direct listener on 127.0.0.1:TARGET_PORT with the lines of
# doc/examples/snmpd-proxy.conf, as an operator keeps one snmpd on 161.
start_proxy_snmpd() {
	PROXY_PORT=$(snmp_pick_udp_port 28161) ||
		bail_out "no free UDP port for the proxy snmpd"
	{
		echo "agentAddress udp:127.0.0.1:$PROXY_PORT"
		echo "rocommunity public 127.0.0.1"
		echo "dontLogTCPWrappersConnects yes"
		sed -n "s/127\.0\.0\.1:1161/127.0.0.1:$1/p" \
			"$ULTRACE_SRCDIR/doc/examples/snmpd-proxy.conf" |
			grep '^proxy '
	} >"$WORK/proxy-snmpd.conf"
	snmp_launch_snmpd PROXY_SNMPD_PID proxy-snmpd "127.0.0.1:$PROXY_PORT" ||
		bail_out "the proxy snmpd did not start"
}

stop_proxy_snmpd() {
	if [ -n "${PROXY_SNMPD_PID:-}" ]; then
		kill "$PROXY_SNMPD_PID" 2>/dev/null
		wait "$PROXY_SNMPD_PID" 2>/dev/null
		PROXY_SNMPD_PID=
	fi
}

stop_snmpd() {
	if [ -n "${SNMPD_PID:-}" ]; then
		kill "$SNMPD_PID" 2>/dev/null
		wait "$SNMPD_PID" 2>/dev/null
		SNMPD_PID=
	fi
}

# start_fixture ARGS...: the fixture agent on our AgentX socket, under
# valgrind when FIXTURE_VALGRIND=1; waits until its tables answer.
start_fixture() {
	if [ "${FIXTURE_VALGRIND:-0}" = 1 ]; then
		set -- valgrind --quiet --leak-check=full \
			--errors-for-leak-kinds=definite --error-exitcode=99 \
			--log-file="$WORK/valgrind.%p.log" \
			"$ULTRACE_SNMP_FIXTURE" "$@"
	else
		set -- "$ULTRACE_SNMP_FIXTURE" "$@"
	fi
	if [ "${SNMP_SHELL:-agentx}" = direct ]; then
		cat >"$WORK/direct.conf" <<EOF
rwcommunity private 127.0.0.1
rocommunity public 127.0.0.1
maxGetbulkResponses 1000
EOF
		"$@" --no-agentx --snmp-listen "udp:127.0.0.1:$SNMPD_PORT" \
			--snmp-config "$WORK/direct.conf" \
			>>"$WORK/fixture.log" 2>&1 &
	else
		"$@" --agentx-socket "$AGENTX_SOCKET" \
			>>"$WORK/fixture.log" 2>&1 &
	fi
	FIXTURE_PID=$!
	wait_agent 30 || {
		tail -n 20 "$WORK/fixture.log" >&2
		bail_out "the fixture agent did not register"
	}
}

# stop_fixture: SIGTERM, then its exit status in FIXTURE_STATUS.
stop_fixture() {
	FIXTURE_STATUS=
	if [ -n "${FIXTURE_PID:-}" ]; then
		kill "$FIXTURE_PID" 2>/dev/null
		wait "$FIXTURE_PID"
		FIXTURE_STATUS=$?
		FIXTURE_PID=
	fi
}

# wait_agent SECONDS [PEER]: until kamailioSIPRegCurrentUsers answers
# (at PEER, default snmp_peer).
wait_agent() {
	_end=$(($(date +%s) + $1))
	_peer=${2:-$(snmp_peer)}
	while [ "$(date +%s)" -le $_end ]; do
		if snmpget -v2c -c public -On -t 0.5 -r 0 "$_peer" \
				"$KAMAILIO_REG_CFG.4.0" 2>/dev/null |
				grep -q "Gauge32"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# snmp_value OID: "TYPE: value" (or the exception text) of a GET.
snmp_value() {
	snmpget -v2c -c public -On -t 2 -r 1 "$(snmp_peer)" "$1" 2>&1 |
		sed 's/^[^=]* = //'
}

# snmp_set_error ARGS...: the error name snmpset prints ("noError" if
# none), e.g. snmp_set_error OID i 4 OID s uri.
snmp_set_error() {
	_out=$(snmpset -v2c -c private -On -t 2 -r 1 "$(snmp_peer)" "$@" 2>&1)
	case "$_out" in
	*"Reason: "*)
		echo "$_out" | sed -n 's/^Reason: \([A-Za-z]*\).*/\1/p'
		;;
	*Timeout*)
		echo "timeout"
		;;
	*" = "*)
		echo "noError"
		;;
	*)
		echo "$_out" | head -n 1
		;;
	esac
}

# snmp_join: net-snmp wraps long Hex-STRING values over several lines;
# put each varbind back on one line.
snmp_join() {
	awk '/^\./ { if (line != "") print line; line = $0; next }
		{ line = line " " $0 }
		END { if (line != "") print line }'
}

# snmp_walk OID [ARGS...]: a bulk walk, every string as hex, one varbind
# a line; snmpbulkwalk's exit status is kept in $WORK/walk.status.
snmp_walk() {
	_oid=$1
	shift
	snmpbulkwalk -v2c -c "${SNMP_COMMUNITY:-public}" -On -Ox -t 5 -r 1 "$@" "$(snmp_peer)" \
		"$_oid" 2>"$WORK/walk.err"
	echo $? >"$WORK/walk.status"
}
