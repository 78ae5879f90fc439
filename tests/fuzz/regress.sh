#!/bin/sh
# regress.sh TARGET: runs tests/fuzz/driver_TARGET (every corpus and
# crasher file of TARGET through the harness built with gcc, one TAP line
# each), under valgrind when ULTRACE_VALGRIND=1 as tests/utils/valgrind-run
# does, plus valgrind.supp: libbabeltrace2's own leaks on broken traces.
# Run by regress_fuzz_trace.sh and regress_fuzz_events.sh.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"
prog=$ULTRACE_BUILDDIR/tests/fuzz/driver_$1
# The harness makes its trace directory under TMPDIR and removes it at
# exit; an input that aborts (the known babeltrace2 crashers) cannot: keep
# those in a scratch directory removed here (tmpfs when there is one).
base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
TMPDIR=$(mktemp -d "$base/ultrace-regress.XXXXXX") || exit 99
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
trap 'exit 130' INT TERM
if [ "${ULTRACE_VALGRIND:-0}" != 1 ]; then
	"$prog"
	exit $?
fi
# shellcheck disable=SC2086
${LIBTOOL:-libtool} --mode=execute valgrind --quiet --leak-check=full \
	--show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--suppressions="$ULTRACE_SRCDIR/tests/fuzz/valgrind.supp" "$prog"
