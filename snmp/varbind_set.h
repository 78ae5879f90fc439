/*
 * varbind_set.h: set a varbind to a Counter64, Gauge32, INTEGER, lag in
 * milliseconds, DateAndTime or string, as ultrace's own objects serve
 * them. Knows net-snmp's varbinds; nothing of the registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_VARBIND_SET_H
#define ULTRACE_SNMP_VARBIND_SET_H

#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

void ultrace_snmp_set_counter64(netsnmp_variable_list *var, uint64_t value);
/* Gauge32 latches at its maximum. */
void ultrace_snmp_set_gauge(netsnmp_variable_list *var, uint64_t value);
/* Whole milliseconds, rounded down; a negative lag (clock skew) is 0. */
void ultrace_snmp_set_lag_ms(netsnmp_variable_list *var, int64_t ns);
void ultrace_snmp_set_integer(netsnmp_variable_list *var, long value);
/* Whole seconds; 0 (nothing yet) and anything before 1970: the epoch. */
void ultrace_snmp_set_time_ns(netsnmp_variable_list *var, int64_t ns);
/* NULL: empty. */
void ultrace_snmp_set_string(netsnmp_variable_list *var, const char *s);

#endif
