#!/bin/sh
# regress_fuzz_snmp_request.sh: corpus and crashers of fuzz_snmp_request, as a TAP test (regress.sh).
exec sh "$ULTRACE_SRCDIR/tests/fuzz/regress.sh" fuzz_snmp_request
