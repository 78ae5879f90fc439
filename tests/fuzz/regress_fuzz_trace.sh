#!/bin/sh
# regress_fuzz_trace.sh: corpus and crashers of fuzz_trace, as a TAP test (regress.sh).
exec sh "$ULTRACE_SRCDIR/tests/fuzz/regress.sh" fuzz_trace
