#!/bin/sh
# snmp_restart.sh: snmpd (the AgentX master) is killed and started again on
# the same port and socket, twice; the fixture agent, never restarted,
# reconnects and registers again within a few ping intervals (1 s here).
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
snmp_isolate "$@"

USERS=50
CONTACTS=2
PING=1
# Reconnection is tried every ping interval; allow three.
LIMIT_MS=$((3 * PING * 1000))

plan 12
start_snmpd
start_fixture --users $USERS --contacts-per-user $CONTACTS \
	--ping-interval $PING
is "$(snmp_value "$KAMAILIO_REG_CFG.4.0")" "Gauge32: $USERS" \
	"the tables answer through the first snmpd"

for round in 1 2; do
	stop_snmpd
	sleep $((2 * PING))
	kill -0 "$FIXTURE_PID" 2>/dev/null
	ok $? "round $round: the agent keeps running without its master"
	start_snmpd
	t0=$(date +%s%N)
	wait_agent 15
	ok $? "round $round: the tables answer through the new snmpd"
	ms=$((($(date +%s%N) - t0) / 1000000))
	test "$ms" -le $LIMIT_MS
	ok $? "round $round: within $LIMIT_MS ms of the master's start ($ms ms)"
	lines=$(snmpbulkwalk -v2c -c public -On -Cr50 "$(snmp_peer)" \
		"$KAMAILIO_REG_CFG.7" | grep -c "^$KAMAILIO_REG_CFG.7.1")
	is "$lines" $((USERS * CONTACTS * 5)) \
		"round $round: a full walk of the contact table"
done

is "$(grep -c "lost the AgentX master" "$WORK/fixture.log")" 2 \
	"the agent logged each loss of its master once"
is "$(grep -c "connected to the AgentX master" "$WORK/fixture.log")" 3 \
	"the agent logged each connection once"
stop_fixture
is "$FIXTURE_STATUS" 0 "the agent stops cleanly on SIGTERM"
