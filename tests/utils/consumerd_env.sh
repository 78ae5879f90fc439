# consumerd_env.sh: ultrace-consumerd in integration tests, talking to the
# test's own snmpd (snmp_env.sh: AGENTX_SOCKET), or answering SNMP itself
# on SNMPD_PORT with SNMP_SHELL=direct. Sourced after snmp_env.sh.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

CONSUMERD="$ULTRACE_BUILDDIR/consumer/ultrace-consumerd"
CONSUMERD_PID=

# start_consumerd LOG (--live URL | --trace DIR) [OPTION]...: in the
# background, in the foreground sense (no detaching), AgentX pings every
# second, logging to LOG; pid in CONSUMERD_PID. Under valgrind (memcheck,
# definite and indirect leaks are errors, exit 99) when CONSUMERD_VALGRIND=1,
# its report in LOG.valgrind.
start_consumerd() {
	_log=$1
	shift
	if [ "${SNMP_SHELL:-agentx}" = direct ]; then
		# snmp_env.sh's direct mode: it answers on SNMPD_PORT itself.
		printf 'rwcommunity private 127.0.0.1\nrocommunity public 127.0.0.1\nmaxGetbulkResponses 1000\n' \
			>"$WORK/direct.conf"
		set -- "$CONSUMERD" --config=none --foreground --no-agentx \
			--snmp-listen "udp:127.0.0.1:$SNMPD_PORT" \
			--snmp-config "$WORK/direct.conf" \
			--log-file "$_log" "$@"
	else
		set -- "$CONSUMERD" --config=none --foreground \
			--agentx-socket "$AGENTX_SOCKET" \
			--ping-interval 1 --log-file "$_log" "$@"
	fi
	if [ "${CONSUMERD_VALGRIND:-0}" = 1 ]; then
		set -- ${LIBTOOL:-libtool} --mode=execute valgrind --quiet \
			--leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 --log-file="$_log.valgrind" "$@"
	fi
	"$@" &
	CONSUMERD_PID=$!
}

# stop_consumerd [SIGNAL]: signal it (TERM), wait; its exit status in
# CONSUMERD_STATUS. Harmless when none runs.
stop_consumerd() {
	CONSUMERD_STATUS=
	if [ -n "${CONSUMERD_PID:-}" ]; then
		kill -"${1:-TERM}" "$CONSUMERD_PID" 2>/dev/null
		wait "$CONSUMERD_PID" 2>/dev/null
		CONSUMERD_STATUS=$?
		CONSUMERD_PID=
	fi
}
