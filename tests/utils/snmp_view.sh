# snmp_view.sh: sourced after snmp_env.sh: reads the registrar tables
# over SNMP into comparable rows, and projects loadgen's truth CSV on the
# same columns. Uses snmpget/snmpbulkwalk (Debian's snmp) and awk only;
# numeric OIDs and raw octets: with MIB modules loaded, DateAndTime's hint
# would print dates where this reads hex (tools/demo reads with MIBS empty).
#
# A row: AOR, contact URI, display name, last_modified and expires (unix
# seconds), preference (the MIB's decimal q), separated by tabs.

REG_CFG=.1.3.6.1.4.1.34352.3.1.2.1.5
CURRENT_USERS=$REG_CFG.4.0
USER_TABLE=$REG_CFG.6
CONTACT_TABLE=$REG_CFG.7

# snmp_get OID: the bare value, or nothing.
snmp_get() {
	snmpget -v2c -c "${SNMP_COMMUNITY:-public}" -On -Oqv -t 1 -r 1 "$(snmp_peer)" "$1" 2>/dev/null |
		grep -v '^No Such'
}

# Rows of every contact now served, sorted.
snmp_contacts_csv() {
	{
		snmp_walk "$USER_TABLE" -Oq -Cr50 | snmp_join | sed 's/^/U /'
		[ "$(cat "$WORK/walk.status")" = 0 ] || return 1
		snmp_walk "$CONTACT_TABLE" -Oq -Cr50 | snmp_join | sed 's/^/C /'
		[ "$(cat "$WORK/walk.status")" = 0 ] || return 1
	} >"$WORK/.walk" || return 1
	awk -v base="$REG_CFG" '
	function hexval(h,   i, v) {
		v = 0
		h = tolower(h)
		for (i = 1; i <= length(h); i++) {
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		}
		return v
	}
	function unhex(s,   out, n, i, parts) {
		gsub(/"/, "", s)
		n = split(s, parts, " ")
		out = ""
		for (i = 1; i <= n; i++) {
			if (parts[i] != "") {
				out = out sprintf("%c", hexval(parts[i]))
			}
		}
		return out
	}
	function days(y, m, d,   era, yoe, doy, doe) {
		y -= (m <= 2)
		era = int((y >= 0 ? y : y - 399) / 400)
		yoe = y - era * 400
		doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
		doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
		return era * 146097 + doe - 719468
	}
	function dateandtime(s,   n, b, i, t) {
		gsub(/"/, "", s)
		n = split(s, b, " ")
		for (i = 1; i <= n; i++) b[i] = hexval(b[i])
		t = days(b[1] * 256 + b[2], b[3], b[4]) * 86400 + b[5] * 3600 + b[6] * 60 + b[7]
		if (n >= 11) t -= (b[9] == 45 ? -1 : 1) * (b[10] * 3600 + b[11] * 60)
		return t
	}
	{
		oid = $2
		val = $0
		sub(/^[UC] [^ ]+ ?/, "", val)
		sub("^" base "\\.", "", oid)
		# o[1] table, o[2] entry, o[3] column, o[4..] index; anything
		# else (an end-of-view exception) is not a row.
		if (split(oid, o, ".") < 4 || o[2] != 1) next
		if ($1 == "U" && o[3] == 2) aor[o[4]] = unhex(val)
		if ($1 == "C") {
			k = o[4] "." o[5]
			keys[k] = o[4]
			if (o[3] == 2) disp[k] = unhex(val)
			if (o[3] == 3) uri[k] = unhex(val)
			if (o[3] == 4) upd[k] = dateandtime(val)
			if (o[3] == 5) exp_[k] = dateandtime(val)
			if (o[3] == 6) pref[k] = unhex(val)
			cols[k]++
		}
	}
	END {
		# A walk is not atomic: a row that changed under it (seen in
		# some columns only, or whose user row was not seen) is skipped.
		for (k in keys) {
			if (cols[k] != 5 || !(keys[k] in aor)) continue
			printf "%s\t%s\t%s\t%d\t%d\t%s\n", aor[keys[k]], uri[k], \
				disp[k], upd[k], exp_[k], pref[k]
		}
	}' "$WORK/.walk" | LC_ALL=C sort
}

# truth_as_snmp CSV...: loadgen truth files as the rows above, sorted.
truth_as_snmp() {
	for _f in "$@"; do
		tail -n +2 "$_f"
	done | awk '
	# Split an RFC 4180 line into f[1..n].
	function csv(line,   n, i, c, q, cur) {
		n = 0; q = 0; cur = ""
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
					else q = 0
				} else cur = cur c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	function qstr(q,   s) {
		if (q < 0) return ""
		if (q % 1000 == 0) return sprintf("%d", q / 1000)
		s = sprintf("%d.%03d", int(q / 1000), q % 1000)
		sub(/0+$/, "", s)
		return s
	}
	{
		csv($0)
		printf "%s\t%s\t%s\t%d\t%d\t%s\n", f[2], f[3], f[4], f[12], f[11], qstr(f[10] + 0)
	}' | LC_ALL=C sort
}

# wait_snmp_rows EXPECTED SECONDS: walk the tables until their rows (as
# snmp_contacts_csv prints them) equal the file EXPECTED; the last walk is
# in $WORK/snmp.csv. Prints the milliseconds it took; 1 on timeout.
wait_snmp_rows() {
	_t0=$(date +%s%N)
	_deadline=$((_t0 + $2 * 1000000000))
	while :; do
		snmp_contacts_csv >"$WORK/snmp.csv" 2>/dev/null
		if cmp -s "$1" "$WORK/snmp.csv"; then
			echo $((($(date +%s%N) - _t0) / 1000000))
			return 0
		fi
		[ "$(date +%s%N)" -ge "$_deadline" ] && return 1
		sleep 0.2
	done
}
