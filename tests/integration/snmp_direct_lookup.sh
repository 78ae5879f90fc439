#!/bin/sh
# snmp_direct_lookup.sh: every check of snmp_lookup.sh, with the fixture answering
# SNMP itself (--snmp-listen, --snmp-config) instead of through snmpd over
# AgentX: the direct shell serves the same tables with the same answers.
SNMP_SHELL=direct
export SNMP_SHELL
. "$ULTRACE_SRCDIR/tests/integration/snmp_lookup.sh"
