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

/*
 * NUL-terminated copies of the string fields, made only once a session
 * enables the event: per thread, so no lock and no allocation. A field is
 * cut at ULTRACE_FIELD_MAX bytes or at an embedded NUL, and its bit set in
 * the returned `truncated` mask.
 */
static __thread char scratch[ULTRACE_TP_STRING_COUNT][ULTRACE_FIELD_MAX + 1];

static uint32_t to_cstrings(const struct ultrace_contact *c,
		const char *out[ULTRACE_TP_STRING_COUNT])
{
	const struct ultrace_str *in[ULTRACE_TP_STRING_COUNT] = {
		&c->domain, &c->aor, &c->contact, &c->display_name,
		&c->received, &c->path, &c->user_agent, &c->callid, &c->ruid,
		&c->instance, &c->socket,
	};
	uint32_t truncated = 0;
	int i;

	for (i = 0; i < ULTRACE_TP_STRING_COUNT; i++) {
		size_t len = in[i]->s == NULL ? 0 : in[i]->len;
		char *buf = scratch[i];

		if (len > ULTRACE_FIELD_MAX) {
			len = ULTRACE_FIELD_MAX;
			truncated |= 1u << i;
		}
		/*
		 * One pass copies and finds an embedded NUL; a plain memcpy was
		 * inlined as `rep movs`, whose start-up cost dominated short
		 * strings.
		 */
		if (len > 0 && memccpy(buf, in[i]->s, '\0', len) != NULL) {
			truncated |= 1u << i;
		}
		buf[len] = '\0';
		out[i] = buf;
	}
	return truncated;
}

#define ULTRACE_EMIT_CONTACT(event, c) \
	do { \
		if (lttng_ust_tracepoint_enabled(ultrace, event)) { \
			const char *strs[ULTRACE_TP_STRING_COUNT]; \
			uint32_t truncated = to_cstrings((c), strs); \
			\
			lttng_ust_do_tracepoint(ultrace, event, strs, (c), \
				truncated); \
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
		const char *strs[ULTRACE_TP_STRING_COUNT];
		uint32_t truncated = to_cstrings(c, strs);

		lttng_ust_do_tracepoint(ultrace, statedump_contact, dump_id,
			strs, c, truncated);
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
