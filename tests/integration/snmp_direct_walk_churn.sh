#!/bin/sh
# snmp_direct_walk_churn.sh: snmp_walk_churn.sh against the direct shell
# (--snmp-listen): walks at the registry's speed stay consistent too.
SNMP_SHELL=direct
export SNMP_SHELL
. "$ULTRACE_SRCDIR/tests/integration/snmp_walk_churn.sh"
