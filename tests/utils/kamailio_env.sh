# kamailio_env.sh: sourced by the kamailio_* integration tests, after
# lttng_env.sh: a private Kamailio registrar (doc/examples/kamailio.cfg
# with our module) in $WORK, driven by sipp, and its own view of usrloc.
# Knows Kamailio, kamcmd and sipp; nothing of SNMP.

ULTRACE_KAM_MODULE="$ULTRACE_BUILDDIR/tracepoints/kamailio/ultrace.so"
ULTRACE_LIBULTRACE="$ULTRACE_BUILDDIR/tracepoints/.libs/libultrace.so.0"
ULTRACE_KAM_CFG="$ULTRACE_SRCDIR/doc/examples/kamailio.cfg"
ULTRACE_SIPP_DIR="$ULTRACE_SRCDIR/tests/integration/sipp"
KAMAILIO_PID=

# Missing tools are a failure, not a skip: the module exists for them.
kamailio_require() {
	for _t in kamailio kamcmd sipp; do
		command -v "$_t" >/dev/null ||
			bail_out "$_t not found: install kamailio and sip-tester"
	done
	[ -f "$ULTRACE_KAM_MODULE" ] ||
		bail_out "$ULTRACE_KAM_MODULE not built (--with-kamailio-source)"
	[ -f "$ULTRACE_LIBULTRACE" ] || bail_out "$ULTRACE_LIBULTRACE missing"
}

# pick_udp_port BASE: a free UDP port from BASE up, printed.
pick_udp_port() {
	_p=$1
	while [ "$_p" -lt 60000 ]; do
		if port_free udp "$_p"; then
			echo "$_p"
			return 0
		fi
		_p=$((_p + 3))
	done
	return 1
}

# start_kamailio NAME: foreground kamailio (-DD -E) on a free loopback
# UDP port, KAM_PORT; its control socket is $WORK/NAME.ctl. KAM_EXTRA_ARGS
# are added to its command line (e.g. "-u nobody -g nogroup").
start_kamailio() {
	KAM_PORT=$(pick_udp_port "${KAM_PORT_BASE:-25092}") ||
		bail_out "no free UDP port for kamailio"
	KAM_CTL="unix:$WORK/$1.ctl"
	KAM_LOG="$WORK/$1.kamailio.log"
	mkdir -p "$WORK/$1.run"
	kamailio -DD -E -f "$ULTRACE_KAM_CFG" -Y "$WORK/$1.run" -w "$WORK" \
		-A "SIP_PORT=$KAM_PORT" \
		-A "ULTRACE_MODULE=\"$ULTRACE_KAM_MODULE\"" \
		-A "LIBULTRACE=\"$ULTRACE_LIBULTRACE\"" \
		-A "ULTRACE_PROVIDER=\"$ULTRACE_PROVIDER\"" \
		-A "CTL_SOCKET=\"$KAM_CTL\"" ${KAM_EXTRA_ARGS:-} \
		>"$KAM_LOG" 2>&1 &
	KAMAILIO_PID=$!
	_i=0
	until kamcmd -s "$KAM_CTL" core.uptime >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$KAMAILIO_PID" 2>/dev/null; then
			tail -20 "$KAM_LOG" | sed 's/^/# /'
			bail_out "kamailio did not start"
		fi
		sleep 0.1
	done
}

# stop_kamailio: SIGTERM by pid (kamailio stops its children), then wait.
stop_kamailio() {
	if [ -n "$KAMAILIO_PID" ]; then
		kill "$KAMAILIO_PID" 2>/dev/null
		_i=0
		while kill -0 "$KAMAILIO_PID" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -9 "$KAMAILIO_PID" 2>/dev/null
		wait "$KAMAILIO_PID" 2>/dev/null
		KAMAILIO_PID=
	fi
}

# run_sipp SCENARIO INJECTION_FILE CALLS: send CALLS REGISTERs to kamailio,
# from a free local port; fails unless every one got its 200. $SIPP_ARGS:
# more sipp options (unquoted: words).
run_sipp() {
	_sp=$(pick_udp_port $((KAM_PORT + 1000))) || return 1
	# shellcheck disable=SC2086
	sipp -sf "$ULTRACE_SIPP_DIR/$1" -inf "$2" -m "$3" -r 200 -l 20 \
		${SIPP_ARGS:-} \
		-i 127.0.0.1 -p "$_sp" -timeout 10s -timeout_error \
		-nostdin -trace_err -error_file "$WORK/sipp-$1.err" \
		"127.0.0.1:$KAM_PORT" >"$WORK/sipp.out" 2>&1
}

# kamailio_contacts: "aor,contact" of every binding, sorted, as Kamailio's
# own ul.dump shows them.
kamailio_contacts() {
	kamcmd -s "$KAM_CTL" ul.dump | awk '
		$1 == "AoR:" { aor = $2 }
		$1 == "Address:" { print aor "," $2 }' | LC_ALL=C sort
}

# kamailio_contacts_full: per binding, sorted, the columns that Kamailio
# and ultrace-replay --format csv both carry, in replay's units:
# aor,contact,q (thousandths, -1 unset),callid,cseq,user_agent,socket,ruid,methods,
# flags,cflags,last_modified. Unset Received/Path/Instance are left out.
kamailio_contacts_full() {
	kamcmd -s "$KAM_CTL" ul.dump | awk '
		function emit() {
			if (addr != "") {
				print aor "," addr "," q "," cid "," cseq "," ua "," \
					sock "," ruid "," meth "," fl "," cfl "," lm
			}
			addr = ""
		}
		$1 == "AoR:" { emit(); aor = $2 }
		$1 == "Address:" { emit(); addr = $2 }
		# ul.dump shows an unset q (Q_UNSPECIFIED) as -1.000000.
		$1 == "Q:" { q = $2 < 0 ? -1 : sprintf("%.0f", $2 * 1000) }
		$1 == "Call-ID:" { cid = $2 }
		$1 == "CSeq:" { cseq = $2 }
		$1 == "User-Agent:" { ua = $2 }
		$1 == "Socket:" { sock = $2 }
		$1 == "Ruid:" { ruid = $2 }
		$1 == "Methods:" {
			meth = sprintf("%.0f", $2 < 0 ? $2 + 4294967296 : $2)
		}
		$1 == "Flags:" { fl = $2 }
		$1 == "CFlags:" { cfl = $2 }
		$1 == "Last-Modified:" { lm = $2 }
		END { emit() }' | LC_ALL=C sort
}

# replay_contacts_full CSV: the same columns from ultrace-replay's CSV.
replay_contacts_full() {
	tail -n +2 "$1" | awk -F, '{
		print $2 "," $3 "," $10 "," $8 "," $9 "," $7 "," $19 "," \
			$16 "," $15 "," $13 "," $14 "," $12 }' | LC_ALL=C sort
}

# write_registration_inputs [EXPIRES]: the sipp inputs the Kamailio tests
# share, in $WORK: reg.csv (u01..u10, one contact each, EXPIRES s, default
# 60), reg2.csv (m01..m04, two contacts with q 0.7 and 0.3, EXPIRES s),
# refresh.csv (u01..u05 again, 120 s). Each test writes its own
# de-registrations.
write_registration_inputs() {
	_expires=${1:-60}
	{
		echo SEQUENTIAL
		for i in 01 02 03 04 05 06 07 08 09 10; do
			echo "u$i;sip:u$i@127.0.0.1:5070;$_expires;1"
		done
	} >"$WORK/reg.csv"
	{
		echo SEQUENTIAL
		for i in 01 02 03 04; do
			echo "m$i;sip:m$i-a@127.0.0.1:5071;0.7;sip:m$i-b@127.0.0.1:5072;0.3;$_expires;1"
		done
	} >"$WORK/reg2.csv"
	{
		echo SEQUENTIAL
		for i in 01 02 03 04 05; do
			echo "u$i;sip:u$i@127.0.0.1:5070;120;2"
		done
	} >"$WORK/refresh.csv"
}

# sipp_ok SCENARIO INPUT CALLS DESCRIPTION: run_sipp SCENARIO with
# $WORK/INPUT for CALLS calls, as one TAP result; sipp's errors on failure.
sipp_ok() {
	run_sipp "$1" "$WORK/$2" "$3"
	ok $? "$4" || { tail -5 "$WORK/sipp.out"; cat "$WORK/sipp-$1.err"; } 2>/dev/null | sed 's/^/# /'
}

# kamailio_snmpstats_cfg OUT: doc/examples/kamailio.cfg with Kamailio's own
# snmpstats (export_registrar 1) in place of the ultrace module, into OUT.
kamailio_snmpstats_cfg() {
	sed -e 's/^loadmodule ULTRACE_MODULE$/loadmodule "snmpstats.so"\
modparam("snmpstats", "export_registrar", 1)/' \
		-e '/^modparam("ultrace"/d' \
		"$ULTRACE_SRCDIR/doc/examples/kamailio.cfg" >"$1"
}

# kamailio_snmpstats_agentx: snmpstats' subagent connects to net-snmp's
# default AgentX socket only; as root in our mount namespace, a private
# tmpfs on /var/agentx, and AGENTX_SOCKET (for start_snmpd) set to it.
kamailio_snmpstats_agentx() {
	[ "$(id -u)" -eq 0 ] || bail_out "needs root (a private /var/agentx)"
	mkdir -p /var/agentx
	mount -t tmpfs tmpfs /var/agentx ||
		bail_out "cannot mount a private /var/agentx"
	AGENTX_SOCKET=/var/agentx/master
}

# kamailio_proc_pid DESCRIPTION: the pid of the running kamailio's process
# of that description in core.psx (e.g. "SNMP AgentX", snmpstats' subagent).
kamailio_proc_pid() {
	kamcmd -s "$KAM_CTL" core.psx | awk -v d="$1" '
		$1 == "PID:" { pid = $2 }
		$1 == "DSC:" { sub(/^[ \t]*DSC:[ \t]*/, ""); if ($0 == d) print pid }' |
		head -n 1
}

# sipp_stat STATFILE COLUMN: the last value of a cumulative column of
# sipp's -trace_stat file, e.g. "SuccessfulCall(C)" (0 if none).
sipp_stat() {
	awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
			if ($i == col) c = i }
		NR > 1 && c { v = $c } END { print v + 0 }' "$1"
}
