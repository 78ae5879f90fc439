/*
 * fuzz_events.c: the fuzzed bytes become a sequence of registry events
 * (any kind, any strings: empty, NULL, 1 MiB, with NUL bytes, not UTF-8,
 * SNMP-hostile), tracer discards, suspect marks and TTL expiries, applied
 * to one registry. Each operation's effect is checked against the apply
 * rules of doc/design.md; the registry is then walked, listed and encoded
 * for SNMP (fuzz_check.c). No babeltrace2.
 *
 * Input: a sequence of operations, each an opcode octet and its operands
 * (octets read little-endian; a short input reads as zeros).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "log.h"
#include "registry.h"
#include "ultrace_hash.h"

/* Generated string octets per input, at most: 1 MiB values, a few. */
#define STRING_BUDGET (6u << 20)
#define LONG_STRING_MAX ((1u << 20) + 300)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op {
	OP_EVENT_FIRST = 0,          /* 0..9: apply an event of that kind */
	OP_BAD_KIND = ULTRACE_EVENT_KIND_COUNT,
	OP_DISCARDED_EVENTS,
	OP_DISCARDED_PACKETS,
	OP_MARK_SUSPECT,
	OP_EXPIRE,
	OP_CHECK,
	OP_COUNT,
};

struct reader {
	const uint8_t *p;
	size_t left;
};

/* Strings made for one input, freed together. */
struct arena {
	char **blocks;
	size_t count;
	size_t alloc;
	size_t used;                 /* octets, against STRING_BUDGET */
};

static const struct {
	const char *s;
	size_t len;
} dictionary[] = {
#define D(lit) { lit, sizeof(lit) - 1 }
	D("location"),
	D("sip:alice@example.com"),
	D("sip:bob@example.com"),
	D("sip:alice@example.com;transport=tcp"),
	D("<sip:alice@192.0.2.1:5060>;expires=3600"),
	D("sip:a,b\"c\r\n@x"),       /* CSV-hostile */
	D("sip:\xff\xfe@x"),         /* not UTF-8 */
	D("sip:z\xc3\xa9@x"),        /* UTF-8 e-acute */
	D("sip:a\0b@x"),             /* an embedded NUL */
	D("\xed\xa0\x80"),           /* a UTF-16 surrogate */
	D("\xc0\xaf"),               /* an overlong '/' */
	D("\xf4\x90\x80\x80"),       /* above U+10FFFF */
	D("\xe2\x82"),               /* a cut character */
	D("sip:\x01\x1f\x7f\\u0000\"}]@x"), /* JSON-hostile */
	D("sip:%00%ff@[::1]:5060"),
	D("1.3.6.1.4.1.34352.3.1"),
	D(" "),
#undef D
};
#define DICTIONARY_SIZE (sizeof(dictionary) / sizeof(dictionary[0]))

static uint64_t get_uint(struct reader *in, unsigned int octets)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < octets && in->left > 0; i++) {
		v |= (uint64_t) *in->p << (8 * i);
		in->p++;
		in->left--;
	}
	return v;
}

static char *arena_alloc(struct arena *arena, size_t len)
{
	char *block;

	if (arena->count == arena->alloc) {
		arena->alloc = arena->alloc ? arena->alloc * 2 : 32;
		arena->blocks = realloc(arena->blocks,
			arena->alloc * sizeof(*arena->blocks));
		FUZZ_CHECK(arena->blocks != NULL, "out of memory");
	}
	block = malloc(len ? len : 1);
	FUZZ_CHECK(block != NULL, "out of memory");
	arena->blocks[arena->count++] = block;
	arena->used += len;
	return block;
}

static void arena_free(struct arena *arena)
{
	size_t i;

	for (i = 0; i < arena->count; i++) {
		free(arena->blocks[i]);
	}
	free(arena->blocks);
}

/* A long value: a repeated pattern, optionally ending in a cut character. */
static struct ultrace_str make_long(struct reader *in, struct arena *arena)
{
	static const char *const patterns[] = {
		"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff",
		",\"\n", "\0",
	};
	size_t len = (size_t) get_uint(in, 3) % LONG_STRING_MAX;
	const char *pat = patterns[get_uint(in, 1) %
		(sizeof(patterns) / sizeof(patterns[0]))];
	size_t plen = pat[0] != '\0' ? strlen(pat) : 1;
	struct ultrace_str s = { "", 0 };
	char *buf;
	size_t i;

	if (arena->used + len > STRING_BUDGET) {
		return s;
	}
	buf = arena_alloc(arena, len + 1);
	for (i = 0; i < len; i++) {
		buf[i] = pat[i % plen];
	}
	buf[len] = '\0';
	s.s = buf;
	s.len = len;
	return s;
}

static struct ultrace_str make_literal(struct reader *in, struct arena *arena,
		size_t len, struct ultrace_str prefix)
{
	struct ultrace_str s;
	char *buf;

	if (len > in->left) {
		len = in->left;
	}
	buf = arena_alloc(arena, prefix.len + len + 1);
	memcpy(buf, prefix.s, prefix.len);
	memcpy(buf + prefix.len, in->p, len);
	buf[prefix.len + len] = '\0';
	in->p += len;
	in->left -= len;
	s.s = buf;
	s.len = prefix.len + len;
	return s;
}

static struct ultrace_str make_string(struct reader *in, struct arena *arena)
{
	unsigned int spec = (unsigned int) get_uint(in, 1);
	struct ultrace_str s = { "", 0 };
	struct ultrace_str word;

	word.s = dictionary[(spec >> 3) % DICTIONARY_SIZE].s;
	word.len = dictionary[(spec >> 3) % DICTIONARY_SIZE].len;
	switch (spec & 7) {
	case 0:
		break;
	case 1:
		s.s = NULL;          /* a NULL slice is the empty string */
		break;
	case 2:
	case 3:
		s = word;
		break;
	case 4:
		s = make_literal(in, arena, (size_t) get_uint(in, 1), s);
		break;
	case 5:
		s = make_literal(in, arena, (size_t) get_uint(in, 2), s);
		break;
	case 6:
		s = make_long(in, arena);
		break;
	default:
		s = make_literal(in, arena, (size_t) get_uint(in, 1), word);
		break;
	}
	return s;
}

static void make_contact(struct reader *in, struct arena *arena,
		struct ultrace_contact *c)
{
	c->domain = make_string(in, arena);
	c->aor = make_string(in, arena);
	c->contact = make_string(in, arena);
	c->display_name = make_string(in, arena);
	c->received = make_string(in, arena);
	c->path = make_string(in, arena);
	c->user_agent = make_string(in, arena);
	c->callid = make_string(in, arena);
	c->ruid = make_string(in, arena);
	c->instance = make_string(in, arena);
	c->socket = make_string(in, arena);
	c->cseq = (int32_t) get_uint(in, 4);
	c->q = (int32_t) get_uint(in, 4);
	c->expires = (int64_t) get_uint(in, 8);
	c->last_modified = (int64_t) get_uint(in, 8);
	c->flags = (uint32_t) get_uint(in, 4);
	c->cflags = (uint32_t) get_uint(in, 4);
	c->methods = (uint32_t) get_uint(in, 4);
	c->reg_id = (uint32_t) get_uint(in, 4);
}

static int str_same(struct ultrace_str a, struct ultrace_str b)
{
	size_t la = a.s != NULL ? a.len : 0;
	size_t lb = b.s != NULL ? b.len : 0;

	return la == lb && (la == 0 || memcmp(a.s, b.s, la) == 0);
}

static void check_values(const struct ultrace_contact *got,
		const struct ultrace_contact *want)
{
	FUZZ_CHECK(str_same(got->domain, want->domain) &&
		str_same(got->aor, want->aor) &&
		str_same(got->contact, want->contact) &&
		str_same(got->display_name, want->display_name) &&
		str_same(got->received, want->received) &&
		str_same(got->path, want->path) &&
		str_same(got->user_agent, want->user_agent) &&
		str_same(got->callid, want->callid) &&
		str_same(got->ruid, want->ruid) &&
		str_same(got->instance, want->instance) &&
		str_same(got->socket, want->socket),
		"a string field differs from the event's");
	FUZZ_CHECK(got->cseq == want->cseq && got->q == want->q &&
		got->expires == want->expires &&
		got->last_modified == want->last_modified &&
		got->flags == want->flags && got->cflags == want->cflags &&
		got->methods == want->methods && got->reg_id == want->reg_id,
		"a number field differs from the event's");
}

/* Apply one event and check its effect on the contact it names. */
/*
 * The registry refuses (INVALID) a contact whose strings no registrar
 * sends: one of 64 KiB or more, or its own seven (all but domain, AOR,
 * user_agent and socket) over 64 KiB with their NULs (doc/design.md,
 * "Registry memory").
 */
static int oversized(const struct ultrace_contact *c)
{
	const struct ultrace_str all[] = {
		c->contact, c->display_name, c->received, c->path, c->callid,
		c->ruid, c->instance, c->user_agent, c->socket,
	};
	size_t own = 0;
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		size_t len = all[i].s != NULL ? all[i].len : 0;

		if (len >= 65535) {
			return 1;
		}
		if (i < 7) {
			own += len + 1;
		}
	}
	return own > 65535;
}

static void apply_event(struct ultrace_registry *registry,
		struct ultrace_registry_event *event, uint32_t *max_user_index)
{
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(registry);
	const struct ultrace_contact *c = &event->contact;
	const struct ultrace_registry_user *user_before = NULL;
	const struct ultrace_registry_contact *before = NULL;
	const struct ultrace_registry_contact *after;
	const struct ultrace_registry_user *user;
	uint32_t user_index_before = 0;
	uint64_t users = st->users;
	uint64_t contacts = st->contacts;
	enum ultrace_registry_status status;
	int contact_event = ultrace_event_kind_has_contact(event->kind);
	int valid = contact_event && c->aor.s != NULL && c->aor.len > 0 &&
		c->contact.s != NULL && c->contact.len > 0;
	int upsert = contact_event &&
		event->kind != ULTRACE_EVENT_CONTACT_DELETE &&
		event->kind != ULTRACE_EVENT_CONTACT_EXPIRE;

	if (valid) {
		user_before = ultrace_registry_borrow_user(registry, c->domain,
			c->aor);
		before = ultrace_registry_borrow_contact(registry, c->domain,
			c->aor, c->contact);
		if (user_before != NULL) {
			user_index_before = ultrace_registry_user_get_index(
				user_before);
		}
	}
	status = ultrace_registry_apply(registry, event);
	FUZZ_CHECK(status != ULTRACE_REGISTRY_STATUS_NOMEM, "out of memory");
	if (valid && upsert && oversized(c)) {
		FUZZ_CHECK(status == ULTRACE_REGISTRY_STATUS_INVALID,
			"a contact over the registry's size limit: status %d",
			(int) status);
		FUZZ_CHECK(st->users == users && st->contacts == contacts,
			"an oversized contact changed the registry");
		return;
	}
	if (contact_event && !valid) {
		FUZZ_CHECK(status == ULTRACE_REGISTRY_STATUS_INVALID,
			"an event without AOR or contact: status %d",
			(int) status);
		FUZZ_CHECK(st->users == users && st->contacts == contacts,
			"an invalid event changed the registry");
		return;
	}
	if (!contact_event) {
		FUZZ_CHECK(status == ULTRACE_REGISTRY_STATUS_OK,
			"%s: status %d", ultrace_event_kind_name(event->kind),
			(int) status);
		return;
	}
	after = ultrace_registry_borrow_contact(registry, c->domain, c->aor,
		c->contact);
	switch (event->kind) {
	case ULTRACE_EVENT_CONTACT_DELETE:
	case ULTRACE_EVENT_CONTACT_EXPIRE:
		FUZZ_CHECK(after == NULL, "a removed contact is still there");
		FUZZ_CHECK(status == (before != NULL ?
			ULTRACE_REGISTRY_STATUS_OK :
			ULTRACE_REGISTRY_STATUS_NOT_FOUND),
			"remove: status %d", (int) status);
		FUZZ_CHECK(st->contacts == contacts - (before != NULL),
			"remove: %" PRIu64 " contacts, then %" PRIu64,
			contacts, st->contacts);
		break;
	default:
		FUZZ_CHECK(status == ULTRACE_REGISTRY_STATUS_OK,
			"upsert: status %d", (int) status);
		FUZZ_CHECK(after != NULL, "an upserted contact is missing");
		check_values(ultrace_registry_contact_values(after), c);
		user = ultrace_registry_contact_borrow_user(after);
		if (user_before != NULL) {
			FUZZ_CHECK(user == user_before &&
				ultrace_registry_user_get_index(user) ==
					user_index_before,
				"an existing user changed its index");
		} else {
			/* Indexes are never reused. */
			FUZZ_CHECK(ultrace_registry_user_get_index(user) >
				*max_user_index, "new user index %" PRIu32
				" not above %" PRIu32,
				ultrace_registry_user_get_index(user),
				*max_user_index);
			FUZZ_CHECK(st->users == users + 1, "a new user is "
				"not counted");
		}
		if (ultrace_registry_user_get_index(user) > *max_user_index) {
			*max_user_index = ultrace_registry_user_get_index(user);
		}
		if (before == NULL) {
			const struct ultrace_registry_contact *last = after;

			FUZZ_CHECK(st->contacts == contacts + 1,
				"a new contact is not counted");
			while (ultrace_registry_contact_borrow_next(last) !=
					NULL) {
				last = ultrace_registry_contact_borrow_next(
					last);
			}
			FUZZ_CHECK(last == after, "a new contact is not its "
				"user's last");
		} else {
			FUZZ_CHECK(after == before &&
				st->contacts == contacts,
				"an update made a new contact");
		}
		break;
	}
}

/*
 * A compact refresh, its key and check those of `c` (or, when `forged`,
 * made-up values): applied exactly when the registry holds c's contact
 * with every other field equal to c's; else NOT_FOUND and nothing changes.
 */
static void apply_refresh(struct ultrace_registry *registry,
		struct ultrace_registry_event *event, int forged)
{
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(registry);
	struct ultrace_contact c = event->contact;
	const struct ultrace_registry_contact *row;
	struct ultrace_contact held;
	struct ultrace_contact want;
	uint64_t users = st->users;
	uint64_t contacts = st->contacts;
	enum ultrace_registry_status status;
	int match = 0;

	row = c.aor.s != NULL && c.contact.s != NULL ?
		ultrace_registry_borrow_contact(registry, c.domain, c.aor,
			c.contact) : NULL;
	if (row != NULL) {
		held = *ultrace_registry_contact_values(row);
		want = held;
		want.cseq = c.cseq;
		want.expires = c.expires;
		want.last_modified = c.last_modified;
		held.cseq = c.cseq;
		held.expires = c.expires;
		held.last_modified = c.last_modified;
		match = !forged && ultrace_contact_check(
			ultrace_contact_key(&c), &c) == ultrace_contact_check(
			ultrace_contact_key(&held), &held);
	}
	if (!forged) {
		event->refresh_key = ultrace_contact_key(&c);
		event->refresh_check = ultrace_contact_check(
			event->refresh_key, &c);
	}
	status = ultrace_registry_apply(registry, event);
	FUZZ_CHECK(status == (match ? ULTRACE_REGISTRY_STATUS_OK :
		ULTRACE_REGISTRY_STATUS_NOT_FOUND),
		"contact_refresh: status %d, expected %s", (int) status,
		match ? "OK" : "NOT_FOUND");
	FUZZ_CHECK(st->users == users && st->contacts == contacts,
		"a refresh added or removed a row");
	if (match) {
		check_values(ultrace_registry_contact_values(row), &want);
	}
}

/* After a TTL pass no contact with 0 < expires <= deadline is left. */
static void check_expired(const struct ultrace_registry *registry,
		int64_t deadline)
{
	const struct ultrace_registry_contact *c;
	uint32_t ui = 0;
	uint32_t ci = 0;

	for (c = ultrace_registry_borrow_contact_ge(registry, 0, 0); c != NULL;
			c = ultrace_registry_borrow_contact_ge(registry, ui,
				ci + 1)) {
		int64_t expires =
			ultrace_registry_contact_values(c)->expires;

		FUZZ_CHECK(expires <= 0 || expires > deadline,
			"a contact expiring at %" PRId64 " outlived the TTL "
			"pass at %" PRId64, expires, deadline);
		ui = ultrace_registry_user_get_index(
			ultrace_registry_contact_borrow_user(c));
		ci = ultrace_registry_contact_get_index(c);
		if (ci == UINT32_MAX) {
			break;
		}
	}
}

/*
 * registrar_config / registrar_counters: any values, the latest kept as
 * they came, and nothing else changed.
 */
static void apply_registrar(struct reader *in,
		struct ultrace_registry *registry,
		struct ultrace_registry_event *event)
{
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(registry);
	const struct ultrace_registry_registrar *reg =
		ultrace_registry_borrow_registrar(registry);
	struct ultrace_registry_registrar before = *reg;
	uint64_t users = st->users;
	uint64_t contacts = st->contacts;

	event->registrar.settings.max_expires = (uint32_t) get_uint(in, 4);
	event->registrar.settings.max_users = (uint32_t) get_uint(in, 4);
	event->registrar.settings.default_expires = (uint32_t) get_uint(in,
		4);
	event->registrar.counts.accepted = get_uint(in, 8);
	event->registrar.counts.rejected = get_uint(in, 8);
	FUZZ_CHECK(ultrace_registry_apply(registry, event) ==
		ULTRACE_REGISTRY_STATUS_OK, "%s not applied",
		ultrace_event_kind_name(event->kind));
	FUZZ_CHECK(st->users == users && st->contacts == contacts,
		"a registrar event changed the contacts");
	if (event->kind == ULTRACE_EVENT_REGISTRAR_CONFIG) {
		FUZZ_CHECK(reg->has_settings && memcmp(&reg->settings,
			&event->registrar.settings,
			sizeof(reg->settings)) == 0 &&
			reg->settings_ns == event->time_ns &&
			reg->has_counts == before.has_counts &&
			memcmp(&reg->counts, &before.counts,
				sizeof(reg->counts)) == 0,
			"registrar_config: not kept as it came, or it "
			"changed the counters");
	} else {
		FUZZ_CHECK(reg->has_counts && memcmp(&reg->counts,
			&event->registrar.counts, sizeof(reg->counts)) == 0 &&
			reg->counts_ns == event->time_ns &&
			reg->has_settings == before.has_settings &&
			memcmp(&reg->settings, &before.settings,
				sizeof(reg->settings)) == 0,
			"registrar_counters: not kept as they came, or they "
			"changed the config");
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	ultrace_log_init("fuzz_events", ULTRACE_LOG_ERROR);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader in = { data, size };
	struct arena arena = { NULL, 0, 0, 0 };
	struct ultrace_registry *registry = ultrace_registry_create();
	const struct ultrace_registry_stats *st;
	uint32_t max_user_index = 0;
	int64_t now_ns = 0;

	FUZZ_CHECK(registry != NULL, "out of memory");
	st = ultrace_registry_borrow_stats(registry);
	while (in.left > 0) {
		unsigned int op = (unsigned int) get_uint(&in, 1) % OP_COUNT;
		struct ultrace_registry_event event;
		uint64_t before;
		uint64_t count;
		int64_t when;

		memset(&event, 0, sizeof(event));
		switch (op) {
		case OP_BAD_KIND:
			event.kind = (enum ultrace_event_kind) (
				ULTRACE_EVENT_KIND_COUNT + get_uint(&in, 1));
			FUZZ_CHECK(ultrace_registry_apply(registry, &event) ==
				ULTRACE_REGISTRY_STATUS_INVALID,
				"an unknown event kind was applied");
			break;
		case OP_DISCARDED_EVENTS:
		case OP_DISCARDED_PACKETS:
			count = get_uint(&in, 1 + get_uint(&in, 1) % 8);
			before = op == OP_DISCARDED_EVENTS ?
				st->discarded_events : st->discarded_packets;
			if (op == OP_DISCARDED_EVENTS) {
				ultrace_registry_note_discarded_events(
					registry, count);
			} else {
				ultrace_registry_note_discarded_packets(
					registry, count);
			}
			FUZZ_CHECK((op == OP_DISCARDED_EVENTS ?
				st->discarded_events : st->discarded_packets) ==
				before + count, "discards not summed");
			break;
		case OP_MARK_SUSPECT:
			when = (int64_t) get_uint(&in, 8);
			ultrace_registry_mark_suspect(registry, when,
				(enum ultrace_suspect_reason) (1 +
				get_uint(&in, 1) %
				(ULTRACE_SUSPECT_REASON_COUNT - 1)));
			FUZZ_CHECK(st->health == ULTRACE_REGISTRY_SUSPECT,
				"marked suspect, still %s",
				ultrace_registry_health_name(st->health));
			break;
		case OP_EXPIRE:
			when = (int64_t) get_uint(&in, 8);
			before = st->contacts;
			count = st->ttl_expired;
			FUZZ_CHECK(ultrace_registry_expire(registry, when) ==
				before - st->contacts &&
				st->ttl_expired - count == before - st->contacts,
				"TTL pass: count differs from the removals");
			check_expired(registry, when);
			break;
		case OP_CHECK:
			fuzz_check_registry(registry, NULL);
			break;
		default:
			event.kind = (enum ultrace_event_kind) op;
			/* Mostly forward in time, sometimes not at all. */
			now_ns += (int64_t) get_uint(&in, 1) - 16;
			event.time_ns = now_ns;
			event.dump_id = get_uint(&in, 1) % 3;
			if (op == ULTRACE_EVENT_STATEDUMP_END) {
				event.dump_contacts = get_uint(&in, 1);
			}
			if (ultrace_event_kind_has_contact(event.kind)) {
				event.truncated = (uint32_t) get_uint(&in, 1);
				make_contact(&in, &arena, &event.contact);
			}
			if (event.kind == ULTRACE_EVENT_REGISTRAR_CONFIG ||
					event.kind ==
					ULTRACE_EVENT_REGISTRAR_COUNTERS) {
				apply_registrar(&in, registry, &event);
				break;
			}
			if (event.kind == ULTRACE_EVENT_CONTACT_REFRESH) {
				int forged = (int) (get_uint(&in, 1) % 8 == 0);

				make_contact(&in, &arena, &event.contact);
				if (forged) {
					event.refresh_key = get_uint(&in, 8);
					event.refresh_check = get_uint(&in, 8);
				}
				apply_refresh(registry, &event, forged);
				break;
			}
			apply_event(registry, &event, &max_user_index);
			break;
		}
	}
	fuzz_check_registry(registry, NULL);
	ultrace_registry_destroy(registry);
	arena_free(&arena);
	return 0;
}
