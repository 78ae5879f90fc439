#!/bin/sh
# replay_history.sh: ultrace-replay --history STEP on real traces of
# ultrace-loadgen: rows at every multiple of STEP and at the end; the last
# row is what --stats says, the step counters add up to its totals, a row
# at T is what --at T prints (TTL included); losses land in the discards
# column at the rows --at says; JSON parses; --plot writes a PNG of the
# asked size.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

STEP_NS=500000000
plan 31
start_sessiond
create_session hist "$WORK/trace" || bail_out "cannot create the session"
# 40k events/s over 3 s with 1-3 s registrations: inserts, refreshes,
# de-registrations and timer expiries in every step.
"$ULTRACE_LOADGEN" --threads 2 --users 2000 --max-contacts 3 \
	--events 120000 --rate 40000 --expires-min 1 --expires-max 3 \
	--expire-ratio 0.3 --seed 14 2>"$WORK/loadgen.log" ||
	bail_out "loadgen failed: $(cat "$WORK/loadgen.log")"
stop_session hist

# Lossy: sub-buffers far too small for a burst (as replay_losses.sh).
lttng create lossy --output="$WORK/lossy" >/dev/null &&
lttng enable-channel -u -s lossy tiny --buffers-uid --subbuf-size=4096 \
	--num-subbuf=2 >/dev/null &&
lttng enable-event -u -s lossy -c tiny 'ultrace:*' >/dev/null &&
lttng start lossy >/dev/null || bail_out "cannot create the lossy session"
"$ULTRACE_LOADGEN" --threads 2 --users 3000 --max-contacts 2 \
	--events 150000 --rate 60000 --expires-min 1 --expires-max 2 \
	--expire-ratio 0.5 --seed 15 2>"$WORK/loadgen-lossy.log" ||
	bail_out "loadgen (lossy) failed"
stop_session lossy

# col FILE NAME: the values of CSV column NAME, one a line, header skipped.
col() {
	awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		{ print $c }' "$1"
}
# sum FILE NAME: the column's sum.
sum() {
	col "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'
}
# stat FILE NAME: a value of --stats --format csv.
stat() {
	sed -n "s/^$2,//p" "$1"
}
# cumulative FILE TIME_NS: "users contacts inserts ... discarded_packets"
# at the row of that instant, the counters summed over the rows up to it.
cumulative() {
	awk -F, -v t="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ for (k in c) s[k] += $c[k] }
		$c["time_ns"] == t { print $c["users"], $c["contacts"],
			s["inserts"], s["updates"], s["refreshes"], s["deletes"],
			s["expiries"], s["ttl_expired"], s["dump_removed"],
			s["discarded_events"], s["discarded_packets"], $c["health"]; exit }' "$1"
}
# stats_line STATS_CSV: the same figures from --stats.
stats_line() {
	echo "$(stat "$1" users) $(stat "$1" contacts)" \
		"$(stat "$1" events.contact_insert) $(stat "$1" events.contact_update)" \
		"$(stat "$1" events.contact_refresh) $(stat "$1" events.contact_delete)" \
		"$(stat "$1" events.contact_expire) $(stat "$1" ttl_expired)" \
		"$(stat "$1" dump_removed) $(stat "$1" discarded_events)" \
		"$(stat "$1" discarded_packets) $(stat "$1" health)"
}
ns_of() { # ISO-8601 -> ns since the epoch
	date -u -d "$1" +%s%N
}

# --- the lossless trace ---------------------------------------------------
"$ULTRACE_REPLAY" --history 500ms --format csv "$WORK/trace" \
	>"$WORK/h.csv" 2>"$WORK/h.err"
ok $? "--history 500ms --format csv exits 0" || sed 's/^/# /' "$WORK/h.err"
is "$(head -1 "$WORK/h.csv")" \
	"time,time_ns,users,contacts,inserts,updates,refreshes,deletes,expiries,ttl_expired,dump_removed,anomalies,discarded_events,discarded_packets,health,suspect_since" \
	"the CSV header names every column"
"$ULTRACE_REPLAY" --stats --format csv "$WORK/trace" >"$WORK/stats.csv"
first=$(ns_of "$(stat "$WORK/stats.csv" first_event)")
last=$(ns_of "$(stat "$WORK/stats.csv" last_event)")
col "$WORK/h.csv" time_ns >"$WORK/times"
rows=$(wc -l <"$WORK/times")
test "$rows" -ge 6
ok $? "a 3 s trace in 500 ms steps has rows ($rows)"
awk -v step=$STEP_NS -v first="$first" -v last="$last" -v rows="$rows" '
	NR == 1 && !($1 % step == 0 && $1 <= first && first - $1 < step) { bad = "first row " $1 }
	NR > 1 && NR < rows && $1 - prev != step { bad = "row " NR " at " $1 " after " prev }
	NR == rows && !($1 == last && $1 - prev <= step && $1 > prev) { bad = "last row " $1 " (last event " last ")" }
	{ prev = $1 } END { print bad }' "$WORK/times" >"$WORK/bad"
is "$(cat "$WORK/bad")" "" \
	"rows: the first event rounded down to 500 ms, then every 500 ms, then the last event"
is "$(tail -1 "$WORK/h.csv" | cut -d, -f3,4,15)" \
	"$(stat "$WORK/stats.csv" users),$(stat "$WORK/stats.csv" contacts),$(stat "$WORK/stats.csv" health)" \
	"the last row's users, contacts and health are --stats'"
is "$(cumulative "$WORK/h.csv" "$last")" "$(stats_line "$WORK/stats.csv")" \
	"the step counters add up to --stats' totals"
anomalies=$(grep '^anomalies\.' "$WORK/stats.csv" | awk -F, '{ s += $2 } END { print s + 0 }')
is "$(sum "$WORK/h.csv" anomalies)" "$anomalies" "...the anomalies too"
busy=$(awk -F, 'NR > 2 && $5 > 0 && $7 > 0 && $8 > 0 && $9 > 0' "$WORK/h.csv" | wc -l)
test "$busy" -ge 3
ok $? "steps of the run have inserts, refreshes, deletes and expiries ($busy)" ||
	sed 's/^/# /' "$WORK/h.csv"
# Rows at T against --at T: the second, a middle and the last but one.
for n in 2 $((rows / 2)) $((rows - 1)); do
	t=$(sed -n "${n}p" "$WORK/times")
	"$ULTRACE_REPLAY" --at "$t" --stats --format csv "$WORK/trace" \
		>"$WORK/at.csv"
	"$ULTRACE_REPLAY" --at "$t" --format csv "$WORK/trace" >"$WORK/at-contacts.csv"
	"$ULTRACE_REPLAY" --at "$t" --users --format csv "$WORK/trace" >"$WORK/at-users.csv"
	listed="$(($(wc -l <"$WORK/at-users.csv") - 1)) $(($(wc -l <"$WORK/at-contacts.csv") - 1))"
	is "$(cumulative "$WORK/h.csv" "$t") $listed" \
		"$(stats_line "$WORK/at.csv") $(cumulative "$WORK/h.csv" "$t" | cut -d' ' -f1,2)" \
		"row $n ($t): users, contacts, counters so far and health equal --at $t's (listed and counted)"
done
ULTRACE_APPLY_THREAD=0 "$ULTRACE_REPLAY" --history 500ms --format csv \
	"$WORK/trace" | cmp -s - "$WORK/h.csv"
ok $? "ULTRACE_APPLY_THREAD=0 (applied on the reading thread): the same rows"
# The first row is the state at the first step instant: before any event.
is "$(sed -n 2p "$WORK/h.csv" | cut -d, -f3,4,5)" "0,0,0" \
	"the first row (the first event rounded down) precedes every event"

"$ULTRACE_REPLAY" --history 500ms --format json "$WORK/trace" >"$WORK/h.json"
ok $? "--format json exits 0"
python3 -m json.tool "$WORK/h.json" >/dev/null
ok $? "the JSON parses (python3 -m json.tool)"
is "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["step_ns"], len(d["rows"]), d["rows"][-1]["contacts"], d["rows"][-1]["time_ns"],
    sum(r["inserts"] for r in d["rows"]))' "$WORK/h.json")" \
	"$STEP_NS $rows $(stat "$WORK/stats.csv" contacts) $last $(stat "$WORK/stats.csv" events.contact_insert)" \
	"JSON: the step, as many rows as CSV, the same last row and sums"
"$ULTRACE_REPLAY" --history 500ms "$WORK/trace" >"$WORK/h.txt"
is "$(wc -l <"$WORK/h.txt") $(awk '{ print NF }' "$WORK/h.txt" | sort -u | tr '\n' ' ')" \
	"$((rows + 1)) 15 " "the default table: a header and a row a step, 15 columns"

# --at with --history: the rows before T as without, the last one at T.
mid=$(sed -n "$((rows / 2))p" "$WORK/times")
at=$((mid + 123456789))
"$ULTRACE_REPLAY" --history 500ms --at "$at" --format csv "$WORK/trace" >"$WORK/h-at.csv"
head -n "$((rows / 2 + 1))" "$WORK/h.csv" >"$WORK/h-prefix.csv"
"$ULTRACE_REPLAY" --at "$at" --stats --format csv "$WORK/trace" >"$WORK/at.csv"
is "$(head -n "$((rows / 2 + 1))" "$WORK/h-at.csv" | cmp - "$WORK/h-prefix.csv" && echo same) $(wc -l <"$WORK/h-at.csv") $(cumulative "$WORK/h-at.csv" "$at")" \
	"same $((rows / 2 + 2)) $(stats_line "$WORK/at.csv")" \
	"--history --at T: the same rows before T, then one at T equal to --at T"

# --plot: a PNG of the asked size (signature, then IHDR's width, height).
png_size() {
	python3 -c 'import struct, sys
b = open(sys.argv[1], "rb").read(24)
assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR", "not a PNG"
print("%dx%d" % struct.unpack(">II", b[16:24]))' "$1"
}
"$ULTRACE_REPLAY" --history 500ms --plot "$WORK/h.png" --plot-size 800x300 \
	--format csv "$WORK/trace" >"$WORK/h2.csv" 2>"$WORK/plot.err"
ok $? "--plot exits 0" || sed 's/^/# /' "$WORK/plot.err"
is "$(png_size "$WORK/h.png" 2>&1)" "800x300" "--plot-size 800x300: a PNG of 800x300"
cmp -s "$WORK/h.csv" "$WORK/h2.csv"
ok $? "...and the same rows printed"
odd="$WORK/a \"quoted\" name
with a newline.png"
"$ULTRACE_REPLAY" -q --history 1s --plot "$odd" -o /dev/null "$WORK/trace"
is "$(png_size "$odd" 2>&1)" "1024x480" \
	"a file name with quotes and a newline: no script injection; default size 1024x480"
ULTRACE_GNUPLOT=/nonexistent/gnuplot "$ULTRACE_REPLAY" --history 1s \
	--plot "$WORK/none.png" -o /dev/null "$WORK/trace" 2>"$WORK/nognuplot.err"
st=$?
is "$st $(test -e "$WORK/none.png" && echo left) $(grep -c 'gnuplot-nox' "$WORK/nognuplot.err")" \
	"3  1" "no gnuplot: exit 3, no file left, the error says what to install"
bad=
for args in "--plot x.png" "--history 0s" "--history 1.5s" "--history 1s --stats" \
		"--history 1s --plot-size 10x10" "--history 1s --plot-size 800"; do
	# shellcheck disable=SC2086
	"$ULTRACE_REPLAY" $args "$WORK/trace" >/dev/null 2>&1
	st=$?
	[ "$st" -eq 2 ] || bad="$bad [$args: $st]"
done
is "$bad" "" "usage errors exit 2: --plot alone, bad steps, --history with --stats, bad sizes"

# --- the lossy trace --------------------------------------------------------
"$ULTRACE_REPLAY" --stats --format csv --expiry-grace 1 "$WORK/lossy" \
	>"$WORK/lstats.csv" 2>/dev/null
"$ULTRACE_REPLAY" --history 250ms --format csv --expiry-grace 1 "$WORK/lossy" \
	>"$WORK/l.csv" 2>"$WORK/l.err"
ok $? "--history on the lossy trace exits 0" || sed 's/^/# /' "$WORK/l.err"
discarded=$(stat "$WORK/lstats.csv" discarded_events)
test "$discarded" -gt 0
ok $? "the tracer discarded events ($discarded)"
llast=$(col "$WORK/l.csv" time_ns | tail -1)
is "$(cumulative "$WORK/l.csv" "$llast")" "$(stats_line "$WORK/lstats.csv")" \
	"lossy: the discards column and every counter add up to --stats"
lossy_rows=$(awk -F, 'NR > 1 && $13 > 0' "$WORK/l.csv" | wc -l)
test "$lossy_rows" -ge 1
ok $? "the discards are in some rows ($lossy_rows), not all in one sum"
# At the rows around the first and the last discard, and the middle one
# with TTL at work: --at T says the same (discards so far included).
col "$WORK/l.csv" time_ns >"$WORK/ltimes"
lrows=$(wc -l <"$WORK/ltimes")
firstloss=$(awk -F, 'NR > 1 && $13 > 0 { print NR - 1; exit }' "$WORK/l.csv")
lastloss=$(awk -F, 'NR > 1 && $13 > 0 { n = NR - 1 } END { print n }' "$WORK/l.csv")
bad=
for n in $((firstloss - 1)) "$firstloss" $((lrows / 2)) "$lastloss"; do
	[ "$n" -ge 1 ] || continue
	t=$(sed -n "${n}p" "$WORK/ltimes")
	"$ULTRACE_REPLAY" --at "$t" --stats --format csv --expiry-grace 1 \
		"$WORK/lossy" >"$WORK/lat.csv" 2>/dev/null
	[ "$(cumulative "$WORK/l.csv" "$t")" = "$(stats_line "$WORK/lat.csv")" ] ||
		bad="$bad [row $n: $(cumulative "$WORK/l.csv" "$t") vs $(stats_line "$WORK/lat.csv")]"
done
is "$bad" "" "lossy rows at T (before/at the first discard, middle, last discard) equal --at T, discards and TTL included"
ttl=$(sum "$WORK/l.csv" ttl_expired)
test "$ttl" -gt 0 && test "$(awk -F, 'NR > 1 && $15 == "suspect"' "$WORK/l.csv" | wc -l)" -ge 1
ok $? "with lost expire events the TTL removed contacts ($ttl) and rows turned suspect"
"$ULTRACE_REPLAY" --history 250ms --format json --expiry-grace 1 \
	--plot "$WORK/l.png" "$WORK/lossy" >"$WORK/l.json" 2>/dev/null
is "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["discard_ranges"]) > 0, len(d["suspect"]) > 0)' "$WORK/l.json") $(png_size "$WORK/l.png" 2>&1)" \
	"True True 1024x480" "lossy JSON lists discard ranges and suspect spans; the plot is drawn"
