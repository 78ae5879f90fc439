#!/bin/sh
# kamailio_stock_snmpd.sh: README's Kamailio walkthrough against snmpd run
# with Debian's stock /etc/snmp/snmpd.conf (copied; only its agentaddress,
# its includeDir and an agentXSocket line changed to this test's private
# ones) plus the shipped drop-in doc/examples/snmpd.conf.d/ultrace.conf.
# Kamailio with the ultrace module, a live session, ultrace-consumerd, 500
# sipp registrations: without the drop-in `snmpbulkwalk -v2c -c public`
# sees none of the contact table nor the health scalars; with it, the 500
# contacts and the health scalars. A control community of the test's own
# (full view, in a second included file) shows the consumer is registered
# in both cases, so the view is what differs. Kamailio's own view at 500
# contacts comes from `kamctl ul show` (jsonrpcs FIFO, RPC_FIFO in
# doc/examples/kamailio.cfg): `kamcmd ul.dump` answers "reply too big".
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/kamailio_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_view.sh"
ultrace_isolate "$@"

STOCK=/etc/snmp/snmpd.conf
DROPIN="$ULTRACE_SRCDIR/doc/examples/snmpd.conf.d/ultrace.conf"
HEALTH=.1.3.6.1.4.1.8072.9999.9999.7637
CONTROL=ultrace-control
USERS=500
stop_all() {
	stop_consumerd
	stop_kamailio
	stop_snmpd
}
TEARDOWN_HOOK=stop_all
plan 13
kamailio_require
for t in snmpd snmpbulkwalk kamctl dpkg-query; do
	command -v "$t" >/dev/null || bail_out "$t not found (tools/setup-deps)"
done
[ -f "$STOCK" ] || bail_out "$STOCK missing: install the Debian package snmpd"

# snmp_view.sh reads through snmp_walk, as `public`: here the community
# is a parameter.
COMMUNITY=public
snmp_walk() {
	_oid=$1
	shift
	snmpbulkwalk -v2c -c "$COMMUNITY" -On -Ox -t 5 -r 1 "$@" \
		"$(snmp_peer)" "$_oid" 2>"$WORK/walk.err"
	echo $? >"$WORK/walk.status"
}
# pairs COMMUNITY: "aor,contact" of every contact served to it, sorted.
pairs() {
	COMMUNITY=$1
	snmp_contacts_csv | cut -f1,2 | tr '\t' ',' | LC_ALL=C sort
	COMMUNITY=public
}
# registered: the consumer answers the control community.
registered() {
	snmpget -v2c -c "$CONTROL" -On -t 0.5 -r 0 "$(snmp_peer)" \
		"$CURRENT_USERS" 2>/dev/null | grep -q Gauge32
}
# wait_pairs COMMUNITY FILE: up to 30 s for the pairs to equal FILE.
wait_pairs() {
	_i=0
	while [ $_i -lt 150 ]; do
		pairs "$1" >"$WORK/pairs" 2>/dev/null
		cmp -s "$2" "$WORK/pairs" && return 0
		sleep 0.2
		_i=$((_i + 1))
	done
	return 1
}

# The stock file, unchanged by the machine's administrator.
want=$(dpkg-query -W -f='${Conffiles}\n' snmpd |
	awk -v f="$STOCK" '$1 == f { print $2 }')
is "$(md5sum <"$STOCK" | cut -d' ' -f1)" "${want:-no dpkg record}" \
	"$STOCK is Debian's stock file (dpkg's conffile checksum)"

# Its copy: our port, our drop-in directory, our AgentX socket.
SNMPD_PORT=$(snmp_pick_udp_port 17161) || bail_out "no free UDP port"
AGENTX_SOCKET="$WORK/agentx.sock"
mkdir -p "$WORK/snmpd.conf.d"
sed -e "s|^agentaddress .*|agentaddress udp:127.0.0.1:$SNMPD_PORT|" \
	-e "s|^includeDir /etc/snmp/snmpd.conf.d\$|includeDir $WORK/snmpd.conf.d|" \
	-e "s|^master *agentx\$|&\\
agentXSocket $AGENTX_SOCKET|" "$STOCK" >"$WORK/snmpd.conf"
changed=$(diff "$STOCK" "$WORK/snmpd.conf" | grep -c '^[<>]')
is "$changed" 5 "the copy differs only by agentaddress, includeDir and agentXSocket" ||
	diff "$STOCK" "$WORK/snmpd.conf" | sed 's/^/# /'
echo "rocommunity $CONTROL 127.0.0.1" >"$WORK/snmpd.conf.d/control.conf"

# start_stock_snmpd: snmpd on that copy (and what its directory holds).
start_stock_snmpd() {
	snmp_launch_snmpd SNMPD_PID snmpd "$(snmp_peer)" "$AGENTX_SOCKET" ||
		bail_out "snmpd did not start on the stock configuration"
}

# README's walkthrough: relayd, live session, Kamailio, consumer.
start_sessiond
start_relayd
start_stock_snmpd
create_live_session kam 100000 || bail_out "cannot create the live session"
KAM_EXTRA_ARGS="-A RPC_FIFO=\"$WORK/kamailio_rpc.fifo\""
start_kamailio kam
start_consumerd "$WORK/consumerd.log" --live "$(live_url kam)"
_i=0
until registered || [ $_i -gt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
registered || bail_out "ultrace-consumerd did not register with snmpd"

{
	echo SEQUENTIAL
	i=1
	while [ $i -le $USERS ]; do
		echo "k$i;sip:k$i@127.0.0.1:5070;3600;1"
		i=$((i + 1))
	done
} >"$WORK/reg.csv"
i=1
while [ $i -le $USERS ]; do
	echo "k$i,sip:k$i@127.0.0.1:5070"
	i=$((i + 1))
done | LC_ALL=C sort >"$WORK/expected.csv"
sipp_ok reg_one.xml reg.csv $USERS "sipp registered $USERS users, one contact each"

# Kamailio's own view, as README gives it.
RPCFIFOPATH="$WORK/kamailio_rpc.fifo" kamctl ul show >"$WORK/ul.json" 2>&1
awk -F'"' '$2 == "AoR" { aor = $4 } $2 == "Address" { print aor "," $4 }' \
	"$WORK/ul.json" | LC_ALL=C sort >"$WORK/kam.csv"
cmp -s "$WORK/expected.csv" "$WORK/kam.csv"
ok $? "kamctl ul show (jsonrpcs FIFO) lists Kamailio's $USERS contacts" ||
	head -n 5 "$WORK/ul.json" | sed 's/^/# /'

# Without the drop-in: the consumer serves, `public` is not let in.
wait_pairs "$CONTROL" "$WORK/expected.csv"
ok $? "without the drop-in: the control community sees the $USERS contacts" ||
	diff "$WORK/expected.csv" "$WORK/pairs" | head -n 5 | sed 's/^/# /'
snmpbulkwalk -v2c -c public -On -t 5 -r 1 "$(snmp_peer)" "$CONTACT_TABLE" \
	>"$WORK/public0.walk" 2>&1
grep -q 'No more variables left in this MIB View' "$WORK/public0.walk" &&
	! grep -q "^$CONTACT_TABLE\\.1\\." "$WORK/public0.walk"
ok $? "without the drop-in: public's walk of the contact table: no row, \"No more variables left in this MIB View\"" ||
	head -n 3 "$WORK/public0.walk" | sed 's/^/# /'
snmpget -v2c -c public -On -t 2 -r 1 "$(snmp_peer)" "$HEALTH.10.0" \
	>"$WORK/public0.health" 2>&1
grep -q 'No Such Object' "$WORK/public0.health"
ok $? "without the drop-in: the health scalars are outside public's view" ||
	sed 's/^/# /' "$WORK/public0.health"

# With it: the same snmpd configuration plus the drop-in, restarted.
cp "$DROPIN" "$WORK/snmpd.conf.d/ultrace.conf" || bail_out "no $DROPIN"
stop_snmpd
start_stock_snmpd
_i=0
until registered || [ $_i -gt 150 ]; do
	sleep 0.2
	_i=$((_i + 1))
done
registered
ok $? "ultrace-consumerd registered again with the restarted snmpd"
wait_pairs public "$WORK/expected.csv"
ok $? "with the drop-in: snmpbulkwalk -v2c -c public shows the $USERS contacts" ||
	diff "$WORK/expected.csv" "$WORK/pairs" | head -n 5 | sed 's/^/# /'
cmp -s "$WORK/kam.csv" "$WORK/pairs"
ok $? "with the drop-in: they equal Kamailio's own view (kamctl ul show)"
is "$(snmp_get "$CURRENT_USERS")" "$USERS" \
	"with the drop-in: kamailioSIPRegCurrentUsers reads $USERS"
case $(snmp_get "$HEALTH.10.0") in
1 | 2) ok 0 "with the drop-in: public reads the health state (1 or 2)" ;;
*) ok 1 "with the drop-in: public reads the health state (1 or 2)" ;;
esac
snmpbulkwalk -v2c -c public -On -t 5 -r 1 "$(snmp_peer)" "$HEALTH" \
	>"$WORK/public1.health" 2>&1
n=$(grep -c "^$HEALTH\\." "$WORK/public1.health")
[ "$n" -ge 5 ] && ! grep -q 'No more variables\|No Such' "$WORK/public1.health"
ok $? "with the drop-in: public walks the health base ($n scalars)" ||
	head -n 5 "$WORK/public1.health" | sed 's/^/# /'
