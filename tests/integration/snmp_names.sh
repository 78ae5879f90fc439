#!/bin/sh
# snmp_names.sh: net-snmp's commands name what ultrace-consumerd serves,
# through the build tree's snmp.conf drop-in included from ~/.snmp/snmp.conf
# as an operator includes the installed one (doc/snmp.md, "Names"): the
# MIB modules parse without an error, even all of them at once; snmptable
# and snmpwalk by name show every column of kamailioSIPRegUserTable and
# kamailioSIPContactTable and every health scalar with its name, dates
# as dates (DateAndTime's hint), enumerations by label; the values equal
# loadgen's truth and the numeric walk.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_view.sh"
ultrace_isolate "$@"

DROPIN="$ULTRACE_BUILDDIR/snmp/ultrace-snmp-uninstalled.conf"
MIBDIR="$ULTRACE_SRCDIR/snmp/mibs"
KAMAILIO_MIB=/usr/share/snmp/mibs/KAMAILIO-SIP-SERVER-MIB
HEALTH_BASE=.1.3.6.1.4.1.8072.9999.9999.7637
USERS=40
# YYYY-M-D,h:m:s.d,+0:0, as DateAndTime's DISPLAY-HINT prints 11 octets.
DATE_RE='[0-9]{4}-[0-9]{1,2}-[0-9]{1,2},[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}\.[0-9],\+0:0'

plan 19

[ -r "$KAMAILIO_MIB" ] ||
	bail_out "$KAMAILIO_MIB missing: install kamailio-snmpstats-modules (tools/setup-deps)"
[ -r "$DROPIN" ] || bail_out "$DROPIN missing: run make first"

# The operator's way, per user: ~/.snmp/snmp.conf includes the drop-in
# (after /etc/snmp/snmp.conf, whose `mibs :` it appends to). Nothing set
# in the environment that would load MIBs another way.
unset MIBS MIBDIRS SNMPCONFPATH SNMP_PERSISTENT_FILE
HOME="$WORK/home"
export HOME
mkdir -p "$HOME/.snmp"
echo "includeFile $DROPIN" >"$HOME/.snmp/snmp.conf"

# --- the modules parse ---------------------------------------------------
out=$(snmptranslate -On KAMAILIO-SIP-SERVER-MIB::kamailioSIPContactTable \
	2>"$WORK/translate.err")
is "$out" .1.3.6.1.4.1.34352.3.1.2.1.5.7 \
	"snmptranslate -On KAMAILIO-SIP-SERVER-MIB::kamailioSIPContactTable"
out=$(snmptranslate -IR -On ultraceState ultraceLagLast 2>>"$WORK/translate.err" |
	grep . | tr '\n' ' ')
is "$out" "$HEALTH_BASE.10 $HEALTH_BASE.22 " \
	"unqualified health names resolve under the default base"
# Errors are on by default; -Pw adds warnings. net-snmp notes each MACRO
# it skips: that is no problem. Kamailio's own files have warnings of
# their own at -PW (mis-cased SEQUENCE names): none may come from ours.
snmptranslate -Pw -Tp ULTRACE-HEALTH-MIB::ultraceHealthMIB >"$WORK/tree.txt" \
	2>>"$WORK/translate.err"
snmptranslate -Pw -Tp KAMAILIO-SIP-SERVER-MIB::kamailioSIPRegCfg \
	>>"$WORK/tree.txt" 2>>"$WORK/translate.err"
grep -v 'MACRO (lines [0-9]*\.\.[0-9]* parsed and ignored)\.$' \
	"$WORK/translate.err" >"$WORK/translate.bad"
is "$(cat "$WORK/translate.bad")" "" \
	"no parse error or warning (-Pw) for KAMAILIO-SIP-SERVER-MIB and ULTRACE-HEALTH-MIB"
snmptranslate -PW -Tp ULTRACE-HEALTH-MIB::ultraceHealthMIB >/dev/null \
	2>"$WORK/translate-W.err"
# Except the note net-snmp makes at -PW of every conceptual row's
# SEQUENCE type (ultraceHostEntry's, as for any table).
grep -F "$MIBDIR" "$WORK/translate-W.err" |
	grep -v 'No known translation for type (UltraceHostEntry)' \
	>"$WORK/translate-W.bad"
is "$(cat "$WORK/translate-W.bad")" "" \
	"no detailed warning (-PW) names a file of snmp/mibs"
# MIBS=ALL over a directory holding ours, Kamailio's five and the
# NET-SNMP-MIB ours imports, and nothing else (/usr/share/snmp/mibs has
# net-snmp's own modules, which import IETF modules no stand-in covers).
mkdir "$WORK/allmibs"
cp /usr/share/snmp/mibs/KAMAILIO-* /usr/share/snmp/mibs/NET-SNMP-MIB.txt \
	"$WORK/allmibs/"
MIBDIRS="$MIBDIR:$WORK/allmibs" MIBS=ALL snmptranslate -On \
	KAMAILIO-SIP-COMMON-MIB::kamailioSIPPortTable \
	KAMAILIO-MIB::kamailioSrvCnfFullVersion INET-ADDRESS-MIB::inetAddressMIB \
	>"$WORK/all.out" 2>"$WORK/all.err"
is "$(cat "$WORK/all.err")$(grep -c . "$WORK/all.out")" 3 \
	"MIBS=ALL: every KAMAILIO module and every stand-in load without an error" ||
	head -5 "$WORK/all.err" | sed 's/^/# /'

# --- a recorded trace, served directly --------------------------------
start_sessiond
create_session names "$WORK/trace" || bail_out "cannot create the session"
"$ULTRACE_LOADGEN" --users $USERS --max-contacts 3 --events 400 --seed 5 \
	--expires-min 3000 --expires-max 3600 --expire-ratio 0 \
	--mix insert=10,refresh=5,update=5 --truth "$WORK/truth.csv" -q \
	2>"$WORK/loadgen.log" || bail_out "loadgen failed"
stop_session names
contacts=$(($(wc -l <"$WORK/truth.csv") - 1))

SNMP_SHELL=direct
SNMPD_PORT=17300
while [ $SNMPD_PORT -le 17399 ] && ! port_free udp $SNMPD_PORT; do
	SNMPD_PORT=$((SNMPD_PORT + 1))
done
[ $SNMPD_PORT -le 17399 ] || bail_out "no free UDP port in 17300-17399"
start_consumerd "$WORK/consumerd.log" --trace "$WORK/trace" \
	--stats-interval 0
TEARDOWN_HOOK=stop_consumerd
wait_agent 30 || bail_out "ultrace-consumerd did not answer on $SNMPD_PORT"
_i=0
until grep -q "read to its end" "$WORK/consumerd.log" || [ $_i -gt 150 ]; do
	sleep 0.2
	_i=$((_i + 1))
done
PEER="127.0.0.1:$SNMPD_PORT"

# --- snmptable by name -------------------------------------------------
# -Cf: a separator no value holds; -Ci: the index in the first column.
SEP=$(printf '\t')
snmptable -v2c -c public -Cf "$SEP" -Ci "$PEER" kamailioSIPRegUserTable \
	>"$WORK/users.table" 2>"$WORK/table.err"
is "$(sed -n 3p "$WORK/users.table")" \
	"index${SEP}kamailioSIPUserUri${SEP}kamailioSIPUserAuthenticationFailures" \
	"snmptable kamailioSIPRegUserTable: a column per object, by name" ||
	sed 's/^/# /' "$WORK/table.err"
tail -n +4 "$WORK/users.table" | cut -f2 | LC_ALL=C sort >"$WORK/users.got"
tail -n +2 "$WORK/truth.csv" | cut -d, -f2 | LC_ALL=C sort -u >"$WORK/users.want"
cmp -s "$WORK/users.got" "$WORK/users.want"
ok $? "...its rows are loadgen's $(wc -l <"$WORK/users.want") users" ||
	diff "$WORK/users.want" "$WORK/users.got" | head -5 | sed 's/^/# /'

snmptable -v2c -c public -Cf "$SEP" -Ci "$PEER" kamailioSIPContactTable \
	>"$WORK/contacts.table" 2>"$WORK/table.err"
is "$(sed -n 3p "$WORK/contacts.table")" \
	"index${SEP}kamailioSIPContactDisplayName${SEP}kamailioSIPContactURI${SEP}kamailioSIPContactLastUpdated${SEP}kamailioSIPContactExpiry${SEP}kamailioSIPContactPreference" \
	"snmptable kamailioSIPContactTable: a column per object, by name" ||
	sed 's/^/# /' "$WORK/table.err"
# The truth's rows in the table's form: display name, URI, both times as
# DateAndTime's hint prints them, q as the MIB's decimal.
truth_as_snmp "$WORK/truth.csv" | awk -F '\t' '
	# Unix seconds as DateAndTime (UTC) shows them: 2026-12-2,10:20:30.0,+0:0
	function hint(t,   z, era, doe, yoe, y, doy, mp, d, m, s) {
		s = t % 86400
		z = (t - s) / 86400 + 719468
		era = int(z / 146097)
		doe = z - era * 146097
		yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
		y = yoe + era * 400
		doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
		mp = int((5 * doy + 2) / 153)
		d = doy - int((153 * mp + 2) / 5) + 1
		m = mp < 10 ? mp + 3 : mp - 9
		return sprintf("%d-%d-%d,%d:%d:%d.0,+0:0", y + (m <= 2), m, d,
			int(s / 3600), int(s % 3600 / 60), s % 60)
	}
	{ printf "%s\t%s\t%s\t%s\t%s\n", $3, $2, hint($4), hint($5), $6 }' |
	LC_ALL=C sort >"$WORK/contacts.want"
tail -n +4 "$WORK/contacts.table" | cut -f2- | LC_ALL=C sort \
	>"$WORK/contacts.got"
cmp -s "$WORK/contacts.got" "$WORK/contacts.want"
ok $? "...its $contacts rows equal loadgen's truth, dates as dates (e.g. $(cut -f3 "$WORK/contacts.got" | head -n 1))" ||
	diff "$WORK/contacts.want" "$WORK/contacts.got" | head -5 | sed 's/^/# /'
bad=$(tail -n +4 "$WORK/contacts.table" | cut -f4,5 | tr '\t' '\n' |
	grep -Evc "^$DATE_RE\$")
is "$bad" 0 "...no DateAndTime cell is shown other than as a date"

# --- snmpwalk by name ----------------------------------------------------
# Every column of both tables, named, each the same varbinds as a
# numeric walk.
for table in kamailioSIPRegUserTable kamailioSIPContactTable; do
	snmpwalk -v2c -c public "$PEER" "$table"
done >"$WORK/walk.names" 2>"$WORK/walk.err"
sed 's/ = .*//; s/\.[0-9.]*$//' "$WORK/walk.names" | uniq >"$WORK/walk.columns"
is "$(tr '\n' ' ' <"$WORK/walk.columns")" \
	"KAMAILIO-SIP-SERVER-MIB::kamailioSIPUserUri KAMAILIO-SIP-SERVER-MIB::kamailioSIPUserAuthenticationFailures KAMAILIO-SIP-SERVER-MIB::kamailioSIPContactDisplayName KAMAILIO-SIP-SERVER-MIB::kamailioSIPContactURI KAMAILIO-SIP-SERVER-MIB::kamailioSIPContactLastUpdated KAMAILIO-SIP-SERVER-MIB::kamailioSIPContactExpiry KAMAILIO-SIP-SERVER-MIB::kamailioSIPContactPreference " \
	"snmpwalk of both tables by name: every column, named" ||
	sed 's/^/# /' "$WORK/walk.err"
for table in "$KAMAILIO_REG_CFG.6" "$KAMAILIO_REG_CFG.7"; do
	snmpwalk -v2c -c public -On "$PEER" "$table"
done >"$WORK/walk.numbers" 2>>"$WORK/walk.err"
is "$(wc -l <"$WORK/walk.names" | tr -d ' ')" \
	"$(wc -l <"$WORK/walk.numbers" | tr -d ' ')" \
	"...as many varbinds as the numeric walk ($(wc -l <"$WORK/walk.numbers" | tr -d ' '))"
grep -Ec "kamailioSIPContactExpiry\.[0-9.]+ = STRING: $DATE_RE\$" \
	"$WORK/walk.names" >"$WORK/expiry.count"
is "$(cat "$WORK/expiry.count")" "$contacts" \
	"...kamailioSIPContactExpiry walked as dates (STRING: YYYY-M-D,h:m:s.d,+0:0)"

# The health group: each of the MIB's objects, named, with its type and
# its enumeration labels.
snmpwalk -v2c -c public "$PEER" ultraceHealthMIB >"$WORK/health.names" \
	2>"$WORK/health.err"
sed 's/ = .*//' "$WORK/health.names" >"$WORK/health.got"
awk '/^-- The hosts of a cluster/ { exit }
	/^ultrace[A-Za-z0-9]* OBJECT-TYPE/ { print "ULTRACE-HEALTH-MIB::" $1 ".0" }' \
	"$MIBDIR/ULTRACE-HEALTH-MIB.txt" >"$WORK/health.want"
cmp -s "$WORK/health.got" "$WORK/health.want"
ok $? "snmpwalk ultraceHealthMIB: every object of ULTRACE-HEALTH-MIB, named ($(wc -l <"$WORK/health.want") scalars)" ||
	{ diff "$WORK/health.want" "$WORK/health.got" | head -5; cat "$WORK/health.err"; } | sed 's/^/# /'
health() {
	sed -n "s/^ULTRACE-HEALTH-MIB::$1\.0 = //p" "$WORK/health.names"
}
{
	health ultraceState | grep -Eqx 'INTEGER: (consistent\(1\)|suspect\(2\))' &&
	health ultraceSourceState | grep -qx 'INTEGER: done(4)' &&
	health ultraceLastEventTime | grep -Eqx "STRING: $DATE_RE" &&
	health ultraceEventsApplied | grep -Eqx 'Counter64: [1-9][0-9]*' &&
	health ultraceContacts | grep -qx "Gauge32: $contacts" &&
	health ultraceLagP99 | grep -Eqx 'Gauge32: [0-9]+ milliseconds'
}
ok $? "...enumerations by label, dates as dates, counters and gauges typed" ||
	sed 's/^/# /' "$WORK/health.names"
# -Oqv prints an enumeration's label alone.
snmpget -v2c -c public -Oqv "$PEER" ultraceState.0 ultraceSourceState.0 \
	>"$WORK/health.get" 2>&1
state=$(health ultraceState | sed 's/^INTEGER: \([a-z]*\)(.*/\1/')
is "$(tr '\n' ' ' <"$WORK/health.get")" "$state done " \
	"snmpget by name: ultraceState.0 ultraceSourceState.0 by label" ||
	sed 's/^/# /' "$WORK/health.get"

# The lookup table by name, as doc/snmp.md shows it: a RowStatus set by
# its label and read back as one; the index found is the user's.
aor=$(head -n 1 "$WORK/users.want")
snmpset -v2c -c private "$PEER" kamailioSIPRegUserLookupURI.7 s "$aor" \
	kamailioSIPRegUserLookupRowStatus.7 i createAndGo \
	>"$WORK/lookup.set" 2>&1
snmpget -v2c -c public "$PEER" kamailioSIPRegUserLookupRowStatus.7 \
	kamailioSIPRegUserIndex.7 >"$WORK/lookup.get" 2>&1
is "$(sed -n 1p "$WORK/lookup.get")" \
	"KAMAILIO-SIP-SERVER-MIB::kamailioSIPRegUserLookupRowStatus.7 = INTEGER: active(1)" \
	"snmpset ...LookupRowStatus.7 i createAndGo by name: the row reads active(1)" ||
	sed 's/^/# /' "$WORK/lookup.set" "$WORK/lookup.get"
index=$(sed -n 's/^KAMAILIO-SIP-SERVER-MIB::kamailioSIPRegUserIndex\.7 = Gauge32: //p' \
	"$WORK/lookup.get")
is "$(snmpget -v2c -c public -Oqv "$PEER" "kamailioSIPUserUri.${index:-0}" 2>&1)" \
	"$aor" "...its kamailioSIPRegUserIndex ($index) is the row of $aor"

stop_consumerd
is "$CONSUMERD_STATUS" 0 "ultrace-consumerd stops cleanly"
