#!/bin/sh
# bench/kamailio_register_rate.sh [--smoke] [--runs N] [--calls N]: sipp
# REGISTERs against a real Kamailio registrar on loopback, with no
# monitoring module; with the ultrace module, a live LTTng session and
# ultrace-consumerd following it through lttng-relayd, registered with
# snmpd; and with snmpstats (export_registrar 1) behind snmpd. In both
# monitored cases an operator walks the contact table through snmpd every
# 2 s. Per case: REGISTER throughput, and the CPU seconds per 10 000
# REGISTERs of all of Kamailio's processes and of what the case needs
# beside Kamailio. Prints a markdown section.
# Needs the ultrace Kamailio module built (--with-kamailio-source), sipp,
# snmpd, lttng-relayd and kamailio-snmpstats-modules; otherwise says why,
# and exits 0.
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
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
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
# Kamailio's memory, the same in every case. Its defaults (64 MiB shared,
# 8 MiB per process) do not hold snmpstats' rows beyond ~9 000 contacts
# (its subagent's pkg_malloc per row): with them, snmpstats would skip
# most of the work it is measured doing. As bench/snmpstats_walk.sh.
SHM_MB=${BENCH_KAM_SHM_MB:-1024}
PKG_MB=${BENCH_KAM_PKG_MB:-256}
KAM_EXTRA_ARGS="-m $SHM_MB -M $PKG_MB"
CLK_TCK=$(getconf CLK_TCK)

section() {
	echo "## 5. Real registrar: REGISTER throughput and CPU per REGISTER"
	echo
}
missing=
for t in kamailio kamcmd sipp snmpd snmpbulkwalk lttng-relayd; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -f "$ULTRACE_KAM_MODULE" ] || missing="$missing $ULTRACE_KAM_MODULE"
[ -x "$CONSUMERD" ] || missing="$missing $CONSUMERD"
ls /usr/lib/*/kamailio/modules/snmpstats.so >/dev/null 2>&1 ||
	missing="$missing snmpstats.so"
if [ -n "$missing" ]; then
	section
	echo "Not measured: missing$missing (build with --with-kamailio-source,"
	echo "install kamailio-snmpstats-modules, sip-tester, snmpd, lttng-tools)."
	exit 0
fi

# snmpstats connects to net-snmp's default AgentX socket only: a private
# /var/agentx in our mount namespace. ultrace-consumerd registers there too.
mkdir -p /var/agentx
mount -t tmpfs tmpfs /var/agentx || bail_out "cannot mount a private /var/agentx"
AGENTX_SOCKET=/var/agentx/master
WALKER_PID=
AGENTX_PID=
stop_walker() {
	if [ -n "$WALKER_PID" ]; then
		kill "$WALKER_PID" 2>/dev/null
		wait "$WALKER_PID" 2>/dev/null
		WALKER_PID=
	fi
}
stop_all() {
	stop_walker
	stop_kamailio
	stop_consumerd
	stop_snmpd
}
TEARDOWN_HOOK=stop_all
# The LTTng daemons run for the whole benchmark (an operator's run for
# good); only the CPU they spend during an ultrace run is counted.
start_sessiond
start_relayd

# One configuration file per case, all from doc/examples/kamailio.cfg:
# the same children, listen, usrloc and registrar settings.
sed -e '/^loadmodule ULTRACE_MODULE$/d' -e '/^modparam("ultrace"/d' \
	"$ULTRACE_KAM_CFG" >"$WORK/none.cfg"
cp "$ULTRACE_KAM_CFG" "$WORK/ultrace.cfg"
sed -e 's/^loadmodule ULTRACE_MODULE$/loadmodule "snmpstats.so"\
modparam("snmpstats", "export_registrar", 1)/' \
	-e '/^modparam("ultrace"/d' "$ULTRACE_KAM_CFG" >"$WORK/snmpstats.cfg"

# cpu_snap NAME=PID...: per NAME, a line "NAME TICKS": the CPU, in clock
# ticks, of process PID and of every process descending from it, all read
# in one pass over /proc: utime + stime + cutime + cstime (fields 14 to 17
# of /proc/P/stat). utime and stime cover every thread of a process, live
# or ended; cutime and cstime, every child it has reaped (and what those
# had reaped), so a process that ends between two snapshots is not lost:
# its time moves to its parent's cutime/cstime. An empty PID counts 0.
cpu_snap() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v roots="$*" '
	{
		pid = $1
		s = $0
		# The command name, in parentheses, may hold spaces.
		sub(/^.*\) /, "", s)
		split(s, f, " ")
		ppid[pid] = f[2]
		t[pid] = f[12] + f[13] + f[14] + f[15]
	}
	END {
		n = split(roots, r, " ")
		for (i = 1; i <= n; i++) {
			split(r[i], nv, "=")
			delete tree
			if (nv[2] != "") {
				tree[nv[2]] = 1
			}
			do {
				grown = 0
				for (p in ppid) {
					if (!(p in tree) && (ppid[p] in tree)) {
						tree[p] = 1
						grown = 1
					}
				}
			} while (grown)
			sum = 0
			for (p in tree) {
				if (p in t) {
					sum += t[p]
				}
			}
			print nv[1], sum
		}
	}'
}
# snap FILE: cpu_snap of every process group the bench measures.
snap() {
	cpu_snap "kamailio=$KAMAILIO_PID" "sessiond=$SESSIOND_PID" \
		"relayd=$RELAYD_PID" "consumerd=${CONSUMERD_PID:-}" \
		"snmpd=${SNMPD_PID:-}" "poller=$WALKER_PID" \
		"agentx=$AGENTX_PID" >"$1"
}
# ticks A B NAME: CPU ticks of NAME from snapshot A to snapshot B.
ticks() {
	awk -v n="$3" '$1 == n { v[FILENAME] = $2 }
		END { print v[ARGV[2]] - v[ARGV[1]] }' "$1" "$2"
}

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
# a string value, empty or not; a row lacking a column; a URI served
# twice; any other row but snmpstats' "DefaultUser" placeholder). An
# empty table ("No Such Object") is 0 and 0.
walk_rows() {
	awk -v t="$KAMAILIO_REG_CFG.7.1." '
	/= No Such (Object|Instance)/ { next }
	index($0, t) == 1 {
		rest = substr($0, length(t) + 1)
		# An empty string (the DisplayName ultrace serves) shows as = "".
		if (match(rest, /^[2-6]\.[0-9]+\.[0-9]+ = ((STRING|Hex-STRING): |""$)/)) {
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

# walker CASE RUN: what an operator's poller does, a bulk walk of the
# contact table every 2 s, nothing else (its CPU is measured: the walks
# are checked after the run). Each walk started is a line of
# $WORK/walks.started.CASE; the output of walk N is $WORK/pw/CASE.RUN.N,
# and N a line of $WORK/pw/CASE.RUN if it ended. On TERM it stops the walk
# under way. How many walks end within a run depends on the machine's
# speed: nothing is asserted on that count.
walker() {
	_wp=
	trap 'kill $_wp 2>/dev/null; exit 0' TERM
	_n=0
	while :; do
		_n=$((_n + 1))
		echo x >>"$WORK/walks.started.$1"
		snmpbulkwalk -v2c -c public -On -Cr50 -t 10 -r 0 "$(snmp_peer)" \
			"$KAMAILIO_REG_CFG.7" >"$WORK/pw/$1.$2.$_n" 2>&1 &
		_wp=$!
		wait $_wp && echo "$_n" >>"$WORK/pw/$1.$2"
		sleep 2 &
		_wp=$!
		wait $_wp
	done
}
# check_walks CASE RUN: the malformed varbinds of each walk of that run
# that ended, a line each, appended to $WORK/walks.CASE.
check_walks() {
	[ -f "$WORK/pw/$1.$2" ] || return 0
	while read -r _n; do
		snmp_join <"$WORK/pw/$1.$2.$_n" >"$WORK/pw/joined"
		walk_rows "$WORK/pw/joined" | cut -d' ' -f2 >>"$WORK/walks.$1"
	done <"$WORK/pw/$1.$2"
	rm -f "$WORK/pw/$1.$2"*
}

# caught_up CASE: after sipp, until the case's SNMP view holds what
# Kamailio registered. ultrace: ultrace-consumerd serves (through snmpd)
# kamailioSIPRegCurrentUsers of its own registry: polled until it counts
# every user sipp registered. snmpstats keeps each registration in a
# buffer and moves the buffer into its tables only when it serves a value
# of them: one GETNEXT of its user table (whose placeholder row is always
# there) makes it do so, before it answers. Both are work the REGISTERs
# cost, done a little later. $ok: the calls sipp saw succeed.
caught_up() {
	case $1 in
	ultrace)
		_i=0
		while :; do
			_u=$(snmpget -v2c -c public -On -Oqv -t 2 -r 0 \
				"$(snmp_peer)" "$KAMAILIO_REG_CFG.4.0" 2>/dev/null)
			case $_u in
			'' | *[!0-9]*) ;;
			*) [ "$_u" -ge "$ok" ] && return 0 ;;
			esac
			_i=$((_i + 1))
			[ $_i -gt 600 ] &&
				bail_out "ultrace-consumerd serves ${_u:-no} users of $ok after 30 s"
			sleep 0.05
		done
		;;
	snmpstats)
		snmpgetnext -v2c -c public -On -t 30 -r 0 "$(snmp_peer)" \
			"$KAMAILIO_REG_CFG.6" >/dev/null 2>&1 ||
			bail_out "snmpstats did not answer a GETNEXT of its user table"
		;;
	esac
}

# run_ticks CASE: the line of $WORK/cpu.CASE for the run whose snapshots
# are $WORK/cpu.a (before sipp), .b (sipp ended) and .c (view current):
# a process group the case does not need counts 0.
run_ticks() {
	case $1 in
	none) _need= ;;
	ultrace) _need=" sessiond relayd consumerd snmpd poller " ;;
	snmpstats) _need=" snmpd poller agentx " ;;
	esac
	printf '%s %s %s' "$ok" "$(ticks "$WORK/cpu.a" "$WORK/cpu.c" kamailio)" \
		"$(ticks "$WORK/cpu.a" "$WORK/cpu.b" kamailio)"
	for _g in sessiond relayd consumerd snmpd poller agentx; do
		case $_need in
		*" $_g "*) printf ' %s' "$(ticks "$WORK/cpu.a" "$WORK/cpu.c" $_g)" ;;
		*) printf ' 0' ;;
		esac
	done
	echo
}

# one CASE RUN: a fresh Kamailio, CALLS new registrations; appends
# "calls/s failed ok" to $WORK/CASE and the CPU ticks of the run to
# $WORK/cpu.CASE: "ok kamailio kamailio_during_sipp sessiond relayd
# consumerd snmpd poller agentx" (agentx: snmpstats' subagent, one of
# Kamailio's processes, already in kamailio).
one() {
	ULTRACE_KAM_CFG="$WORK/$1.cfg"
	case $1 in
	ultrace)
		create_live_session "reg$2" ||
			bail_out "cannot create the live session"
		start_snmpd
		start_consumerd "$WORK/consumerd$2.log" --live "$(live_url "reg$2")"
		;;
	snmpstats)
		start_snmpd
		;;
	esac
	start_kamailio "$1$2"
	AGENTX_PID=
	if [ "$1" = snmpstats ]; then
		AGENTX_PID=$(kamailio_proc_pid "SNMP AgentX")
		[ -n "$AGENTX_PID" ] || bail_out "no SNMP AgentX process in Kamailio"
	fi
	if [ "$1" != none ]; then
		wait_agent 20 || bail_out "$1 did not register with snmpd"
		walker "$1" "$2" &
		WALKER_PID=$!
	fi
	sp=$(pick_udp_port $((KAM_PORT + 1000))) || bail_out "no free port for sipp"
	rm -f "$WORK/stat.csv"
	snap "$WORK/cpu.a"
	t0=$(date +%s.%N)
	sipp -sf "$ULTRACE_SIPP_DIR/reg_rate.xml" -m "$CALLS" -r "$RATE" \
		-l "$LIMIT" -i 127.0.0.1 -p "$sp" -timeout 60s -timeout_error \
		-nostdin -trace_stat -stf "$WORK/stat.csv" -fd 1 \
		"127.0.0.1:$KAM_PORT" >"$WORK/sipp.$1$2.out" 2>&1
	t1=$(date +%s.%N)
	snap "$WORK/cpu.b"
	failed=$(sipp_stat "$WORK/stat.csv" "FailedCall(C)")
	ok=$(sipp_stat "$WORK/stat.csv" "SuccessfulCall(C)")
	caught_up "$1"
	snap "$WORK/cpu.c"
	echo "$(awk -v n="$ok" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.0f\n", n / (b - a) }') $failed $ok" >>"$WORK/$1"
	run_ticks "$1" >>"$WORK/cpu.$1"
	stop_walker
	if [ "$1" != none ]; then
		check_walks "$1" "$2"
		# Once the view is current, whatever the speed: one complete
		# walk through the same snmpd must hold every registered contact
		# (for snmpstats, caught_up had it drain its buffer).
		contact_walk "$WORK/final.$1.walk" ||
			bail_out "the walk after the $1 run failed: $(head -n 2 "$WORK/final.$1.walk")"
		echo "$(walk_rows "$WORK/final.$1.walk") $ok" >>"$WORK/final.$1"
	fi
	stop_kamailio
	case $1 in
	ultrace)
		stop_session "reg$2"
		stop_consumerd
		# Its exit line: "events N, users N, contacts N, anomalies N,
		# tracer discarded N events N packets, ..."
		sed -n 's/.* contacts \([0-9]*\), anomalies \([0-9]*\), tracer discarded \([0-9]*\) events.*p99 \([0-9.]*\) ms.*/\1 \3 \2 \4/p' \
			"$WORK/consumerd$2.log" | tail -n 1 >"$WORK/r"
		[ -s "$WORK/r" ] ||
			bail_out "no exit line from ultrace-consumerd: $(tail -n 3 "$WORK/consumerd$2.log")"
		cat "$WORK/r" >>"$WORK/traced"
		# What lttng-relayd wrote of the session (it records a live
		# session too): not read here.
		rm -rf "$WORK/relayd"/*/"reg$2"-*
		stop_snmpd
		;;
	snmpstats)
		stop_snmpd
		;;
	esac
}

reset() {
	for c in none ultrace snmpstats; do
		: >"$WORK/$c"
		: >"$WORK/cpu.$c"
		: >"$WORK/walks.$c"
		: >"$WORK/walks.started.$c"
		: >"$WORK/final.$c"
	done
	: >"$WORK/traced"
}
mkdir -p "$WORK/pw"
reset
# One round first, not counted: page cache and sipp warmed for every case.
if [ $SMOKE -eq 0 ]; then
	for c in none ultrace snmpstats; do
		one $c 0
	done
	reset
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

# per10k CASE WHAT: CPU seconds per 10 000 REGISTERs of each run of CASE,
# one a line; WHAT: kamailio, sipp (Kamailio during sipp alone), beside
# (sessiond + relayd + consumerd + snmpd), total (kamailio + beside),
# poller, or one of sessiond relayd consumerd snmpd agentx.
per10k() {
	awk -v w="$2" -v hz="$CLK_TCK" '{
		ok = $1; k = $2; ks = $3; se = $4; re = $5; co = $6; sn = $7; po = $8
		ax = $9
		b = se + re + co + sn
		v = w == "kamailio" ? k : w == "sipp" ? ks : w == "beside" ? b : \
			w == "total" ? k + b : w == "poller" ? po : \
			w == "sessiond" ? se : w == "relayd" ? re : \
			w == "consumerd" ? co : w == "agentx" ? ax : sn
		if (ok > 0)
			printf "%.4f\n", v / hz * 10000 / ok
	}' "$WORK/cpu.$1"
}
# cmed CASE WHAT: "median lo..hi" of per10k, 3 decimals.
cmed() {
	per10k "$1" "$2" | sort -g | awk '{ a[NR] = $1 } END {
		printf "%.3f %.3f..%.3f\n", a[int((NR + 1) / 2)], a[1], a[NR] }'
}
# cratio A B: A / B with 3 decimals and an x; "-" if B is 0 (a run too
# short for a clock tick).
cratio() {
	awk -v a="$1" -v b="$2" \
		'BEGIN { if (b > 0) printf "%.3fx\n", a / b; else print "-" }'
}
cm() { # CASE WHAT: the median alone
	cmed "$1" "$2" | cut -d' ' -f1
}
# paired A B WHAT: "median lo..hi" over the rounds of A's per10k WHAT over
# B's in the same round (line N of each file: round N).
paired() {
	per10k "$1" "$3" >"$WORK/pa"
	per10k "$2" "$3" >"$WORK/pb"
	paste -d' ' "$WORK/pa" "$WORK/pb" | awk '$2 > 0 { print $1 / $2 }' |
		sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else
			printf "%.3fx %.3f..%.3f\n", a[int((NR + 1) / 2)], a[1], a[NR] }'
}

section
echo "sipp against Kamailio 5.6 (\`kamailio -v\`: $(kamailio -v 2>/dev/null | sed -n '1s/^version: //p' | cut -d' ' -f1-2))"
echo "on loopback, \`doc/examples/kamailio.cfg\` (children=2, usrloc db_mode 0,"
echo "\`-m $SHM_MB -M $PKG_MB\`: MiB of shared and per-process memory, in every case:"
echo "Kamailio's defaults do not hold snmpstats' rows past ~9 000 contacts),"
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
echo "- ultrace: the config as shipped; a live session recording \`ultrace:*\`"
echo "  (\`create_live_session\` in tests/utils/lttng_env.sh: per-UID, 8 x 1 MiB,"
echo "  live timer 100 ms, streamed to lttng-relayd on loopback), followed by"
echo "  \`ultrace-consumerd --live\` registered with snmpd as AgentX subagent."
echo "- snmpstats: \`loadmodule \"snmpstats.so\"\` with"
echo "  \`modparam(\"snmpstats\", \"export_registrar\", 1)\` in its place, snmpd as"
echo "  AgentX master."
echo "- In both monitored cases, the same poller: \`snmpbulkwalk -v2c -Cr50 ..."
echo "  $KAMAILIO_REG_CFG.7\` through the same kind of snmpd every 2 s during"
echo "  the run (an operator's poller)."
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
echo "CPU seconds per 10 000 REGISTERs (successful calls), which do not"
echo "depend on how busy the machine is the way calls/s do: utime + stime +"
echo "cutime + cstime (\`/proc/PID/stat\`, in clock ticks of 1/$CLK_TCK s) of"
echo "a process and of every process descending from it, all read in one"
echo "pass over /proc: every thread, and every child reaped meanwhile, are in"
echo "it (no process of Kamailio ends during a run; one that did would move"
echo "its time to its parent's cutime/cstime, not be lost). Read just before"
echo "sipp starts and again once the case's SNMP view holds every REGISTER:"
echo "at sipp's end for none; for ultrace, once ultrace-consumerd serves"
echo "(kamailioSIPRegCurrentUsers, polled through snmpd every 50 ms) every"
echo "user sipp registered; for snmpstats, after one GETNEXT of its user"
echo "table, which makes it move the registrations it buffered into its"
echo "tables before it answers (it does so only when asked for a value)."
echo
echo "- Kamailio: every process of the instance (the main process and what"
echo "  it forked)."
echo "- beside Kamailio: ultrace: lttng-sessiond and its lttng-consumerd"
echo "  children, lttng-relayd, ultrace-consumerd, snmpd; snmpstats: snmpd;"
echo "  none: nothing. The LTTng daemons run for the whole benchmark: only"
echo "  their CPU during an ultrace run is counted. Serving the poller's walks"
echo "  is in it for ultrace (snmpd, ultrace-consumerd); for snmpstats it is"
echo "  in Kamailio's CPU (its subagent is a Kamailio process) and snmpd's."
echo "- total: Kamailio + beside Kamailio, per run."
echo "- poller: the walker (a shell loop, snmpbulkwalk, sleep), the same in"
echo "  both monitored cases; not in the total (an operator's, not the"
echo "  registrar's); how many walks it does within a run, and how big,"
echo "  depend on the run's length."
echo
echo "Medians (spread min..max) of the runs; a ratio is of the medians."
echo
echo "| case | Kamailio CPU s/10k | spread | beside Kamailio s/10k | spread | total s/10k | spread | Kamailio ratio to none | total ratio to snmpstats | poller s/10k |"
echo "|---|---|---|---|---|---|---|---|---|---|"
kbase=$(cm none kamailio)
tsnmp=$(cm snmpstats total)
for c in none ultrace snmpstats; do
	read -r km ks <<EOF
$(cmed $c kamailio)
EOF
	read -r bm bs <<EOF
$(cmed $c beside)
EOF
	read -r tm ts <<EOF
$(cmed $c total)
EOF
	echo "| $c | $km | $ks | $bm | $bs | $tm | $ts | $(cratio "$km" "$kbase") | $(cratio "$tm" "$tsnmp") | $(cm $c poller) |"
done
echo
echo "The same ratios within each round (the three runs of a round follow"
echo "each other within a minute: less of the machine's drift between them),"
echo "median and spread over the rounds: Kamailio CPU to none's, ultrace"
echo "$(paired ultrace none kamailio), snmpstats $(paired snmpstats none kamailio); total to"
echo "snmpstats', ultrace $(paired ultrace snmpstats total)."
echo "Beside Kamailio, by process (medians, s/10k): ultrace: lttng-sessiond +"
echo "lttng-consumerd $(cm ultrace sessiond), lttng-relayd $(cm ultrace relayd), ultrace-consumerd"
echo "$(cm ultrace consumerd), snmpd $(cm ultrace snmpd); snmpstats: snmpd $(cm snmpstats snmpd)."
echo "Of Kamailio's CPU, snmpstats' own process (\"SNMP AgentX\" in core.psx:"
echo "its buffer drained, the walks served): $(cm snmpstats agentx) s/10k."
echo "Kamailio's CPU during sipp alone (the rest: after sipp, until the view"
echo "was current), medians s/10k: none $(cm none sipp), ultrace $(cm ultrace sipp), snmpstats"
echo "$(cm snmpstats sipp)."
echo
echo "ultrace-consumerd at the end of each run (contacts, tracer discards,"
echo "anomalies, p99 lag ms): $(awk '{ printf "%s/%s/%s/%s ", $1, $2, $3, $4 }' "$WORK/traced")(calls: $CALLS each)."
echo "Contact-table walks by the poller during the runs (every 2 s; started,"
echo "completed, malformed varbinds in them): ultrace $(wc -l <"$WORK/walks.started.ultrace")/$(wc -l <"$WORK/walks.ultrace")/$(awk '{ s += $1 } END { print s + 0 }' "$WORK/walks.ultrace"),"
echo "snmpstats $(wc -l <"$WORK/walks.started.snmpstats")/$(wc -l <"$WORK/walks.snmpstats")/$(awk '{ s += $1 } END { print s + 0 }' "$WORK/walks.snmpstats")."
echo "Contact table walked once after each run, through the same snmpd"
echo "(contacts served/registered, malformed varbinds):"
echo "ultrace $(awk '{ printf "%s/%s %s; ", $1, $3, $2 }' "$WORK/final.ultrace" | sed 's/; $//');"
echo "snmpstats $(awk '{ printf "%s/%s %s; ", $1, $3, $2 }' "$WORK/final.snmpstats" | sed 's/; $//')."
