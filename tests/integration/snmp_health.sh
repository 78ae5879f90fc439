#!/bin/sh
# snmp_health.sh: the health scalars behind a private snmpd. The fixture
# agent puts its registry in known states (losses, anomalies, TTL expiry,
# suspect, a statedump) and every scalar must read exactly what it did,
# with its type; the base OID moves with --health-oid or goes with none;
# ultrace-consumerd refuses a bad --health-oid with status 2 and serves
# its trace thread's state there.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
snmp_isolate "$@"

H=.1.3.6.1.4.1.8072.9999.9999.7637
H2=.1.3.6.1.4.1.8072.9999.9999.42
H3=.1.3.6.1.4.1.8072.9999.9999.99
# The fixture's T0 and its runtime instants (tests/fixtures/snmp_fixture.c).
T0=1763890000
NO_OBJECT="No Such Object available on this agent at this OID"
NO_INSTANCE="No Such Instance currently exists at this OID"
CONTACT_ENTRY=$KAMAILIO_REG_CFG.7.1

plan 86

# dat UNIX_S: the DateAndTime the agent serves for that second, as
# snmpget prints it.
dat() {
	set -- $(date -u -d "@$1" '+%Y %m %d %H %M %S')
	printf 'Hex-STRING: %02X %02X %02X %02X %02X %02X %02X 00 2B 00 00 \n' \
		$(($1 / 256)) $(($1 % 256)) $((1$2 - 100)) $((1$3 - 100)) \
		$((1$4 - 100)) $((1$5 - 100)) $((1$6 - 100))
}
EPOCH=$(dat 0)

# wait_value OID WANT: until a GET of OID reads WANT (5 s at most).
wait_value() {
	_i=0
	while [ "$(snmp_value "$1")" != "$2" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# check BASE N WANT NAME: GET BASE.N.0 reads exactly WANT ("TYPE: value").
check() {
	is "$(snmp_value "$1.$2.0")" "$3" "$4 ($1.$2.0) = $3"
}

# --- a consistent registry: 4 users x 2 contacts, no source callback ----
start_snmpd
FIXTURE_VALGRIND=1 start_fixture --users 4 --contacts-per-user 2
# The last insert: user 4, contact 2 at T0 + 4 * 7 + 2.
check $H 1 "Counter64: 8" "eventsApplied: the 8 inserts"
check $H 2 "Counter64: 0" "eventsDiscarded"
check $H 3 "Counter64: 0" "packetsDiscarded"
check $H 4 "Counter64: 0" "anomalies"
check $H 5 "$(dat $((T0 + 30)))" "lastEventTime: the last insert"
check $H 6 "Gauge32: 0" "lagP50 without a source"
check $H 7 "Gauge32: 0" "lagP99 without a source"
check $H 8 "Gauge32: 0" "lagMax without a source"
check $H 9 "Counter64: 0" "statedumpsComplete"
check $H 10 "INTEGER: 1" "state consistent(1)"
check $H 11 "$EPOCH" "suspectSince: the epoch while consistent"
check $H 12 '""' "suspectReason: empty while consistent"
check $H 13 "Counter64: 0" "ttlExpired"
check $H 14 "Counter64: 0" "truncatedValues before any long value is read"
check $H 15 "Counter64: 0" "dumpRepaired"
check $H 16 "Counter64: 0" "dumpRemoved"
check $H 17 "Counter64: 0" "malformedEvents without a source"
check $H 18 "INTEGER: 0" "sourceState unknown(0) without a source"
check $H 19 "Gauge32: 4" "users"
check $H 20 "Gauge32: 8" "contacts"
check $H 21 "Counter64: 0" "reattachments without a source"
check $H 22 "Gauge32: 0" "lagLast without a source"

# The 300-octet URI of contact 1.1, read twice, is cut twice.
snmp_value "$CONTACT_ENTRY.3.1.1" >/dev/null
snmp_value "$CONTACT_ENTRY.3.1.1" >/dev/null
check $H 14 "Counter64: 2" "truncatedValues counts each value cut"

# A walk: the 22 objects, in order, and nothing else under the base.
snmpwalk -v2c -c public -On "$(snmp_peer)" $H >"$WORK/walk.txt" 2>&1
want=
n=1
while [ $n -le 22 ]; do
	want="$want $H.$n.0"
	n=$((n + 1))
done
is "$(cut -d' ' -f1 "$WORK/walk.txt" | tr '\n' ' ' | sed 's/ $//')" \
	"$(echo $want)" "a walk of the base returns base.1.0 .. base.22.0 in order"
is "$(snmp_value "$H.23.0")" "$NO_OBJECT" "GET base.23.0: noSuchObject"
is "$(snmp_value "$H.1.1")" "$NO_INSTANCE" "GET base.1.1: noSuchInstance"
is "$(snmp_value "$H.1")" "$NO_INSTANCE" "GET base.1 (no instance): noSuchInstance"
is "$(snmpgetnext -v2c -c public -On "$(snmp_peer)" "$H.4" | cut -d' ' -f1)" \
	"$H.4.0" "GETNEXT from base.4: base.4.0"
is "$(snmpgetnext -v2c -c public -On "$(snmp_peer)" "$H.4.2147483648" |
	cut -d' ' -f1)" "$H.5.0" \
	"GETNEXT from base.4.2147483648 (a sign-extended sub-id): base.5.0"

# consistent -> suspect: SIGUSR1 marks suspect at T0 + 200000 and
# reports 5 discarded events.
kill -USR1 "$FIXTURE_PID"
wait_value "$H.10.0" "INTEGER: 2"
check $H 10 "INTEGER: 2" "after discards: state suspect(2)"
check $H 11 "$(dat $((T0 + 200000)))" "suspectSince: the instant marked"
check $H 12 'STRING: "discards"' "suspectReason"
check $H 2 "Counter64: 5" "eventsDiscarded"

# suspect -> consistent: SIGUSR2 runs a complete statedump at T0 + 300000
# listing 7 of the 8 contacts, one with a new display name.
kill -USR2 "$FIXTURE_PID"
wait_value "$H.10.0" "INTEGER: 1"
check $H 10 "INTEGER: 1" "after a complete statedump: consistent(1) again"
check $H 11 "$EPOCH" "suspectSince: the epoch again"
check $H 12 '""' "suspectReason: empty again"
check $H 9 "Counter64: 1" "statedumpsComplete"
check $H 15 "Counter64: 1" "dumpRepaired: the renamed contact"
check $H 16 "Counter64: 1" "dumpRemoved: the contact the dump left out"
check $H 1 "Counter64: 17" "eventsApplied: 8 + begin + 7 rows + end"
check $H 5 "$(dat $((T0 + 300000)))" "lastEventTime: the statedump"
check $H 20 "Gauge32: 7" "contacts after the dump"
# A restarted master gets the group again with the tables.
stop_snmpd
start_snmpd
wait_value "$H.20.0" "Gauge32: 7"
check $H 20 "Gauge32: 7" "after snmpd restarts, the group is registered again"
stop_fixture
is "$FIXTURE_STATUS" 0 "the fixture (under valgrind) stops cleanly, no leak"

# --- a damaged registry under another base, with a source callback -----
# Suspect (attach) at the last insert; then 7 events and 2 packets lost,
# 3 deletes of unknown contacts (T0 + 100001..3), TTL removal of every
# contact expiring by T0 + 3623 (inserted by T0 + 23: 1.1 1.2 2.1 3.1 3.2;
# 2.2 is permanent).
start_fixture --users 4 --contacts-per-user 2 --health-oid $H2 \
	--suspect attach --discarded 7 --discarded-packets 2 \
	--unknown-deletes 3 --expire-before $((T0 + 3623)) \
	--source-state retrying --lag-ns 1999999,250000000,5000000000000000,-5 \
	--malformed 11 --reattachments 4
check $H2 1 "Counter64: 11" "eventsApplied: 8 inserts + 3 deletes"
check $H2 2 "Counter64: 7" "eventsDiscarded"
check $H2 3 "Counter64: 2" "packetsDiscarded"
check $H2 4 "Counter64: 3" "anomalies: 3 delete_unknown"
check $H2 5 "$(dat $((T0 + 100003)))" "lastEventTime: the last delete"
check $H2 6 "Gauge32: 1" "lagP50: 1999999 ns rounds down to 1 ms"
check $H2 7 "Gauge32: 250" "lagP99 in ms"
check $H2 8 "Gauge32: 4294967295" "lagMax beyond Gauge32 latches at 2^32-1"
check $H2 9 "Counter64: 0" "statedumpsComplete"
check $H2 10 "INTEGER: 2" "state suspect(2)"
check $H2 11 "$(dat $((T0 + 30)))" "suspectSince: the first mark, not later ones"
check $H2 12 'STRING: "attach"' "suspectReason: the first reason"
check $H2 13 "Counter64: 5" "ttlExpired"
check $H2 17 "Counter64: 11" "malformedEvents from the source"
check $H2 18 "INTEGER: 3" "sourceState retrying(3)"
check $H2 19 "Gauge32: 2" "users left after expiry"
check $H2 20 "Gauge32: 3" "contacts left after expiry"
check $H2 21 "Counter64: 4" "reattachments from the source"
check $H2 22 "Gauge32: 0" "lagLast: a negative lag (clock skew) reads 0"
is "$(snmp_value "$H.1.0")" "$NO_OBJECT" \
	"with --health-oid, nothing is served under the default base"
stop_fixture

# --- --health-oid none -------------------------------------------------
start_fixture --users 2 --contacts-per-user 1 --health-oid none
is "$(snmp_value "$H.1.0")" "$NO_OBJECT" "--health-oid none: no health scalars"
is "$(snmp_value "$KAMAILIO_REG_CFG.4.0")" "Gauge32: 2" \
	"--health-oid none: the registrar tables are still served"
stop_fixture

# --- ultrace-consumerd: bad options are usage errors -------------------
# refused OPTION TEXT WHY
refused() {
	"$CONSUMERD" -f --live net://127.0.0.1:1/host/h/s "$1" \
		>"$WORK/refused.out" 2>&1
	_status=$?
	is "$_status" 2 "$1 refused with exit status 2 ($3)"
	grep -q -- "$2" "$WORK/refused.out"
	ok $? "$1: the message says why: $2" || sed 's/^/# /' "$WORK/refused.out"
}
refused --health-oid=1.3.6.x "not only digits and dots" "a name"
refused --health-oid=1.3..6 "an empty component" "an empty component"
refused --health-oid= "empty" "empty"
refused --health-oid=1.3.6.1.4.1.2147483648 "2^31 or more" \
	"a sub-identifier AgentX cannot carry"
refused --health-oid=3.6.1 "not 0, 1 or 2" "no such first arc"
refused --health-oid=.1.3.6.1.4.1.34352.3.1.2.1.5 \
	"overlaps the KAMAILIO-SIP-SERVER-MIB" "inside the tables served"
refused --expiry-grace=soon "not a number of seconds or off" "a bad grace"

# --- ultrace-consumerd serves its trace thread's state ------------------
# No relay daemon listens on port 1: the thread retries; the registry is
# empty. Under a third base, and under valgrind.
trap 'stop_consumerd; snmp_teardown' EXIT
CONSUMERD_VALGRIND=1 start_consumerd "$WORK/consumerd.log" \
	--live net://127.0.0.1:1/host/h/s --health-oid=$H3 \
	--expiry-grace=off --stats-interval 1
wait_agent 30
ok $? "ultrace-consumerd registers with snmpd" ||
	tail -n 5 "$WORK/consumerd.log" | sed 's/^/# /'
wait_value "$H3.18.0" "INTEGER: 3"
check $H3 18 "INTEGER: 3" "consumerd: sourceState retrying(3) with no relay daemon"
check $H3 1 "Counter64: 0" "consumerd: eventsApplied"
check $H3 19 "Gauge32: 0" "consumerd: users"
sleep 1.5
grep -q "; tables \(consistent\|suspect since\)" "$WORK/consumerd.log"
ok $? "the periodic stats line says whether the tables are consistent" ||
	tail -n 3 "$WORK/consumerd.log" | sed 's/^/# /'
stop_consumerd
is "$CONSUMERD_STATUS" 0 "SIGTERM stops ultrace-consumerd (valgrind clean) with status 0" ||
	sed 's/^/# /' "$WORK/consumerd.log.valgrind"
