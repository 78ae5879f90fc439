#!/bin/sh
# soak_valgrind.sh: soak.sh with ultrace-consumerd under valgrind (memcheck,
# every leak kind that matters is an error), at a rate valgrind keeps up
# with; the tracer's buffers are still small enough to discard.
SOAK_VALGRIND=1 SOAK_SUBBUF=${SOAK_SUBBUF:-8192} exec "$ULTRACE_SRCDIR/tests/integration/soak.sh" "$@"
