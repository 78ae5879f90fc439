#!/bin/sh
# replay_losses.sh: with sub-buffers far too small for a burst, the tracer
# discards events; ultrace-replay must account for every one: events
# applied + events discarded = events the registrar emitted, per stream
# totals add up, and the operator is warned.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

plan 7
start_sessiond
lttng create lossy --output="$WORK/trace" >/dev/null &&
lttng enable-channel -u -s lossy tiny --buffers-uid --subbuf-size=4096 \
	--num-subbuf=2 >/dev/null &&
lttng enable-event -u -s lossy -c tiny 'ultrace:*' >/dev/null &&
lttng start lossy >/dev/null || bail_out "cannot create the session"
"$ULTRACE_LOADGEN" --threads 2 --users 5000 --events 200000 --seed 8 \
	2>"$WORK/loadgen.err" || bail_out "loadgen failed"
stop_session lossy
emitted=$(sed -n 's/.*notice: \([0-9]*\) events (.*/\1/p' "$WORK/loadgen.err")
is "$emitted" "200000" "loadgen emitted 200000 events as fast as it could"
# Its registrar's figures (registrar_config, registrar_counters) may be
# discarded too: they count on both sides.
emitted=$((emitted + $(sed -n 's/.*; \([0-9]*\) registrar_config and \([0-9]*\) registrar_counters events$/\1 + \2/p' \
	"$WORK/loadgen.err")))

"$ULTRACE_REPLAY" --stats --format csv "$WORK/trace" >"$WORK/stats.csv" \
	2>"$WORK/replay.err"
ok $? "ultrace-replay reads the lossy trace (exit 0)"
value() {
	sed -n "s/^$1,//p" "$WORK/stats.csv"
}
discarded=$(value discarded_events)
test "$discarded" -gt 0
ok $? "the tracer discarded events ($discarded)"
applied=0
for k in contact_insert contact_update contact_refresh contact_delete \
		contact_expire registrar_config registrar_counters; do
	applied=$((applied + $(value "events.$k")))
done
is "$((applied + discarded))" "$emitted" \
	"applied ($applied) + discarded ($discarded) = emitted: nothing silently lost"
per_stream=$(awk -F, '$1 == "loss" && $2 != "stream" {s += $4} END {print s + 0}' \
	"$WORK/stats.csv")
is "$per_stream" "$discarded" "per-stream losses add up to the total"
streams=$(awk -F, '$1 == "loss" && $2 != "stream" && $4 > 0' "$WORK/stats.csv" | wc -l)
test "$streams" -ge 1
ok $? "losses are reported per stream with their time range ($streams stream(s))" ||
	sed 's/^/# /' "$WORK/stats.csv"
grep -q "the tracer discarded $discarded event(s)" "$WORK/replay.err"
ok $? "the operator is warned that the state may differ" ||
	sed 's/^/# /' "$WORK/replay.err"
