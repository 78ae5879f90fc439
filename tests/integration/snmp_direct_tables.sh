#!/bin/sh
# snmp_direct_tables.sh: every check of snmp_tables.sh, with the fixture answering
# SNMP itself (--snmp-listen, --snmp-config) instead of through snmpd over
# AgentX: the direct shell serves the same tables with the same answers.
SNMP_SHELL=direct
export SNMP_SHELL
. "$ULTRACE_SRCDIR/tests/integration/snmp_tables.sh"
