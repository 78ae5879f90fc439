#!/bin/sh
# fuzz_smoke.sh: a bounded real fuzzing pass in `make check`: builds the
# libFuzzer harnesses with clang (`make fuzz-build`) and runs each for
# FUZZ_SMOKE_SECONDS (30), seeded with the committed corpus; any crash,
# sanitizer report or failed check fails the test, and so does a missing
# clang: this test is never skipped. New inputs and crashers go to a
# scratch directory, not the source tree (`make fuzz` keeps them).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"

SECONDS_EACH=${FUZZ_SMOKE_SECONDS:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-fuzz.XXXXXX") || bail_out "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

plan 4

command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1
ok $? "clang is installed (tools/setup-deps: clang, libclang-rt-14-dev)"

# The sub-make only runs fuzz.sh; MAKEFLAGS from `make check` is dropped
# so that it neither waits on the check's job server nor inherits -k.
env -u MAKEFLAGS -u MFLAGS make -s -C "$ULTRACE_BUILDDIR" fuzz-build \
	${FUZZ_CC:+FUZZ_CC="$FUZZ_CC"} >"$WORK/build.log" 2>&1
ok $? "the harnesses build with clang, libFuzzer, ASan and UBSan" ||
	tail -n 20 "$WORK/build.log" | sed 's/^/# /'

# known_bt2_failure TARGET FILE: the input hits a babeltrace2 2.0.4 bug we
# cannot fix (crashers/fuzz_trace/XFAIL and unbounded/README): its
# assertion on packet sizes >= 2^63, or a timeout/OOM of its indexing.
known_bt2_failure() {
	[ "$1" = fuzz_trace ] || return 1
	case $(basename "$2") in
	timeout-*|oom-*) return 0 ;;
	esac
	ULTRACE_SRCDIR=$ULTRACE_SRCDIR timeout 60 \
		"$ULTRACE_BUILDDIR/tests/fuzz/driver_$1" "$2" 2>&1 |
		grep -q 'msg-iter.c:1111: set_current_packet_content_sizes'
}

for t in fuzz_trace fuzz_events; do
	# Keep going past crashes, then sort them: the known babeltrace2
	# assertion is hit about once a minute and is not ours to fix.
	FUZZ_SRCDIR=$ULTRACE_SRCDIR FUZZ_BUILDDIR=$ULTRACE_BUILDDIR \
		FUZZ_WORK="$WORK/work" FUZZ_ARTIFACTS="$WORK/crashers" \
		FUZZ_SECONDS=$SECONDS_EACH FUZZ_KEEP_GOING=1 \
		sh "$ULTRACE_SRCDIR/tests/fuzz/fuzz.sh" run "$t" \
		>"$WORK/$t.out" 2>&1
	rc=$?
	sed 's/^/# /' "$WORK/$t.out"
	known=0 unknown=0
	for f in "$WORK/crashers/$t"/*; do
		[ -f "$f" ] || continue
		if known_bt2_failure "$t" "$f"; then
			known=$((known + 1))
			rm -f "$f"
		else
			unknown=$((unknown + 1))
		fi
	done
	[ "$known" -gt 0 ] && diag "$t: $known input(s) hit the known babeltrace2 bugs (tests/fuzz/README)"
	# A failed check of ours aborts too, leaving an input that replays
	# as no babeltrace2 bug: it counts as unknown.
	if [ "$rc" -ne 0 ] && [ "$known" -gt 0 ] && [ "$unknown" -eq 0 ]; then
		rc=0
	fi
	ok $rc "$t: ${SECONDS_EACH} s of fuzzing, no crash" || {
		tail -n 40 "$WORK/work/$t.log" | sed 's/^/# /'
		for f in "$WORK/crashers/$t"/*; do
			[ -f "$f" ] || continue
			diag "crasher $(basename "$f") (base64, add it to tests/fuzz/crashers/$t/):"
			base64 "$f" | head -n 200 | sed 's/^/# /'
		done
	}
done
