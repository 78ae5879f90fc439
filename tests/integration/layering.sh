#!/bin/sh
# layering.sh: dependencies point one way. The registry includes nothing of
# babeltrace2 or net-snmp; snmp/'s tables and scalars include neither shell
# (agent.h, agentx_shell.h, direct_shell.h) nor babeltrace2; the shells do
# not include a table; registry/ includes nothing outside itself but libc
# and the public types of tracepoints/ultrace.h (with ultrace_hash.h, the
# hashes producer and registry share); no file of registry/,
# snmp/ or consumer/ includes a file that includes it back.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"

cd "$ULTRACE_SRCDIR" || bail_out "no source directory"
plan 5

includes() { # FILE...: "FILE HEADER" for each quoted include
	for _f in "$@"; do
		sed -n 's/^#include "\([^"]*\)".*/\1/p' "$_f" | sed "s|^|$_f |"
	done
}

tables="snmp/contact_table.c snmp/contact_table.h snmp/user_table.c
	snmp/user_table.h snmp/lookup_table.c snmp/lookup_table.h
	snmp/health_scalars.c snmp/health_scalars.h snmp/registrar_scalars.c
	snmp/registrar_scalars.h snmp/table_walk.c snmp/table_walk.h
	snmp/mib.c snmp/mib.h snmp/source.h snmp/admin_string.c
	snmp/admin_string.h snmp/snmp_values.c snmp/snmp_values.h snmp/oids.h"
# shellcheck disable=SC2086
bad=$(includes $tables | grep -E ' (agent|agentx_shell|direct_shell)\.h$')
is "$bad" "" "no table or scalar of snmp/ includes a shell"
bad=$(includes snmp/agentx_shell.c snmp/direct_shell.c |
	grep -E ' (contact_table|user_table|lookup_table|health_scalars|registrar_scalars|table_walk|mib)\.h$')
is "$bad" "" "the shells include no table"
own=$(cd registry && ls ./*.h | sed 's|^\./||')
bad=$(includes registry/*.c registry/*.h | while read -r f h; do
	echo "$own ultrace.h ultrace_hash.h" | tr ' ' '\n' | grep -qx "$h" || echo "$f $h"
done)
is "$bad" "" "registry/ includes only its own headers, ultrace.h and ultrace_hash.h"
bad=$(grep -lE '#include <(babeltrace2|net-snmp|lttng|glib)' registry/*.c \
	registry/*.h snmp/*.c snmp/*.h 2>/dev/null |
	while read -r f; do
		case $f in
		registry/*) echo "$f" ;;
		snmp/*) grep -l '#include <babeltrace2' "$f" ;;
		esac
	done)
is "$bad" "" "the registry knows neither net-snmp nor babeltrace2; snmp/ knows no babeltrace2"
# A cycle: A includes B and B includes A (directly), among registry/,
# snmp/ and consumer/ (header of a .c file counts as that .c file's).
cycles=$(includes registry/*.c registry/*.h snmp/*.c snmp/*.h consumer/*.c \
	consumer/*.h |
	sed 's|^\([^ ]*\)\.c |\1.h |; s|^[^ ]*/||' | sort -u | awk '
	$1 != $2 { e[$1 " " $2] = 1 }
	END { for (k in e) { split(k, p, " ")
		if ((p[2] " " p[1]) in e && p[1] < p[2]) print p[1] " <-> " p[2] } }')
is "$cycles" "" "no two files include each other"
