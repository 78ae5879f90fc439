#!/bin/sh
# convergence.sh: lost events are repaired without operator action, read
# offline from real traces. (1) loadgen loses 2% of its inserts, updates
# and deletes (applied, never emitted); with a rolling statedump the
# replayed state still equals loadgen's truth once one clean dump has run,
# and the registry says it is consistent again; without dumps it does not
# (the control). (2) every timer expiry is lost; the TTL removes each
# contact once its `expires` is past on the trace clock, and only with the
# TTL on. (3) a session started while loadgen runs: the compact
# refreshes of contacts registered before it name rows the consumer never
# saw; they are counted (refresh_unknown) and the rolling statedump
# repairs the state.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

plan 17
start_sessiond

stat_of() { # FILE NAME
	sed -n "s/^$2,//p" "$1"
}

# --- (1) rolling statedump repairs lost inserts, updates, deletes --------
LOAD="--threads 2 --users 2000 --max-contacts 3 --rate 20000 --duration 3
	--expires-min 600 --expires-max 900 --seed 7
	--lose insert,update,delete --lose-ratio 0.02"
create_session lossy "$WORK/lossy" || bail_out "cannot create a session"
# shellcheck disable=SC2086
"$ULTRACE_LOADGEN" $LOAD --truth "$WORK/control-truth.csv" \
	2>"$WORK/control.log"
ok $? "control: loadgen lost 2% of its events, no statedump" ||
	cat "$WORK/control.log" >&2
stop_session lossy
"$ULTRACE_REPLAY" --format csv "$WORK/lossy" >"$WORK/control.csv" 2>/dev/null
! cmp -s "$WORK/control-truth.csv" "$WORK/control.csv"
ok $? "control: without statedumps the replayed state is wrong" ||
	grep lost "$WORK/control.log" | sed 's/^/# /'

create_session rolling "$WORK/rolling" || bail_out "cannot create a session"
# shellcheck disable=SC2086
"$ULTRACE_LOADGEN" $LOAD --statedump-period 1 --linger 2.3 \
	--truth "$WORK/truth.csv" 2>"$WORK/loadgen.log"
ok $? "loadgen: the same losses, a rolling statedump every second, 2.3 s \
of dumps after the load" || cat "$WORK/loadgen.log" >&2
stop_session rolling
lost=$(sed -n 's/.* \([0-9]*\) of those events were lost.*/\1/p' "$WORK/loadgen.log")
test "${lost:-0}" -gt 100
ok $? "loadgen lost ${lost:-0} events on purpose"

"$ULTRACE_REPLAY" --format csv "$WORK/rolling" >"$WORK/replay.csv" \
	2>"$WORK/replay.err"
cmp -s "$WORK/truth.csv" "$WORK/replay.csv"
ok $? "replayed state equals loadgen's truth, every field, $(($(wc -l \
<"$WORK/truth.csv") - 1)) contacts" ||
	diff "$WORK/truth.csv" "$WORK/replay.csv" | head -10 | sed 's/^/# /'
"$ULTRACE_REPLAY" --stats --format csv "$WORK/rolling" >"$WORK/stats.csv"
test "$(stat_of "$WORK/stats.csv" dump_repaired)" -gt 0 &&
	test "$(stat_of "$WORK/stats.csv" dump_removed)" -gt 0
ok $? "dumps re-created lost contacts ($(stat_of "$WORK/stats.csv" \
dump_repaired)) and removed undeleted ones ($(stat_of "$WORK/stats.csv" \
dump_removed))"
anomalies=$(grep '^anomalies\.' "$WORK/stats.csv" | awk -F, '{s += $2} END {print s}')
test "$anomalies" -gt 0 && test "$(stat_of "$WORK/stats.csv" dumps_complete)" -ge 4
ok $? "the losses showed as $anomalies anomalies; $(stat_of "$WORK/stats.csv" \
dumps_complete) dumps completed"
is "$(stat_of "$WORK/stats.csv" health)" "consistent" \
	"a clean dump after the losses made the registry consistent again"

# --- (2) TTL: every expire event lost ----------------------------------------
create_session ttl "$WORK/ttl" || bail_out "cannot create a session"
"$ULTRACE_LOADGEN" --users 500 --max-contacts 2 --rate 5000 --duration 3 \
	--expires-min 1 --expires-max 2 --expire-ratio 1 --seed 9 \
	--lose expire --truth "$WORK/ttl-truth.csv" 2>"$WORK/ttl.log"
ok $? "loadgen: 1-2 s registrations that never refresh, every expiry lost" ||
	cat "$WORK/ttl.log" >&2
stop_session ttl
expired=$(sed -n 's/.*, expire \([0-9]*\)).*/\1/p' "$WORK/ttl.log")
held=$(($(wc -l <"$WORK/ttl-truth.csv") - 1))
"$ULTRACE_REPLAY" --stats --format csv --expiry-grace off "$WORK/ttl" \
	>"$WORK/ttl-off.csv"
test "$(stat_of "$WORK/ttl-off.csv" contacts)" -gt "$held"
ok $? "with --expiry-grace off the $expired contacts whose expiry was lost \
stay ($(stat_of "$WORK/ttl-off.csv" contacts) held, truth $held)"

# 10 s after the last event, everything has expired by the trace clock.
last=$(stat_of "$WORK/ttl-off.csv" last_event)
later=$(($(date -u -d "$last" +%s) + 10))
"$ULTRACE_REPLAY" --stats --format csv --expiry-grace 1 --at "${later}000000000" \
	"$WORK/ttl" >"$WORK/ttl-on.csv"
is "$(stat_of "$WORK/ttl-on.csv" contacts)" "0" \
	"--at 10 s after $last with a 1 s grace: every contact has expired"
is "$(stat_of "$WORK/ttl-on.csv" ttl_expired)" "$((expired + held))" \
	"ttl_expired = expiries lost ($expired) + contacts left at the end ($held)"
anomalies=$(grep '^anomalies\.' "$WORK/ttl-on.csv" | awk -F, '{s += $2} END {print s}')
is "$anomalies" "0" "TTL removals are no anomaly"

# --- (3) a session that starts late: compact refreshes of unseen rows ----
create_session early "$WORK/early" || bail_out "cannot create a session"
"$ULTRACE_LOADGEN" --users 2000 --max-contacts 2 --rate 20000 --duration 4 \
	--expires-min 600 --expires-max 900 --seed 11 --statedump-period 1 \
	--linger 2.3 --truth "$WORK/late-truth.csv" 2>"$WORK/late.log" &
lg=$!
sleep 1.5
stop_session early
create_session late "$WORK/late" || bail_out "cannot create a session"
wait "$lg"
ok $? "loadgen ran 4 s with a rolling statedump; the session began 1.5 s in" ||
	cat "$WORK/late.log" >&2
stop_session late
"$ULTRACE_REPLAY" --stats --format csv "$WORK/late" >"$WORK/late-stats.csv"
unknown=$(stat_of "$WORK/late-stats.csv" anomalies.refresh_unknown)
test "${unknown:-0}" -gt 0
ok $? "compact refreshes of contacts registered before the session: counted ($unknown refresh_unknown)" ||
	sed 's/^/# /' "$WORK/late-stats.csv"
"$ULTRACE_REPLAY" --format csv "$WORK/late" >"$WORK/late.csv" 2>/dev/null
cmp -s "$WORK/late-truth.csv" "$WORK/late.csv"
ok $? "...and repaired: the replayed state equals loadgen's truth" ||
	diff "$WORK/late-truth.csv" "$WORK/late.csv" | head -10 | sed 's/^/# /'
is "$(stat_of "$WORK/late-stats.csv" health)" "consistent" \
	"a dump that began after the last unknown refresh made it consistent"
