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

# contact_walk FILE: a bulk walk of the contact table into FILE, one
# varbind a line; its exit status.
contact_walk() {
	snmpbulkwalk -v2c -c public -On -Cr50 -t 10 -r 0 "$(snmp_peer)" \
		"$KAMAILIO_REG_CFG.7" >"$1.raw" 2>&1
	_st=$?
	snmp_join <"$1.raw" >"$1"
	return $_st
}

# walk_rows FILE: "CONTACTS BAD" of a contact-table walk: the bench's
# contacts (rows with all 5 columns, .2 to .6, whose URI is a distinct
# sip:benchN@), and the malformed varbinds (not a column of the table with
# a string value; a row lacking a column; a URI served twice; any other
# row but snmpstats' "DefaultUser" placeholder). An empty table ("No Such
# Object") is 0 and 0.
walk_rows() {
	awk -v t="$KAMAILIO_REG_CFG.7.1." '
	/= No Such (Object|Instance)/ { next }
	index($0, t) == 1 {
		rest = substr($0, length(t) + 1)
		if (match(rest, /^[2-6]\.[0-9]+\.[0-9]+ = (STRING|Hex-STRING): /)) {
			split(rest, f, /[. ]/)
			row = f[2] "." f[3]
			cols[row]++
			if (f[1] == 3) {
				uri[row] = substr(rest, RLENGTH + 1)
			}
			next
		}
	}
	{ bad++ }
	END {
		for (r in cols) {
			if (cols[r] != 5) {
				bad++
			} else if (uri[r] ~ /^"sip:bench[0-9]+@/ && !(uri[r] in seen)) {
				seen[uri[r]] = 1
				rows++
			} else if (uri[r] != "\"DefaultUser\"") {
				bad++
			}
		}
		print rows + 0, bad + 0
	}' "$1"
}

# walker: what an operator's poller does, a bulk walk of the contact
# table every 2 s; per walk that ends, the malformed varbinds it returned
# are a line of $WORK/walks (its length: the walks completed); each walk
# started is a line of $WORK/walks.started. How many end within a run
# depends on the machine's speed: nothing is asserted on that count.
walker() {
	while :; do
		echo x >>"$WORK/walks.started"
		if contact_walk "$WORK/walker.out"; then
			walk_rows "$WORK/walker.out" | cut -d' ' -f2 >>"$WORK/walks"
		fi
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
	if [ "$1" = snmpstats ]; then
		# Once sipp is done, whatever the speed: one complete walk through
		# the same snmpd must hold every registered contact. snmpstats
		# moves its buffered inserts into its tables only while serving a
		# value: a walk of the user table (its placeholder row is always
		# there) first makes it do so.
		snmpbulkwalk -v2c -c public -On -Cr50 -t 10 -r 0 "$(snmp_peer)" \
			"$KAMAILIO_REG_CFG.6" >/dev/null 2>&1
		contact_walk "$WORK/final.walk" ||
			bail_out "the walk after the snmpstats run failed: $(head -n 2 "$WORK/final.walk")"
		echo "$(walk_rows "$WORK/final.walk") $ok" >>"$WORK/final"
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
: >"$WORK/walks.started"
: >"$WORK/final"
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
	: >"$WORK/walks.started"
	: >"$WORK/final"
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
echo "Contact-table walks during the snmpstats runs (every 2 s): $(wc -l <"$WORK/walks.started") started, $(wc -l <"$WORK/walks") completed, $(awk '{ s += $1 } END { print s + 0 }' "$WORK/walks") malformed varbinds in them."
echo "Contact table walked once after each snmpstats run, through the same snmpd"
echo "(contacts served/registered, malformed varbinds): $(awk '{ printf "%s/%s %s; ", $1, $3, $2 }' "$WORK/final" | sed 's/; $//')."
