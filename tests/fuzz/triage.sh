#!/bin/sh
# triage.sh: sorts what a fuzzer wrote (crash-*, leak-*, timeout-*, oom-*)
# into ours and babeltrace2's, by asking babeltrace2 alone.
#
#   triage.sh TARGET FILE...
#
# For each FILE, one line "FILE: VERDICT (why)" on standard output:
#   ours             the harness fails on it and babeltrace2 alone does not:
#                    a bug of ours, to fix (keep the file in crashers/TARGET)
#   babeltrace2      `babeltrace2 -c sink.utils.dummy` on the same trace,
#                    without any code of ours, aborts, leaks (valgrind,
#                    definite), or neither ends within FUZZ_TRIAGE_SECONDS
#                    (30) nor stays within FUZZ_TRIAGE_MEMORY_KB (4 GiB)
#   not-reproduced   the fuzzer's own binary passes it when run alone
#                    (libFuzzer -fork=1 runs here leave an empty crash-*
#                    file within their first minutes; why is not known,
#                    the empty input passes alone)
# Exit status: the number of files that are ours (at most 125).
#
# Environment: FUZZ_SRCDIR, FUZZ_BUILDDIR (as for fuzz.sh; the clang
# binaries must be built). Only fuzz_trace reads traces through babeltrace2:
# every fuzz_events artifact that reproduces is ours.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

: "${FUZZ_SRCDIR:?set FUZZ_SRCDIR}"
: "${FUZZ_BUILDDIR:?set FUZZ_BUILDDIR}"
SECS=${FUZZ_TRIAGE_SECONDS:-30}
MEM_KB=${FUZZ_TRIAGE_MEMORY_KB:-4194304}
BIN=$FUZZ_BUILDDIR/tests/fuzz/bin
[ $# -ge 2 ] || {
	echo "usage: triage.sh TARGET FILE..." >&2
	exit 126
}
target=$1
shift
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-triage.XXXXXX") || exit 126
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

# reproduces FILE: does the sanitizer build of the harness fail on it?
reproduces() {
	( ulimit -v unlimited 2>/dev/null
	ASAN_OPTIONS=fast_unwind_on_malloc=0 \
		LSAN_OPTIONS=suppressions=$FUZZ_SRCDIR/tests/fuzz/lsan.supp \
		TMPDIR=$scratch ULTRACE_SRCDIR=$FUZZ_SRCDIR timeout $((SECS + 10)) \
		"$BIN/$target" -timeout="$SECS" -rss_limit_mb=$((MEM_KB / 1024)) \
		"$1" >"$scratch/harness.log" 2>&1 ) 2>/dev/null
	[ $? -ne 0 ]
}

# bt2_alone FILE KIND: prints why babeltrace2 alone fails on FILE's trace,
# or nothing. KIND is the artifact's prefix (leak: look for leaks).
bt2_alone() {
	dir=$scratch/trace
	rm -rf "$dir" && mkdir "$dir" || return
	ULTRACE_FUZZ_WRITE_TRACE=$dir ULTRACE_SRCDIR=$FUZZ_SRCDIR \
		"$FUZZ_BUILDDIR/tests/fuzz/driver_fuzz_trace" "$1" \
		>/dev/null 2>&1
	[ -f "$dir/ultrace_0" ] || return
	( ulimit -v "$MEM_KB"; timeout "$SECS" babeltrace2 \
		-c sink.utils.dummy "$dir" >"$scratch/bt2.log" 2>&1 ) 2>/dev/null
	rc=$?
	if [ $rc -eq 124 ]; then
		echo "babeltrace2 alone still runs after $SECS s"
		return
	elif [ $rc -gt 128 ]; then
		echo "babeltrace2 alone died of signal $((rc - 128))"
		return
	elif grep -q 'GLib-ERROR\|failed to allocate\|Cannot allocate' \
			"$scratch/bt2.log"; then
		echo "babeltrace2 alone ran out of its $MEM_KB KiB"
		return
	fi
	[ "$2" = leak ] || return
	timeout $((SECS * 10)) valgrind -q --leak-check=full \
		--errors-for-leak-kinds=definite --error-exitcode=99 \
		babeltrace2 -c sink.utils.dummy "$dir" >"$scratch/vg.log" 2>&1
	[ $? -eq 99 ] && grep -q 'definitely lost' "$scratch/vg.log" &&
		echo "babeltrace2 alone leaks (valgrind: definitely lost)"
}

ours=0
for f in "$@"; do
	kind=$(basename "$f" | sed 's/-.*//')
	if ! reproduces "$f"; then
		echo "$f: not-reproduced (the harness passes it alone)"
		continue
	fi
	why=
	[ "$target" = fuzz_trace ] && why=$(bt2_alone "$f" "$kind")
	if [ -n "$why" ]; then
		echo "$f: babeltrace2 ($why)"
	else
		echo "$f: ours ($(grep -a -m 1 'ERROR\|fuzz check failed\|Assertion' \
			"$scratch/harness.log" | cut -c1-160))"
		ours=$((ours + 1))
	fi
done
[ $ours -gt 125 ] && ours=125
exit $ours
