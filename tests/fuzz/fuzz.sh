#!/bin/sh
# fuzz.sh: builds the libFuzzer harnesses of tests/fuzz with clang and runs
# them for a bounded time. Called by `make fuzz`, `make fuzz-build`,
# `make fuzz-merge` (which pass the variables below) and by fuzz_smoke.sh.
#
#   fuzz.sh build            compile into $FUZZ_BUILDDIR/tests/fuzz/bin
#   fuzz.sh run [TARGET...]  run each target FUZZ_SECONDS, one at a time
#   fuzz.sh merge [TARGET...] minimise corpus/TARGET plus what runs found
#
# Environment: FUZZ_SRCDIR, FUZZ_BUILDDIR (required); FUZZ_CC (clang);
# FUZZ_SOURCES (the library sources, as in Makefile.am); FUZZ_CFLAGS,
# FUZZ_LIBS (babeltrace2 and net-snmp flags); FUZZ_SECONDS (60);
# FUZZ_WORK (where new corpus entries go: $FUZZ_BUILDDIR/tests/fuzz/work);
# FUZZ_ARTIFACTS (where crashers go: $FUZZ_SRCDIR/tests/fuzz/crashers);
# FUZZ_KEEP_GOING=1 (on a crash, record it and go on: libFuzzer -fork=1).
# Exit status: 0, or 1 if a build failed or a target crashed.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

: "${FUZZ_SRCDIR:?set FUZZ_SRCDIR (run through make fuzz)}"
: "${FUZZ_BUILDDIR:?set FUZZ_BUILDDIR (run through make fuzz)}"
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_WORK=${FUZZ_WORK:-$FUZZ_BUILDDIR/tests/fuzz/work}
FUZZ_ARTIFACTS=${FUZZ_ARTIFACTS:-$FUZZ_SRCDIR/tests/fuzz/crashers}
TARGETS="fuzz_trace fuzz_events fuzz_live_url fuzz_snmp_request"
BIN=$FUZZ_BUILDDIR/tests/fuzz/bin
OBJ=$FUZZ_BUILDDIR/tests/fuzz/obj
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
# babeltrace2 and GLib keep no frame pointers: only the slow unwinder
# records the allocation stacks that lsan.supp matches.
ASAN_OPTS=fast_unwind_on_malloc=0
LSAN_OPTS=suppressions=$FUZZ_SRCDIR/tests/fuzz/lsan.supp

# Per target: the largest input libFuzzer makes (fuzz_trace's inputs are a
# stream file, or metadata text plus a stream).
max_len() {
	case $1 in
	fuzz_trace) echo 65536 ;;
	fuzz_live_url) echo 1024 ;;
	# One UDP datagram, as big as IPv4 carries.
	fuzz_snmp_request) echo 65507 ;;
	*) echo 8192 ;;
	esac
}

build() {
	command -v "$FUZZ_CC" >/dev/null 2>&1 || {
		echo "fuzz.sh: $FUZZ_CC not found (Debian: clang, libclang-rt-14-dev)" >&2
		return 1
	}
	mkdir -p "$BIN" "$OBJ" || return 1
	cflags="-g -O1 -fno-omit-frame-pointer $SAN -Wall -Wextra -Werror \
		-D_GNU_SOURCE -I$FUZZ_SRCDIR/tracepoints -I$FUZZ_SRCDIR/registry -I$FUZZ_SRCDIR/consumer \
		-I$FUZZ_SRCDIR/snmp -I$FUZZ_SRCDIR/tests/fuzz \
		-I$FUZZ_SRCDIR/tests/utils \
		-DULTRACE_FUZZ_SRCDIR=\"$FUZZ_SRCDIR\" ${FUZZ_CFLAGS:-}"
	objs=
	for src in $FUZZ_SOURCES tests/fuzz/fuzz_check.c tests/utils/snmp_ber.c; do
		case $src in
		*.c) ;;
		*) continue ;;
		esac
		obj=$OBJ/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
		# shellcheck disable=SC2086
		$FUZZ_CC $cflags -fsanitize=fuzzer-no-link -c \
			"$FUZZ_SRCDIR/$src" -o "$obj" || return 1
		objs="$objs $obj"
	done
	for t in $TARGETS; do
		# shellcheck disable=SC2086
		$FUZZ_CC $cflags "$FUZZ_SRCDIR/tests/fuzz/$t.c" $objs \
			${FUZZ_LIBS:-} -o "$BIN/$t" || return 1
	done
	echo "fuzz.sh: built $TARGETS in $BIN"
}

# run_one TARGET SECONDS: libFuzzer on TARGET; new inputs into the work
# corpus, the committed corpus read as seeds. Prints one summary line.
run_one() {
	t=$1
	work=$FUZZ_WORK/$t
	art=$FUZZ_ARTIFACTS/$t
	log=$FUZZ_WORK/$t.log
	mkdir -p "$work" "$art" || return 1
	set -- -max_total_time="$2" -max_len="$(max_len "$t")" -timeout=30 \
		-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$art/"
	if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
		set -- "$@" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
			-ignore_ooms=1
	fi
	# TMPDIR: the harness's trace directories (an aborted input leaves
	# its own) and -fork=1's job directories, removed after the run.
	tmpbase=/dev/shm
	[ -w "$tmpbase" ] || tmpbase=${TMPDIR:-/tmp}
	tmp=$(mktemp -d "$tmpbase/ultrace-fuzz-run.XXXXXX") || return 1
	start=$(date +%s)
	TMPDIR=$tmp ASAN_OPTIONS=$ASAN_OPTS LSAN_OPTIONS=$LSAN_OPTS \
		ULTRACE_SRCDIR=$FUZZ_SRCDIR "$BIN/$t" "$@" "$work" \
		"$FUZZ_SRCDIR/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	rm -rf "$tmp"
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	if [ -z "$execs" ]; then
		# -fork mode prints no final stats: take the last status line.
		execs=$(grep -a -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
	fi
	corpus=$(find "$work" "$FUZZ_SRCDIR/tests/fuzz/corpus/$t" -type f |
		wc -l)
	echo "$t: $((end - start)) s, ${execs:-?} execs, corpus $corpus files, exit $rc"
	printf '%s %s seconds=%s execs=%s corpus=%s exit=%s\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$t" "$((end - start))" \
		"${execs:-?}" "$corpus" "$rc" >>"$FUZZ_WORK/history"
	if [ "$rc" -ne 0 ] || grep -aq '^==[0-9]*==ERROR\|deadly signal\|fuzz check failed' "$log"; then
		grep -a -m 5 'ERROR\|fuzz check failed\|Test unit written' "$log" >&2
		echo "fuzz.sh: $t crashed: see $log and $art" >&2
		return 1
	fi
	return 0
}

merge_one() {
	t=$1
	src=$FUZZ_SRCDIR/tests/fuzz/corpus/$t
	new=$FUZZ_WORK/$t.merged
	rm -rf "$new" && mkdir -p "$new" "$FUZZ_WORK/$t" || return 1
	ASAN_OPTIONS=$ASAN_OPTS LSAN_OPTIONS=$LSAN_OPTS \
		ULTRACE_SRCDIR=$FUZZ_SRCDIR "$BIN/$t" -merge=1 \
		-max_len="$(max_len "$t")" "$new" "$src" "$FUZZ_WORK/$t" \
		>"$FUZZ_WORK/$t.merge.log" 2>&1 || {
		echo "fuzz.sh: merging $t failed: see $FUZZ_WORK/$t.merge.log" >&2
		return 1
	}
	rm -f "$src"/* && cp "$new"/* "$src"/ || return 1
	echo "$t: corpus minimised to $(find "$src" -type f | wc -l) files," \
		"$(du -sk "$src" | cut -f1) KiB"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
targets=${*:-$TARGETS}
status=0
case $cmd in
build)
	build || status=1
	;;
run)
	for t in $TARGETS; do
		[ -x "$BIN/$t" ] || { build || exit 1; break; }
	done
	for t in $targets; do
		run_one "$t" "$FUZZ_SECONDS" || status=1
	done
	;;
merge)
	for t in $targets; do
		merge_one "$t" || status=1
	done
	;;
*)
	echo "usage: fuzz.sh build | run [TARGET...] | merge [TARGET...]" >&2
	status=2
	;;
esac
exit $status
