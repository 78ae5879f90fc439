#!/bin/sh
# bench_smoke.sh: bench/run --smoke still works end to end and fills every
# row of its report. No timing is asserted: figures of a smoke run mean
# nothing; bench/run isolates its own LTTng daemon.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"

plan 7
out=$(mktemp "${TMPDIR:-/tmp}/ultrace-bench.XXXXXX") || bail_out "mktemp"
trap 'rm -f "$out" "$out.err"' EXIT

"$ULTRACE_SRCDIR/bench/run" --smoke --output "$out" 2>"$out.err"
ok $? "bench/run --smoke exits 0" || sed 's/^/# /' "$out.err"

rows=$(grep -cE '^\| (provider not loaded|provider loaded, no session|session active) \| [12] \| [0-9.]+ \|' "$out")
is "$rows" "6" "producer cost: 3 cases x 1 and 2 threads, each a number"
grep -q '^0 0 (must be 0' "$out"
ok $? "producer runs report their tracer discards (none)"
rows=$(grep -cE '^\| `(babeltrace2|ultrace-replay)[^|]*` \| [0-9.]+ \| [0-9.]+\.\.[0-9.]+ \| [0-9]+ \| [0-9.]+x \|$' "$out")
is "$rows" "2" "replay throughput: ultrace-replay and the babeltrace2 floor"
grep -q 'A trace of 20000 loadgen events' "$out"
ok $? "the replay trace holds every event loadgen emitted"
rows=$(grep -cE '^\| [0-9]+ ms \| [0-9]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| 0 \| [1-9][0-9]* \| [1-9][0-9]* \|$' "$out")
is "$rows" "4" "live lag: 4 settings, each with p50/p99/max, no discard, events applied"
grep -qE '^\| 25000 \| 0 \| [1-9][0-9]* \| [1-9][0-9]* \| [0-9.]+ \|$' "$out"
ok $? "zero-discard rate search ran through ultrace-consumerd"
