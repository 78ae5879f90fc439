#!/bin/sh
# snmp_proxy.sh: doc/snmp.md's port-161 setup: one snmpd forwarding the
# registrar tables and the health group to the consumer's direct listener
# with the lines of doc/examples/snmpd-proxy.conf serves the same walk as
# the listener itself, GETBULK included, and its own objects beside them.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
snmp_isolate "$@"

CONTACT_TABLE=$KAMAILIO_REG_CFG.7
HEALTH=.1.3.6.1.4.1.8072.9999.9999.7637

plan 7
DIRECT=$(snmp_pick_udp_port 26161) || bail_out "no free UDP port"
"$ULTRACE_SNMP_FIXTURE" --users 300 --contacts-per-user 2 --no-agentx \
	--snmp-listen "udp:127.0.0.1:$DIRECT" >>"$WORK/fixture.log" 2>&1 &
FIXTURE_PID=$!
start_proxy_snmpd "$DIRECT"
grep -q "^proxy .*127.0.0.1:$DIRECT $KAMAILIO_REG_CFG" \
	"$WORK/proxy-snmpd.conf" 2>/dev/null ||
	grep -q "^proxy .*127.0.0.1:$DIRECT .1.3.6.1.4.1.34352.3.1.2.1\$" \
		"$WORK/proxy-snmpd.conf"
ok $? "the proxy lines come from doc/examples/snmpd-proxy.conf"
for cr in 50 200; do
	snmpbulkwalk -v2c -c public -On -Ox -Cr$cr -t 5 -r 1 \
		"127.0.0.1:$DIRECT" "$CONTACT_TABLE" 2>&1 |
		snmp_join >"$WORK/direct.walk"
	snmpbulkwalk -v2c -c public -On -Ox -Cr$cr -t 5 -r 1 \
		"127.0.0.1:$PROXY_PORT" "$CONTACT_TABLE" 2>&1 |
		snmp_join >"$WORK/proxy.walk"
	[ "$(wc -l <"$WORK/proxy.walk")" -eq 3000 ] &&
		cmp -s "$WORK/direct.walk" "$WORK/proxy.walk"
	ok $? "-Cr$cr: the walk through the proxy snmpd equals the listener's (3000 varbinds)" ||
		diff "$WORK/direct.walk" "$WORK/proxy.walk" | head -n 5 | sed 's/^/# /'
done
is "$(snmpget -v2c -c public -On -t 2 -r 1 "127.0.0.1:$PROXY_PORT" \
	"$HEALTH.20.0" 2>&1 | sed 's/^[^=]* = //')" "Gauge32: 600" \
	"the health group through the proxy (contacts = 600)"
snmpget -v2c -c public -On -t 2 -r 1 "127.0.0.1:$PROXY_PORT" \
	"$SYS_UPTIME" 2>&1 | grep -q "Timeticks"
ok $? "the proxy snmpd still answers its own objects (sysUpTime)"
# The consumer gone: the proxy answers its own objects, the tables fail
# (net-snmp's proxy: genError once its request times out), nothing hangs.
stop_fixture
is "$FIXTURE_STATUS" 0 "the fixture behind the proxy stops cleanly"
snmpget -v2c -c public -On -t 8 -r 0 "127.0.0.1:$PROXY_PORT" \
	"$SYS_UPTIME" 2>&1 | grep -q "Timeticks"
ok $? "with the consumer gone, the proxy snmpd still answers sysUpTime"
