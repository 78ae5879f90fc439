/*
 * varbind_set.c: a varbind's value from plain numbers and strings, in the
 * forms ultrace's own objects use (doc/snmp.md, "Health": Counter64
 * modulo 2^64, Gauge32 latching, DateAndTime in whole UTC seconds).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "varbind_set.h"

#include <string.h>

#include "snmp_values.h"

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)

void ultrace_snmp_set_counter64(netsnmp_variable_list *var, uint64_t value)
{
	struct counter64 c;

	c.high = (u_long) (value >> 32);
	c.low = (u_long) (value & UINT32_MAX);
	snmp_set_var_typed_value(var, ASN_COUNTER64, (const u_char *) &c,
		sizeof(c));
}

/* Gauge32 latches at its maximum. */
void ultrace_snmp_set_gauge(netsnmp_variable_list *var, uint64_t value)
{
	u_long v = value > UINT32_MAX ? UINT32_MAX : (u_long) value;

	snmp_set_var_typed_value(var, ASN_GAUGE, (const u_char *) &v,
		sizeof(v));
}

/* Whole milliseconds, rounded down; a negative lag (clock skew) is 0. */
void ultrace_snmp_set_lag_ms(netsnmp_variable_list *var, int64_t ns)
{
	ultrace_snmp_set_gauge(var, ns > 0 ? (uint64_t) (ns / NS_PER_MS) : 0);
}

void ultrace_snmp_set_integer(netsnmp_variable_list *var, long value)
{
	snmp_set_var_typed_value(var, ASN_INTEGER, (const u_char *) &value,
		sizeof(value));
}

/* Whole seconds; 0 (nothing yet) and anything before 1970: the epoch. */
void ultrace_snmp_set_time_ns(netsnmp_variable_list *var, int64_t ns)
{
	uint8_t octets[ULTRACE_SNMP_DATE_AND_TIME_LEN];
	size_t len = ultrace_snmp_date_and_time(ns > 0 ? ns / NS_PER_S : 0,
		octets);

	snmp_set_var_typed_value(var, ASN_OCTET_STR, octets, len);
}

void ultrace_snmp_set_string(netsnmp_variable_list *var, const char *s)
{
	if (s == NULL) {
		s = "";
	}
	snmp_set_var_typed_value(var, ASN_OCTET_STR, s, strlen(s));
}
