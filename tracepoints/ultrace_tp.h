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

/*
 * Length recorded for a slice: capped at ULTRACE_FIELD_MAX, 0 for NULL.
 * Evaluated by LTTng both to size and to copy the field: keep it pure.
 */
#define ULTRACE_TP_LEN(str) \
	((uint16_t) ((str).s == NULL ? 0 : \
		((str).len > ULTRACE_FIELD_MAX ? ULTRACE_FIELD_MAX : (str).len)))

/*
 * Strings are text sequences: recorded straight from the caller's slice,
 * with no strlen and no copy; babeltrace2 decodes them as strings.
 */
#define ULTRACE_TP_TEXT(name, c) \
	lttng_ust_field_sequence_text(char, name, (c)->name.s, uint16_t, \
		ULTRACE_TP_LEN((c)->name))

#define ULTRACE_TP_CONTACT_FIELDS(c, truncated) \
	ULTRACE_TP_TEXT(domain, c) \
	ULTRACE_TP_TEXT(aor, c) \
	ULTRACE_TP_TEXT(contact, c) \
	ULTRACE_TP_TEXT(display_name, c) \
	ULTRACE_TP_TEXT(received, c) \
	ULTRACE_TP_TEXT(path, c) \
	ULTRACE_TP_TEXT(user_agent, c) \
	ULTRACE_TP_TEXT(callid, c) \
	ULTRACE_TP_TEXT(ruid, c) \
	ULTRACE_TP_TEXT(instance, c) \
	ULTRACE_TP_TEXT(socket, c) \
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
	LTTNG_UST_TP_ARGS(const struct ultrace_contact *, c,
		uint32_t, truncated),
	LTTNG_UST_TP_FIELDS(ULTRACE_TP_CONTACT_FIELDS(c, truncated))
)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_insert,
	LTTNG_UST_TP_ARGS(const struct ultrace_contact *, c,
		uint32_t, truncated))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_update,
	LTTNG_UST_TP_ARGS(const struct ultrace_contact *, c,
		uint32_t, truncated))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_delete,
	LTTNG_UST_TP_ARGS(const struct ultrace_contact *, c,
		uint32_t, truncated))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ultrace, contact_class, ultrace,
	contact_expire,
	LTTNG_UST_TP_ARGS(const struct ultrace_contact *, c,
		uint32_t, truncated))

LTTNG_UST_TRACEPOINT_EVENT(ultrace, statedump_begin,
	LTTNG_UST_TP_ARGS(uint64_t, dump_id),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, dump_id, dump_id)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(ultrace, statedump_contact,
	LTTNG_UST_TP_ARGS(uint64_t, dump_id,
		const struct ultrace_contact *, c, uint32_t, truncated),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, dump_id, dump_id)
		ULTRACE_TP_CONTACT_FIELDS(c, truncated)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(ultrace, statedump_end,
	LTTNG_UST_TP_ARGS(uint64_t, dump_id, uint64_t, contacts),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, dump_id, dump_id)
		lttng_ust_field_integer(uint64_t, contacts, contacts)
	)
)

#endif /* ULTRACE_TP_H */

#include <lttng/tracepoint-event.h>
