#!/bin/sh
# demo_exit.sh: `tools/demo --no-build --duration 8` shows contact rows,
# then ends by itself with exit 0 and leaves none of the processes it
# started behind (lttng-sessiond, lttng-consumerd, lttng-relayd, snmpd,
# ultrace-consumerd, ultrace-loadgen). The demo runs in a session and
# process group of its own: whatever is left in it once the demo is gone
# is a survivor. 120 s is a hang detector, not a speed bound: the demo
# needs about 12 s.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"

DEMO=${DEMO_UNDER_TEST:-$ULTRACE_SRCDIR/tools/demo}
HANG_BOUND=${DEMO_HANG_BOUND:-120}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-demo-exit.XXXXXX") ||
	bail_out "mktemp failed"
DEMO_SID=

# members SID: "pid command" of every process still in that session.
members() {
	ps -e -o pid=,sid=,comm= | awk -v s="$1" '$2 == s { print $1, $3 }'
}

cleanup() {
	if [ -n "$DEMO_SID" ] && [ -n "$(members "$DEMO_SID")" ]; then
		# Survivors of the demo's session: ours to end (by that id).
		kill -9 -- "-$DEMO_SID" 2>/dev/null
		members "$DEMO_SID" | awk '{ print $1 }' |
			xargs -r kill -9 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v setsid >/dev/null || bail_out "setsid (util-linux) not found"
[ -x "$ULTRACE_BUILDDIR/consumer/ultrace-consumerd" ] ||
	bail_out "not built: $ULTRACE_BUILDDIR/consumer/ultrace-consumerd"

plan 5

# A session of its own (its id is the demo's pid, written first), no
# terminal: the demo's own --duration ends it. The watchdog is `timeout`,
# whose TERM the demo handles by tearing down, then KILL 15 s later.
ULTRACE_BUILD_DIR=$ULTRACE_BUILDDIR timeout -k 15 "$HANG_BOUND" \
	setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$WORK/sid" \
	"$DEMO" --no-build --duration 8 </dev/null >"$WORK/out" 2>&1 &
WATCHDOG_PID=$!
_i=0
while [ ! -s "$WORK/sid" ] && [ $_i -lt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
DEMO_SID=$(cat "$WORK/sid" 2>/dev/null)
wait "$WATCHDOG_PID"
status=$?

[ "$status" -ne 124 ] && [ "$status" -ne 137 ]
ok $? "the demo ends by itself (within the ${HANG_BOUND} s hang bound)" ||
	diag "timeout ended it (status $status)"
is "$status" 0 "the demo exits 0"
rows=$(grep -c ' expires in ' "$WORK/out")
[ "$rows" -gt 0 ] && grep -q '^=== .* contacts=[1-9]' "$WORK/out"
ok $? "the demo showed contact rows ($rows)"
grep -q '^demo: stopped' "$WORK/out"
ok $? "the demo's teardown ran (demo: stopped)"
if [ -n "$DEMO_SID" ]; then
	left=$(members "$DEMO_SID")
else
	left="the demo's session id was never written"
fi
is "${left:-none}" none "no process of the demo's session survives it"
[ "$_tap_failed" -eq 0 ] || tail -n 30 "$WORK/out" | sed 's/^/# /'
