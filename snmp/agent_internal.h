/*
 * agent_internal.h: what the table and scalar handlers share with agent.c
 * (the SnmpAdminString cut and its count). Not installed, not for callers
 * of agent.h; no registry knowledge.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_AGENT_INTERNAL_H
#define ULTRACE_SNMP_AGENT_INTERNAL_H

#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/*
 * Set `var` to the OCTET STRING `s`, cut to the 255 octets of an
 * SnmpAdminString without splitting a UTF-8 character; a cut is counted
 * (ultrace_snmp_agent_truncated_values()).
 */
void ultrace_snmp_serve_admin_string(netsnmp_variable_list *var,
		const char *s, size_t len);

#endif /* ULTRACE_SNMP_AGENT_INTERNAL_H */
