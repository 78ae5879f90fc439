#!/bin/sh
# kamailio_register.sh: a real Kamailio registrar with the ultrace module,
# driven by sipp (registrations with 1 and 2 contacts and q values,
# refreshes, de-registrations, a timer expiry). ultrace-replay's state must
# equal Kamailio's own usrloc view (kamcmd ul.dump), contact for contact,
# with the session created before Kamailio starts and, the trap of a
# server that forks without exec, after it is already running; and once
# more with Kamailio dropping root for nobody:nogroup (-u/-g).
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/kamailio_env.sh"
ultrace_isolate "$@"

TEARDOWN_HOOK=stop_kamailio
plan 40
kamailio_require
start_sessiond

# The sipp injection files: 10 single-contact users, 4 with two contacts
# (q 0.7 and 0.3), 5 refreshes, 3 de-registrations (one of two contacts
# of m01) and 3 users registered for 2 s that lapse by usrloc's timer.
write_inputs() {
	write_registration_inputs
	{
		echo SEQUENTIAL
		echo "u06;sip:u06@127.0.0.1:5070;0;3"
		echo "u07;sip:u07@127.0.0.1:5070;0;3"
		echo "m01;sip:m01-b@127.0.0.1:5072;0;2"
	} >"$WORK/dereg.csv"
	{
		echo SEQUENTIAL
		for i in 01 02 03; do
			echo "t$i;sip:t$i@127.0.0.1:5073;2;1"
		done
	} >"$WORK/lapse.csv"
	{
		for i in 01 02 03 04 05 08 09 10; do
			echo "u$i,sip:u$i@127.0.0.1:5070"
		done
		echo "m01,sip:m01-a@127.0.0.1:5071"
		for i in 02 03 04; do
			echo "m$i,sip:m$i-a@127.0.0.1:5071"
			echo "m$i,sip:m$i-b@127.0.0.1:5072"
		done
	} | LC_ALL=C sort >"$WORK/expected.csv"
}

# The traffic, then Kamailio's view once the 2 s registrations lapsed.
drive_traffic() {
	# Call-IDs reg-N@...: the refresh of line N keeps line N's, as a
	# real UA keeps its Call-ID (RFC 3261 10.2.4): only CSeq and expiry
	# change, so ultrace records the compact contact_refresh.
	SIPP_ARGS="-cid_str reg-%u@%s"
	sipp_ok reg_one.xml reg.csv 10 "$1: sipp registered 10 users, one contact each"
	sipp_ok reg_two.xml reg2.csv 4 "$1: sipp registered 4 users with two contacts and q"
	sipp_ok reg_one.xml refresh.csv 5 "$1: sipp refreshed 5 bindings (same Call-ID)"
	SIPP_ARGS=
	sipp_ok reg_one.xml dereg.csv 3 "$1: sipp de-registered 3 contacts (Expires: 0)"
	sipp_ok reg_one.xml lapse.csv 3 "$1: sipp registered 3 users for 2 s"
	_i=0
	sleep 2
	while kamcmd -s "$KAM_CTL" ul.dump | grep -q 'AoR: t0' && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kamailio_contacts >"$WORK/$1.kam.csv"
	kamailio_contacts_full >"$WORK/$1.kam.full"
	cmp -s "$WORK/expected.csv" "$WORK/$1.kam.csv"
	ok $? "$1: Kamailio holds the 15 expected contacts" ||
		diff "$WORK/expected.csv" "$WORK/$1.kam.csv" | sed 's/^/# /'
}

# Kamailio's main process and its children each registered with sessiond.
apps_registered() {
	_n=$(lttng list -u 2>/dev/null | grep -c 'kamailio')
	test "$_n" -ge 2
	ok $? "$1: $_n kamailio processes registered with the session daemon" ||
		lttng list -u | sed 's/^/# /'
}

# Compare the replayed trace with Kamailio's view, and count the events.
check_trace() {
	"$ULTRACE_REPLAY" --format csv "$WORK/$1.trace" >"$WORK/$1.replay.csv" \
		2>"$WORK/$1.replay.err"
	ok $? "$1: ultrace-replay --format csv exits 0" ||
		sed 's/^/# /' "$WORK/$1.replay.err"
	tail -n +2 "$WORK/$1.replay.csv" | cut -d, -f2,3 | LC_ALL=C sort \
		>"$WORK/$1.replay.proj"
	cmp -s "$WORK/$1.kam.csv" "$WORK/$1.replay.proj"
	ok $? "$1: replayed (aor, contact) equals Kamailio's ul.dump" ||
		diff "$WORK/$1.kam.csv" "$WORK/$1.replay.proj" | sed 's/^/# /'
	replay_contacts_full "$WORK/$1.replay.csv" >"$WORK/$1.replay.full"
	cmp -s "$WORK/$1.kam.full" "$WORK/$1.replay.full"
	ok $? "$1: q, call-id, cseq, user agent, socket, ruid, methods, flags, last_modified equal too" ||
		diff "$WORK/$1.kam.full" "$WORK/$1.replay.full" | sed 's/^/# /'
	"$ULTRACE_REPLAY" --stats --format csv "$WORK/$1.trace" >"$WORK/$1.stats.csv"
	_c=
	for kind in insert update refresh delete expire; do
		_c="$_c$(sed -n "s/^events.contact_$kind,//p" "$WORK/$1.stats.csv"),"
	done
	is "$_c" "21,0,5,3,3," \
		"$1: events insert,update,refresh,delete,expire as sent: the 5 refreshes compact, whichever worker took them"
	is "$(grep '^anomalies\.' "$WORK/$1.stats.csv" | awk -F, '{s += $2} END {print s}')" \
		"0" "$1: no anomaly (every compact refresh matched its row)"
	is "$(sed -n 's/^discarded_events,//p' "$WORK/$1.stats.csv")" "0" \
		"$1: the tracer discarded nothing"
}

write_inputs

# Case 1: the session exists before Kamailio starts.
create_session before "$WORK/before.trace" || bail_out "cannot create session"
start_kamailio before
drive_traffic before
apps_registered before
stop_kamailio
stop_session before
check_trace before

# Case 2: Kamailio runs (forked, LTTng loaded) before the session exists.
start_kamailio after
sleep 1
create_session after "$WORK/after.trace" || bail_out "cannot create session"
drive_traffic after
apps_registered after
stop_kamailio
stop_session after
check_trace after

# Case 3: as in production, Kamailio drops root for nobody:nogroup (-u/-g)
# after loading its modules; the session again comes after it started.
KAM_EXTRA_ARGS="-u nobody -g nogroup" start_kamailio dropped
sleep 1
users=$(ps -o user= --ppid "$KAMAILIO_PID" | sort -u | tr '\n' ' ')
is "$users" "nobody " "dropped: Kamailio's children run as nobody"
create_session dropped "$WORK/dropped.trace" || bail_out "cannot create session"
drive_traffic dropped
apps_registered dropped
stop_kamailio
stop_session dropped
check_trace dropped
