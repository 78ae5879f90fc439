/*
 * time_parse.h: instants given on command lines: ISO-8601 or nanoseconds
 * since the epoch, and their printing. No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_TIME_PARSE_H
#define ULTRACE_TIME_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Accepts "1763890000123456789" (ns since the epoch, digits only) or
 * "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('T' or one space;
 * up to 9 fraction digits). A zone is required: an instant without one
 * is ambiguous. Returns 0 and sets *ns, or -1.
 */
int ultrace_time_parse(const char *text, int64_t *ns);

/*
 * A TTL grace in seconds, as --expiry-grace takes it: digits (0 to ten
 * years), or "off" (*seconds = -1). Returns 0, or -1 if malformed.
 */
int ultrace_grace_parse(const char *text, int64_t *seconds);

/*
 * A length of time, as --history takes it: digits, then a unit, one of
 * ms, s, m, h, d (no unit: seconds); e.g. "500ms", "10s", "5m", "1h".
 * Must be at least 1 ms and at most 366 days. Returns 0 and sets *ns, or
 * -1 if malformed or out of range.
 */
int ultrace_duration_parse(const char *text, int64_t *ns);

/* "2026-11-23T09:40:33.999419103Z" (UTC); buf needs 31 bytes. */
void ultrace_time_format_ns(int64_t ns, char *buf, size_t len);
/* "2026-11-23T09:40:33Z" from unix seconds; buf needs 21 bytes. */
void ultrace_time_format_s(int64_t s, char *buf, size_t len);

#endif /* ULTRACE_TIME_PARSE_H */
