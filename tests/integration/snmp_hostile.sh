#!/bin/sh
# snmp_hostile.sh: the fixture agent serving SNMP directly (UDP and TCP,
# communities and an SNMPv3 user) under hostile requests: the error or
# silent drop RFC 3416 / 3414 / 3584 / 3413 ask for, bounded GETBULK and
# GET answers, bursts of malformed, truncated and oversized datagrams
# (ultrace-snmp-hostile) after which it still answers and its memory does
# not grow, a clean exit, and a short burst under valgrind.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
snmp_isolate "$@"

HOSTILE=$ULTRACE_BUILDDIR/tests/fixtures/ultrace-snmp-hostile
CURRENT_USERS=$KAMAILIO_REG_CFG.4.0
CONTACT_URI=$KAMAILIO_REG_CFG.7.1.3
LOOKUP=$KAMAILIO_REG_CFG.9.1
USERS=1000
CONTACTS=3
# The GETBULK cap the configuration sets (net-snmp's default is 100).
BULK_MAX=500
V3_USER=hostro
V3_AUTH=hostile-auth-pass
V3_PRIV=hostile-priv-pass
V3="-v3 -u $V3_USER -l authPriv -a SHA -A $V3_AUTH -x AES -X $V3_PRIV"
BURST=4000
# RSS the second burst may add to the first's (KiB).
RSS_SLACK_KB=512
NO_INSTANCE="No Such Instance currently exists at this OID"

plan 46

command -v ss >/dev/null || bail_out "ss not found (Debian: iproute2)"
tcp_port_free() {
	! ss -H -ltn "sport = :$1" 2>/dev/null | grep -q .
}
# A port free for UDP and TCP alike.
for _try in 1 2 3 4 5 6 7 8 9 10; do
	PORT=$(snmp_pick_udp_port 31000) || bail_out "no free UDP port"
	tcp_port_free "$PORT" && break
	PORT=
done
[ -n "$PORT" ] || bail_out "no port free for both UDP and TCP"
SNMPD_PORT=$PORT
PEER=127.0.0.1:$PORT

cat >"$WORK/hostile.conf" <<EOF
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
createUser $V3_USER SHA "$V3_AUTH" AES "$V3_PRIV"
rouser $V3_USER authPriv
maxGetbulkResponses $BULK_MAX
EOF

# start_direct: the fixture serving $PORT over UDP and TCP itself, under
# valgrind when FIXTURE_VALGRIND=1; answering before this returns.
start_direct() {
	set -- "$ULTRACE_SNMP_FIXTURE" --users $USERS \
		--contacts-per-user $CONTACTS --no-agentx \
		--snmp-listen "udp:127.0.0.1:$PORT,tcp:127.0.0.1:$PORT" \
		--snmp-config "${CONFIG:-$WORK/hostile.conf}"
	if [ "${FIXTURE_VALGRIND:-0}" = 1 ]; then
		set -- valgrind --quiet --leak-check=full \
			--errors-for-leak-kinds=definite --error-exitcode=99 \
			--log-file="$WORK/valgrind.%p.log" "$@"
	fi
	: >"$WORK/fixture.log"
	"$@" >>"$WORK/fixture.log" 2>&1 &
	FIXTURE_PID=$!
	wait_agent 60 || {
		tail -n 20 "$WORK/fixture.log" >&2
		bail_out "the fixture did not answer on $PEER"
	}
}

rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' \
		"/proc/$FIXTURE_PID/status" 2>/dev/null
}

alive() {
	kill -0 "$FIXTURE_PID" 2>/dev/null
}

# hostile_burst SEED COUNT [ARGS...]: its summary as diagnostics; status.
hostile_burst() {
	_seed=$1
	_count=$2
	shift 2
	"$HOSTILE" burst --seed "$_seed" --count "$_count" --tcp \
		--v3 "$V3_USER:$V3_AUTH:$V3_PRIV" --v3 "$V3_USER" "$@" \
		"$PEER" >"$WORK/burst.out" 2>&1
	_rc=$?
	sed 's/^/# /' "$WORK/burst.out"
	return $_rc
}

# in_order: 0 if the OIDs on standard input (one a line, first field)
# strictly increase, compared sub-identifier by sub-identifier.
in_order() {
	awk '
		function less(a, b,   x, y, n, m, i) {
			n = split(substr(a, 2), x, ".")
			m = split(substr(b, 2), y, ".")
			for (i = 1; i <= n && i <= m; i++) {
				if (x[i] + 0 != y[i] + 0) {
					return x[i] + 0 < y[i] + 0
				}
			}
			return n < m
		}
		NR > 1 && !less(prev, $1) { bad = 1 }
		{ prev = $1 }
		END { exit bad }'
}

snmpv3get() {
	# shellcheck disable=SC2086
	snmpget $V3 -On -t 2 -r 1 "$PEER" "$@" 2>&1
}

start_direct
is "$(snmp_value "$CURRENT_USERS")" "Gauge32: $USERS" \
	"the fixture serves $USERS users x $CONTACTS contacts on UDP and TCP"

# --- Communities and users: RFC 3584 and RFC 3414 -----------------------
out=$(snmpget -v2c -c wrong -On -t 1 -r 0 "$PEER" "$CURRENT_USERS" 2>&1)
case $out in
*"Timeout: No Response"*) ok 0 "v2c, unknown community: no answer (RFC 3584 5.2.1: discarded)" ;;
*) ok 1 "v2c, unknown community: no answer (RFC 3584 5.2.1: discarded)"
	diag "got: $out" ;;
esac
out=$(snmpget -v1 -c wrong -On -t 1 -r 0 "$PEER" "$CURRENT_USERS" 2>&1)
case $out in
*"Timeout: No Response"*) ok 0 "v1, unknown community: no answer" ;;
*) ok 1 "v1, unknown community: no answer"; diag "got: $out" ;;
esac
is "$(snmp_value "$CURRENT_USERS")" "Gauge32: $USERS" \
	"... and the agent still serves public"
out=$(snmpget -v3 -u nobody -l authPriv -a SHA -A "$V3_AUTH" -x AES \
	-X "$V3_PRIV" -On -t 2 -r 1 "$PEER" "$CURRENT_USERS" 2>&1)
case $out in
*"Unknown user name"*) ok 0 "v3, unknown user: the usmStatsUnknownUserNames report (RFC 3414 3.2 step 4)" ;;
*) ok 1 "v3, unknown user: the usmStatsUnknownUserNames report (RFC 3414 3.2 step 4)"
	diag "got: $out" ;;
esac
out=$(snmpget -v3 -u "$V3_USER" -l authPriv -a SHA -A wrong-password \
	-x AES -X "$V3_PRIV" -On -t 2 -r 1 "$PEER" "$CURRENT_USERS" 2>&1)
case $out in
*"Authentication failure"*) ok 0 "v3, wrong password: the usmStatsWrongDigests report (RFC 3414 3.2 step 6)" ;;
*) ok 1 "v3, wrong password: the usmStatsWrongDigests report (RFC 3414 3.2 step 6)"
	diag "got: $out" ;;
esac
is "$(snmpv3get "$CURRENT_USERS" | sed 's/^[^=]* = //')" "Gauge32: $USERS" \
	"v3 authPriv (SHA/AES): the user reads the registrar scalars"
# shellcheck disable=SC2086
rows=$(snmpbulkwalk $V3 -On -Cr50 -t 5 -r 1 "$PEER" "$CONTACT_URI" 2>&1 |
	grep -c "^$CONTACT_URI\.[0-9]*\.[0-9]* = STRING: ")
is "$rows" $((USERS * CONTACTS)) \
	"v3 authPriv: a walk of the contact table's URI column gives every contact"
out=$(snmpget -v3 -u "$V3_USER" -l authNoPriv -a SHA -A "$V3_AUTH" -On \
	-t 2 -r 1 "$PEER" "$CURRENT_USERS" 2>&1)
case $out in
*"authorizationError"*) ok 0 "v3 authNoPriv for a user granted authPriv only: authorizationError (RFC 3413 3.2: VACM has no access entry)" ;;
*) ok 1 "v3 authNoPriv for a user granted authPriv only: authorizationError (RFC 3413 3.2: VACM has no access entry)"
	diag "got: $out" ;;
esac

# --- SET through read-only access: RFC 3416 4.2.5 and RFC 3584 4.4 -----
# rocommunity and rouser give no write view: the RowStatus is "not in the
# appropriate MIB view", RFC 3416 4.2.5 case (1), noAccess at the first
# varbind; an SNMPv1 manager sees noSuchName (RFC 3584 4.4).
set_error() {
	echo "$1" |
		sed -n 's/^Reason: (\{0,1\}\([A-Za-z]*\).*/\1/p' | head -n 1
}
out=$(snmpset -v2c -c public -On -t 2 -r 1 "$PEER" \
	"$LOOKUP.2.5" s user000003@example.com "$LOOKUP.4.5" i 4 2>&1)
is "$(set_error "$out")" noAccess \
	"v2c SET of the lookup RowStatus with the read-only community: noAccess"
out=$(snmpset -v1 -c public -On -t 2 -r 1 "$PEER" "$LOOKUP.4.5" i 4 2>&1)
is "$(set_error "$out")" noSuchName \
	"v1 SET with the read-only community: noSuchName (noAccess mapped, RFC 3584 4.4)"
# shellcheck disable=SC2086
out=$(snmpset $V3 -On -t 2 -r 1 "$PEER" \
	"$LOOKUP.2.5" s user000003@example.com "$LOOKUP.4.5" i 4 2>&1)
is "$(set_error "$out")" noAccess "v3 SET by the read-only user: noAccess"
is "$(snmp_value "$LOOKUP.4.5")" "$NO_INSTANCE" "no refused SET made a row"
is "$(snmp_set_error "$LOOKUP.2.5" s user000003@example.com \
	"$LOOKUP.4.5" i 4)" noError \
	"SET with the read-write community: URI + RowStatus createAndGo"
is "$(snmp_value "$LOOKUP.3.5")" "Gauge32: 3" \
	"... and the row gives the user's index"

# --- GETBULK and GET of many varbinds: RFC 3416 4.2.3 and 4.2.1 ---------
"$HOSTILE" bulk "$PEER" 0 65535 "$KAMAILIO_REG_CFG.7" >"$WORK/bulk.out"
is "$(head -n 1 "$WORK/bulk.out")" "status noError 0" \
	"GETBULK max-repetitions 65535: answered, noError"
tail -n +2 "$WORK/bulk.out" >"$WORK/bulk.vbs"
is "$(wc -l <"$WORK/bulk.vbs" | tr -d ' ')" $BULK_MAX \
	"... with maxGetbulkResponses ($BULK_MAX) varbinds, not 65535"
bad=$(grep -v -c "^$KAMAILIO_REG_CFG\.7\.1\.[0-9.]* 0x[0-7][0-9a-f]$" \
	"$WORK/bulk.vbs")
is "$bad" 0 "... every one a contact table value (no exception)"
in_order <"$WORK/bulk.vbs"
ok $? "... in strictly increasing OID order"
out=$("$HOSTILE" bulk "$PEER" 5 65535 "$CONTACT_URI" \
	"$KAMAILIO_REG_CFG.6.1.2" | tr '\n' ' ')
is "$out" "status noError 0 $CONTACT_URI.1.1 0x04 $KAMAILIO_REG_CFG.6.1.2.1 0x04 " \
	"GETBULK non-repeaters 5 > 2 varbinds: one GETNEXT each, no repetition (RFC 3416 4.2.3)"
# GETs of many contact URIs: 500 fit a datagram, 2500 do not.
uris() {
	awk -v base="$CONTACT_URI" -v n="$1" -v k=$CONTACTS 'BEGIN {
		for (i = 0; i < n; i++) {
			print base "." int(i / k) + 1 "." i % k + 1
		}
	}'
}
uris 500 | "$HOSTILE" get "$PEER" - >"$WORK/get.out"
is "$(head -n 1 "$WORK/get.out")" "status noError 0" "a GET of 500 varbinds: noError"
is "$(tail -n +2 "$WORK/get.out" | cut -d' ' -f1)" "$(uris 500)" \
	"... each varbind the one asked, in order"
is "$(tail -n +2 "$WORK/get.out" | grep -c ' 0x04$')" 500 \
	"... each an OCTET STRING"
is "$(uris 2500 | "$HOSTILE" get "$PEER" - | head -n 1)" "status tooBig 0" \
	"a GET of 2500 varbinds, too big for a datagram: tooBig (RFC 3416 4.2.1), not silence"
is "$(snmp_value "$CURRENT_USERS")" "Gauge32: $USERS" \
	"the agent still serves after the big requests"

# --- Silent drops: RFC 3412 7.2 and RFC 3416 ----------------------------
"$HOSTILE" silent --v3 "$V3_USER:$V3_AUTH:$V3_PRIV" --v3 "$V3_USER" \
	"$PEER" >"$WORK/silent.out" 2>&1
ok $? "the silent-drop classes were sent, a probe answered after each" ||
	sed 's/^/# /' "$WORK/silent.out"
for class in truncated claims-more reply wrong-community bad-version; do
	set -- $(grep "^$class " "$WORK/silent.out")
	ok $([ "${2:-x}" = 0 ] && [ "${3:-0}" -gt 0 ]; echo $?) \
		"$class: ${3:-0} datagrams, none answered"
done

# --- Bursts: the agent keeps serving and its memory stays bounded -------
hostile_burst 1 $BURST
ok $? "burst 1: $BURST hostile datagrams and TCP streams, every probe answered"
alive
ok $? "... the agent is alive"
is "$(snmp_value "$CURRENT_USERS")" "Gauge32: $USERS" "... and answers a GET"
rss1=$(rss_kb)
hostile_burst 2 $BURST
ok $? "burst 2: $BURST more, every probe answered"
alive
ok $? "... the agent is alive"
is "$(snmp_value "$CURRENT_USERS")" "Gauge32: $USERS" "... and answers a GET"
rss2=$(rss_kb)
diag "VmRSS after burst 1: ${rss1:-?} kB, after burst 2: ${rss2:-?} kB"
ok $([ -n "$rss1" ] && [ -n "$rss2" ] &&
	[ "$rss2" -le $((rss1 + RSS_SLACK_KB)) ]; echo $?) \
	"RSS after burst 2 within $RSS_SLACK_KB KiB of RSS after burst 1"
lost=$(grep -c "Failure in sendto" "$WORK/fixture.log")
is "$lost" 0 "no response was lost to its size (net-snmp's sendto failure)"
stop_fixture
is "$FIXTURE_STATUS" 0 "the fixture exits 0 on SIGTERM"

# --- A GETBULK cap beyond one datagram: RFC 3416 4.2.3 ----------------
# maxGetbulkResponses 3000 of DisplayNames (~130 KB): the answer is cut to
# what fits a datagram, never lost (net-snmp alone lost it in sendto).
sed 's/^maxGetbulkResponses .*/maxGetbulkResponses 3000/' \
	"$WORK/hostile.conf" >"$WORK/bulk.conf"
CONFIG=$WORK/bulk.conf
start_direct
CONFIG=
"$HOSTILE" bulk "$PEER" 0 65535 "$KAMAILIO_REG_CFG.7.1.2" >"$WORK/bulk.out"
tail -n +2 "$WORK/bulk.out" >"$WORK/bulk.vbs"
n=$(wc -l <"$WORK/bulk.vbs" | tr -d ' ')
diag "GETBULK with maxGetbulkResponses 3000: $n varbinds"
ok $([ "$(head -n 1 "$WORK/bulk.out")" = "status noError 0" ] &&
	[ "$n" -gt 1000 ] && [ "$n" -lt 3000 ]; echo $?) \
	"GETBULK too big for a datagram: answered, cut to fit (1000 < $n < 3000)"
in_order <"$WORK/bulk.vbs" &&
	! grep -v -q "^$KAMAILIO_REG_CFG\.7\.1\.2\.[0-9]*\.[0-9]* 0x04$" \
		"$WORK/bulk.vbs"
ok $? "... every one a DisplayName, in strictly increasing order"
stop_fixture

# --- The same requests under valgrind (a short burst) -------------------
FIXTURE_VALGRIND=1
start_direct
hostile_burst 3 300 --skip-truncated --timeout-ms 30000 --probe-every 25
ok $? "under valgrind: 300 hostile datagrams and the TCP streams, every probe answered"
is "$(snmp_value "$CURRENT_USERS")" "Gauge32: $USERS" \
	"under valgrind: the agent answers a GET afterwards"
"$HOSTILE" silent --timeout-ms 30000 "$PEER" >"$WORK/silent.out" 2>&1
ok $? "under valgrind: the silent-drop classes" ||
	sed 's/^/# /' "$WORK/silent.out"
stop_fixture
if [ "$FIXTURE_STATUS" = 99 ]; then
	cat "$WORK"/valgrind.*.log | sed 's/^/# /'
fi
is "$FIXTURE_STATUS" 0 \
	"under valgrind: exit 0 on SIGTERM, no memory error, no definite leak"
