#!/bin/sh
# fuzz_smoke.sh: a bounded real fuzzing pass in `make check`: builds the
# libFuzzer harnesses with clang (`make fuzz-build`) and runs each for
# FUZZ_SMOKE_SECONDS (30), seeded with the committed corpus. Every crash,
# sanitizer report, failed check or timeout is sorted by triage.sh: one of
# ours fails the test; one babeltrace2 shows without our code (its known
# assertion, leaks and endless indexing of damaged streams) is listed in
# the log. A missing clang fails the test: it is never skipped. New inputs
# and crashers go to a scratch directory, not the source tree (`make fuzz`
# keeps them); fuzz.sh and triage.sh give the harness a TMPDIR of their
# own and remove it (an input that aborts leaves its trace directory).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"

SECONDS_EACH=${FUZZ_SMOKE_SECONDS:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-fuzz.XXXXXX") || bail_out "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

plan 7

command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1
ok $? "clang is installed (tools/setup-deps: clang, libclang-rt-14-dev)"

# The sub-make only runs fuzz.sh; MAKEFLAGS from `make check` is dropped
# so that it neither waits on the check's job server nor inherits -k.
env -u MAKEFLAGS -u MFLAGS make -s -C "$ULTRACE_BUILDDIR" fuzz-build \
	${FUZZ_CC:+FUZZ_CC="$FUZZ_CC"} >"$WORK/build.log" 2>&1
ok $? "the harnesses build with clang, libFuzzer, ASan and UBSan" ||
	tail -n 20 "$WORK/build.log" | sed 's/^/# /'

# Artifacts are sorted by triage.sh: a failure babeltrace2 shows on its own
# (abort, leak, no end, no memory bound) is reported, not ours to fix; an
# artifact the harness passes when run alone (-fork=1 runs leave an empty
# crash-* file, cause unknown) is reported; the rest fail.
triage() {
	FUZZ_SRCDIR=$ULTRACE_SRCDIR FUZZ_BUILDDIR=$ULTRACE_BUILDDIR \
		sh "$ULTRACE_SRCDIR/tests/fuzz/triage.sh" "$@"
}

# The control: with every input failing one of our checks, triage must
# call it ours (else a bug of ours could pass as babeltrace2's).
seed=$(ls "$ULTRACE_SRCDIR/tests/fuzz/corpus/fuzz_trace/"* | head -n 1)
verdict=$(ULTRACE_FUZZ_SELF_TEST=1 triage fuzz_trace "$seed")
case $verdict in
*": ours ("*) ok 0 "triage: a failed check of ours on a valid trace is ours" ;;
*) ok 1 "triage: a failed check of ours on a valid trace is ours"
	diag "triage said: $verdict" ;;
esac

for t in fuzz_trace fuzz_events fuzz_live_url fuzz_snmp_request; do
	# Keep going past crashes (-fork=1), then sort them.
	FUZZ_SRCDIR=$ULTRACE_SRCDIR FUZZ_BUILDDIR=$ULTRACE_BUILDDIR \
		FUZZ_WORK="$WORK/work" FUZZ_ARTIFACTS="$WORK/crashers" \
		FUZZ_SECONDS=$SECONDS_EACH FUZZ_KEEP_GOING=1 \
		sh "$ULTRACE_SRCDIR/tests/fuzz/fuzz.sh" run "$t" \
		>"$WORK/$t.out" 2>&1
	rc=$?
	sed 's/^/# /' "$WORK/$t.out"
	set -- "$WORK/crashers/$t"/*
	ours=0
	if [ -f "$1" ]; then
		triage "$t" "$@" >"$WORK/$t.triage"
		ours=$?
		sed 's/^/# /' "$WORK/$t.triage"
	fi
	# fuzz.sh fails on any artifact or a run that did not end well: with
	# artifacts, the triage decides; without, fuzz.sh's status stands.
	[ -f "$1" ] && rc=$ours
	ok $rc "$t: ${SECONDS_EACH} s of fuzzing, nothing of ours failed" || {
		tail -n 40 "$WORK/work/$t.log" | sed 's/^/# /'
		grep ': ours (' "$WORK/$t.triage" 2>/dev/null | sed 's/: ours (.*//' |
		while read -r f; do
			diag "crasher $(basename "$f") (base64, add it to tests/fuzz/crashers/$t/):"
			base64 "$f" | head -n 200 | sed 's/^/# /'
		done
	}
done
