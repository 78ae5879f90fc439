#!/bin/sh
# snmp_lookup.sh: kamailioSIPRegUserLookupTable through a private snmpd,
# the fixture agent under valgrind: the MIB's protocol (counter, SET URI +
# createAndGo, GET the user index, destroy, reaping), every bad SET with
# the error snmpset reports, undo of a failed transaction, the row limit.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
snmp_isolate "$@"

LOOKUP=$KAMAILIO_REG_CFG.9.1
COUNTER=$KAMAILIO_REG_CFG.8.0
USER_ENTRY=$KAMAILIO_REG_CFG.6.1
# The fixture's --undo-probe: a SET of it always fails in ACTION.
PROBE=.1.3.6.1.4.1.8072.9999.9999.7.1.0
NO_INSTANCE="No Such Instance currently exists at this OID"
TIMEOUT=5
USERS=20
FIXTURE_VALGRIND=1

plan 55
start_snmpd
start_fixture --users $USERS --contacts-per-user 2 \
	--lookup-timeout $TIMEOUT --undo-probe

# lookup INDEX URI: SET URI + RowStatus createAndGo in one PDU.
lookup() {
	snmp_set_error "$LOOKUP.2.$1" s "$2" "$LOOKUP.4.$1" i 4
}

# valgrind_verdict: after stop_fixture, 0 unless valgrind found errors.
valgrind_verdict() {
	if [ "$FIXTURE_STATUS" = 99 ]; then
		cat "$WORK"/valgrind.*.log | sed 's/^/# /'
	fi
	test "$FIXTURE_STATUS" = 0
}

# --- The protocol, as the MIB describes it -------------------------------
is "$(snmp_value "$COUNTER")" "Counter32: 1" \
	"kamailioSIPRegUserLookupCounter: the first GET gives 1"
is "$(snmp_value "$COUNTER")" "Counter32: 2" "each GET gives the next value"
i=2
is "$(lookup $i user000003@example.com)" noError \
	"SET URI + RowStatus createAndGo in one PDU"
is "$(snmp_value "$LOOKUP.3.$i")" "Gauge32: 3" \
	"kamailioSIPRegUserIndex is the user's index"
is "$(snmp_value "$USER_ENTRY.2.3")" 'STRING: "user000003@example.com"' \
	"... and that user table row holds the URI"
is "$(snmp_value "$LOOKUP.4.$i")" "INTEGER: 1" "RowStatus reads active(1)"
is "$(snmp_value "$LOOKUP.2.$i")" 'STRING: "user000003@example.com"' \
	"the URI reads back"
is "$(snmp_set_error "$LOOKUP.4.$i" i 6)" noError "RowStatus destroy"
is "$(snmp_value "$LOOKUP.4.$i")" "$NO_INSTANCE" "the row is gone"
is "$(snmp_set_error "$LOOKUP.4.$i" i 6)" noError \
	"destroy of a missing row: noError"

# The fixture's last user shares user 1's AOR in a second domain.
is "$(lookup 3 user000001@example.com)" noError "lookup of an AOR held twice"
is "$(snmp_value "$LOOKUP.3.3")" "Gauge32: 1" \
	"an AOR in two domains gives the lower user index"
is "$(snmp_value "$USER_ENTRY.2.$USERS")" 'STRING: "user000001@example.com"' \
	"... the other user row holds the same AOR"
is "$(lookup 4 nobody@example.com)" noError "lookup of an unknown URI"
is "$(snmp_value "$LOOKUP.3.4")" "Gauge32: 0" "an unknown URI gives index 0"
is "$(snmp_value "$LOOKUP.4.4")" "INTEGER: 1" "... and the row is active"

# Indexes above 2^31 (net-snmp's AgentX parser sign-extends them).
lookup 2147483647 user000005@example.com >/dev/null
lookup 2147483648 user000006@example.com >/dev/null
lookup 4294967295 user000007@example.com >/dev/null
is "$(snmp_value "$LOOKUP.3.2147483648")" "Gauge32: 6" \
	"GET of a row whose index is 2^31"
is "$(snmpgetnext -v2c -c public -On "$(snmp_peer)" \
	"$LOOKUP.3.2147483648" | cut -d' ' -f1)" "$LOOKUP.3.4294967295" \
	"GETNEXT from 2^31 reaches 2^32-1 in the same column"

# Reaping: rows go $TIMEOUT s after their creation, destroyed or not.
is "$(snmp_value "$LOOKUP.4.3")" "INTEGER: 1" "a row exists before its timeout"
sleep $((TIMEOUT + 1))
left=$(snmpwalk -v2c -c public -On "$(snmp_peer)" "$KAMAILIO_REG_CFG.9" |
	grep -c "^$LOOKUP")
is "$left" 0 "every row is reaped $TIMEOUT s after its creation"

# --- Bad SETs: RFC 3416 / RFC 2579 errors, as snmpset names them --------
is "$(snmp_set_error "$LOOKUP.3.50" u 5)" notWritable \
	"kamailioSIPRegUserIndex is read-only: notWritable"
is "$(snmp_set_error "$LOOKUP.1.50" u 50)" notWritable \
	"the index column is not accessible: notWritable"
is "$(snmp_set_error "$LOOKUP.7.50" i 1)" notWritable \
	"a column the table lacks: notWritable"
is "$(snmp_set_error "$KAMAILIO_REG_CFG.7.1.3.1.1" s x)" notWritable \
	"the contact table is read-only: notWritable"
is "$(snmp_set_error "$COUNTER" u 9)" notWritable \
	"the lookup counter is read-only: notWritable"
is "$(snmp_set_error "$LOOKUP.2.50" i 5 "$LOOKUP.4.50" i 4)" wrongType \
	"a URI that is not an OCTET STRING: wrongType"
is "$(snmp_set_error "$LOOKUP.4.50" s 4)" wrongType \
	"a RowStatus that is not an INTEGER: wrongType"
long=$(awk 'BEGIN { while (n++ < 256) printf "a" }')
is "$(lookup 50 "$long")" wrongLength \
	"a URI of 256 octets: wrongLength"
is "$(lookup 50 "$(echo "$long" | cut -c1-255)")" noError \
	"a URI of 255 octets is accepted"
for v in 0 3 5 7; do
	is "$(snmp_set_error "$LOOKUP.2.51" s x "$LOOKUP.4.51" i $v)" \
		wrongValue "RowStatus $v: wrongValue"
done
is "$(lookup 50 user000002@example.com)" inconsistentValue \
	"createAndGo on an existing row: inconsistentValue"
is "$(snmp_set_error "$LOOKUP.2.50" s other@example.com)" \
	inconsistentValue "a new URI for an active row: inconsistentValue"
is "$(snmp_set_error "$LOOKUP.4.52" i 1)" inconsistentValue \
	"active on a missing row: inconsistentValue"
is "$(snmp_set_error "$LOOKUP.4.52" i 2)" inconsistentValue \
	"notInService on a missing row: inconsistentValue"
is "$(snmp_set_error "$LOOKUP.4.52" i 4)" inconsistentValue \
	"createAndGo without a URI: inconsistentValue"
is "$(snmp_set_error "$LOOKUP.2.52" s x)" inconsistentName \
	"a URI without a RowStatus on a missing row: inconsistentName"
is "$(lookup 0 user000002@example.com)" noCreation \
	"index 0: noCreation"
is "$(snmp_set_error "$LOOKUP.4.53.1" i 4)" noCreation \
	"an index of two sub-identifiers: noCreation"
is "$(snmp_set_error "$LOOKUP.4" i 4)" noCreation \
	"no index at all: noCreation"
is "$(snmp_value "$LOOKUP.4.52")" "$NO_INSTANCE" \
	"no failed SET left a row behind"

# --- Undo: a transaction that fails in ACTION is reverted --------------
is "$(snmp_set_error "$LOOKUP.2.60" s user000004@example.com \
	"$LOOKUP.4.60" i 4 "$PROBE" i 1)" commitFailed \
	"a createAndGo with a SET that fails in ACTION: commitFailed"
is "$(snmp_value "$LOOKUP.4.60")" "$NO_INSTANCE" \
	"undo removed the row ACTION had created"
is "$(lookup 61 user000004@example.com)" noError "a row to destroy"
is "$(snmp_set_error "$LOOKUP.4.61" i 6 "$PROBE" i 1)" commitFailed \
	"a destroy with a SET that fails in ACTION: commitFailed"
is "$(snmp_value "$LOOKUP.3.61")" "Gauge32: 4" \
	"undo put back the row ACTION had destroyed"

stop_fixture
valgrind_verdict
ok $? "the fixture exits 0 under valgrind: no memory error, no definite leak"

# --- At most 1024 rows -------------------------------------------------
start_fixture --users $USERS --contacts-per-user 1 --lookup-timeout 600
failed=0
b=0
while [ $b -lt 32 ]; do
	set --
	r=0
	while [ $r -lt 32 ]; do
		n=$((1000 + b * 32 + r))
		set -- "$@" "$LOOKUP.2.$n" s "user$n@example.com" \
			"$LOOKUP.4.$n" i 4
		r=$((r + 1))
	done
	[ "$(snmp_set_error "$@")" = noError ] || failed=$((failed + 1))
	b=$((b + 1))
done
is "$failed" 0 "1024 rows created, 32 to a PDU"
rows=$(snmpbulkwalk -v2c -c public -On -Cr50 "$(snmp_peer)" "$LOOKUP.4" |
	grep -c "INTEGER: 1")
is "$rows" 1024 "the table holds 1024 active rows"
is "$(lookup 5000 user000002@example.com)" resourceUnavailable \
	"a 1025th row: resourceUnavailable"
is "$(snmp_set_error "$LOOKUP.4.1000" i 6)" noError "destroy one"
is "$(lookup 5000 user000002@example.com)" noError \
	"then a new row fits again"
stop_fixture
valgrind_verdict
ok $? "the fixture with 1024 rows exits 0 under valgrind"
