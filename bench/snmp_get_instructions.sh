#!/bin/sh
# bench/snmp_get_instructions.sh [USERS] [COUNT]: instructions the direct
# listener executes per single GET of the kamailioSIPRegCurrentUsers
# scalar (the floor), of the last and of the first contact row, counted by
# callgrind in the fixture (USERS x 2 contacts, default 500000: 1M) while
# bench/snmp_latency sends COUNT requests (default 2000) of each. Unlike
# latency medians on this noisy VM, these counts repeat. Prints one line
# per OID: "instructions_per_request ratio_to_floor OID".
top=$(cd "$(dirname "$0")/.." && pwd)
: "${ULTRACE_BUILDDIR:=$top/_build}"
USERS=${1:-500000}
COUNT=${2:-2000}
FIXTURE="$ULTRACE_BUILDDIR/tests/fixtures/ultrace-snmp-fixture"
LATENCY="$ULTRACE_BUILDDIR/bench/snmp_latency"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-cg.XXXXXX") || exit 1
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
PORT=25161
while ss -H -lun "sport = :$PORT" | grep -q .; do PORT=$((PORT + 1)); done
valgrind --tool=callgrind --instr-atstart=no \
	--callgrind-out-file="$WORK/cg.out.%p" "$FIXTURE" --users "$USERS" \
	--contacts-per-user 2 --no-agentx --snmp-listen "udp:127.0.0.1:$PORT" \
	>"$WORK/fixture.log" 2>&1 &
PID=$!
until snmpget -v2c -c public -t 1 -r 0 "127.0.0.1:$PORT" \
		.1.3.6.1.4.1.34352.3.1.2.1.5.4.0 >/dev/null 2>&1; do
	kill -0 "$PID" 2>/dev/null || { cat "$WORK/fixture.log"; exit 1; }
	sleep 1
done
E=.1.3.6.1.4.1.34352.3.1.2.1.5.7.1.4
n=0
for oid in .1.3.6.1.4.1.34352.3.1.2.1.5.4.0 "$E.$USERS.2" "$E.1.1"; do
	n=$((n + 1))
	callgrind_control -z "$PID" >/dev/null 2>&1
	callgrind_control -i on "$PID" >/dev/null 2>&1
	"$LATENCY" --peer "127.0.0.1:$PORT" --count "$COUNT" "$oid" >/dev/null ||
		exit 1
	callgrind_control -i off "$PID" >/dev/null 2>&1
	callgrind_control -d "oid$oid" "$PID" >/dev/null 2>&1
	# The dump is written by the fixture's next valgrind scheduling point.
	_i=0
	until grep -q '^totals: ' "$WORK/cg.out.$PID.$n" 2>/dev/null; do
		snmpget -v2c -c public -t 1 -r 0 "127.0.0.1:$PORT" "$oid" \
			>/dev/null 2>&1
		_i=$((_i + 1))
		[ $_i -gt 300 ] && { echo "no callgrind dump: $(ls "$WORK")" >&2; exit 1; }
		sleep 0.1
	done
	total=$(sed -n 's/^totals: //p' "$WORK/cg.out.$PID.$n")
	per=$((total / COUNT))
	[ $n -eq 1 ] && floor=$per
	echo "$per $(awk -v a="$per" -v b="$floor" 'BEGIN { printf "%.3f", a / b }') $oid"
done
