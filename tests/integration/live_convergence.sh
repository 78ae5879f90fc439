#!/bin/sh
# live_convergence.sh: the live SNMP view reaches the truth without operator
# action through what a production consumer meets: it attaches to a session
# already running (lttng-live starts at "now"), it is killed with SIGKILL
# and started again mid-run, and the registrar loses 1% of its events; a
# rolling statedump (every 1.5 s) repairs all of it. Then every timer
# expiry is lost and the consumer's TTL (1 s grace) removes the contacts by
# itself once the trace clock (inactivity beacons: no event comes) passes.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_view.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
ultrace_isolate "$@"

PERIOD=1.5
plan 10
start_sessiond
start_relayd
start_snmpd
create_live_session conv 100000 || bail_out "cannot create the live session"

follow() { # LOG
	start_consumerd "$1" --live "$(live_url conv)" --expiry-grace 1 \
		--stats-interval 1
}
teardown() {
	[ -n "${LOADGEN_PID:-}" ] && kill "$LOADGEN_PID" 2>/dev/null
	stop_consumerd
	stop_snmpd
}
TEARDOWN_HOOK=teardown

# 6 s of churn with 1% of inserts, updates and deletes lost, then 6 s of
# rolling dumps only.
"$ULTRACE_LOADGEN" --threads 2 --users 2000 --max-contacts 3 --rate 4000 \
	--duration 6 --linger 6 --statedump-period $PERIOD \
	--expires-min 600 --expires-max 900 --seed 21 \
	--lose insert,update,delete --lose-ratio 0.01 \
	--truth "$WORK/truth.csv" 2>"$WORK/loadgen.log" &
LOADGEN_PID=$!
sleep 1.5
follow "$WORK/consumerd-1.log"
wait_agent 10
ok $? "a consumer attached 1.5 s into the run registered with snmpd"
sleep 1.5
stop_consumerd KILL
is "$CONSUMERD_STATUS" "137" "the consumer was killed with SIGKILL mid-run"
follow "$WORK/consumerd-2.log"
wait_agent 10
ok $? "a new consumer registered with snmpd"
wait "$LOADGEN_PID"
ok $? "loadgen ran its churn and its dumps" || cat "$WORK/loadgen.log" >&2
LOADGEN_PID=
lost=$(sed -n 's/.* \([0-9]*\) of those events were lost.*/\1/p' "$WORK/loadgen.log")
test "${lost:-0}" -gt 50
ok $? "loadgen lost ${lost:-0} events on purpose"

truth_as_snmp "$WORK/truth.csv" >"$WORK/expected.csv"
# The last dump ended as loadgen exited; allow the live timer and a walk.
converged=$(wait_snmp_rows "$WORK/expected.csv" 5)
ok $? "SNMP tables equal loadgen's truth ($(wc -l <"$WORK/expected.csv") \
contacts, every column) after late attach, SIGKILL and restart, losses" ||
	diff "$WORK/expected.csv" "$WORK/snmp.csv" | head -10 | sed 's/^/# /'
sleep 1.2  # one more --stats-interval line
grep "lag over" "$WORK/consumerd-2.log" | tail -1 | grep -q "tables consistent$"
ok $? "the restarted consumer says its tables are consistent" ||
	grep "lag over" "$WORK/consumerd-2.log" | tail -2 | sed 's/^/# /'

# --- TTL: 1-2 s registrations in another usrloc domain, expiries lost ------
held=$(wc -l <"$WORK/expected.csv")
"$ULTRACE_LOADGEN" --users 300 --max-contacts 2 --rate 2000 --duration 3 \
	--domain ttl --expires-min 1 --expires-max 2 --expire-ratio 1 \
	--seed 5 --lose expire --truth "$WORK/ttl-truth.csv" \
	2>"$WORK/ttl.log" &
LOADGEN_PID=$!
sleep 1.5
during=$(snmp_contacts_csv | wc -l)
wait "$LOADGEN_PID"
ok $? "loadgen: short registrations, every expiry lost" ||
	cat "$WORK/ttl.log" >&2
LOADGEN_PID=
test "$during" -gt "$held"
ok $? "the short registrations show over SNMP while they last ($during \
rows > $held)"
gone=$(wait_snmp_rows "$WORK/expected.csv" 5)
ok $? "with no event coming, the TTL removed every expired contact: the \
tables are back to the first truth" ||
	diff "$WORK/expected.csv" "$WORK/snmp.csv" | head -10 | sed 's/^/# /'
