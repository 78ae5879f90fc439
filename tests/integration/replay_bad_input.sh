#!/bin/sh
# replay_bad_input.sh: what is not a trace, a truncated or corrupt trace,
# and ultrace events lacking fields are each rejected with a clear error
# naming the file or event and a non-zero exit; never a crash.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

plan 25
start_sessiond

# expect_error CODE PATTERN DESCRIPTION -- ARGS: exit CODE, stderr ~ PATTERN.
expect_error() {
	_code=$1 _pattern=$2 _what=$3
	shift 4
	"$ULTRACE_REPLAY" "$@" >"$WORK/out" 2>"$WORK/err"
	_rc=$?
	is "$_rc" "$_code" "$_what: exit status $_code"
	grep -q -- "$_pattern" "$WORK/err"
	ok $? "$_what: error says /$_pattern/" || sed 's/^/# /' "$WORK/err"
}

expect_error 1 "not a directory" "a regular file" -- /etc/hostname
mkdir "$WORK/empty"
expect_error 1 "no CTF trace found" "an empty directory" -- "$WORK/empty"
expect_error 2 "cannot parse" "a bad --at" -- --at yesterday "$WORK/empty"

# A small real trace to damage.
create_session good "$WORK/good" || bail_out "cannot create the session"
"$ULTRACE_LOADGEN" --users 50 --events 2000 --seed 7 -q \
	--truth "$WORK/good.csv" || bail_out "loadgen failed"
stop_session good
"$ULTRACE_REPLAY" --format csv "$WORK/good" | cmp -s - "$WORK/good.csv"
ok $? "the undamaged trace replays to loadgen's truth"

# Truncate the largest stream file in the middle of a packet.
stream=$(find "$WORK/good" -type f -name 'ultrace_*' ! -name '*.idx' \
	-printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)
cp -r "$WORK/good" "$WORK/trunc"
tstream=$(echo "$stream" | sed "s|$WORK/good|$WORK/trunc|")
truncate -s $(($(stat -c %s "$tstream") / 2 + 7)) "$tstream"
expect_error 1 "$(basename "$tstream")" "a truncated stream" -- "$WORK/trunc"

# Corrupt the packet header magic of the same stream.
cp -r "$WORK/good" "$WORK/magic"
mstream=$(echo "$stream" | sed "s|$WORK/good|$WORK/magic|")
printf '\001\002\003\004' | dd of="$mstream" bs=1 seek=0 conv=notrunc 2>/dev/null
expect_error 1 "$(basename "$mstream")" "a stream with a bad magic number" -- "$WORK/magic"

# Damage the metadata text.
cp -r "$WORK/good" "$WORK/meta"
meta=$(find "$WORK/meta" -name metadata | head -n 1)
sed -i 's/event {/evnt {/' "$meta"
expect_error 1 "metadata" "corrupt metadata" -- "$WORK/meta"

# A packet size >= 2^63 bits (found by fuzzing, tests/fuzz/README):
# babeltrace2 2.0.4 fails an assertion and aborts; ultrace-replay reads in
# a child and reports it instead of dumping core.
mkdir -p "$WORK/bt2abort"
cp "$ULTRACE_SRCDIR/tests/fuzz/metadata" "$WORK/bt2abort/metadata"
tail -c +2 "$ULTRACE_SRCDIR/tests/fuzz/crashers/fuzz_trace/bt2-assert-packet-sizes" \
	>"$WORK/bt2abort/stream_0"
expect_error 1 "bt2abort: the trace decoder (babeltrace2) died of signal" \
	"a packet size babeltrace2 does not survive" -- "$WORK/bt2abort"

# A damaged packet context on which babeltrace2 2.0.4 indexes the stream
# without end (tests/fuzz/crashers/fuzz_trace/unbounded): the memory limit
# of the reading child ends it with a clear error and status 3.
mkdir -p "$WORK/unbounded"
ULTRACE_FUZZ_WRITE_TRACE="$WORK/unbounded" \
	"$ULTRACE_BUILDDIR/tests/fuzz/driver_fuzz_trace" \
	"$ULTRACE_SRCDIR/tests/fuzz/crashers/fuzz_trace/unbounded/bt2-index-grows-forever" \
	>/dev/null 2>&1 || bail_out "cannot write the unbounded trace"
expect_error 3 "unbounded: reading it ran out of memory (peak [0-9]* MiB resident, limit 256 MiB" \
	"a trace babeltrace2 indexes without end, --memory-limit=256M" -- \
	--memory-limit=256M "$WORK/unbounded"
# An operator's lower limit (ulimit -v 300000 KiB = 292 MiB) is kept.
printf '#!/bin/sh\nulimit -v 300000 && exec "%s" "$@"\n' "$ULTRACE_REPLAY" \
	>"$WORK/replay-ulimit" && chmod +x "$WORK/replay-ulimit"
_replay=$ULTRACE_REPLAY
ULTRACE_REPLAY=$WORK/replay-ulimit
expect_error 3 "limit 292 MiB of address space" \
	"the same under ulimit -v 300000 and --memory-limit=4G" -- \
	--memory-limit=4G "$WORK/unbounded"
ULTRACE_REPLAY=$_replay
expect_error 2 "memory-limit: .1X. is not a size" "a bad --memory-limit" -- \
	--memory-limit=1X "$WORK/unbounded"

# An `ultrace` provider whose contact_insert lacks its fields.
create_session bad "$WORK/bad" || bail_out "cannot create the session"
"$ULTRACE_BUILDDIR/tests/fixtures/ultrace-bad-producer" 5 ||
	bail_out "bad producer failed"
stop_session bad
expect_error 1 "ultrace:contact_insert.*lacks payload field \`contact\`" \
	"an event lacking fields" -- "$WORK/bad"
"$ULTRACE_REPLAY" --keep-going --stats --format csv "$WORK/bad" \
	>"$WORK/kg.csv" 2>"$WORK/kg.err"
is "$?" "1" "--keep-going still exits 1 on malformed events"
grep -q "5 malformed ultrace event(s) skipped" "$WORK/kg.err"
ok $? "--keep-going counts the skipped events" || sed 's/^/# /' "$WORK/kg.err"
