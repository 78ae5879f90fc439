#!/bin/sh
# bt2_plugin.sh: the babeltrace2 plugin `ultrace` (sink.ultrace.table) is
# ultrace-replay inside a babeltrace2 graph: babeltrace2 lists it, and on a
# recorded loadgen trace its output equals ultrace-replay's in every format,
# at the end and at an instant (its own `at`, or a trimmer upstream); bad
# parameters are babeltrace2 errors naming them; a DESTDIR install puts the
# .so (alone) in the configured plugin directory; valgrind finds nothing of
# ours.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

: "${ULTRACE_BT2_PLUGIN_DIR:?run through make check (ULTRACE_BT2_PLUGIN_DIR unset)}"
command -v babeltrace2 >/dev/null ||
	bail_out "babeltrace2 not found: install the Debian package babeltrace2"
PLUGIN_DIR=$ULTRACE_BUILDDIR/consumer/.libs
PLUGIN_SO=$PLUGIN_DIR/babeltrace-plugin-ultrace.so
[ -f "$PLUGIN_SO" ] || bail_out "$PLUGIN_SO not built"
# Only our plugin directory and babeltrace2's own: none from $HOME.
bt2() {
	babeltrace2 --omit-home-plugin-path --plugin-path="$PLUGIN_DIR" "$@"
}
TRACE=$WORK/trace

plan 45

# --- The plugin as babeltrace2 sees it -----------------------------------
bt2 list-plugins >"$WORK/plugins.txt" 2>&1
ok $? "babeltrace2 list-plugins exits 0" || sed 's/^/# /' "$WORK/plugins.txt"
grep -q "^ultrace:" "$WORK/plugins.txt" &&
	grep -q "Path: $PLUGIN_SO\$" "$WORK/plugins.txt"
ok $? "list-plugins shows the plugin ultrace, from the build directory"
grep -q "'sink\.ultrace\.table': " "$WORK/plugins.txt"
ok $? "list-plugins shows the sink component class sink.ultrace.table"
# babeltrace2 looks up 8 descriptor getters; the engine stays private.
exports=$(nm -D --defined-only "$PLUGIN_SO" | awk '{print $3}' |
	grep -v '^__bt_get_\(begin\|end\)_section_' | tr '\n' ' ')
is "${exports:-none}" none "the .so exports only babeltrace2's descriptor getters"
# Every parameter the help lists is in the man page, and the other way.
help=$(bt2 help sink.ultrace.table 2>&1)
page=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$ULTRACE_SRCDIR/doc/babeltrace2-sink.ultrace.table.7")
missing=
for p in $(printf '%s\n' "$help" | sed -n 's/^  \([a-z-]*\)=.*/\1/p'); do
	printf '%s\n' "$page" | grep -q "^$p=" || missing="$missing $p"
done
for p in $(printf '%s\n' "$page" | sed -n 's/^\([a-z-]*\)=.*optional.*/\1/p'); do
	printf '%s\n' "$help" | grep -q "^  $p=" || missing="$missing $p(help)"
done
is "${missing:-none}" none "help and man page list the same parameters (format at expiry-grace output)"

# --- A recorded trace: registrations, refreshes, de-registrations, expiries
start_sessiond
create_session bt2 "$TRACE" || bail_out "cannot create the session"
"$ULTRACE_LOADGEN" --threads 2 --users 1000 --max-contacts 3 \
	--events 40000 --rate 20000 --expires-min 1 --expires-max 3 \
	--expire-ratio 0.3 --seed 7 --truth "$WORK/truth.csv" \
	--truth-at 1 --truth-at-file "$WORK/mid.csv" 2>"$WORK/loadgen.log"
ok $? "loadgen ran 40000 events with 2 threads" || sed 's/^/# /' "$WORK/loadgen.log"
stop_session bt2

"$ULTRACE_REPLAY" --stats --format csv "$TRACE" >"$WORK/stats.csv"
stat_of() {
	sed -n "s/^$1,//p" "$WORK/stats.csv"
}
kinds=
for kind in insert update refresh delete expire; do
	[ "$(stat_of "events.contact_$kind")" -gt 0 ] 2>/dev/null &&
		kinds="$kinds $kind"
done
is "$kinds" " insert update refresh delete expire" "the trace has inserts, updates, compact refreshes, deletes and expires"

# --- The same output as ultrace-replay, format by format -----------------
same() { # NAME REPLAY_OUTPUT PLUGIN_OUTPUT
	if cmp -s "$2" "$3"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		diff "$2" "$3" | head -20 | sed 's/^/# /'
	fi
}
for fmt in csv json table; do
	"$ULTRACE_REPLAY" --format "$fmt" "$TRACE" >"$WORK/replay.$fmt"
	bt2 "$TRACE" -c sink.ultrace.table -p "format=\"$fmt\"" \
		>"$WORK/plugin.$fmt" 2>"$WORK/plugin.$fmt.err"
	ok $? "babeltrace2 ... -c sink.ultrace.table -p 'format=\"$fmt\"' exits 0" ||
		sed 's/^/# /' "$WORK/plugin.$fmt.err"
	same "format=$fmt: the output equals ultrace-replay --format $fmt" \
		"$WORK/replay.$fmt" "$WORK/plugin.$fmt"
done
test "$(wc -l <"$WORK/plugin.csv")" -gt 100 && cmp -s "$WORK/plugin.csv" "$WORK/truth.csv"
ok $? "format=csv: the output holds contacts and equals loadgen's truth"
bt2 "$TRACE" -c sink.ultrace.table >"$WORK/plugin.default" 2>&1
same "no parameter: the output is ultrace-replay's default (table)" \
	"$WORK/replay.table" "$WORK/plugin.default"
"$ULTRACE_REPLAY" --stats "$TRACE" >"$WORK/replay.stats"
bt2 "$TRACE" -c sink.ultrace.table -p 'format="stats"' >"$WORK/plugin.stats"
same "format=stats: the output equals ultrace-replay --stats" \
	"$WORK/replay.stats" "$WORK/plugin.stats"

# --- The state at an instant in the middle of the trace -----------------
at=$(cat "$WORK/mid.csv.ts")
"$ULTRACE_REPLAY" --format csv --at "$at" "$TRACE" >"$WORK/replay-at.csv"
cmp -s "$WORK/replay-at.csv" "$WORK/mid.csv" && ! cmp -s "$WORK/replay-at.csv" "$WORK/replay.csv"
ok $? "ultrace-replay --at $at: loadgen's mid-run truth, not the final state"
bt2 "$TRACE" -c sink.ultrace.table -p "format=\"csv\",at=\"$at\"" \
	>"$WORK/plugin-at.csv" 2>"$WORK/plugin-at.err"
ok $? "at=\"$at\" (the graph stops early) exits 0" || sed 's/^/# /' "$WORK/plugin-at.err"
same "at=\"$at\": the output equals ultrace-replay --at" \
	"$WORK/replay-at.csv" "$WORK/plugin-at.csv"
# The same instant as an integer parameter, and as ISO-8601.
iso=$(date -u -d "@$((at / 1000000000))" +%Y-%m-%dT%H:%M:%S).$(printf '%09d' $((at % 1000000000)))Z
bt2 "$TRACE" -c sink.ultrace.table -p "format=\"csv\",at=$at" >"$WORK/plugin-at-int.csv" 2>&1
same "at=$at (an integer): the same output" "$WORK/replay-at.csv" "$WORK/plugin-at-int.csv"
bt2 "$TRACE" -c sink.ultrace.table -p "format=\"csv\",at=\"$iso\"" >"$WORK/plugin-at-iso.csv" 2>&1
same "at=\"$iso\" (ISO-8601): the same output" "$WORK/replay-at.csv" "$WORK/plugin-at-iso.csv"
# Trimmed upstream: the trimmer takes seconds since the origin (the epoch).
end=$((at / 1000000000)).$(printf '%09d' $((at % 1000000000)))
bt2 "$TRACE" -c flt.utils.trimmer -p "end=\"$end\"" \
	-c sink.ultrace.table -p "format=\"csv\",at=\"$at\"" \
	>"$WORK/plugin-trim.csv" 2>"$WORK/plugin-trim.err"
ok $? "-c flt.utils.trimmer -p end=\"$end\" with at exits 0" || sed 's/^/# /' "$WORK/plugin-trim.err"
same "trimmer end=$end + at: the output equals ultrace-replay --at" \
	"$WORK/replay-at.csv" "$WORK/plugin-trim.csv"
"$ULTRACE_REPLAY" --stats --at "$at" "$TRACE" >"$WORK/replay-at.stats"
bt2 "$TRACE" --end="$end" -c sink.ultrace.table -p "format=\"stats\",at=\"$at\"" \
	>"$WORK/plugin-end.stats" 2>"$WORK/plugin-end.err"
same "--end=$end + at, format=stats: the output equals ultrace-replay --stats --at" \
	"$WORK/replay-at.stats" "$WORK/plugin-end.stats"
# expiry-grace, as --expiry-grace: 2 s after the mid-run instant (past the
# trace's end), a grace of 0 removes the 1-3 s registrations due by then.
later=$((at + 2000000000))
"$ULTRACE_REPLAY" --format csv --at "$later" "$TRACE" >"$WORK/replay-later.csv"
"$ULTRACE_REPLAY" --format csv --at "$later" --expiry-grace 0 "$TRACE" >"$WORK/replay-g0.csv"
bt2 "$TRACE" -c sink.ultrace.table -p "format=\"csv\",at=\"$later\",expiry-grace=\"0\"" \
	>"$WORK/plugin-g0.csv" 2>&1
! cmp -s "$WORK/replay-g0.csv" "$WORK/replay-later.csv" && cmp -s "$WORK/replay-g0.csv" "$WORK/plugin-g0.csv"
ok $? "expiry-grace=\"0\": as ultrace-replay --expiry-grace 0 (which removes contacts the default keeps)"
bt2 "$TRACE" -c sink.ultrace.table -p "format=\"csv\",at=\"$later\",expiry-grace=0" \
	>"$WORK/plugin-g0-int.csv" 2>&1
same "expiry-grace=0 (an integer): the same output" "$WORK/replay-g0.csv" "$WORK/plugin-g0-int.csv"
"$ULTRACE_REPLAY" --format csv --at "$later" --expiry-grace off "$TRACE" >"$WORK/replay-off.csv"
bt2 "$TRACE" -c sink.ultrace.table -p "format=\"csv\",at=\"$later\",expiry-grace=\"off\"" \
	>"$WORK/plugin-off.csv" 2>&1
same "expiry-grace=\"off\": as ultrace-replay --expiry-grace off" "$WORK/replay-off.csv" "$WORK/plugin-off.csv"

# --- output=FILE -------------------------------------------------------------
bt2 "$TRACE" -c sink.ultrace.table -p "format=\"csv\",output=\"$WORK/out.csv\"" \
	>"$WORK/out.stdout" 2>&1
st=$?
cmp -s "$WORK/out.csv" "$WORK/replay.csv" && [ ! -s "$WORK/out.stdout" ] && [ $st -eq 0 ]
ok $? "output=\"FILE\": the file holds ultrace-replay's output, standard output nothing"
bt2 "$TRACE" -c sink.ultrace.table -p "output=\"$WORK/no/such/dir/x\"" >/dev/null 2>"$WORK/out-bad.err"
st=$?
[ $st -ne 0 ] && grep -q "$WORK/no/such/dir/x: No such file or directory" "$WORK/out-bad.err"
ok $? "output in a missing directory: exit $st, error naming the file" || sed 's/^/# /' "$WORK/out-bad.err"

# --- Bad parameters: babeltrace2 errors naming them ----------------------
bad_param() { # PARAMS EXPECTED_ERROR_TEXT DESCRIPTION
	bt2 "$TRACE" -c sink.ultrace.table -p "$1" >"$WORK/bad.out" 2>"$WORK/bad.err"
	_st=$?
	# The CLI wraps a cause's lines: join them again.
	if [ $_st -ne 0 ] && [ ! -s "$WORK/bad.out" ] &&
			tr '\n' ' ' <"$WORK/bad.err" | tr -s ' ' | grep -qF -- "$2"; then
		ok 0 "$3 (exit $_st)"
	else
		ok 1 "$3 (exit $_st)"
		sed 's/^/# /' "$WORK/bad.err" | head -20
	fi
}
bad_param 'colour="red"' 'unknown parameter `colour`: the parameters are format, at, expiry-grace and output' \
	"an unknown parameter is an error naming it"
bad_param 'format="bogus"' 'parameter `format`: `bogus` is not csv, json, table or stats' \
	"format=\"bogus\" is an error naming the parameter"
bad_param 'format=3' 'parameter `format`: expecting a string' \
	"format=3 (not a string) is an error naming the parameter"
bad_param 'at="not-a-time"' 'parameter `at`: cannot parse `not-a-time`' \
	"at=\"not-a-time\" is an error naming the parameter"
bad_param 'at="2026-11-23T09:40:33"' 'parameter `at`: cannot parse `2026-11-23T09:40:33`' \
	"at without a zone is refused, as ultrace-replay --at refuses it"
bad_param 'expiry-grace="-5"' 'parameter `expiry-grace`: `-5` is not a number of seconds or `off`' \
	"expiry-grace=\"-5\" is an error naming the parameter"

# --- A malformed ultrace event fails the graph, naming it ----------------
create_session bad "$WORK/bad" || bail_out "cannot create the session"
"$ULTRACE_BUILDDIR/tests/fixtures/ultrace-bad-producer" 5 ||
	bail_out "bad producer failed"
stop_session bad
bt2 "$WORK/bad" -c sink.ultrace.table >"$WORK/bad-trace.out" 2>"$WORK/bad-trace.err"
st=$?
[ $st -ne 0 ] && [ ! -s "$WORK/bad-trace.out" ] &&
	tr '\n' ' ' <"$WORK/bad-trace.err" | tr -s ' ' |
	grep -q "ultrace:contact_insert.*lacks payload field \`contact\`"
ok $? "an event lacking fields: exit $st, nothing printed, the error names event and field" ||
	sed 's/^/# /' "$WORK/bad-trace.err" | tail -12

# --- Under valgrind: no memory error, no definite leak -------------------
if command -v valgrind >/dev/null; then
	vg() {
		valgrind --quiet --leak-check=full \
			--show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 \
			--suppressions="$ULTRACE_SRCDIR/tests/fuzz/valgrind.supp" \
			babeltrace2 --omit-home-plugin-path \
			--plugin-path="$PLUGIN_DIR" "$@"
	}
	vg "$TRACE" -c sink.ultrace.table -p 'format="stats"' \
		>"$WORK/vg.stats" 2>"$WORK/vg.err"
	st=$?
	[ $st -eq 0 ] && cmp -s "$WORK/vg.stats" "$WORK/replay.stats"
	ok $? "under valgrind, the whole trace: same output, no error, no leak (exit $st)" ||
		head -40 "$WORK/vg.err" | sed 's/^/# /'
	vg "$TRACE" -c sink.ultrace.table -p "format=\"csv\",at=\"$at\"" \
		>"$WORK/vg-at.csv" 2>"$WORK/vg-at.err"
	st=$?
	[ $st -eq 0 ] && cmp -s "$WORK/vg-at.csv" "$WORK/replay-at.csv"
	ok $? "under valgrind, stopped early by at: same output, no error, no leak (exit $st)" ||
		head -40 "$WORK/vg-at.err" | sed 's/^/# /'
	vg "$TRACE" -c sink.ultrace.table -p 'expiry-grace="-5"' \
		>/dev/null 2>"$WORK/vg-bad.err"
	is "$?" 1 "under valgrind, a bad parameter: babeltrace2's error exit (1), not valgrind's (99)" ||
		head -40 "$WORK/vg-bad.err" | sed 's/^/# /'
else
	skip "valgrind not installed"
	skip "valgrind not installed"
	skip "valgrind not installed"
fi

# --- Installation -------------------------------------------------------
# A DESTDIR install of the build tree; the make of `make check` is not
# ours to share, hence its variables unset.
dest=$WORK/dest
inst=$dest$ULTRACE_BT2_PLUGIN_DIR
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ULTRACE_BUILDDIR" install \
	DESTDIR="$dest" >"$WORK/install.log" 2>&1
ok $? "make install DESTDIR=... exits 0" || tail -20 "$WORK/install.log" | sed 's/^/# /'
[ -f "$inst/babeltrace-plugin-ultrace.so" ] &&
	[ ! -e "$inst/babeltrace-plugin-ultrace.la" ]
ok $? "babeltrace-plugin-ultrace.so, and no .la, in DESTDIR$ULTRACE_BT2_PLUGIN_DIR" ||
	find "$dest" -name 'babeltrace-plugin-ultrace*' | sed 's/^/# /'
find "$dest" -path '*/man7/babeltrace2-sink.ultrace.table.7' | grep -q .
ok $? "the man page babeltrace2-sink.ultrace.table(7) is installed in man7"
# (babeltrace2's own plugins read the trace: src.ctf.fs, flt.utils.muxer)
babeltrace2 --omit-home-plugin-path \
	--plugin-path="$inst" "$TRACE" -c sink.ultrace.table -p 'format="csv"' \
	>"$WORK/installed.csv" 2>"$WORK/installed.err"
same "the installed plugin: the output equals ultrace-replay's" \
	"$WORK/replay.csv" "$WORK/installed.csv"
# Configured with the default directory: is it where babeltrace2 looks? In
# our private mount namespace (root), the system plugin directory is
# replaced by a copy holding the installed plugin too.
sysdir=$(pkg-config --variable=libdir babeltrace2)/babeltrace2/plugins
if [ "$ULTRACE_BT2_PLUGIN_DIR" != "$sysdir" ]; then
	skip "configured with --with-babeltrace2-plugin-dir=$ULTRACE_BT2_PLUGIN_DIR"
elif [ -z "${ULTRACE_ISOLATED:-}" ] || [ ! -d "$sysdir" ]; then
	skip "not root in a private mount namespace: the system plugin directory stays as it is"
else
	mkdir "$WORK/sysplugins" && cp "$sysdir"/* "$inst/babeltrace-plugin-ultrace.so" \
		"$WORK/sysplugins/" && mount --bind "$WORK/sysplugins" "$sysdir"
	babeltrace2 --omit-home-plugin-path "$TRACE" -c sink.ultrace.table \
		-p 'format="csv"' >"$WORK/system.csv" 2>"$WORK/system.err" &&
		babeltrace2 --omit-home-plugin-path list-plugins 2>&1 |
		grep -q "Path: $sysdir/babeltrace-plugin-ultrace.so\$" &&
		cmp -s "$WORK/system.csv" "$WORK/replay.csv"
	ok $? "installed in the default directory, babeltrace2 finds it with no --plugin-path" ||
		sed 's/^/# /' "$WORK/system.err" | tail -12
	umount "$sysdir"
fi
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ULTRACE_BUILDDIR" uninstall \
	DESTDIR="$dest" >"$WORK/uninstall.log" 2>&1
st=$?
[ $st -eq 0 ] && [ -z "$(find "$dest" -name 'babeltrace-plugin-ultrace*')" ]
ok $? "make uninstall DESTDIR=...: the plugin is gone" ||
	find "$dest" -name 'babeltrace-plugin-ultrace*' | sed 's/^/# /'
