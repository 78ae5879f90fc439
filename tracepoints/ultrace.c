/*
 * ultrace.c: libultrace, the producer API behind ultrace.h.
 * It links no LTTng library: the call sites use dynamic probe linkage, so
 * until libultrace-provider.so is loaded every event is a not-taken branch.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "ultrace_tp.h"

#include <string.h>

static inline uint32_t cut_bit(const struct ultrace_str *str, uint32_t bit)
{
	return (str->s != NULL && str->len > ULTRACE_FIELD_MAX) ? bit : 0;
}

/* Only computed once a session enables the event: off the idle path. */
static uint32_t truncated_mask(const struct ultrace_contact *c)
{
	return cut_bit(&c->domain, ULTRACE_FIELD_DOMAIN) |
		cut_bit(&c->aor, ULTRACE_FIELD_AOR) |
		cut_bit(&c->contact, ULTRACE_FIELD_CONTACT) |
		cut_bit(&c->display_name, ULTRACE_FIELD_DISPLAY_NAME) |
		cut_bit(&c->received, ULTRACE_FIELD_RECEIVED) |
		cut_bit(&c->path, ULTRACE_FIELD_PATH) |
		cut_bit(&c->user_agent, ULTRACE_FIELD_USER_AGENT) |
		cut_bit(&c->callid, ULTRACE_FIELD_CALLID) |
		cut_bit(&c->ruid, ULTRACE_FIELD_RUID) |
		cut_bit(&c->instance, ULTRACE_FIELD_INSTANCE) |
		cut_bit(&c->socket, ULTRACE_FIELD_SOCKET);
}

#define ULTRACE_EMIT_CONTACT(event, c) \
	do { \
		if (lttng_ust_tracepoint_enabled(ultrace, event)) { \
			lttng_ust_do_tracepoint(ultrace, event, (c), \
				truncated_mask(c)); \
		} \
	} while (0)

void ultrace_contact_insert(const struct ultrace_contact *c)
{
	ULTRACE_EMIT_CONTACT(contact_insert, c);
}

void ultrace_contact_update(const struct ultrace_contact *c)
{
	ULTRACE_EMIT_CONTACT(contact_update, c);
}

void ultrace_contact_delete(const struct ultrace_contact *c)
{
	ULTRACE_EMIT_CONTACT(contact_delete, c);
}

void ultrace_contact_expire(const struct ultrace_contact *c)
{
	ULTRACE_EMIT_CONTACT(contact_expire, c);
}

void ultrace_statedump_begin(uint64_t dump_id)
{
	lttng_ust_tracepoint(ultrace, statedump_begin, dump_id);
}

void ultrace_statedump_contact(uint64_t dump_id, const struct ultrace_contact *c)
{
	if (lttng_ust_tracepoint_enabled(ultrace, statedump_contact)) {
		lttng_ust_do_tracepoint(ultrace, statedump_contact, dump_id, c,
			truncated_mask(c));
	}
}

void ultrace_statedump_end(uint64_t dump_id, uint64_t contacts)
{
	lttng_ust_tracepoint(ultrace, statedump_end, dump_id, contacts);
}

int ultrace_enabled(void)
{
	return lttng_ust_tracepoint_enabled(ultrace, contact_insert) ||
		lttng_ust_tracepoint_enabled(ultrace, contact_update) ||
		lttng_ust_tracepoint_enabled(ultrace, contact_delete) ||
		lttng_ust_tracepoint_enabled(ultrace, contact_expire);
}

struct ultrace_str ultrace_str_from_cstr(const char *s)
{
	struct ultrace_str str = { s, s == NULL ? 0 : strlen(s) };

	return str;
}
