#!/bin/sh
# kamailio_snmpstats.sh: the same sipp registrations against Kamailio
# twice: (a) with the ultrace module, a live session and ultrace-consumerd
# behind snmpd; (b) with Kamailio's snmpstats (export_registrar 1) behind
# the same snmpd. The user and contact tables both serve must match row
# for row once the differences doc/snmp.md lists are applied, and nothing
# else may differ. Every registrar scalar (configuration, users, accepted
# and rejected REGISTERs) must equal snmpstats' and the registrar's own
# statistics (kamcmd stats.get_statistics registrar:).
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/kamailio_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_view.sh"
ultrace_isolate "$@"

LIVE_US=100000
stop_all() {
	stop_kamailio
	stop_consumerd
	stop_snmpd
}
TEARDOWN_HOOK=stop_all
plan 19
kamailio_require
ls /usr/lib/*/kamailio/modules/snmpstats.so >/dev/null 2>&1 ||
	bail_out "snmpstats.so not found: install kamailio-snmpstats-modules"

# snmpstats' subagent connects to net-snmp's default AgentX socket and has
# no parameter for another one: as root we own a private /var/agentx (our
# mount namespace), and both agents use /var/agentx/master.
[ "$(id -u)" -eq 0 ] || bail_out "needs root (a private /var/agentx)"
mkdir -p /var/agentx
mount -t tmpfs tmpfs /var/agentx || bail_out "cannot mount a private /var/agentx"
AGENTX_SOCKET=/var/agentx/master

# The scenario: 10 users with one contact and no q, 4 users with two
# contacts (q 0.7 and 0.3), 5 refreshes (Expires 120), one
# de-registration (u06): 20 REGISTERs accepted; then 3 REGISTERs the
# registrar rejects ("Contact: *" with Expires 60: 400), changing nothing.
# Both registrars grant at most 86400 s (max_expires).
KAM_EXTRA_ARGS="-A REG_MAX_EXPIRES=86400"
write_registration_inputs
{
	echo SEQUENTIAL
	echo "u06;sip:u06@127.0.0.1:5070;0;3"
} >"$WORK/dereg.csv"
{
	echo SEQUENTIAL
	for i in 07 08 09; do
		echo "u$i;60;5"
	done
} >"$WORK/reject.csv"
# Expected rows: AOR, URI, Expiry - LastUpdated (s), preference.
{
	for i in 01 02 03 04 05; do
		printf 'u%s\tsip:u%s@127.0.0.1:5070\t120\t\n' $i $i
	done
	for i in 07 08 09 10; do
		printf 'u%s\tsip:u%s@127.0.0.1:5070\t60\t\n' $i $i
	done
	for i in 01 02 03 04; do
		printf 'm%s\tsip:m%s-a@127.0.0.1:5071\t60\t0.7\n' $i $i
		printf 'm%s\tsip:m%s-b@127.0.0.1:5072\t60\t0.3\n' $i $i
	done
} | LC_ALL=C sort >"$WORK/expected.rows"

# drive NAME: the traffic; START and END bound the registrations' times.
drive() {
	START=$(date +%s)
	for s in "reg_one.xml reg.csv 10" "reg_two.xml reg2.csv 4" \
			"reg_one.xml refresh.csv 5" "reg_one.xml dereg.csv 1" \
			"reg_reject.xml reject.csv 3"; do
		set -- $s
		run_sipp "$1" "$WORK/$2" "$3" || {
			tail -5 "$WORK/sipp.out" | sed 's/^/# /'
			return 1
		}
	done
	END=$(date +%s)
	echo "$START $END" >"$WORK/$NAME.window"
}

# The registrar scalars: kamailioSIPRegMaxContactExpiryDuration,
# MaxUsers, CurrentUsers, DfltRegActiveInterval, Accepted- and
# RejectedRegistrations.
REG_SCALARS="C.2.0 C.3.0 C.4.0 C.5.0 S.1.0 S.2.0"

# scalars: "OBJECT = TYPE: VALUE" for each of them, in one GET.
scalars() {
	set --
	for o in $REG_SCALARS; do
		case $o in
		C.*) set -- "$@" "$KAMAILIO_REG_CFG.${o#C.}" ;;
		S.*) set -- "$@" "$KAMAILIO_REG_STATS.${o#S.}" ;;
		esac
	done
	snmpget -v2c -c public -On -t 5 -r 1 "$(snmp_peer)" "$@" 2>&1 |
		sed -e "s/^$(echo "$KAMAILIO_REG_CFG" | sed 's/\./\\./g')\./C./" \
			-e "s/^$(echo "$KAMAILIO_REG_STATS" | sed 's/\./\\./g')\./S./"
}

# kam_stats NAME: the registrar's own statistics, "name value", sorted.
kam_stats() {
	kamcmd -s "$KAM_CTL" stats.get_statistics registrar: |
		sed -n 's/^registrar:\([a-z_]*\) = \([0-9]*\)$/\1 \2/p' |
		LC_ALL=C sort >"$WORK/$1.kamstats"
}

# kam_stat NAME STAT: one of them.
kam_stat() {
	sed -n "s/^$2 //p" "$WORK/$1.kamstats"
}

# walk NAME: both tables as snmp_view.sh rows, the registrar subtrees'
# column OIDs, and the registrar scalars.
walk() {
	snmp_contacts_csv >"$WORK/$1.snmp" || return 1
	cp "$WORK/.walk" "$WORK/$1.walk"
	for t in "$KAMAILIO_REG_CFG" "$KAMAILIO_REG_STATS"; do
		snmpbulkwalk -v2c -c public -On -Oq -t 5 -r 1 "$(snmp_peer)" "$t"
	done 2>/dev/null | awk '{ print $1 }' |
		sed -e "s/^$(echo "$KAMAILIO_REG_CFG" | sed 's/\./\\./g')/C/" \
			-e "s/^$(echo "$KAMAILIO_REG_STATS" | sed 's/\./\\./g')/S/" |
		awk -F. '{ n = (NF == 3 && $3 == 0) ? 3 : 4; o = $1
			for (i = 2; i <= n && i <= NF; i++) o = o "." $i
			print o }' | LC_ALL=C sort -u >"$WORK/$1.objects"
	snmp_get "$CURRENT_USERS" >"$WORK/$1.users"
	scalars >"$WORK/$1.scalars"
}

# --- (a) ultrace ---------------------------------------------------------
start_sessiond
start_relayd
start_snmpd
create_live_session ua $LIVE_US || bail_out "cannot create the live session"
start_consumerd "$WORK/consumerd.log" --live "$(live_url ua)" \
	--stats-interval 0
wait_agent 10 || bail_out "ultrace-consumerd did not register with snmpd"
start_kamailio ua
NAME=ua drive
ok $? "ultrace: sipp sent the registrations, 20 answered 200 and 3 400"
kam_stats ua
# The module records the registrar's counters every second
# (registrar_interval): wait for the last ones to reach the consumer.
_i=0
until { [ "$(snmp_get "$KAMAILIO_REG_STATS.2.0")" = "$(kam_stat ua rejected_regs)" ] &&
		[ "$(snmp_get "$KAMAILIO_REG_STATS.1.0")" = "$(kam_stat ua accepted_regs)" ]; } ||
		[ $_i -gt 50 ]; do
	sleep 0.2
	_i=$((_i + 1))
done
sleep $((LIVE_US / 1000000 + 2))
walk ua
ok $? "ultrace: both tables walked"
stop_kamailio
stop_consumerd
lttng destroy ua >/dev/null

# --- (b) snmpstats ---------------------------------------------------------
stop_snmpd
start_snmpd
sed -e 's/^loadmodule ULTRACE_MODULE$/loadmodule "snmpstats.so"\
modparam("snmpstats", "export_registrar", 1)/' \
	-e '/^modparam("ultrace"/d' "$ULTRACE_KAM_CFG" >"$WORK/snmpstats.cfg"
ULTRACE_KAM_CFG="$WORK/snmpstats.cfg"
start_kamailio sb
wait_agent 20 || bail_out "snmpstats did not register with snmpd"
NAME=sb drive
ok $? "snmpstats: the same registrations, 20 answered 200 and 3 400"
kam_stats sb
walk sb
ok $? "snmpstats: both tables walked"

# --- comparison ------------------------------------------------------------
# Local time offset (s) of this machine: snmpstats' DateAndTime is 8
# octets of local time, which snmp_view.sh decoded as if UTC.
z=$(date +%z)
TZ_OFF=$(( (${z%??} * 3600) + $(echo "$z" | cut -c1)$(echo "$z" | cut -c4-5) * 60 ))
diag "snmpstats' local time offset: $z ($TZ_OFF s)"

# norm NAME OFFSET: AOR, URI, Expiry - LastUpdated, preference (MIB form),
# plus a last column "in" if LastUpdated lies within the run's window.
# snmpstats' preference " 7.00" is q*10, "-0.01" an unset q.
norm() {
	read -r s e <"$WORK/$1.window"
	awk -F'\t' -v off="$2" -v s="$s" -v e="$e" -v OFS='\t' '{
		p = $6
		if (p ~ /^ *-?[0-9]+\.[0-9][0-9]$/) {
			p = p + 0
			p = (p < 0) ? "" : sprintf("%g", p / 10)
		}
		lu = $4 - off
		print $1, $2, $5 - $4, p, (lu >= s && lu <= e) ? "in" : "out"
	}' "$WORK/$1.snmp" | LC_ALL=C sort
}
norm ua 0 >"$WORK/ua.rows"
norm sb "$TZ_OFF" >"$WORK/sb.rows"
awk -F'\t' -v OFS='\t' '{ print $0, "in" }' "$WORK/expected.rows" >"$WORK/expected.in"

cmp -s "$WORK/expected.in" "$WORK/ua.rows"
ok $? "ultrace: 17 contacts, their expiry, q and update time as registered" ||
	diff "$WORK/expected.in" "$WORK/ua.rows" | sed 's/^/# /'

# snmpstats serves a placeholder user "DefaultUser" (index 1) with one
# contact "DefaultUser", DateAndTime all zero octets, preference "-0.01"
# (doc/snmp.md); ultrace has no such row.
is "$(sed -n 's/^C [^ ]*\.7\.1\.[2-6]\.1\.1 //p' "$WORK/sb.walk" | tr '\n' '|')" \
	"$(printf '%s|' '"44 65 66 61 75 6C 74 55 73 65 72 "' \
		'"44 65 66 61 75 6C 74 55 73 65 72 "' \
		'"00 00 00 00 00 00 00 00 "' '"00 00 00 00 00 00 00 00 "' \
		'"2D 30 2E 30 31 "')" \
	"snmpstats: placeholder contact 1.1 DefaultUser, zero dates, \"-0.01\""
# snmpstats keeps the de-registered contact (doc/snmp.md); its values come
# from a freed usrloc contact, so only AOR and URI are compared.
grep -v -e '^u06	' -e '^DefaultUser	' "$WORK/sb.rows" >"$WORK/sb.kept"
cmp -s "$WORK/expected.in" "$WORK/sb.kept"
ok $? "snmpstats: the same 17 contacts, expiry, q and update time (TZ applied)" ||
	diff "$WORK/expected.in" "$WORK/sb.kept" | sed 's/^/# /'
is "$(grep '^u06	' "$WORK/sb.rows" | cut -f1,2)" "u06	sip:u06@127.0.0.1:5070" \
	"snmpstats keeps the de-registered contact of u06 as its only extra row"

cmp -s "$WORK/ua.rows" "$WORK/sb.kept"
ok $? "ultrace and snmpstats rows equal column for column, matched by AOR and URI" ||
	diff "$WORK/ua.rows" "$WORK/sb.kept" | sed 's/^/# /'

# DisplayName: snmpstats puts the contact URI there; Kamailio's usrloc
# keeps no display name, so the module traces none.
awk -F'\t' '$3 != $2 { bad++ } END { exit bad > 0 }' "$WORK/sb.snmp"
ok $? "snmpstats: DisplayName holds the contact URI in every row"
awk -F'\t' '$3 != "" { bad++ } END { exit bad > 0 }' "$WORK/ua.snmp"
ok $? "ultrace: DisplayName as traced (empty: usrloc keeps none)"

# Raw values of the documented forms.
is "$(grep '^m01	sip:m01-a' "$WORK/sb.snmp" | cut -f6)" " 7.00" \
	"snmpstats: q=0.7 reads \" 7.00\""
is "$(grep '^m01	sip:m01-a' "$WORK/ua.snmp" | cut -f6)" "0.7" \
	"ultrace: q=0.7 reads \"0.7\""
is "$(grep '^u01	' "$WORK/sb.snmp" | cut -f6)/$(grep '^u01	' "$WORK/ua.snmp" | cut -f6)" \
	"-0.01/" "no q: snmpstats \"-0.01\", ultrace empty"

# Users: snmpstats reads usrloc's count, so neither the placeholder nor
# u06 it keeps in its table counts.
is "$(cat "$WORK/ua.users")/$(cat "$WORK/sb.users")" "13/13" \
	"kamailioSIPRegCurrentUsers: 13 in both (snmpstats' table has 15 rows)"

# The registrar's own statistics: the same traffic, the same figures.
for n in ua sb; do
	printf '%s %s %s %s\n' "$(kam_stat $n accepted_regs)" \
		"$(kam_stat $n rejected_regs)" "$(kam_stat $n max_expires)" \
		"$(kam_stat $n default_expire)"
done >"$WORK/kamstats"
is "$(tr '\n' '|' <"$WORK/kamstats")" "20 3 86400 3600|20 3 86400 3600|" \
	"registrar statistics of both runs: accepted_regs 20, rejected_regs 3, max_expires 86400, default_expire 3600"

# Every registrar scalar, value and type, equal in both agents.
diag "ultrace: $(tr '\n' ' ' <"$WORK/ua.scalars")"
cmp -s "$WORK/ua.scalars" "$WORK/sb.scalars"
ok $? "every registrar scalar served by ultrace equals snmpstats' ($REG_SCALARS)" ||
	diff "$WORK/sb.scalars" "$WORK/ua.scalars" | sed 's/^/# /'
# ...and the registrar's own statistics, with the MIB's meaning: REGISTER
# requests (ultrace's contact events were 18 inserts, 5 updates, 1
# delete), and no limit on users.
read -r acc rej maxe dflt <"$WORK/kamstats"
printf '%s\n' "C.2.0 = Gauge32: $maxe" "C.3.0 = Gauge32: 4294967295" \
	"C.4.0 = Gauge32: 13" "C.5.0 = Gauge32: $dflt" \
	"S.1.0 = Counter32: $acc" "S.2.0 = Counter32: $rej" >"$WORK/kam.scalars"
cmp -s "$WORK/kam.scalars" "$WORK/ua.scalars"
ok $? "every registrar scalar served by ultrace equals the registrar's statistics (max_expires, default_expire, accepted_regs, rejected_regs; no user limit)" ||
	diff "$WORK/kam.scalars" "$WORK/ua.scalars" | sed 's/^/# /'

# The registrar subtrees hold the same objects in both agents.
comm -23 "$WORK/sb.objects" "$WORK/ua.objects" | tr '\n' ' ' >"$WORK/only-sb"
comm -13 "$WORK/sb.objects" "$WORK/ua.objects" | tr '\n' ' ' >"$WORK/only-ua"
is "$(cat "$WORK/only-sb")|$(cat "$WORK/only-ua")" "|" \
	"snmpstats and ultrace serve the same registrar objects" ||
	diag "only snmpstats: $(cat "$WORK/only-sb"); only ultrace: $(cat "$WORK/only-ua")"
