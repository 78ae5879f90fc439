#!/bin/sh
# snmp_walk_churn.sh: full contact-table walks (GETBULK -Cr50 and -Cr200)
# while the registry changes at 20 000 contacts per second: no OID twice,
# none out of order, and every row returned existed at some instant of its
# walk (its lifetime, from the fixture's churn log, overlaps the walk).
# SNMP_SHELL=direct runs it against the direct shell, else through snmpd.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
snmp_isolate "$@"

USERS=2000
RATE=20000
CONTACT_TABLE=$KAMAILIO_REG_CFG.7

plan 13
start_snmpd
start_fixture --users $USERS --contacts-per-user 1 --churn-rate $RATE \
	--churn-log "$WORK/churn.log"

# walk_during_churn NAME ARGS...: one timed walk into $WORK/NAME.walk,
# its realtime bounds into $WORK/NAME.bounds.
walk_during_churn() {
	_name=$1
	shift
	_t0=$(date +%s%N)
	snmpbulkwalk -v2c -c public -On -Oq -t 10 -r 1 "$@" "$(snmp_peer)" \
		"$CONTACT_TABLE" >"$WORK/$_name.raw" 2>"$WORK/$_name.err"
	_status=$?
	_t1=$(date +%s%N)
	snmp_join <"$WORK/$_name.raw" >"$WORK/$_name.walk"
	echo "$_t0 $_t1" >"$WORK/$_name.bounds"
	return $_status
}

walk_during_churn r50 -Cr50
ok $? "a -Cr50 walk during churn exits 0" || sed 's/^/# /' "$WORK/r50.err"
walk_during_churn r200 -Cr200
ok $? "a -Cr200 walk during churn exits 0" || sed 's/^/# /' "$WORK/r200.err"
stop_fixture
is "$FIXTURE_STATUS" 0 "the churning fixture stops cleanly"

# check_walk NAME: "rows=R churn=C bad=B" for the walk; each bad varbind
# (out of order, twice, a row that did not exist during the walk, a URI
# that is not the row's) gets a diagnostic line.
check_walk() {
	read -r _t0 _t1 <"$WORK/$1.bounds"
	LC_ALL=C awk -v t0="$_t0" -v t1="$_t1" -v users=$USERS \
		-v prefix="$CONTACT_TABLE.1." '
	FILENAME == ARGV[1] {
		key = $3 "." $4
		if ($2 == "I") { born[key] = $1; uri[key] = $5 }
		else { died[key] = $1 }
		next
	}
	{
		oid = $1
		if (index(oid, prefix) != 1) {
			print "# not in the table: " oid; bad++; next
		}
		split(substr(oid, length(prefix) + 1), p, ".")
		col = p[1] + 0; u = p[2] + 0; c = p[3] + 0; key = u "." c
		if (n > 0 && !(col > pc || (col == pc && (u > pu ||
				(u == pu && c > pcc))))) {
			print "# not after the previous OID: " oid; bad++
		}
		if (seen[oid]++) {
			print "# returned twice: " oid; bad++
		}
		pc = col; pu = u; pcc = c; n++
		if (col == 2) rows++
		if (key in born) {
			if (col == 2) churn++
			if (born[key] > t1 || (key in died && died[key] < t0)) {
				print "# " oid ": lived " born[key] ".." \
					(key in died ? died[key] : "end") \
					", outside the walk " t0 ".." t1
				bad++
			}
			if (col == 3 && $2 != "\"" uri[key] "\"" &&
					$2 != uri[key]) {
				print "# " oid " = " $2 ", logged " uri[key]
				bad++
			}
		} else if (u > users || c != 1 ||
				(col == 3 && $2 ~ /churn/)) {
			print "# " oid " = " $2 ": neither fixed nor logged"
			bad++
		}
	}
	END { printf "rows=%d churn=%d bad=%d\n", rows, churn, bad }
	' "$WORK/churn.log" "$WORK/$1.walk"
}

# The churn really ran during the walks, at about the asked rate.
read -r w0 w1 <"$WORK/r50.bounds"
during=$(awk -v t0="$w0" -v t1="$w1" '$1 >= t0 && $1 <= t1' \
	"$WORK/churn.log" | wc -l)
[ "$during" -gt 0 ]
ok $? "contacts changed during the -Cr50 walk ($during changes)"
read -r w0 w1 <"$WORK/r200.bounds"
during=$(awk -v t0="$w0" -v t1="$w1" '$1 >= t0 && $1 <= t1' \
	"$WORK/churn.log" | wc -l)
[ "$during" -gt 0 ]
ok $? "contacts changed during the -Cr200 walk ($during changes)"
first=$(head -n 1 "$WORK/churn.log" | cut -d' ' -f1)
last=$(tail -n 1 "$WORK/churn.log" | cut -d' ' -f1)
lines=$(wc -l <"$WORK/churn.log")
diag "churn: $lines changes in $(((last - first) / 1000000)) ms (asked: $RATE/s)"

for w in r50 r200; do
	result=$(check_walk $w)
	echo "$result" | grep '^#' | head -n 10
	summary=$(echo "$result" | tail -n 1)
	rows=$(echo "$summary" | sed 's/.*rows=\([0-9]*\).*/\1/')
	churn=$(echo "$summary" | sed 's/.*churn=\([0-9]*\).*/\1/')
	bad=$(echo "$summary" | sed 's/.*bad=\([0-9]*\).*/\1/')
	is "$bad" 0 "$w: every varbind in order, once, of a row alive during the walk"
	[ "$rows" -ge $USERS ]
	ok $? "$w: the walk holds at least the $USERS fixed rows ($rows rows)"
	[ "$churn" -gt 0 ]
	ok $? "$w: the walk holds rows the churn made ($churn)"
	cols=$(sed "s/^$CONTACT_TABLE\.1\.\([0-9]*\)\..*/\1/" \
		"$WORK/$w.walk" | sort -u | tr '\n' ' ')
	is "$cols" "2 3 4 5 6 " "$w: all five columns walked"
done
