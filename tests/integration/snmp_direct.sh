#!/bin/sh
# snmp_direct.sh: what only the direct shell does: it answers beside AgentX
# with the same values; a spec without an address stays on loopback; UDP
# over IPv6 and TCP work; without --snmp-config it is read-only `public`
# from loopback; SNMPv3 users from --snmp-config; bad --snmp-* options.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
snmp_isolate "$@"

CONSUMERD="$ULTRACE_BUILDDIR/consumer/ultrace-consumerd"
CONTACT_TABLE=$KAMAILIO_REG_CFG.7
USERS=$KAMAILIO_REG_CFG.4.0

plan 19
start_snmpd
DIRECT=$(snmp_pick_udp_port 26161) || bail_out "no free UDP port"
# Both shells at once: AgentX through snmpd, and direct on $DIRECT (no
# address: loopback).
start_fixture --users 200 --contacts-per-user 2 --snmp-listen "udp:$DIRECT"
snmpbulkwalk -v2c -c public -On -Ox -Cr20 -t 5 -r 1 "$(snmp_peer)" \
	"$CONTACT_TABLE" 2>&1 | snmp_join >"$WORK/agentx.walk"
snmpbulkwalk -v2c -c public -On -Ox -Cr20 -t 5 -r 1 "127.0.0.1:$DIRECT" \
	"$CONTACT_TABLE" 2>&1 | snmp_join >"$WORK/direct.walk"
is "$(wc -l <"$WORK/direct.walk")" 2000 "direct: 5 columns x 400 contacts"
cmp -s "$WORK/agentx.walk" "$WORK/direct.walk"
ok $? "direct and AgentX walks of the same fixture are identical" ||
	diff "$WORK/agentx.walk" "$WORK/direct.walk" | head -n 5 | sed 's/^/# /'
bound=$(ss -H -lun "sport = :$DIRECT" | awk '{print $4}')
is "$bound" "127.0.0.1:$DIRECT" "udp:PORT listens on loopback only"
is "$(snmpget -v2c -c public -On -t 2 -r 1 "127.0.0.1:$DIRECT" "$USERS" |
	sed 's/^[^=]* = //')" "Gauge32: 200" "GET of a scalar, directly"
out=$(snmpset -v2c -c public -t 2 -r 1 "127.0.0.1:$DIRECT" \
	"$KAMAILIO_REG_CFG.9.1.4.1" i 4 2>&1)
case "$out" in
*"noAccess"*) ok 0 "default access: a SET by public is refused (noAccess)" ;;
*) ok 1 "default access: a SET by public is refused (noAccess)"; diag "$out" ;;
esac
snmpget -v2c -c private -t 1 -r 0 "127.0.0.1:$DIRECT" "$USERS" \
	>"$WORK/private.out" 2>&1
grep -q "Timeout" "$WORK/private.out"
ok $? "default access: no other community is answered (dropped)"
stop_fixture
is "$FIXTURE_STATUS" 0 "the fixture serving both shells stops cleanly"

# IPv6 and TCP, direct only, SNMPv3 users from the configuration file.
UDP6=$(snmp_pick_udp_port 27161) || bail_out "no free UDP port"
TCP=$UDP6
while ss -H -ltn "sport = :$TCP" | grep -q .; do TCP=$((TCP + 1)); done
cat >"$WORK/v3.conf" <<CONF
createUser ultra SHA ultra-auth-pass AES ultra-priv-pass
rouser ultra priv
rocommunity public 127.0.0.1
rocommunity6 public ::1
CONF
"$ULTRACE_SNMP_FIXTURE" --users 20 --contacts-per-user 1 --no-agentx \
	--snmp-listen "udp6:$UDP6,tcp:$TCP" --snmp-config "$WORK/v3.conf" \
	>>"$WORK/fixture.log" 2>&1 &
FIXTURE_PID=$!
wait_agent 10 "tcp:127.0.0.1:$TCP"
is "$(snmpget -v2c -c public -On -t 2 -r 1 "tcp:127.0.0.1:$TCP" "$USERS" 2>&1 |
	sed 's/^[^=]* = //')" "Gauge32: 20" "TCP: a GET answers"
is "$(snmpget -v2c -c public -On -t 2 -r 1 "udp6:[::1]:$UDP6" "$USERS" 2>&1 |
	sed 's/^[^=]* = //')" "Gauge32: 20" "UDP over IPv6 (udp6:PORT, on ::1): a GET answers"
bound=$(ss -H -lun "sport = :$UDP6" | awk '{print $4}')
is "$bound" "[::1]:$UDP6" "udp6:PORT listens on ::1 only"
rows=$(snmpbulkwalk -v3 -l authPriv -u ultra -a SHA -A ultra-auth-pass \
	-x AES -X ultra-priv-pass -On -t 2 -r 1 "tcp:127.0.0.1:$TCP" \
	"$CONTACT_TABLE" 2>&1 | grep -c "^$CONTACT_TABLE")
is "$rows" 100 "SNMPv3 authPriv user of --snmp-config walks the contact table"
out=$(snmpget -v3 -l authPriv -u ultra -a SHA -A wrong-auth-pass \
	-x AES -X ultra-priv-pass -t 2 -r 0 "tcp:127.0.0.1:$TCP" "$USERS" 2>&1)
case "$out" in
*"uthentication failure"*) ok 0 "SNMPv3 with a wrong passphrase: authentication failure" ;;
*) ok 1 "SNMPv3 with a wrong passphrase: authentication failure"; diag "$out" ;;
esac
out=$(snmpset -v3 -l authPriv -u ultra -a SHA -A ultra-auth-pass \
	-x AES -X ultra-priv-pass -t 2 -r 0 "tcp:127.0.0.1:$TCP" \
	"$KAMAILIO_REG_CFG.9.1.4.1" i 4 2>&1)
case "$out" in
*"noAccess"*) ok 0 "a rouser's SET is refused (noAccess)" ;;
*) ok 1 "a rouser's SET is refused (noAccess)"; diag "$out" ;;
esac
stop_fixture
is "$FIXTURE_STATUS" 0 "the direct-only fixture stops cleanly"

# Bad options: usage errors (2) before anything starts, runtime errors (1)
# for what only starting can tell.
"$CONSUMERD" --foreground --trace "$WORK" --snmp-listen "" \
	>"$WORK/bad.out" 2>&1
is $? 2 "consumerd: an empty --snmp-listen is a usage error"
"$CONSUMERD" --foreground --trace "$WORK" --no-agentx \
	>"$WORK/bad.out" 2>&1
is $? 2 "consumerd: --no-agentx without --snmp-listen is a usage error"
"$CONSUMERD" --foreground --trace "$WORK" --snmp-config "$WORK/v3.conf" \
	>"$WORK/bad.out" 2>&1
is $? 2 "consumerd: --snmp-config without --snmp-listen is a usage error"
"$CONSUMERD" --foreground --trace "$WORK" --no-agentx \
	--snmp-listen "udp:127.0.0.1:$DIRECT" \
	--snmp-config "$WORK/no-such.conf" >"$WORK/bad.out" 2>&1
st=$?
[ $st -eq 1 ] && grep -q "no-such.conf: No such file" "$WORK/bad.out"
ok $? "consumerd: an unreadable --snmp-config is an error naming it (status $st)" ||
	sed 's/^/# /' "$WORK/bad.out"
# A port already taken: held by a fixture of ours.
"$ULTRACE_SNMP_FIXTURE" --users 1 --no-agentx \
	--snmp-listen "udp:127.0.0.1:$DIRECT" >>"$WORK/fixture.log" 2>&1 &
FIXTURE_PID=$!
wait_agent 10 "127.0.0.1:$DIRECT"
"$CONSUMERD" --foreground --trace "$WORK" --no-agentx \
	--snmp-listen "udp:127.0.0.1:$DIRECT" >"$WORK/bad.out" 2>&1
st=$?
[ $st -eq 1 ] && grep -q "cannot listen on udp:127.0.0.1:$DIRECT" "$WORK/bad.out"
ok $? "consumerd: a port already taken is an error naming it (status $st)" ||
	sed 's/^/# /' "$WORK/bad.out"
stop_fixture
