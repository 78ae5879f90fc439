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
if [ "${ULTRACE_VALGRIND:-0}" != 1 ]; then
	exec "$prog"
fi
# shellcheck disable=SC2086
exec ${LIBTOOL:-libtool} --mode=execute valgrind --quiet --leak-check=full \
	--show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--suppressions="$ULTRACE_SRCDIR/tests/fuzz/valgrind.supp" "$prog"
