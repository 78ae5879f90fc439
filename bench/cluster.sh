#!/bin/sh
# bench/cluster.sh [--smoke]: one ultrace-consumerd following a registrar
# cluster through one lttng-relayd (--live net://RELAYD): HOSTS hosts (UTS
# and mount namespaces, each its own lttng-sessiond and ultrace-loadgen)
# at RATE/HOSTS events/s each, against one host at RATE, in the same
# invocation. Prints a markdown section on stdout: events emitted and
# applied, discards, lag p99 per host, consumer memory per contact, and a
# walk of the merged contact table over SNMP (direct listener).
# Sizes: BENCH_CLUSTER_HOSTS (8), BENCH_CLUSTER_RATES ("8000 40000 80000"
# events/s in all, each run with one host and with HOSTS),
# BENCH_CLUSTER_SECONDS (10), BENCH_CLUSTER_USERS (50000 per host, 2
# contacts each at most).
top=$(cd "$(dirname "$0")/.." && pwd)
: "${ULTRACE_SRCDIR:=$top}"
: "${ULTRACE_BUILDDIR:=$top/_build}"
export ULTRACE_SRCDIR ULTRACE_BUILDDIR
bail_out() {
	echo "bench/cluster.sh: $*" >&2
	kill -TERM $$ 2>/dev/null
	exit 1
}
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/cluster_env.sh"
ultrace_isolate "$@"
[ -n "${BENCH_TRACE:-}" ] && set -x
TEARDOWN_HOOK=cluster_bench_teardown
cluster_bench_teardown() {
	stop_consumerd
	cluster_teardown
}
HOSTS=${BENCH_CLUSTER_HOSTS:-8}
RATES=${BENCH_CLUSTER_RATES:-"8000 40000 80000"}
SECONDS_=${BENCH_CLUSTER_SECONDS:-10}
USERS=${BENCH_CLUSTER_USERS:-50000}
WALK=1
if [ "${1:-}" = --smoke ]; then
	HOSTS=2 RATES=4000 SECONDS_=1 USERS=500
fi
start_relayd 27600
SNMPD_PORT=$(snmp_pick_udp_port 27661) || bail_out "no free UDP port"
printf 'rocommunity public 127.0.0.1\nmaxGetbulkResponses 1000\n' \
	>"$WORK/direct.conf"

# cpu_ticks PID: user + system CPU of PID so far, clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
TICKS=$(getconf CLK_TCK)

# kib PID: resident memory of PID, KiB.
kib() {
	sed -n 's/^VmRSS:[ \t]*\([0-9]*\) kB/\1/p' "/proc/$1/status"
}

# run_case NAME N RATE: N hosts NAME1..NAMEN at RATE/N each; one line:
# "hosts emitted applied discarded contacts rss_kib base_kib p99_max p99_list walk_s"
run_case() {
	_n=$2
	RATE=$3
	_k=1
	while [ $_k -le "$_n" ]; do
		host_start "$1$_k"
		host_live_session "$1$_k" usrloc || bail_out "no live session"
		_k=$((_k + 1))
	done
	"$CONSUMERD" --config=none --foreground --no-agentx \
		--snmp-listen "udp:127.0.0.1:$SNMPD_PORT" \
		--snmp-config "$WORK/direct.conf" --log-file "$WORK/$1.log" \
		--live "net://127.0.0.1:$RELAYD_LIVE" --discover-interval 500 \
		--stats-interval 0 &
	CONSUMERD_PID=$!
	_t=0
	until [ "$(grep -c 'cluster: following host' "$WORK/$1.log" 2>/dev/null)" -ge "$_n" ] 2>/dev/null; do
		_t=$((_t + 1))
		[ $_t -lt 300 ] || bail_out "the consumer did not find $_n sessions"
		sleep 0.1
	done
	sleep 2
	_base=$(kib "$CONSUMERD_PID")
	_c0=$(cpu_ticks "$CONSUMERD_PID")
	_r0=$(cpu_ticks "$RELAYD_PID")
	_w0=$(date +%s%N)
	_k=1
	while [ $_k -le "$_n" ]; do
		host_exec "$1$_k" "$ULTRACE_LOADGEN" --users "$USERS" \
			--max-contacts 2 --rate $((RATE / _n)) \
			--duration "$SECONDS_" --seed "$_k" --no-registrar \
			--expires-min 3600 --expires-max 3600 --expire-ratio 0 \
			2>"$WORK/$1$_k.loadgen" &
		echo $! >"$WORK/$1$_k.lgpid"
		_k=$((_k + 1))
	done
	_k=1
	while [ $_k -le "$_n" ]; do
		wait "$(cat "$WORK/$1$_k.lgpid")" || bail_out "loadgen failed"
		_k=$((_k + 1))
	done
	sleep 3
	_rss=$(kib "$CONSUMERD_PID")
	_ccpu=$(awk -v a="$(cpu_ticks "$CONSUMERD_PID")" -v b="$_c0" -v t="$TICKS" 'BEGIN { printf "%.1f", (a - b) / t }')
	_rcpu=$(awk -v a="$(cpu_ticks "$RELAYD_PID")" -v b="$_r0" -v t="$TICKS" 'BEGIN { printf "%.1f", (a - b) / t }')
	_wall=$(awk -v a="$(date +%s%N)" -v b="$_w0" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')
	_walk=-
	if [ $WALK -eq 1 ]; then
		_w0=$(date +%s%N)
		snmpbulkwalk -v2c -c public -On -Cr50 -t 10 -r 1 \
			"127.0.0.1:$SNMPD_PORT" .1.3.6.1.4.1.34352.3.1.2.1.5.7 \
			>"$WORK/$1.walk" 2>&1 || bail_out "walk failed"
		_walk=$((($(date +%s%N) - _w0) / 1000000))
	fi
	stop_consumerd
	_emitted=0
	for f in "$WORK/$1"*.loadgen; do
		_e=$(sed -n 's/.*notice: \([0-9]*\) events (.*/\1/p' "$f")
		_emitted=$((_emitted + ${_e:-0}))
	done
	# The last lines: one per host, then the merged view's.
	_hostlines=$(grep ': host ' "$WORK/$1.log" | tail -n "$_n")
	_merged=$(grep ': merged: ' "$WORK/$1.log" | tail -n 1)
	_applied=$(echo "$_hostlines" | sed -n 's/.*: events \([0-9]*\),.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	_disc=$(echo "$_hostlines" | sed -n 's/.*discarded \([0-9]*\) events.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	_contacts=$(echo "$_merged" | sed -n 's/.*contacts \([0-9]*\),.*/\1/p')
	_p99s=$(echo "$_hostlines" | sed -n 's/.*lag p99 \([0-9.]*\) ms.*/\1/p' |
		tr '\n' ' ')
	_p99max=$(echo "$_p99s" | tr ' ' '\n' | sort -g | tail -n 1)
	_rows=$(grep -c 'kamailioSIPContact\|34352.3.1.2.1.5.7.1.3\.' "$WORK/$1.walk")
	echo "$_n $_emitted $_applied $_disc $_contacts $_rss $_base $_p99max $_walk $_rows $_ccpu $_rcpu $_wall $_p99s"
	cluster_teardown
}

bpc() { awk -v r="$1" -v b="$2" -v c="$3" 'BEGIN { if (c > 0) printf "%.0f", (r - b) * 1024 / c; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
rps() { awk -v r="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.0f", r * 1000 / ms; else print "-" }'; }
: >"$WORK/rows"
: >"$WORK/ratios"
for rate in $RATES; do
	one=$(run_case "r${rate}s" 1 "$rate")
	many=$(run_case "r${rate}h" "$HOSTS" "$rate")
	set -- $one
	s_n=$1 s_em=$2 s_ap=$3 s_di=$4 s_c=$5 s_rss=$6 s_base=$7 s_p99=$8 s_walk=$9
	shift 9
	s_rows=$1 s_ccpu=$2 s_rcpu=$3 s_wall=$4
	set -- $many
	m_n=$1 m_em=$2 m_ap=$3 m_di=$4 m_c=$5 m_rss=$6 m_base=$7 m_p99=$8 m_walk=$9
	shift 9
	m_rows=$1 m_ccpu=$2 m_rcpu=$3 m_wall=$4
	shift 4
	m_p99s=$*
	s_bpc=$(bpc "$s_rss" "$s_base" "$s_c")
	m_bpc=$(bpc "$m_rss" "$m_base" "$m_c")
	echo "| $s_n | $rate | $s_em | $s_ap | $s_di | $s_c | $s_p99 | $s_bpc | $(rps "$s_rows" "$s_walk") | $s_ccpu | $s_rcpu | $s_wall |" >>"$WORK/rows"
	echo "| $m_n | $rate | $m_em | $m_ap | $m_di | $m_c | $m_p99 | $m_bpc | $(rps "$m_rows" "$m_walk") | $m_ccpu | $m_rcpu | $m_wall |" >>"$WORK/rows"
	echo "| $rate | $(ratio "$m_p99" "$s_p99")x | $m_p99s | $(ratio "$m_bpc" "$s_bpc")x | $(ratio "$(rps "$m_rows" "$m_walk")" "$(rps "$s_rows" "$s_walk")")x |" >>"$WORK/ratios"
done
echo "### A cluster: $HOSTS hosts through one relayd"
echo
echo "\`bench/cluster.sh\` (from \`bench/run\` §4): each host a UTS and mount"
echo "namespace with its own lttng-sessiond, a live session (100 ms timer,"
echo "per-UID, 8 x 1 MiB) streamed to one lttng-relayd, and ultrace-loadgen"
echo "(\`--users $USERS --max-contacts 2\`, its own seed, long expiries) for"
echo "$SECONDS_ s; one \`ultrace-consumerd --live net://RELAYD\` follows them"
echo "all (a follower thread, and its applier, per host; one registry per"
echo "host and the merged one). Baseline in the same invocation: one host at"
echo "the same total rate, through the same cluster consumer. Memory: the"
echo "consumer's resident set after the run minus before the first event,"
echo "per merged contact. Walk: snmpbulkwalk -Cr50 of kamailioSIPContactTable's"
echo "default (merged) context, direct listener. CPU: user + system seconds"
echo "of the consumer and of lttng-relayd from the first event to 3 s after"
echo "the last (the walk excluded), on this 2-core machine that also runs"
echo "every host's lttng-sessiond, lttng-consumerd and loadgen. One run per"
echo "row (the lag figure is the distribution of every event)."
echo
echo "| hosts | events/s in all | emitted | applied | discarded | merged contacts | lag p99 ms (worst host) | consumer bytes/contact | walk rows/s | consumer CPU s | relayd CPU s | wall s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$WORK/rows"
echo
echo "$HOSTS hosts over one, at the same total rate (lag goal <= 1.2x):"
echo
echo "| events/s in all | lag p99 ratio | lag p99 per host, ms | bytes/contact ratio | walk rows/s ratio |"
echo "|---|---|---|---|---|"
cat "$WORK/ratios"
