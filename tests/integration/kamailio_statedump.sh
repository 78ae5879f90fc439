#!/bin/sh
# kamailio_statedump.sh: a consumer that attaches after the registrations
# learns the whole usrloc table from `kamcmd ultrace.statedump`: Kamailio
# with the ultrace module, sipp registrations, THEN a live session and
# ultrace-consumerd (SNMP tables empty), the statedump, and the SNMP
# contact table equals Kamailio's ul.dump contact for contact. A contact
# de-registered while the session is stopped (the consumer never sees the
# delete) is removed by the next dump; the relay's copy replays as two
# complete dumps. The registrar's configuration, recorded at start, also
# reaches the late consumer with the dump; its counters come every second.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/kamailio_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_view.sh"
ultrace_isolate "$@"

stop_all() {
	stop_consumerd
	stop_kamailio
	stop_snmpd
}
TEARDOWN_HOOK=stop_all
plan 16
kamailio_require
start_sessiond
start_relayd
start_snmpd

write_registration_inputs 600
{
	echo SEQUENTIAL
	echo "u05;sip:u05@127.0.0.1:5070;0;2"
} >"$WORK/dereg.csv"

# snmp_pairs: "aor,contact" of every contact served over SNMP, sorted.
snmp_pairs() {
	snmp_contacts_csv | cut -f1,2 | tr '\t' ',' | LC_ALL=C sort
}

# wait_snmp_equals FILE: up to 10 s for the SNMP pairs to equal FILE.
wait_snmp_equals() {
	_i=0
	while [ $_i -lt 50 ]; do
		snmp_pairs >"$WORK/snmp.pairs" 2>/dev/null
		cmp -s "$1" "$WORK/snmp.pairs" && return 0
		sleep 0.2
		_i=$((_i + 1))
	done
	return 1
}

# The registrations, before any session or consumer exists.
start_kamailio dump
sipp_ok reg_one.xml reg.csv 10 "sipp registered 10 users, one contact each"
sipp_ok reg_two.xml reg2.csv 4 "sipp registered 4 users with two contacts"
kamailio_contacts >"$WORK/kam1.csv"
is "$(wc -l <"$WORK/kam1.csv")" "18" "Kamailio holds 18 contacts"

# Late attach: the live session and the consumer start now, after the
# module's first registrar tick (1 s) recorded the configuration unseen.
sleep 2
create_live_session live 100000 || bail_out "cannot create the live session"
start_consumerd "$WORK/consumerd.log" --live "$(live_url live)" \
	--stats-interval 1
wait_agent 10 || bail_out "ultrace-consumerd did not register with snmpd"
sleep 1
snmp_pairs >"$WORK/snmp0.pairs" 2>/dev/null
is "$(wc -l <"$WORK/snmp0.pairs")" "0" \
	"the late consumer serves none of the earlier registrations"
is "$(snmp_get "$CURRENT_USERS")" "0" "kamailioSIPRegCurrentUsers is 0 before the dump"
_i=0
until [ -n "$(snmp_get "$KAMAILIO_REG_STATS.1.0")" ] || [ $_i -gt 25 ]; do
	sleep 0.2
	_i=$((_i + 1))
done
is "$(snmp_get "$KAMAILIO_REG_STATS.1.0")/$(snmp_get "$KAMAILIO_REG_CFG.5.0")" "14/" \
	"before the dump: the registrar's counters (14 REGISTERs accepted, every second), not yet its configuration"

kamcmd -s "$KAM_CTL" ultrace.statedump >"$WORK/dump1.out" 2>&1
ok $? "kamcmd ultrace.statedump succeeds" || sed 's/^/# /' "$WORK/dump1.out"
is "$(awk '$1 == "contacts:" { print $2 }' "$WORK/dump1.out")" "18" \
	"the RPC reports 18 contacts dumped"
id1=$(awk '$1 == "id:" { print $2 }' "$WORK/dump1.out")
wait_snmp_equals "$WORK/kam1.csv"
ok $? "after the statedump, SNMP (aor, contact) equals Kamailio's ul.dump" ||
	diff "$WORK/kam1.csv" "$WORK/snmp.pairs" | sed 's/^/# /'
is "$(snmp_get "$CURRENT_USERS")" "14" "kamailioSIPRegCurrentUsers counts 14 users"
is "$(snmp_get "$KAMAILIO_REG_CFG.5.0")" "3600" \
	"the dump brought the registrar's configuration: kamailioSIPRegDfltRegActiveInterval 3600"

# u05 leaves while nothing is recorded: only the next dump can tell.
lttng stop live >/dev/null
sipp_ok reg_one.xml dereg.csv 1 "sipp de-registered u05 while tracing was stopped"
lttng start live >/dev/null
kamailio_contacts >"$WORK/kam2.csv"
is "$(wc -l <"$WORK/kam2.csv")" "17" "Kamailio holds 17 contacts"
kamcmd -s "$KAM_CTL" ultrace.statedump >"$WORK/dump2.out" 2>&1
id2=$(awk '$1 == "id:" { print $2 }' "$WORK/dump2.out")
test -n "$id1" && test -n "$id2" && test "$id2" -gt "$id1"
ok $? "dump ids increase ($id1, $id2)"
wait_snmp_equals "$WORK/kam2.csv"
ok $? "the second dump removed u05 from the SNMP tables" ||
	diff "$WORK/kam2.csv" "$WORK/snmp.pairs" | sed 's/^/# /'

# The relay's copy: both dumps complete, one contact removed, no loss.
sleep 1
stop_all
stop_session live
"$ULTRACE_REPLAY" --stats --format csv "$WORK/relayd" >"$WORK/stats.csv" \
	2>"$WORK/replay.err"
_s=
for k in events.statedump_contact dumps_complete dump_removed discarded_events; do
	_s="$_s$(sed -n "s/^$k,//p" "$WORK/stats.csv"),"
done
is "$_s" "35,2,1,0," \
	"replayed relay copy: 35 dumped contacts, 2 complete dumps, 1 removed, none discarded" ||
	sed 's/^/# /' "$WORK/stats.csv" "$WORK/replay.err"
