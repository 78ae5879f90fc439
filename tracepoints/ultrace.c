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

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ultrace_hash.h"

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

/*
 * The memo behind compact refreshes (doc/design.md, "Compact refreshes"):
 * one per process, a direct-mapped array indexed by the contact's key,
 * holding the check of the last full event recorded for that slot (0:
 * none, or that event had a cut field). A refresh whose check equals its
 * slot's changed nothing but cseq, expires and last_modified since an
 * event the consumer holds: those three, the key and the check are all it
 * records. Two contacts sharing a slot only cost full events; whatever
 * the memo says, the consumer applies a refresh only to a row whose own
 * check matches, so a race between two threads on a slot cannot make it
 * show a wrong value. Shared memory, mapped on first use or by
 * ultrace_memo_prepare(): processes forked afterwards share it.
 * ULTRACE_MEMO_SLOTS: a power of two (default 2^20: 8 MiB of address
 * space, touched as contacts come), 0: never record a compact refresh.
 */
#define MEMO_SLOTS_DEFAULT (UINT64_C(1) << 20)
#define MEMO_SLOTS_MAX (UINT64_C(1) << 30)

static uint64_t *memo;
static uint64_t memo_mask;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static uint64_t memo_slots(void)
{
	const char *env = getenv("ULTRACE_MEMO_SLOTS");
	char *end;
	unsigned long long n;

	if (env == NULL || *env == '\0') {
		return MEMO_SLOTS_DEFAULT;
	}
	n = strtoull(env, &end, 0);
	if (*end != '\0' || n > MEMO_SLOTS_MAX || (n & (n - 1)) != 0) {
		return MEMO_SLOTS_DEFAULT;
	}
	return n;
}

static void memo_init(void)
{
	uint64_t slots = memo_slots();
	void *p;

	if (slots == 0) {
		return;
	}
	p = mmap(NULL, (size_t) slots * sizeof(uint64_t),
		PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		return;
	}
	memo_mask = slots - 1;
	memo = p;
}

int ultrace_memo_prepare(void)
{
	pthread_once(&memo_once, memo_init);
	return memo != NULL || memo_slots() == 0 ? 0 : -1;
}

/* The contact's memo slot, its key and check; NULL: no memo. */
static uint64_t *memo_slot(const struct ultrace_contact *c, uint64_t *key,
		uint64_t *check)
{
	pthread_once(&memo_once, memo_init);
	if (memo == NULL) {
		return NULL;
	}
	*key = ultrace_contact_key(c);
	*check = ultrace_contact_check(*key, c);
	return &memo[*key & memo_mask];
}

/* A full event of `c` was recorded: later refreshes may be compact. */
static void memo_note(const struct ultrace_contact *c, uint32_t truncated)
{
	uint64_t key;
	uint64_t check;
	uint64_t *slot = memo_slot(c, &key, &check);

	if (slot != NULL) {
		__atomic_store_n(slot, truncated != 0 ? 0 : check,
			__ATOMIC_RELAXED);
	}
}

void ultrace_contact_insert(const struct ultrace_contact *c)
{
	if (lttng_ust_tracepoint_enabled(ultrace, contact_insert)) {
		const char *strs[ULTRACE_TP_STRING_COUNT];
		uint32_t truncated = to_cstrings(c, strs);

		lttng_ust_do_tracepoint(ultrace, contact_insert, strs, c,
			truncated);
		memo_note(c, truncated);
	}
}

void ultrace_contact_update(const struct ultrace_contact *c)
{
	const char *strs[ULTRACE_TP_STRING_COUNT];
	uint32_t truncated;
	uint64_t key;
	uint64_t check;
	uint64_t *slot;

	if (!lttng_ust_tracepoint_enabled(ultrace, contact_update)) {
		return;
	}
	slot = memo_slot(c, &key, &check);
	if (slot != NULL && __atomic_load_n(slot, __ATOMIC_RELAXED) == check &&
			lttng_ust_tracepoint_enabled(ultrace, contact_refresh)) {
		uint64_t values[ULTRACE_REFRESH_COUNT];

		values[ULTRACE_REFRESH_KEY] = key;
		values[ULTRACE_REFRESH_CHECK] = check;
		values[ULTRACE_REFRESH_CSEQ] = (uint64_t) (int64_t) c->cseq;
		values[ULTRACE_REFRESH_EXPIRES] = (uint64_t) c->expires;
		values[ULTRACE_REFRESH_LAST_MODIFIED] =
			(uint64_t) c->last_modified;
		lttng_ust_do_tracepoint(ultrace, contact_refresh, values);
		return;
	}
	truncated = to_cstrings(c, strs);
	lttng_ust_do_tracepoint(ultrace, contact_update, strs, c, truncated);
	if (slot != NULL) {
		__atomic_store_n(slot, truncated != 0 ? 0 : check,
			__ATOMIC_RELAXED);
	}
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
		memo_note(c, truncated);
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
		lttng_ust_tracepoint_enabled(ultrace, contact_refresh) ||
		lttng_ust_tracepoint_enabled(ultrace, contact_delete) ||
		lttng_ust_tracepoint_enabled(ultrace, contact_expire);
}

struct ultrace_str ultrace_str_from_cstr(const char *s)
{
	struct ultrace_str str = { s, s == NULL ? 0 : strlen(s) };

	return str;
}

void ultrace_registrar_config(const struct ultrace_registrar_settings *s)
{
	lttng_ust_tracepoint(ultrace, registrar_config, s);
}

void ultrace_registrar_counters(const struct ultrace_registrar_counts *n)
{
	lttng_ust_tracepoint(ultrace, registrar_counters, n);
}
