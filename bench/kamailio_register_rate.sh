#!/bin/sh
# bench/kamailio_register_rate.sh [--smoke] [--runs N] [--calls N]: sipp
# REGISTER throughput against a real Kamailio registrar on loopback, with
# no monitoring module, with the ultrace module and an active LTTng
# session, and with snmpstats (export_registrar 1) behind snmpd while an
# operator walks its contact table every 2 s. Prints a markdown section.
# Needs the ultrace Kamailio module built (--with-kamailio-source), sipp,
# snmpd and kamailio-snmpstats-modules; otherwise says why, and exits 0.
top=$(cd "$(dirname "$0")/.." && pwd)
: "${ULTRACE_SRCDIR:=$top}"
: "${ULTRACE_BUILDDIR:=$top/_build}"
export ULTRACE_SRCDIR ULTRACE_BUILDDIR
bail_out() {
	echo "bench: $*" >&2
	exit 1
}
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/kamailio_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
ultrace_isolate "$@"

SMOKE=0 RUNS=7 CALLS=20000
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) SMOKE=1 ;;
	--runs) RUNS=$2; shift ;;
	--calls) CALLS=$2; shift ;;
	*) bail_out "usage: $0 [--smoke] [--runs N] [--calls N]" ;;
	esac
	shift
done
[ $SMOKE -eq 1 ] && RUNS=1 CALLS=300
# The rate asked of sipp is above what Kamailio answers: sipp's own pace
# is then the registrar's; at most LIMIT REGISTERs outstanding.
RATE=${BENCH_SIPP_RATE:-50000}
LIMIT=${BENCH_SIPP_LIMIT:-200}

section() {
	echo "## 5. Real registrar: REGISTER throughput"
	echo
}
missing=
for t in kamailio kamcmd sipp snmpd snmpbulkwalk; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -f "$ULTRACE_KAM_MODULE" ] || missing="$missing $ULTRACE_KAM_MODULE"
ls /usr/lib/*/kamailio/modules/snmpstats.so >/dev/null 2>&1 ||
	missing="$missing snmpstats.so"
if [ -n "$missing" ]; then
	section
	echo "Not measured: missing$missing (build with --with-kamailio-source,"
	echo "install kamailio-snmpstats-modules, sip-tester, snmpd)."
	exit 0
fi

# snmpstats connects to net-snmp's default AgentX socket only: a private
# /var/agentx in our mount namespace.
mkdir -p /var/agentx
mount -t tmpfs tmpfs /var/agentx || bail_out "cannot mount a private /var/agentx"
AGENTX_SOCKET=/var/agentx/master
WALKER_PID=
stop_all() {
	if [ -n "$WALKER_PID" ]; then
		kill "$WALKER_PID" 2>/dev/null
		wait "$WALKER_PID" 2>/dev/null
		WALKER_PID=
	fi
	stop_kamailio
	stop_snmpd
}
TEARDOWN_HOOK=stop_all
start_sessiond

# One configuration file per case, all from doc/examples/kamailio.cfg:
# the same children, listen, usrloc and registrar settings.
sed -e '/^loadmodule ULTRACE_MODULE$/d' -e '/^modparam("ultrace"/d' \
	"$ULTRACE_KAM_CFG" >"$WORK/none.cfg"
cp "$ULTRACE_KAM_CFG" "$WORK/ultrace.cfg"
sed -e 's/^loadmodule ULTRACE_MODULE$/loadmodule "snmpstats.so"\
modparam("snmpstats", "export_registrar", 1)/' \
	-e '/^modparam("ultrace"/d' "$ULTRACE_KAM_CFG" >"$WORK/snmpstats.cfg"

# walker: what an operator's poller does, a bulk walk of the contact
# table every 2 s; the walks done are counted in $WORK/walks.
walker() {
	while :; do
		snmpbulkwalk -v2c -c public -On -Cr50 -t 10 -r 0 "$(snmp_peer)" \
			"$KAMAILIO_REG_CFG.7" >/dev/null 2>&1 && echo x >>"$WORK/walks"
		sleep 2
	done
}

# one CASE RUN: a fresh Kamailio, CALLS new registrations; appends
# "calls/s failed" to $WORK/CASE.
one() {
	ULTRACE_KAM_CFG="$WORK/$1.cfg"
	case $1 in
	ultrace)
		create_session "reg$2" "$WORK/trace$2" ||
			bail_out "cannot create the session"
		;;
	snmpstats)
		start_snmpd
		;;
	esac
	start_kamailio "$1$2"
	if [ "$1" = snmpstats ]; then
		wait_agent 20 || bail_out "snmpstats did not register with snmpd"
		walker &
		WALKER_PID=$!
	fi
	sp=$(pick_udp_port $((KAM_PORT + 1000))) || bail_out "no free port for sipp"
	rm -f "$WORK/stat.csv"
	t0=$(date +%s.%N)
	sipp -sf "$ULTRACE_SIPP_DIR/reg_rate.xml" -m "$CALLS" -r "$RATE" \
		-l "$LIMIT" -i 127.0.0.1 -p "$sp" -timeout 60s -timeout_error \
		-nostdin -trace_stat -stf "$WORK/stat.csv" -fd 1 \
		"127.0.0.1:$KAM_PORT" >"$WORK/sipp.$1$2.out" 2>&1
	t1=$(date +%s.%N)
	failed=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++)
			if ($i == "FailedCall(C)") c = i }
		NR > 1 && c { v = $c } END { print v + 0 }' "$WORK/stat.csv")
	ok=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++)
			if ($i == "SuccessfulCall(C)") c = i }
		NR > 1 && c { v = $c } END { print v + 0 }' "$WORK/stat.csv")
	echo "$(awk -v n="$ok" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.0f\n", n / (b - a) }') $failed $ok" >>"$WORK/$1"
	if [ -n "$WALKER_PID" ]; then
		kill "$WALKER_PID"
		wait "$WALKER_PID" 2>/dev/null
		WALKER_PID=
	fi
	stop_kamailio
	case $1 in
	ultrace)
		stop_session "reg$2"
		"$ULTRACE_REPLAY" --stats --format csv "$WORK/trace$2" \
			>"$WORK/replay$2.csv" || bail_out "replay failed"
		echo "$(sed -n 's/^events.contact_insert,//p' "$WORK/replay$2.csv") $(sed -n 's/^discarded_events,//p' "$WORK/replay$2.csv")" \
			>>"$WORK/traced"
		rm -rf "$WORK/trace$2"
		;;
	snmpstats)
		stop_snmpd
		;;
	esac
}

: >"$WORK/walks"
: >"$WORK/traced"
for c in none ultrace snmpstats; do
	: >"$WORK/$c"
done
# One round first, not counted: page cache and sipp warmed for every case.
if [ $SMOKE -eq 0 ]; then
	for c in none ultrace snmpstats; do
		one $c 0
		: >"$WORK/$c"
	done
	: >"$WORK/walks"
	: >"$WORK/traced"
fi
r=1
while [ $r -le "$RUNS" ]; do
	# Interleaved, and the order rotated each round, so that a noisy
	# moment of the machine, or a position in the round, hits every case.
	case $((r % 3)) in
	1) order="none ultrace snmpstats" ;;
	2) order="ultrace snmpstats none" ;;
	0) order="snmpstats none ultrace" ;;
	esac
	for c in $order; do
		one $c $r
	done
	r=$((r + 1))
done

# median of column 1 in FILE; "lo..hi"; the sum of failed calls.
med() {
	cut -d' ' -f1 "$1" | sort -g | awk '{ a[NR] = $1 } END {
		printf "%s %s..%s\n", a[int((NR + 1) / 2)], a[1], a[NR] }'
}
read -r base _ <<EOF
$(med "$WORK/none")
EOF

section
echo "sipp against Kamailio 5.6 (\`kamailio -v\`: $(kamailio -v 2>/dev/null | sed -n '1s/^version: //p' | cut -d' ' -f1-2))"
echo "on loopback, \`doc/examples/kamailio.cfg\` (children=2, usrloc db_mode 0)"
echo "for every case, a fresh Kamailio per run; each call one REGISTER of a"
echo "new user (\`tests/integration/sipp/reg_rate.xml\`, unique AOR from"
echo "[call_number], Expires 3600): $CALLS calls per run, $RUNS runs per case,"
echo "interleaved (every round runs the three cases, in an order rotated from"
echo "round to round, after one uncounted warm-up round); calls/s = successful"
echo "calls / sipp's wall time; median and spread (min..max) of the runs."
echo "Command:"
echo
echo '```'
echo "sipp -sf tests/integration/sipp/reg_rate.xml -m $CALLS -r $RATE -l $LIMIT \\"
echo "    -i 127.0.0.1 -p PORT -timeout 60s -timeout_error -nostdin \\"
echo "    -trace_stat -stf stat.csv -fd 1 127.0.0.1:KAM_PORT"
echo '```'
echo
echo "- none: the module line and its modparams removed from the config."
echo "- ultrace: the config as shipped, a local session recording \`ultrace:*\`"
echo "  (\`create_session\` in tests/utils/lttng_env.sh: per-UID, 8 x 4 MiB)."
echo "- snmpstats: \`loadmodule \"snmpstats.so\"\` with"
echo "  \`modparam(\"snmpstats\", \"export_registrar\", 1)\` in its place, snmpd as"
echo "  AgentX master, and \`snmpbulkwalk -v2c -Cr50 ... $KAMAILIO_REG_CFG.7\`"
echo "  every 2 s during the run (an operator's poller)."
echo
echo "| case | calls/s (median) | spread | failed calls | ratio to none |"
echo "|---|---|---|---|---|"
for c in none ultrace snmpstats; do
	read -r m spread <<EOF
$(med "$WORK/$c")
EOF
	f=$(awk '{ s += $2 } END { print s + 0 }' "$WORK/$c")
	echo "| $c | $m | $spread | $f | $(awk -v a="$m" -v b="$base" \
		'BEGIN { printf "%.2f", a / b }')x |"
done
echo
echo "Bindings the ultrace trace holds per run (contact_insert events,"
echo "tracer discards): $(awk '{ printf "%s/%s ", $1, $2 }' "$WORK/traced")(calls: $CALLS each)."
echo "Contact-table walks completed during the snmpstats runs: $(wc -l <"$WORK/walks")."
