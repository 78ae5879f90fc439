#!/bin/sh
# soak_valgrind.sh: soak.sh with ultrace-consumerd under valgrind (memcheck,
# every leak kind that matters is an error), at a rate valgrind keeps up
# with. Buffers sized for that rate would rarely discard, so loadgen also
# loses 1% of its events on purpose (--lose all): the repair path runs.
SOAK_VALGRIND=1 SOAK_SUBBUF=${SOAK_SUBBUF:-65536} SOAK_LOSE=${SOAK_LOSE:-0.01} \
	exec "$ULTRACE_SRCDIR/tests/integration/soak.sh" "$@"
