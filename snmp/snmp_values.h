/*
 * snmp_values.h: pure conversions of registry values to their MIB forms
 * (DateAndTime, the q preference as a decimal, SnmpAdminString cuts).
 * No net-snmp, no registry, no state: unit-tested on their own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_VALUES_H
#define ULTRACE_SNMP_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* SnmpAdminString (SNMP-FRAMEWORK-MIB): OCTET STRING (SIZE (0..255)). */
#define ULTRACE_SNMP_ADMIN_STRING_MAX 255

/* The DateAndTime form ultrace serves: with its UTC offset. */
#define ULTRACE_SNMP_DATE_AND_TIME_LEN 11

/* Room for any preference string, with its NUL. */
#define ULTRACE_SNMP_PREFERENCE_SIZE 16

/*
 * Encode unix seconds as an RFC 2579 DateAndTime in UTC: year (2 octets,
 * network order), month, day, hour, minutes, seconds, deci-seconds (0),
 * '+', 0, 0. Out of the type's range, the nearest value it can hold: a
 * time before 1970 gives the epoch, one after year 65535 its last second.
 * Returns the number of octets written: ULTRACE_SNMP_DATE_AND_TIME_LEN.
 */
size_t ultrace_snmp_date_and_time(int64_t unix_s,
		uint8_t out[ULTRACE_SNMP_DATE_AND_TIME_LEN]);

/*
 * The inverse for the 8- and 11-octet forms (UTC offset applied); for
 * tests and tools. Returns 0, or -1 if `len` or a field is out of range.
 */
int ultrace_snmp_date_and_time_decode(const uint8_t *octets, size_t len,
		int64_t *unix_s);

/*
 * Write q (thousandths, as usrloc keeps it) as the MIB's decimal number:
 * 1000 -> "1", 900 -> "0.9", 750 -> "0.75", 5 -> "0.005", 0 -> "0". A
 * negative q (ULTRACE_Q_UNSET: no q parameter) gives "". `size` must be at
 * least ULTRACE_SNMP_PREFERENCE_SIZE. Returns the length, without the NUL.
 */
size_t ultrace_snmp_q_to_decimal(int32_t q, char *buf, size_t size);

/*
 * The length of `s` (`len` octets) cut to at most `max` octets, backed
 * off so that a UTF-8 multi-octet sequence is never split. A sequence
 * that is not valid UTF-8 is cut at `max` exactly.
 */
size_t ultrace_snmp_utf8_cut(const char *s, size_t len, size_t max);

/*
 * Parse a numeric OID, dotted decimal with an optional leading dot
 * ("1.3.6.1.4.1.8072.9999.9999.7637"), into at most `max` sub-identifiers.
 * Refused, with *why set to a static sentence saying what is wrong: an
 * empty string or component, anything but digits and dots, fewer than two
 * or more than `max` components, a first arc above 2, a second arc above
 * 39 under arcs 0 and 1 (X.690), and a component of 2^31 or more (net-snmp
 * 5.9's AgentX code sign-extends those: the master would register another
 * OID than the one asked for). Returns the number of sub-identifiers, or
 * 0 if refused.
 */
size_t ultrace_snmp_oid_parse(const char *text, uint32_t *subids,
		size_t max, const char **why);

#endif /* ULTRACE_SNMP_VALUES_H */
