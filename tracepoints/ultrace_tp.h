/*
 * ultrace_tp.h: the LTTng-UST `ultrace` tracepoint provider (event schema).
 * Included only by ultrace_tp.c (probes) and ultrace.c (call sites).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER ultrace

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./ultrace_tp.h"

#if !defined(ULTRACE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define ULTRACE_TP_H

#include <lttng/tracepoint.h>
#include "ultrace.h"
#include "ultrace_hash.h"

/*
 * Strings are recorded as CTF strings from NUL-terminated copies that
 * ultrace.c makes of the caller's slices (`strs`, in the order below):
 * babeltrace2 2.0 decodes a text sequence byte by byte, ten times slower
 * than a string, and the consumer must keep up with the registrar.
 */
#define ULTRACE_TP_STRING_COUNT 11

#define ULTRACE_TP_CONTACT_FIELDS(strs, c, truncated) \
	lttng_ust_field_string(domain, (strs)[0]) \
	lttng_ust_field_string(aor, (strs)[1]) \
	lttng_ust_field_string(contact, (strs)[2]) \
	lttng_ust_field_string(display_name, (strs)[3]) \
	lttng_ust_field_string(received, (strs)[4]) \
	lttng_ust_field_string(path, (strs)[5]) \
	lttng_ust_field_string(user_agent, (strs)[6]) \
	lttng_ust_field_string(callid, (strs)[7]) \
	lttng_ust_field_string(ruid, (strs)[8]) \
	lttng_ust_field_string(instance, (strs)[9]) \
	lttng_ust_field_string(socket, (strs)[10]) \
	lttng_ust_field_integer(int32_t, cseq, (c)->cseq) \
	lttng_ust_field_integer(int32_t, q, (c)->q) \
	lttng_ust_field_integer(int64_t, expires, (c)->expires) \
	lttng_ust_field_integer(int64_t, last_modified, (c)->last_modified) \
	lttng_ust_field_integer_hex(uint32_t, flags, (c)->flags) \
	lttng_ust_field_integer_hex(uint32_t, cflags, (c)->cflags) \
	lttng_ust_field_integer_hex(uint32_t, methods, (c)->methods) \
	lttng_ust_field_integer(uint32_t, reg_id, (c)->reg_id) \
	lttng_ust_field_integer_hex(uint32_t, truncated, truncated)

LTTNG_UST_TRACEPOINT_EVENT_CLASS(ultrace, contact_class,
	LTTNG_UST_TP_ARGS(const char *const *, strs,
		const struct ultrace_contact *, c, uint32_t, truncated),
	LTTNG_UST_TP_FIELDS(ULTRACE_TP_CONTACT_FIELDS(strs, c, truncated))
)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_insert,
	LTTNG_UST_TP_ARGS(const char *const *, strs,
		const struct ultrace_contact *, c, uint32_t, truncated))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_update,
	LTTNG_UST_TP_ARGS(const char *const *, strs,
		const struct ultrace_contact *, c, uint32_t, truncated))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_delete,
	LTTNG_UST_TP_ARGS(const char *const *, strs,
		const struct ultrace_contact *, c, uint32_t, truncated))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_expire,
	LTTNG_UST_TP_ARGS(const char *const *, strs,
		const struct ultrace_contact *, c, uint32_t, truncated))

/*
 * A compact contact_update: only what a refresh changes, the contact's
 * key and the check of everything else (ultrace_hash.h). ultrace.c
 * records it instead of contact_update when its memo says the other
 * fields are those of the last full event recorded for the contact.
 * One array, ULTRACE_REFRESH_* (ultrace_hash.h) its elements: LTTng writes it with one
 * copy, where five integer fields cost five (bench/RESULTS.md, section 1).
 */
LTTNG_UST_TRACEPOINT_EVENT(ultrace, contact_refresh,
	LTTNG_UST_TP_ARGS(const uint64_t *, values),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_array_hex(uint64_t, refresh, values,
			ULTRACE_REFRESH_COUNT)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(ultrace, statedump_begin,
	LTTNG_UST_TP_ARGS(uint64_t, dump_id),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, dump_id, dump_id)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(ultrace, statedump_contact,
	LTTNG_UST_TP_ARGS(uint64_t, dump_id, const char *const *, strs,
		const struct ultrace_contact *, c, uint32_t, truncated),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, dump_id, dump_id)
		ULTRACE_TP_CONTACT_FIELDS(strs, c, truncated)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(ultrace, statedump_end,
	LTTNG_UST_TP_ARGS(uint64_t, dump_id, uint64_t, contacts),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, dump_id, dump_id)
		lttng_ust_field_integer(uint64_t, contacts, contacts)
	)
)

/*
 * The registrar's configuration and REGISTER counters (ultrace.h):
 * numbers only, a few events a second at most.
 */
LTTNG_UST_TRACEPOINT_EVENT(ultrace, registrar_config,
	LTTNG_UST_TP_ARGS(const struct ultrace_registrar_settings *, s),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint32_t, max_expires, (s)->max_expires)
		lttng_ust_field_integer(uint32_t, max_users, (s)->max_users)
		lttng_ust_field_integer(uint32_t, default_expires,
			(s)->default_expires)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(ultrace, registrar_counters,
	LTTNG_UST_TP_ARGS(const struct ultrace_registrar_counts *, n),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, accepted, (n)->accepted)
		lttng_ust_field_integer(uint64_t, rejected, (n)->rejected)
	)
)

#endif /* ULTRACE_TP_H */

#include <lttng/tracepoint-event.h>
