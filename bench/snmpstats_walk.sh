#!/bin/sh
# bench/snmpstats_walk.sh [--smoke] [--sizes "10000 100000"] [--runs N]:
# the baseline of the contact-table walk benchmark (issue 10): Kamailio's
# own snmpstats (export_registrar 1) behind a private snmpd (start_snmpd
# of tests/utils/snmp_env.sh, the same config the ultrace side uses).
# For each size N: a fresh Kamailio, N distinct users registered with one
# contact each by sipp (Expires 3600: nothing expires during the run), the
# snmpstats buffer drained, then RUNS full walks of kamailioSIPContactTable
# with -Cr50 and with -Cr200, each timed, its varbinds counted, and the
# CPU seconds snmpd and the snmpstats subagent spent on it.
# Prints a markdown section and, per (size, -Cr), one line
#   snmpstats_walk N CR varbinds walks median_s min_s max_s varbinds_per_s snmpd_cpu_s subagent_cpu_s
# (CPU: medians per walk), and per size one line
#   snmpstats_fill N register_s calls_per_s drain_s subagent_drain_cpu_s subagent_rss_kib
# --smoke: N=200, one run. Needs kamailio, kamailio-snmpstats-modules,
# sipp and snmpd (not the ultrace module); otherwise says why, exits 0.
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

SMOKE=0 RUNS=3 SIZES="10000 100000"
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) SMOKE=1 ;;
	--sizes) SIZES=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	*) bail_out "usage: $0 [--smoke] [--sizes \"N ...\"] [--runs N]" ;;
	esac
	shift
done
[ $SMOKE -eq 1 ] && SIZES=200 RUNS=1
for n in $SIZES $RUNS; do
	case $n in
	'' | *[!0-9]* | 0) bail_out "sizes and runs must be positive integers" ;;
	esac
done
# As in bench/kamailio_register_rate.sh: a rate above what Kamailio
# answers (sipp's pace is then the registrar's), at most LIMIT outstanding.
RATE=${BENCH_SIPP_RATE:-50000}
LIMIT=${BENCH_SIPP_LIMIT:-200}
# Kamailio's default memory (64 MiB shared, 8 MiB per process) holds
# neither 100k usrloc contacts plus snmpstats' buffer copies (shared) nor
# the subagent's rows (private, pkg_malloc per row).
SHM_MB=${BENCH_KAM_SHM_MB:-1024}
PKG_MB=${BENCH_KAM_PKG_MB:-256}
CONTACTS=$KAMAILIO_REG_CFG.7
CLK_TCK=$(getconf CLK_TCK)

section() {
	echo "## Baseline: walking Kamailio snmpstats' contact table"
	echo
}
missing=
for t in kamailio kamcmd sipp snmpd snmpget snmpbulkwalk; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
ls /usr/lib/*/kamailio/modules/snmpstats.so >/dev/null 2>&1 ||
	missing="$missing snmpstats.so"
if [ -n "$missing" ]; then
	section
	echo "Not measured: missing$missing (install kamailio,"
	echo "kamailio-snmpstats-modules, sip-tester, snmpd and snmp)."
	exit 0
fi

kamailio_snmpstats_agentx
CHILD_PID=
stop_all() {
	if [ -n "$CHILD_PID" ]; then
		kill "$CHILD_PID" 2>/dev/null
		wait "$CHILD_PID" 2>/dev/null
		CHILD_PID=
	fi
	stop_kamailio
	stop_snmpd
}
TEARDOWN_HOOK=stop_all
kamailio_snmpstats_cfg "$WORK/snmpstats.cfg"
ULTRACE_KAM_CFG="$WORK/snmpstats.cfg"
KAM_EXTRA_ARGS="-m $SHM_MB -M $PKG_MB"

# run_waited CMD...: CMD in the background, waited for (a TERM or INT reaches our
# trap at once, and stop_all stops CMD by its pid); CMD's exit status.
run_waited() {
	"$@" &
	CHILD_PID=$!
	wait "$CHILD_PID"
	_st=$?
	CHILD_PID=
	return $_st
}

# cpu PID: user + system CPU seconds of PID so far (fields 14 and 15 of
# /proc/PID/stat, counted after the parenthesised command name).
cpu() {
	sed 's/^.*) //' "/proc/$1/stat" |
		awk -v hz="$CLK_TCK" '{ printf "%.2f\n", ($12 + $13) / hz }'
}

now() {
	date +%s.%N
}

# get_value OID: "TYPE: value" of a GET that waits long (snmpstats may be
# busy draining its buffer).
get_value() {
	snmpget -v2c -c public -On -t 30 -r 0 "$(snmp_peer)" "$1" 2>&1 |
		sed 's/^[^=]* = //'
}

: >"$WORK/walks"
: >"$WORK/fills"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for N in $SIZES; do
	start_snmpd
	start_kamailio "s$N"
	wait_agent 30 || bail_out "snmpstats did not register with snmpd"
	SUB_PID=$(kamailio_proc_pid "SNMP AgentX")
	[ -n "$SUB_PID" ] && [ -r "/proc/$SUB_PID/stat" ] ||
		bail_out "no \"SNMP AgentX\" process among kamailio's (core.psx)"

	# N REGISTERs, one new user each (bench1..benchN from sipp's
	# [call_number]); every one must have got its 200.
	sp=$(pick_udp_port $((KAM_PORT + 1000))) || bail_out "no free port for sipp"
	rm -f "$WORK/stat.csv"
	echo "# $N: registering" >&2
	t0=$(now)
	run_waited sipp -sf "$ULTRACE_SIPP_DIR/reg_rate.xml" -m "$N" -r "$RATE" \
		-l "$LIMIT" -i 127.0.0.1 -p "$sp" -timeout "$((60 + N / 500))s" \
		-timeout_error -nostdin -trace_stat -stf "$WORK/stat.csv" -fd 1 \
		"127.0.0.1:$KAM_PORT" >"$WORK/sipp.$N.out" 2>&1
	st=$?
	t1=$(now)
	ok=$(sipp_stat "$WORK/stat.csv" "SuccessfulCall(C)")
	failed=$(sipp_stat "$WORK/stat.csv" "FailedCall(C)")
	if [ $st -ne 0 ] || [ "$ok" -ne "$N" ] || [ "$failed" -ne 0 ]; then
		tail -n 5 "$WORK/sipp.$N.out" >&2
		bail_out "sipp: exit $st, $ok of $N REGISTERs answered 200, $failed failed"
	fi

	# usrloc's count (what kamailioSIPRegCurrentUsers reads) first.
	i=0
	until [ "$(get_value "$KAMAILIO_REG_CFG.4.0")" = "Gauge32: $N" ]; do
		i=$((i + 1))
		[ $i -le 300 ] ||
			bail_out "kamailioSIPRegCurrentUsers: $(get_value "$KAMAILIO_REG_CFG.4.0"), not $N"
		sleep 0.1
	done
	# snmpstats moves its buffered inserts into its tables only while it
	# serves a value of one of them: GET the placeholder contact (user 1,
	# contact 1, always there) until the row of the last user drained
	# (user indexes are given in drain order: 2..N+1) answers.
	echo "# $N: draining snmpstats' buffer" >&2
	c0=$(cpu "$SUB_PID")
	d0=$(now)
	i=0
	while :; do
		get_value "$CONTACTS.1.3.1.1" >/dev/null
		case $(get_value "$CONTACTS.1.3.$((N + 1)).1") in
		STRING:*) break ;;
		esac
		i=$((i + 1))
		[ $i -le 600 ] || bail_out "snmpstats never served user $((N + 1))"
		sleep 0.2
	done
	d1=$(now)
	c1=$(cpu "$SUB_PID")
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$SUB_PID/status")
	echo "$N $t0 $t1 $d0 $d1 $c0 $c1 $rss" >>"$WORK/fills"

	# The walks, -Cr50 and -Cr200 alternating, which first swapped each run.
	# Every walk must return the 5 columns of the N contacts and of
	# snmpstats' placeholder row DefaultUser.
	want=$((5 * (N + 1)))
	r=1
	while [ $r -le "$RUNS" ]; do
		if [ $((r % 2)) -eq 1 ]; then order="50 200"; else order="200 50"; fi
		for cr in $order; do
			echo "# $N: walk $r -Cr$cr" >&2
			s0=$(cpu "$SNMPD_PID")
			a0=$(cpu "$SUB_PID")
			w0=$(now)
			run_waited snmpbulkwalk -v2c -c public -On -Cr"$cr" -t 10 -r 0 \
				"$(snmp_peer)" "$CONTACTS" >"$WORK/walk.out" 2>&1
			st=$?
			w1=$(now)
			a1=$(cpu "$SUB_PID")
			s1=$(cpu "$SNMPD_PID")
			vb=$(grep -c "^$CONTACTS\." "$WORK/walk.out")
			rows=$(sed -n "s/^$CONTACTS\.1\.3\.\([0-9]*\.[0-9]*\) = .*/\1/p" \
				"$WORK/walk.out" | sort -u | wc -l)
			if [ $st -ne 0 ] || [ "$vb" -ne $want ] || [ "$rows" -ne $((N + 1)) ]; then
				tail -n 3 "$WORK/walk.out" >&2
				bail_out "walk -Cr$cr of $N contacts: exit $st, $vb varbinds (want $want), $rows rows (want $((N + 1)))"
			fi
			echo "$N $cr $vb $w0 $w1 $s0 $s1 $a0 $a1" >>"$WORK/walks"
		done
		r=$((r + 1))
	done
	stop_kamailio
	stop_snmpd
	unset SNMPD_PORT
done

# Per (N, CR): varbinds, walks, median/min/max seconds, varbinds/s of the
# median, median CPU seconds per walk of snmpd and of the subagent.
awk '{ printf "%s %s %s %.3f %.2f %.2f\n", $1, $2, $3, $5 - $4, $7 - $6, $9 - $8 }' \
	"$WORK/walks" >"$WORK/walks.s"
summary() {
	awk -v n="$1" -v cr="$2" '$1 == n && $2 == cr' "$WORK/walks.s" >"$WORK/one"
	vb=$(head -n 1 "$WORK/one" | cut -d' ' -f3)
	k=$(wc -l <"$WORK/one")
	med() {
		cut -d' ' -f"$1" "$WORK/one" | sort -g |
			awk '{ a[NR] = $1 } END { m = int((NR + 1) / 2)
				v = (NR % 2) ? a[m] : (a[m] + a[m + 1]) / 2
				printf "%s %s %s\n", v, a[1], a[NR] }'
	}
	read -r m lo hi <<EOF
$(med 4)
EOF
	read -r sc _ <<EOF
$(med 5)
EOF
	read -r ac _ <<EOF
$(med 6)
EOF
	echo "$1 $2 $vb $k $m $lo $hi $(awk -v v="$vb" -v s="$m" \
		'BEGIN { printf "%.0f", v / s }') $sc $ac"
}

section
echo "Kamailio $(kamailio -v 2>/dev/null | sed -n '1s/^version: kamailio //p' | cut -d' ' -f1),"
echo "\`doc/examples/kamailio.cfg\` with \`loadmodule \"snmpstats.so\"\` and"
echo "\`modparam(\"snmpstats\", \"export_registrar\", 1)\` in place of the ultrace"
echo "module (\`-m $SHM_MB -M $PKG_MB\`), a fresh Kamailio and snmpd per size; N users"
echo "registered by \`sipp -sf tests/integration/sipp/reg_rate.xml -m N -r $RATE -l $LIMIT\`"
echo "(one contact each, Expires 3600), then $RUNS walk(s) per -Cr value:"
echo
echo '```'
echo "snmpbulkwalk -v2c -c public -On -Cr50 -t 10 -r 0 PEER $CONTACTS"
echo '```'
echo
echo "Varbinds: the 5 columns of the N contacts and of snmpstats' placeholder"
echo "row DefaultUser. CPU: utime+stime of snmpd and of Kamailio's \"SNMP AgentX\""
echo "process during a walk (median of the walks). Load average (1, 5, 15 min)"
echo "when the run started: $LOAD0; when it ended: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| contacts | -Cr | varbinds | walks | walk s (median) | spread | varbinds/s | snmpd CPU s | subagent CPU s |"
echo "|---|---|---|---|---|---|---|---|---|"
for N in $SIZES; do
	for cr in 50 200; do
		summary "$N" "$cr"
	done
done >"$WORK/lines"
while read -r n cr vb k m lo hi vps sc ac; do
	echo "| $n | $cr | $vb | $k | $m | $lo..$hi | $vps | $sc | $ac |"
done <"$WORK/lines"
echo
echo "| contacts | register s | REGISTERs/s | buffer drain s | subagent CPU s in drain | subagent RSS KiB |"
echo "|---|---|---|---|---|---|"
awk '{ printf "%s %.2f %.0f %.2f %.2f %s\n", $1, $3 - $2, $1 / ($3 - $2),
		$5 - $4, $7 - $6, $8 }' "$WORK/fills" >"$WORK/fills.s"
while read -r n rs rps ds dc rss; do
	echo "| $n | $rs | $rps | $ds | $dc | $rss |"
done <"$WORK/fills.s"
echo
sed 's/^/snmpstats_walk /' "$WORK/lines"
sed 's/^/snmpstats_fill /' "$WORK/fills.s"
