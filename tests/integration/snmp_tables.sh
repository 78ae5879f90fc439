#!/bin/sh
# snmp_tables.sh: the fixture agent behind a private snmpd serves its
# registry as kamailioSIPRegUserTable and kamailioSIPContactTable: a bulk
# walk equals the fixture's dump row for row, column for column (DateAndTime
# decoded, Preference as the MIB's decimal, long values cut at 255 octets);
# GET/GETNEXT edge cases; the scalars; a walk during churn stays ordered.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
snmp_isolate "$@"

USERS=300
CONTACTS=3
NO_OBJECT="No Such Object available on this agent at this OID"
NO_INSTANCE="No Such Instance currently exists at this OID"
USER_ENTRY=$KAMAILIO_REG_CFG.6.1
CONTACT_ENTRY=$KAMAILIO_REG_CFG.7.1

plan 35
start_snmpd
start_fixture --users $USERS --contacts-per-user $CONTACTS \
	--dump "$WORK/dump.csv" --registrar 0,0,3600,20,3

# compare_walk TABLE: the walked rows of TABLE (users or contacts) against
# the dump; prints "rows=N bad=M" and a diagnostic per bad cell (five).
compare_walk() {
	LC_ALL=C awk -v table="$1" -v user_prefix="$USER_ENTRY." \
		-v contact_prefix="$CONTACT_ENTRY." '
	function days_from_civil(y, m, d,    era, yoe, doy, doe) {
		y -= (m <= 2)
		era = int((y >= 0 ? y : y - 399) / 400)
		yoe = y - era * 400
		doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
		doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
		return era * 146097 + doe - 719468
	}
	# An SnmpAdminString cut: 255 octets, never inside a UTF-8 character.
	function cut(s,    n) {
		if (length(s) <= 255)
			return s
		n = 256
		while (n > 253 && ord[substr(s, n, 1)] >= 128 &&
				ord[substr(s, n, 1)] < 192)
			n--
		return substr(s, 1, n - 1)
	}
	function preference(q,    s) {
		if (q < 0)
			return ""
		if (q % 1000 == 0)
			return sprintf("%d", q / 1000)
		s = sprintf("%03d", q % 1000)
		sub(/0+$/, "", s)
		return sprintf("%d.%s", int(q / 1000), s)
	}
	# "Hex-STRING: 41 42" or "\"\"" to the raw octets.
	function octets(v,    n, i, parts, s) {
		if (v == "\"\"")
			return ""
		if (v !~ /^Hex-STRING: /)
			return "<" v ">"
		sub(/^Hex-STRING: /, "", v)
		n = split(v, parts, " ")
		s = ""
		for (i = 1; i <= n; i++)
			s = s chr[toupper(parts[i])]
		return s
	}
	function date_and_time(v,    n, i, parts, b, t) {
		sub(/^Hex-STRING: /, "", v)
		n = split(v, parts, " ")
		if (n != 11)
			return "bad length " n
		for (i = 1; i <= n; i++)
			b[i] = hex[toupper(parts[i])]
		if (b[9] != 43 || b[10] != 0 || b[11] != 0 || b[8] != 0)
			return "not UTC: " v
		t = days_from_civil(b[1] * 256 + b[2], b[3], b[4]) * 86400
		return t + b[5] * 3600 + b[6] * 60 + b[7]
	}
	function check(key, col, got, want) {
		cells++
		if (got == want)
			return
		bad++
		if (bad <= 5)
			printf("# %s column %d: got \"%s\", want \"%s\"\n",
				key, col, got, want)
	}
	BEGIN {
		for (i = 1; i < 256; i++) {
			h = sprintf("%02X", i)
			chr[h] = sprintf("%c", i)
			ord[sprintf("%c", i)] = i
			hex[h] = i
		}
		hex["00"] = 0
	}
	NR == FNR {
		if (FNR == 1)
			next
		split($0, f, ",")
		if (table == "users") {
			want[f[1], 2] = cut(f[3])
			want[f[1], 3] = "Counter32: 0"
			rows[f[1]] = 1
		} else {
			key = f[1] "." f[2]
			want[key, 2] = cut(f[5])
			want[key, 3] = cut(f[4])
			want[key, 4] = f[6]
			want[key, 5] = f[7]
			want[key, 6] = preference(f[8])
			rows[key] = 1
		}
		next
	}
	{
		eq = index($0, " = ")
		name = substr($0, 1, eq - 1)
		value = substr($0, eq + 3)
		prefix = table == "users" ? user_prefix : contact_prefix
		if (index(name, prefix) != 1) {
			printf("# unexpected OID %s\n", name)
			bad++
			next
		}
		rest = substr(name, length(prefix) + 1)
		col = substr(rest, 1, index(rest, ".") - 1) + 0
		key = substr(rest, index(rest, ".") + 1)
		if (!(key in rows)) {
			printf("# %s: a row the fixture does not hold\n", name)
			bad++
			next
		}
		seen[key, col] = 1
		if (col == 4 || col == 5)
			check(key, col, date_and_time(value), want[key, col])
		else if (table == "users" && col == 3)
			check(key, col, value, want[key, col])
		else
			check(key, col, octets(value), want[key, col])
	}
	END {
		first = table == "users" ? 2 : 2
		last = table == "users" ? 3 : 6
		n = 0
		for (key in rows) {
			n++
			for (col = first; col <= last; col++) {
				if (!((key, col) in seen)) {
					bad++
					if (bad <= 5)
						printf("# %s column %d missing\n",
							key, col)
				}
			}
		}
		printf("rows=%d bad=%d\n", n, bad + 0)
	}' "$WORK/dump.csv" "$2"
}

# strictly_increasing FILE: "ok" if the OIDs of FILE only ever increase.
strictly_increasing() {
	awk '{
		name = substr($0, 1, index($0, " = ") - 1)
		n = split(substr(name, 2), cur, ".")
		if (NR > 1) {
			order = 0
			for (i = 1; i <= n && i <= pn && order == 0; i++) {
				if (cur[i] + 0 != prev[i] + 0)
					order = cur[i] + 0 > prev[i] + 0 ? 1 : -1
			}
			if (order == 0)
				order = n > pn ? 1 : -1
			if (order < 0) {
				printf("line %d: %s after %s\n", NR, name, pname)
				exit 1
			}
		}
		pn = n
		pname = name
		for (i = 1; i <= n; i++)
			prev[i] = cur[i]
	} END { print "ok" }' "$1"
}

rows_in_dump=$(($(wc -l <"$WORK/dump.csv") - 1))
is "$rows_in_dump" $((USERS * CONTACTS)) "the fixture holds $USERS x $CONTACTS contacts"

# --- kamailioSIPRegUserTable -------------------------------------------
snmp_walk "$KAMAILIO_REG_CFG.6" -Cr50 | snmp_join >"$WORK/users.txt"
is "$(cat "$WORK/walk.status")" 0 "bulk walk of the user table exits 0" ||
	sed 's/^/# /' "$WORK/walk.err"
is "$(wc -l <"$WORK/users.txt" | tr -d ' ')" $((USERS * 2)) \
	"the user table has 2 columns x $USERS rows"
compare_walk users "$WORK/users.txt" >"$WORK/users.cmp"
grep '^#' "$WORK/users.cmp"
is "$(tail -n 1 "$WORK/users.cmp")" "rows=$USERS bad=0" \
	"every user row equals the dump (URI = AOR, auth failures 0)"

# --- kamailioSIPContactTable -------------------------------------------
snmp_walk "$KAMAILIO_REG_CFG.7" -Cr50 | snmp_join >"$WORK/contacts.txt"
is "$(cat "$WORK/walk.status")" 0 "bulk walk of the contact table exits 0" ||
	sed 's/^/# /' "$WORK/walk.err"
is "$(wc -l <"$WORK/contacts.txt" | tr -d ' ')" $((USERS * CONTACTS * 5)) \
	"the contact table has 5 columns x $((USERS * CONTACTS)) rows"
compare_walk contacts "$WORK/contacts.txt" >"$WORK/contacts.cmp"
grep '^#' "$WORK/contacts.cmp"
is "$(tail -n 1 "$WORK/contacts.cmp")" "rows=$((USERS * CONTACTS)) bad=0" \
	"every contact row equals the dump, every column"
is "$(strictly_increasing "$WORK/contacts.txt")" ok \
	"the contact walk is in strictly increasing OID order"

# The values the fixture plants to exercise conversions, one by one.
is "$(snmp_value "$CONTACT_ENTRY.3.1.1" | sed 's/^STRING: "\(.*\)"$/\1/' |
	wc -c | tr -d ' ')" 256 \
	"the 300-octet contact URI is served as its first 255 octets"
is "$(snmpget -v2c -c public -On -Ox "$(snmp_peer)" "$CONTACT_ENTRY.2.4.1" |
	snmp_join | awk '{ print NF - 3 }')" 254 \
	"a 260-octet display name is cut to 254 octets, not inside a character"
# "Zoë Ñandú — 東京" in UTF-8.
is "$(snmpget -v2c -c public -On -Ox "$(snmp_peer)" "$CONTACT_ENTRY.2.3.1" |
	snmp_join | awk '{ $1 = $2 = $3 = ""; print substr($0, 4) }')" \
	"5A 6F C3 AB 20 C3 91 61 6E 64 C3 BA 20 E2 80 94 20 E6 9D B1 E4 BA AC" \
	"a non-ASCII display name is served as its UTF-8 octets"
is "$(snmp_value "$CONTACT_ENTRY.5.2.2")" \
	"Hex-STRING: 07 B2 01 01 00 00 00 00 2B 00 00 " \
	"a permanent contact (expires 0) expires at the epoch, in UTC"
is "$(snmp_value "$CONTACT_ENTRY.6.1.1")" 'STRING: "0.9"' \
	"q = 900 is served as \"0.9\""
is "$(snmp_value "$CONTACT_ENTRY.6.1.2")" 'STRING: "0.75"' \
	"q = 750 is served as \"0.75\""
is "$(snmp_value "$CONTACT_ENTRY.6.7.1")" '""' \
	"an unset q is served as an empty string"

# --- GET and GETNEXT at the edges -------------------------------------
is "$(snmp_value "$CONTACT_ENTRY.3.$((USERS + 1)).1")" "$NO_INSTANCE" \
	"GET of a missing contact row: noSuchInstance"
is "$(snmp_value "$USER_ENTRY.2.0")" "$NO_INSTANCE" \
	"GET of user index 0: noSuchInstance"
is "$(snmp_value "$CONTACT_ENTRY.9.1.1")" "$NO_OBJECT" \
	"GET of a column the table lacks: noSuchObject"
is "$(snmp_value "$CONTACT_ENTRY.1.1.1")" "$NO_OBJECT" \
	"GET of the not-accessible index column: noSuchObject"

# getnext OID: the OID that follows.
getnext() {
	snmpgetnext -v2c -c public -On -t 2 -r 1 "$(snmp_peer)" "$1" 2>&1 |
		cut -d' ' -f1
}
is "$(getnext "$CONTACT_ENTRY.6.$USERS.$CONTACTS")" \
	"$KAMAILIO_REG_CFG.8.0" \
	"GETNEXT from the last contact instance leaves the table"
is "$(getnext "$KAMAILIO_REG_CFG.7")" "$CONTACT_ENTRY.2.1.1" \
	"GETNEXT from the table OID: the first instance"
is "$(getnext "$CONTACT_ENTRY.1.7.2")" "$CONTACT_ENTRY.2.1.1" \
	"GETNEXT from the index column: the first instance"
is "$(getnext "$CONTACT_ENTRY.3.7")" "$CONTACT_ENTRY.3.7.1" \
	"GETNEXT from a partial index: its first completion"
is "$(getnext "$CONTACT_ENTRY.4.$USERS.4294967295")" "$CONTACT_ENTRY.5.1.1" \
	"GETNEXT past the last user of a column: the next column"
is "$(getnext "$USER_ENTRY.3.2147483648")" "$KAMAILIO_REG_CFG.7.1.2.1.1" \
	"GETNEXT past the last user of the last column leaves the user table"

# --- Scalars ----------------------------------------------------------
is "$(snmp_value "$KAMAILIO_REG_CFG.4.0")" "Gauge32: $USERS" \
	"kamailioSIPRegCurrentUsers = the users held"
# The registrar's own figures (--registrar: max_expires 0 and max_users 0,
# no maximum; default_expires 3600; 20 REGISTERs accepted, 3 rejected).
is "$(snmp_value "$KAMAILIO_REG_STATS.1.0")|$(snmp_value "$KAMAILIO_REG_STATS.2.0")" \
	"Counter32: 20|Counter32: 3" \
	"kamailioSIPRegAccepted/RejectedRegistrations: the registrar's REGISTER counts, not contact events"
is "$(snmp_value "$KAMAILIO_REG_CFG.2.0")|$(snmp_value "$KAMAILIO_REG_CFG.3.0")|$(snmp_value "$KAMAILIO_REG_CFG.5.0")" \
	"Gauge32: 4294967295|Gauge32: 4294967295|Gauge32: 3600" \
	"MaxContactExpiryDuration and MaxUsers: no maximum (registrar 0) is 4294967295; DfltRegActiveInterval 3600"

stop_fixture
grep -q "values cut to 255 octets" "$WORK/fixture.log"
ok $? "the fixture reports the values it cut"

# --- A walk while a second thread inserts and deletes -----------------
start_fixture --users 2000 --contacts-per-user 3 --churn
# No registrar event: its figures have no instance yet, and a walk of the
# scalars passes them by.
missing=
for o in "$KAMAILIO_REG_CFG.2.0" "$KAMAILIO_REG_CFG.3.0" \
		"$KAMAILIO_REG_CFG.5.0" "$KAMAILIO_REG_STATS.1.0" \
		"$KAMAILIO_REG_STATS.2.0"; do
	if [ "$(snmp_value "$o")" != "$NO_INSTANCE" ]; then
		missing="$missing $o"
	fi
done
is "$missing" "" "before any registrar event, its five figures answer noSuchInstance"
is "$(snmpwalk -v2c -c public -On -t 2 -r 1 "$(snmp_peer)" "$KAMAILIO_REG_STATS" 2>&1 |
	grep -c "^$KAMAILIO_REG_STATS\.[12]\.0 ")/$(getnext "$KAMAILIO_REG_CFG.1")" \
	"0/$KAMAILIO_REG_CFG.4.0" \
	"...and walks pass them by (kamailioSIPRegStats: nothing; GETNEXT from C.1: C.4.0)"
bad=0
for i in 1 2 3; do
	snmp_walk "$KAMAILIO_REG_CFG.7" -Cr50 | snmp_join >"$WORK/churn$i.txt"
	if [ "$(cat "$WORK/walk.status")" != 0 ] || [ -s "$WORK/walk.err" ]; then
		bad=$((bad + 1))
		sed 's/^/# /' "$WORK/walk.err"
	fi
	if [ "$(strictly_increasing "$WORK/churn$i.txt")" != ok ]; then
		bad=$((bad + 1))
		strictly_increasing "$WORK/churn$i.txt" | sed 's/^/# /'
	fi
done
is "$bad" 0 "3 walks during churn complete without error, OIDs increasing"
rows=$(wc -l <"$WORK/churn3.txt" | tr -d ' ')
test "$rows" -ge $((2000 * 3 * 5))
ok $? "a walk during churn sees at least the fixed contacts ($rows varbinds)"
stop_fixture
is "$FIXTURE_STATUS" 0 "the churning fixture stops cleanly on SIGTERM"
grep -q "churn operations" "$WORK/fixture.log"
ok $? "the churn thread ran" || tail -n 5 "$WORK/fixture.log" | sed 's/^/# /'
