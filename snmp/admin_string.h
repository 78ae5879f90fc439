/*
 * admin_string.h: serving an SnmpAdminString value (cut to 255 octets on a
 * UTF-8 boundary) and the count of values so cut. Knows net-snmp's
 * varbinds; no registry, no shell.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_ADMIN_STRING_H
#define ULTRACE_SNMP_ADMIN_STRING_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/*
 * Set `var` to the OCTET STRING `s`, cut to the 255 octets of an
 * SnmpAdminString without splitting a UTF-8 character; a cut is counted.
 */
void ultrace_snmp_serve_admin_string(netsnmp_variable_list *var,
		const char *s, size_t len);

/* Values cut so far (any thread may ask). */
uint64_t ultrace_snmp_truncated_values(void);

#endif /* ULTRACE_SNMP_ADMIN_STRING_H */
