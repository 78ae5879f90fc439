#!/bin/sh
# replay_truth.sh: ultrace-loadgen with 2 threads and churn is traced for
# real; ultrace-replay must rebuild exactly the state loadgen says it
# holds, at the end of the trace and at an instant in the middle, and the
# simulated registrar's own figures.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

EVENTS=${ULTRACE_TEST_EVENTS:-120000}
plan 16
start_sessiond
create_session truth "$WORK/trace" || bail_out "cannot create the session"

# 40k events/s over 3 s with 1-3 s registrations: refreshes, de-registrations
# and timer expiries all happen, and a snapshot is taken at 1.5 s.
"$ULTRACE_LOADGEN" --threads 2 --users 2000 --max-contacts 3 \
	--events "$EVENTS" --rate 40000 --expires-min 1 --expires-max 3 \
	--expire-ratio 0.3 --seed 42 --truth "$WORK/truth.csv" \
	--truth-at 1.5 --truth-at-file "$WORK/mid.csv" \
	--registrar-max-users 5000 --registrar-default-expires 120 \
	--registrar-reject-ratio 0.05 2>"$WORK/loadgen.log"
ok $? "loadgen ran $EVENTS events with 2 threads" || cat "$WORK/loadgen.log" >&2
stop_session truth

rows=$(($(wc -l <"$WORK/truth.csv") - 1))
test "$rows" -gt 100
ok $? "loadgen's final truth holds contacts ($rows)"

"$ULTRACE_REPLAY" --format csv "$WORK/trace" >"$WORK/replay.csv" 2>"$WORK/replay.err"
ok $? "ultrace-replay --format csv exits 0" || cat "$WORK/replay.err" >&2

cmp -s "$WORK/truth.csv" "$WORK/replay.csv"
ok $? "replayed state equals loadgen's truth, every field" ||
	diff "$WORK/truth.csv" "$WORK/replay.csv" | head -20 | sed 's/^/# /'

"$ULTRACE_REPLAY" --stats --format csv "$WORK/trace" >"$WORK/stats.csv"
stat_of() {
	sed -n "s/^$1,//p" "$WORK/stats.csv"
}
total=0
for kind in insert update refresh delete expire; do
	total=$((total + $(stat_of "events.contact_$kind")))
done
is "$total" "$EVENTS" "every event loadgen emitted was replayed"
is "$(stat_of discarded_events),$(stat_of discarded_packets)" "0,0" \
	"the tracer discarded nothing"
# The registrar's figures: the settings given, the REGISTER counts of
# loadgen's summary (its last registrar_counters event, at exit).
counts=$(sed -n 's/.*registrar: \([0-9]*\) REGISTERs accepted, \([0-9]*\) rejected;.*/\1,\2/p' \
	"$WORK/loadgen.log")
is "$(stat_of registrar.max_expires),$(stat_of registrar.max_users),$(stat_of registrar.default_expires),$(stat_of registrar.accepted),$(stat_of registrar.rejected)" \
	"0,5000,120,$counts" \
	"--stats: the registrar's configuration and its REGISTER counts as loadgen reported them ($counts)"
anomalies=$(grep '^anomalies\.' "$WORK/stats.csv" | awk -F, '{s += $2} END {print s}')
is "$anomalies" "0" "a lossless trace shows no anomaly"
test "$(stat_of events.contact_expire)" -gt 0 &&
	test "$(stat_of events.contact_delete)" -gt 0 &&
	test "$(stat_of events.contact_update)" -gt 0 &&
	test "$(stat_of events.contact_refresh)" -gt 0
ok $? "the trace has full and compact updates, de-registrations and timer expiries" ||
	cat "$WORK/stats.csv" | sed 's/^/# /'

at=$(cat "$WORK/mid.csv.ts")
"$ULTRACE_REPLAY" --format csv --at "$at" "$WORK/trace" >"$WORK/replay-mid.csv"
ok $? "ultrace-replay --at $at exits 0"
cmp -s "$WORK/mid.csv" "$WORK/replay-mid.csv"
ok $? "state --at the snapshot instant equals the mid-run truth" ||
	diff "$WORK/mid.csv" "$WORK/replay-mid.csv" | head -20 | sed 's/^/# /'

# The same instant written as ISO-8601 must select the same state.
iso=$(date -u -d "@$((at / 1000000000))" +%Y-%m-%dT%H:%M:%S).$(printf '%09d' $((at % 1000000000)))Z
"$ULTRACE_REPLAY" --format csv --at "$iso" "$WORK/trace" | cmp -s - "$WORK/mid.csv"
ok $? "--at $iso (ISO-8601) selects the same state"

# Applying on the reading thread (one CPU) gives the same state as the
# applying thread does, at the end and at an instant.
ULTRACE_APPLY_THREAD=0 "$ULTRACE_REPLAY" --format csv "$WORK/trace" |
	cmp -s - "$WORK/replay.csv"
ok $? "ULTRACE_APPLY_THREAD=0: the same final state"
ULTRACE_APPLY_THREAD=0 "$ULTRACE_REPLAY" --format csv --at "$at" \
	"$WORK/trace" | cmp -s - "$WORK/mid.csv"
ok $? "ULTRACE_APPLY_THREAD=0: the same state --at the snapshot instant"

# A reader that goes away (| head) is not a damaged trace: the replay
# ends by SIGPIPE, as a filter does, and says nothing.
( "$ULTRACE_REPLAY" --format csv "$WORK/trace" 2>"$WORK/pipe.err"
  echo $? >"$WORK/pipe.rc" ) | head -n 1 >/dev/null
test "$(cat "$WORK/pipe.rc")" = 141 && test ! -s "$WORK/pipe.err"
ok $? "| head: ends by SIGPIPE (status $(cat "$WORK/pipe.rc")), no message" ||
	sed 's/^/# /' "$WORK/pipe.err"

replay_valgrind --format csv --at "$at" "$WORK/trace" >"$WORK/vg.csv" 2>"$WORK/vg.err"
vg=$?
cmp -s "$WORK/vg.csv" "$WORK/mid.csv" && test $vg -eq 0
ok $? "ultrace-replay under valgrind: no error, no leak (exit $vg)" ||
	head -40 "$WORK/vg.err" | sed 's/^/# /'
