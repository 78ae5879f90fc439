#!/bin/sh
# regress_fuzz_events.sh: corpus and crashers of fuzz_events, as a TAP test (regress.sh).
exec sh "$ULTRACE_SRCDIR/tests/fuzz/regress.sh" fuzz_events
