/*
 * admin_string.c: SnmpAdminString values as served, and the count of the
 * ones that had to be cut. No registry, no shell.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "admin_string.h"

#include "snmp_values.h"

static uint64_t truncated_values;

void ultrace_snmp_serve_admin_string(netsnmp_variable_list *var,
		const char *s, size_t len)
{
	size_t cut = ultrace_snmp_utf8_cut(s, len,
		ULTRACE_SNMP_ADMIN_STRING_MAX);

	if (cut < len) {
		__atomic_fetch_add(&truncated_values, 1, __ATOMIC_RELAXED);
	}
	snmp_set_var_typed_value(var, ASN_OCTET_STR, s, cut);
}

uint64_t ultrace_snmp_truncated_values(void)
{
	return __atomic_load_n(&truncated_values, __ATOMIC_RELAXED);
}
