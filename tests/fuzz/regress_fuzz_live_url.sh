#!/bin/sh
# regress_fuzz_live_url.sh: corpus and crashers of fuzz_live_url, as a TAP test (regress.sh).
exec sh "$ULTRACE_SRCDIR/tests/fuzz/regress.sh" fuzz_live_url
