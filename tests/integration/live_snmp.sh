#!/bin/sh
# live_snmp.sh: the whole live path with real daemons: lttng-sessiond,
# lttng-relayd, snmpd (AgentX master), ultrace-consumerd, and
# ultrace-loadgen with churn. During the run a newly registered contact
# shows up over SNMP within the live timer + 1 s; after the run the SNMP
# tables equal loadgen's truth, every column, DateAndTime decoded, and the
# registrar scalars loadgen's registrar figures.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_view.sh"
ultrace_isolate "$@"

LIVE_US=100000
plan 14
start_sessiond
start_relayd
start_snmpd
create_live_session live $LIVE_US || bail_out "cannot create the live session"
start_consumerd "$WORK/consumerd.log" --live "$(live_url live)" \
	--stats-interval 1
teardown() {
	stop_consumerd
	stop_snmpd
}
TEARDOWN_HOOK=teardown
wait_agent 10 || bail_out "ultrace-consumerd did not register with snmpd"
ok 0 "ultrace-consumerd registered its tables with snmpd"

# One user, one contact: how long until SNMP shows it?
"$ULTRACE_LOADGEN" --users 1 --max-contacts 1 --events 1 --seed 9 -q \
	--expires-min 600 --expires-max 600 --truth "$WORK/one.csv" ||
	bail_out "loadgen failed"
t0=$(date +%s%N)
seen=
while [ $(($(date +%s%N) - t0)) -lt 5000000000 ]; do
	if [ "$(snmp_get "$CURRENT_USERS")" = "1" ]; then
		seen=$((($(date +%s%N) - t0) / 1000000))
		break
	fi
	sleep 0.02
done
test -n "$seen" && test "$seen" -le $((LIVE_US / 1000 + 1000))
ok $? "a new registration is visible over SNMP within live timer + 1 s (${seen:-never} ms)"

# Churn: 2 threads, registrations, refreshes, de-registrations, expiries.
"$ULTRACE_LOADGEN" --threads 2 --users 1500 --max-contacts 3 \
	--events 60000 --rate 10000 --expires-min 1 --expires-max 4 \
	--expire-ratio 0.3 --seed 11 --truth "$WORK/truth.csv" \
	--registrar-max-expires 3600 --registrar-default-expires 600 \
	--registrar-reject-ratio 0.02 2>"$WORK/loadgen.log"
ok $? "loadgen ran 60000 events at 10000/s" || sed 's/^/# /' "$WORK/loadgen.log"
sleep $((LIVE_US / 1000000 + 2))

snmp_contacts_csv >"$WORK/snmp.csv" 2>"$WORK/walk.err"
ok $? "snmpbulkwalk of both tables succeeds" || sed 's/^/# /' "$WORK/walk.err"
# loadgen's truth projected on what the MIB carries.
truth_as_snmp "$WORK/one.csv" "$WORK/truth.csv" >"$WORK/expected.csv"
cmp -s "$WORK/expected.csv" "$WORK/snmp.csv"
ok $? "SNMP tables equal loadgen's truth ($(wc -l <"$WORK/expected.csv") contacts; URI, display name, DateAndTime, q)" ||
	diff "$WORK/expected.csv" "$WORK/snmp.csv" | head -20 | sed 's/^/# /'
users=$(cut -f1 "$WORK/expected.csv" | sort -u | wc -l)
is "$(snmp_get "$CURRENT_USERS")" "$users" "kamailioSIPRegCurrentUsers counts the users"

# registrar_scalars: MaxContactExpiryDuration, MaxUsers, DfltRegActiveInterval,
# Accepted- and RejectedRegistrations, "|"-joined.
registrar_scalars() {
	for o in "$KAMAILIO_REG_CFG.2.0" "$KAMAILIO_REG_CFG.3.0" \
			"$KAMAILIO_REG_CFG.5.0" "$KAMAILIO_REG_STATS.1.0" \
			"$KAMAILIO_REG_STATS.2.0"; do
		printf '%s|' "$(snmp_get "$o")"
	done
}
counts=$(sed -n 's/.*registrar: \([0-9]*\) REGISTERs accepted, \([0-9]*\) rejected;.*/\1|\2/p' \
	"$WORK/loadgen.log")
registrar_scalars >"$WORK/registrar.snmp"
is "$(cat "$WORK/registrar.snmp")" "3600|4294967295|600|$counts|" \
	"registrar scalars: loadgen's configuration (no user limit: 4294967295) and final REGISTER counts"
grep -q "tracer discarded 0 events 0 packets" "$WORK/consumerd.log"
ok $? "no event was lost on the way" || tail -3 "$WORK/consumerd.log" | sed 's/^/# /'

stop_consumerd
is "$CONSUMERD_STATUS" "0" "SIGTERM stops ultrace-consumerd with status 0"
grep -q "lag over" "$WORK/consumerd.log"
ok $? "it logs its counters and lag" &&
	grep "lag over" "$WORK/consumerd.log" | tail -1 | sed 's/^/# /'

# The relay daemon kept a copy of the session: --trace mode serves the same
# state, and the daemon is leak-free from start to SIGTERM under valgrind.
stop_snmpd
start_snmpd
CONSUMERD_VALGRIND=1 start_consumerd "$WORK/consumerd-trace.log" \
	--trace "$WORK/relayd" --stats-interval 0
wait_agent 60
ok $? "ultrace-consumerd --trace (under valgrind) registers"
_i=0
until grep -q "read to its end" "$WORK/consumerd-trace.log" || [ $_i -gt 300 ]; do
	sleep 0.2
	_i=$((_i + 1))
done
snmp_contacts_csv >"$WORK/snmp-trace.csv"
cmp -s "$WORK/expected.csv" "$WORK/snmp-trace.csv"
ok $? "the recorded trace served over SNMP equals the truth too" ||
	diff "$WORK/expected.csv" "$WORK/snmp-trace.csv" | head -10 | sed 's/^/# /'
is "$(registrar_scalars)" "$(cat "$WORK/registrar.snmp")" \
	"...and the same registrar scalars"
stop_consumerd
is "$CONSUMERD_STATUS" "0" "valgrind: no error, no leak, clean exit" ||
	head -30 "$WORK/consumerd-trace.log.valgrind" | sed 's/^/# /'
