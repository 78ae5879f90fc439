/*
 * test_registry_apply.c: each apply rule of registry.h, its anomaly
 * counter and the stored copies. Registry API only: no SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tap.h"

#define T0 INT64_C(1763890000000000000)  /* 2025-11-23T09:26:40Z */

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

/*
 * A caller's buffer holding slices back to back with a garbage byte after
 * each and no NUL anywhere: the registry must copy exactly `len` bytes.
 */
struct arena {
	char buf[8192];
	size_t used;
};

static struct ultrace_str arena_put(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	struct ultrace_str r;

	if (a->used + n + 1 > sizeof(a->buf)) {
		bail_out("test arena full");
	}
	memcpy(a->buf + a->used, s, n);
	r.s = a->buf + a->used;
	r.len = n;
	a->used += n;
	a->buf[a->used++] = '~';
	return r;
}

static void arena_init(struct arena *a)
{
	memset(a->buf, '?', sizeof(a->buf));
	a->used = 0;
}

/* The slice as a C string for is_str (NULL stays NULL); 8 live at once. */
static const char *cstr(struct ultrace_str s)
{
	static char bufs[8][2048];
	static unsigned int next;
	char *b;
	size_t n = s.len < sizeof(bufs[0]) - 1 ? s.len : sizeof(bufs[0]) - 1;

	if (s.s == NULL) {
		return NULL;
	}
	b = bufs[next++ % 8];
	memcpy(b, s.s, n);
	b[n] = '\0';
	return b;
}

static int terminated(struct ultrace_str s)
{
	return s.s != NULL && s.s[s.len] == '\0';
}

/* Every string slice of a stored contact is NUL-terminated. */
static int all_terminated(const struct ultrace_contact *v)
{
	return terminated(v->domain) && terminated(v->aor) &&
		terminated(v->contact) && terminated(v->display_name) &&
		terminated(v->received) && terminated(v->path) &&
		terminated(v->user_agent) && terminated(v->callid) &&
		terminated(v->ruid) && terminated(v->instance) &&
		terminated(v->socket);
}

static int slice_eq(struct ultrace_str a, struct ultrace_str b)
{
	size_t la = a.s != NULL ? a.len : 0;
	size_t lb = b.s != NULL ? b.len : 0;

	return la == lb && (la == 0 || memcmp(a.s, b.s, la) == 0);
}

/* Number of fields that differ, each named in a diagnostic. */
static int diff_values(const struct ultrace_contact *got,
		const struct ultrace_contact *want)
{
	int n = 0;

#define CMP_STR(f) do { \
		if (!slice_eq(got->f, want->f)) { \
			diag(#f ": got '%s', expected '%s'", \
				cstr(got->f), cstr(want->f)); \
			n++; \
		} \
	} while (0)
#define CMP_INT(f) do { \
		if (got->f != want->f) { \
			diag(#f ": got %jd, expected %jd", \
				(intmax_t) got->f, (intmax_t) want->f); \
			n++; \
		} \
	} while (0)
	CMP_STR(domain);
	CMP_STR(aor);
	CMP_STR(contact);
	CMP_STR(display_name);
	CMP_STR(received);
	CMP_STR(path);
	CMP_STR(user_agent);
	CMP_STR(callid);
	CMP_STR(ruid);
	CMP_STR(instance);
	CMP_STR(socket);
	CMP_INT(cseq);
	CMP_INT(q);
	CMP_INT(expires);
	CMP_INT(last_modified);
	CMP_INT(flags);
	CMP_INT(cflags);
	CMP_INT(methods);
	CMP_INT(reg_id);
#undef CMP_STR
#undef CMP_INT
	return n;
}

static struct ultrace_registry_event contact_event(enum ultrace_event_kind kind,
		int64_t time_ns, const char *domain, const char *aor,
		const char *uri)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = time_ns;
	ev.contact.domain = str(domain);
	ev.contact.aor = str(aor);
	ev.contact.contact = str(uri);
	ev.contact.q = ULTRACE_Q_UNSET;
	return ev;
}

static enum ultrace_registry_status apply_kind(struct ultrace_registry *r,
		enum ultrace_event_kind kind, int64_t time_ns,
		const char *domain, const char *aor, const char *uri)
{
	struct ultrace_registry_event ev = contact_event(kind, time_ns,
		domain, aor, uri);

	return ultrace_registry_apply(r, &ev);
}

static const struct ultrace_registry_contact *find(
		const struct ultrace_registry *r, const char *domain,
		const char *aor, const char *uri)
{
	return ultrace_registry_borrow_contact(r, str(domain), str(aor),
		str(uri));
}

static struct ultrace_registry *create_or_bail(void)
{
	struct ultrace_registry *r = ultrace_registry_create();

	if (r == NULL) {
		bail_out("ultrace_registry_create failed");
	}
	return r;
}

/* A contact with every field set, its strings in `a` (no NULs). */
static void full_contact(struct arena *a, struct ultrace_contact *c,
		const char *uri, const char *user_agent, int32_t cseq)
{
	memset(c, 0, sizeof(*c));
	c->domain = arena_put(a, "location");
	c->aor = arena_put(a, "alice@example.com");
	c->contact = arena_put(a, uri);
	c->display_name = arena_put(a, "Alice \"A\" Liddell");
	c->received = arena_put(a, "sip:198.51.100.7:5060");
	c->path = arena_put(a, "<sip:edge1.example.com;lr>,<sip:p2;lr>");
	c->user_agent = arena_put(a, user_agent);
	c->callid = arena_put(a, "a84b4c76e66710@pc33.example.com");
	c->ruid = arena_put(a, "uloc-5f2a-1");
	c->instance = arena_put(a,
		"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>");
	c->socket = arena_put(a, "udp:192.0.2.10:5060");
	c->cseq = cseq;
	c->q = 500;
	c->expires = 1763893600;
	c->last_modified = 1763890000;
	c->flags = 0x80000001u;
	c->cflags = UINT32_MAX;
	c->methods = 0x1fff;
	c->reg_id = 7;
}

static void test_empty(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	int i;
	uint64_t sum = 0;

	for (i = 0; i < ULTRACE_EVENT_KIND_COUNT; i++) {
		sum += st->events[i];
	}
	for (i = 0; i < ULTRACE_ANOMALY_COUNT; i++) {
		sum += st->anomalies[i];
	}
	ok(sum == 0 && st->users == 0 && st->contacts == 0 &&
		st->users_created == 0 && st->first_event_ns == 0 &&
		st->last_event_ns == 0 && st->dumps_complete == 0,
		"a new registry has zero stats");
	ok(ultrace_registry_borrow_user_ge(r, 0) == NULL &&
		find(r, "location", "a", "b") == NULL,
		"a new registry holds no user and no contact");
	ultrace_registry_destroy(r);
	ultrace_registry_destroy(NULL);
	ok(1, "destroy(NULL) is harmless");
}

static void test_insert_new(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	static struct arena in;
	static struct arena key;
	struct ultrace_registry_event ev;
	struct ultrace_contact want;
	const struct ultrace_registry_contact *c;
	const struct ultrace_registry_user *u;
	const struct ultrace_contact *v;
	const char *lo = in.buf;
	const char *hi = in.buf + sizeof(in.buf);
	int aliased = 0;

	arena_init(&in);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_CONTACT_INSERT;
	ev.time_ns = T0;
	full_contact(&in, &ev.contact, "sip:alice@198.51.100.7:5060;ob",
		"Linphone/5.2", -5);
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"insert of a new contact returns OK");
	is_int(st->users, 1, "insert new: 1 user row");
	is_int(st->contacts, 1, "insert new: 1 contact row");
	is_int(st->users_created, 1, "insert new: users_created 1");
	is_int(st->anomalies[ULTRACE_ANOMALY_INSERT_EXISTING], 0,
		"insert new is not INSERT_EXISTING");

	/* Look it up with slices from another unterminated buffer. */
	arena_init(&key);
	c = ultrace_registry_borrow_contact(r, arena_put(&key, "location"),
		arena_put(&key, "alice@example.com"),
		arena_put(&key, "sip:alice@198.51.100.7:5060;ob"));
	ok(c != NULL, "borrow_contact finds it with unterminated key slices");
	if (c == NULL) {
		skip(24, "contact not stored");
		ultrace_registry_destroy(r);
		return;
	}
	v = ultrace_registry_contact_values(c);
	is_str(cstr(v->domain), "location", "stored domain");
	is_str(cstr(v->aor), "alice@example.com", "stored aor");
	is_str(cstr(v->contact), "sip:alice@198.51.100.7:5060;ob",
		"stored contact");
	is_str(cstr(v->display_name), "Alice \"A\" Liddell",
		"stored display_name");
	is_str(cstr(v->received), "sip:198.51.100.7:5060", "stored received");
	is_str(cstr(v->path), "<sip:edge1.example.com;lr>,<sip:p2;lr>",
		"stored path");
	is_str(cstr(v->user_agent), "Linphone/5.2", "stored user_agent");
	is_str(cstr(v->callid), "a84b4c76e66710@pc33.example.com",
		"stored callid");
	is_str(cstr(v->ruid), "uloc-5f2a-1", "stored ruid");
	is_str(cstr(v->instance),
		"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>",
		"stored instance");
	is_str(cstr(v->socket), "udp:192.0.2.10:5060", "stored socket");
	ok(v->cseq == -5 && v->q == 500 && v->expires == 1763893600 &&
		v->last_modified == 1763890000 && v->flags == 0x80000001u &&
		v->cflags == UINT32_MAX && v->methods == 0x1fff &&
		v->reg_id == 7,
		"stored cseq, q, expires, last_modified, flags, cflags, "
		"methods, reg_id");
	ok(all_terminated(v), "every stored string slice is NUL-terminated");
	is_int(ultrace_registry_contact_get_index(c), 1,
		"first contact index is 1");
	u = ultrace_registry_contact_borrow_user(c);
	ok(u != NULL && u == ultrace_registry_borrow_user(r, str("location"),
			str("alice@example.com")),
		"the contact's user is the (domain, aor) user");
	is_int(ultrace_registry_user_get_index(u), 1, "first user index is 1");
	is_int(ultrace_registry_user_get_contact_count(u), 1,
		"user contact count 1");
	ok(ultrace_registry_user_borrow_first_contact(u) == c &&
		ultrace_registry_contact_borrow_next(c) == NULL,
		"the user's contact list is just this contact");
	is_str(cstr(ultrace_registry_user_get_domain(u)), "location",
		"user domain");
	is_str(cstr(ultrace_registry_user_get_aor(u)), "alice@example.com",
		"user aor");

	/* The registry must own copies: clobber the caller's buffer. */
	aliased |= v->domain.s >= lo && v->domain.s < hi;
	aliased |= v->aor.s >= lo && v->aor.s < hi;
	aliased |= v->contact.s >= lo && v->contact.s < hi;
	aliased |= v->path.s >= lo && v->path.s < hi;
	aliased |= v->socket.s >= lo && v->socket.s < hi;
	ok(!aliased, "stored slices do not point into the caller's buffer");
	memset(in.buf, 'X', sizeof(in.buf));
	memset(key.buf, 'Y', sizeof(key.buf));
	/* The expected values, rebuilt in the (clobbered) caller buffer. */
	arena_init(&in);
	full_contact(&in, &want, "sip:alice@198.51.100.7:5060;ob",
		"Linphone/5.2", -5);
	is_int(diff_values(v, &want), 0,
		"stored values unchanged after the caller's buffer changed");
	ok(find(r, "location", "alice@example.com",
			"sip:alice@198.51.100.7:5060;ob") == c,
		"still found by key after the caller's buffer changed");
	ultrace_registry_destroy(r);
}

static void test_insert_existing(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	static struct arena a;
	struct ultrace_registry_event ev;
	const struct ultrace_registry_contact *c;
	const struct ultrace_registry_contact *c2;

	arena_init(&a);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_CONTACT_INSERT;
	ev.time_ns = T0;
	full_contact(&a, &ev.contact, "sip:alice@10.0.0.1", "UA/1", 1);
	ultrace_registry_apply(r, &ev);
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0 + 1, "location",
		"alice@example.com", "sip:alice@10.0.0.2");
	c = find(r, "location", "alice@example.com", "sip:alice@10.0.0.1");

	/* The same contact again, other values: an update. */
	full_contact(&a, &ev.contact, "sip:alice@10.0.0.1", "UA/2", 2);
	ev.contact.expires = 1763899999;
	ev.contact.received.len = 0;
	ev.time_ns = T0 + 2;
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"insert of a known contact returns OK");
	is_int(st->anomalies[ULTRACE_ANOMALY_INSERT_EXISTING], 1,
		"insert of a known contact counts INSERT_EXISTING");
	ok(st->users == 1 && st->contacts == 2 && st->users_created == 1,
		"insert existing adds no row (users %ju, contacts %ju)",
		(uintmax_t) st->users, (uintmax_t) st->contacts);
	c2 = find(r, "location", "alice@example.com", "sip:alice@10.0.0.1");
	ok(c2 != NULL, "the contact is still there");
	if (c2 == NULL) {
		skip(3, "contact lost");
		goto end;
	}
	is_int(diff_values(ultrace_registry_contact_values(c2),
			&ev.contact), 0,
		"insert existing replaced the values (cseq, UA, expires, "
		"received emptied)");
	ok(c2 == c && ultrace_registry_contact_get_index(c2) == 1 &&
		ultrace_registry_user_get_index(
			ultrace_registry_contact_borrow_user(c2)) == 1,
		"insert existing keeps the row and its indexes");
end:
	ultrace_registry_destroy(r);
}

static void test_update(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;
	const struct ultrace_registry_contact *c;

	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "bob",
		"sip:bob@h1");
	ev = contact_event(ULTRACE_EVENT_CONTACT_UPDATE, T0 + 10, "location",
		"bob", "sip:bob@h1");
	ev.contact.cseq = 42;
	ev.contact.user_agent = str("Updated/1.0");
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"update of a known contact returns OK");
	c = find(r, "location", "bob", "sip:bob@h1");
	ok(c != NULL &&
		ultrace_registry_contact_values(c)->cseq == 42 &&
		strcmp(ultrace_registry_contact_values(c)->user_agent.s,
			"Updated/1.0") == 0,
		"update replaced cseq and user_agent");
	ok(st->anomalies[ULTRACE_ANOMALY_UPDATE_UNKNOWN] == 0 &&
		st->anomalies[ULTRACE_ANOMALY_INSERT_EXISTING] == 0,
		"update of a known contact is no anomaly");

	/* Update of a contact the registry never saw: the insert was lost. */
	ev = contact_event(ULTRACE_EVENT_CONTACT_UPDATE, T0 + 20, "location",
		"bob", "sip:bob@h2");
	ev.contact.cseq = 7;
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"update of an unknown contact returns OK");
	is_int(st->anomalies[ULTRACE_ANOMALY_UPDATE_UNKNOWN], 1,
		"update unknown counts UPDATE_UNKNOWN");
	c = find(r, "location", "bob", "sip:bob@h2");
	ok(c != NULL && ultrace_registry_contact_values(c)->cseq == 7 &&
		ultrace_registry_contact_get_index(c) == 2,
		"update unknown inserted it as the user's contact 2");
	ok(st->users == 1 && st->contacts == 2, "1 user, 2 contacts");

	/* ...also when the user itself is unknown. */
	is_int(apply_kind(r, ULTRACE_EVENT_CONTACT_UPDATE, T0 + 30, "location",
			"carol", "sip:carol@h1"), ULTRACE_REGISTRY_STATUS_OK,
		"update of an unknown user's contact returns OK");
	ok(st->anomalies[ULTRACE_ANOMALY_UPDATE_UNKNOWN] == 2 &&
		st->users == 2 && st->contacts == 3 &&
		find(r, "location", "carol", "sip:carol@h1") != NULL,
		"update unknown created the user row");
	ultrace_registry_destroy(r);
}

static void test_remove(enum ultrace_event_kind kind,
		enum ultrace_anomaly unknown)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	const char *name = ultrace_event_kind_name(kind);
	const struct ultrace_registry_user *u;

	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "dave",
		"sip:dave@a");
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "dave",
		"sip:dave@b");
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "erin",
		"sip:erin@a");

	is_int(apply_kind(r, kind, T0 + 1, "location", "dave", "sip:dave@a"),
		ULTRACE_REGISTRY_STATUS_OK, "%s of a known contact returns OK",
		name);
	ok(find(r, "location", "dave", "sip:dave@a") == NULL &&
		st->contacts == 2,
		"%s removed the contact", name);
	u = ultrace_registry_borrow_user(r, str("location"), str("dave"));
	ok(u != NULL && st->users == 2 &&
		ultrace_registry_user_get_contact_count(u) == 1 &&
		find(r, "location", "dave", "sip:dave@b") != NULL,
		"%s: the user stays while it has another contact", name);

	is_int(apply_kind(r, kind, T0 + 2, "location", "dave", "sip:dave@a"),
		ULTRACE_REGISTRY_STATUS_NOT_FOUND,
		"%s of a contact already gone returns NOT_FOUND", name);
	is_int(apply_kind(r, kind, T0 + 3, "location", "nobody",
			"sip:nobody@x"), ULTRACE_REGISTRY_STATUS_NOT_FOUND,
		"%s of an unknown user returns NOT_FOUND", name);
	is_int(apply_kind(r, kind, T0 + 4, "other", "dave", "sip:dave@b"),
		ULTRACE_REGISTRY_STATUS_NOT_FOUND,
		"%s of a known AOR in another domain returns NOT_FOUND", name);
	is_int(st->anomalies[unknown], 3, "%s unknown counted 3 times (%s)",
		name, ultrace_anomaly_name(unknown));
	ok(st->users == 2 && st->contacts == 2 && st->users_created == 2,
		"%s unknown leaves the state unchanged", name);

	is_int(apply_kind(r, kind, T0 + 5, "location", "dave", "sip:dave@b"),
		ULTRACE_REGISTRY_STATUS_OK, "%s of the user's last contact",
		name);
	ok(ultrace_registry_borrow_user(r, str("location"), str("dave")) ==
		NULL && st->users == 1 && st->contacts == 1,
		"%s: the user row goes with its last contact", name);
	ok(ultrace_registry_borrow_user_by_index(r, 1) == NULL &&
		ultrace_registry_borrow_user_by_index(r, 2) != NULL,
		"%s: the user is gone from the index too", name);
	ultrace_registry_destroy(r);
}

static void test_invalid(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;

	is_int(apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "",
			"sip:x@y"), ULTRACE_REGISTRY_STATUS_INVALID,
		"insert with an empty AOR is INVALID");
	is_int(apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location",
			"frank", ""), ULTRACE_REGISTRY_STATUS_INVALID,
		"insert with an empty contact is INVALID");
	is_int(apply_kind(r, ULTRACE_EVENT_CONTACT_UPDATE, T0, "location",
			NULL, "sip:x@y"), ULTRACE_REGISTRY_STATUS_INVALID,
		"update with a NULL AOR is INVALID");
	/* A NULL `s` means empty whatever `len` says (ultrace.h). */
	ev = contact_event(ULTRACE_EVENT_CONTACT_INSERT, T0, "location",
		"frank", "sip:x@y");
	ev.contact.contact.s = NULL;
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_INVALID,
		"insert with contact {NULL, 7} is INVALID");
	is_int(st->anomalies[ULTRACE_ANOMALY_INVALID], 4,
		"each invalid event counts INVALID");
	ok(st->users == 0 && st->contacts == 0 && st->users_created == 0 &&
		ultrace_registry_borrow_user(r, str("location"),
			str("frank")) == NULL &&
		ultrace_registry_borrow_user_ge(r, 0) == NULL,
		"invalid events store nothing");

	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "frank",
		"sip:frank@a");
	is_int(apply_kind(r, ULTRACE_EVENT_CONTACT_DELETE, T0, "location",
			"frank", ""), ULTRACE_REGISTRY_STATUS_INVALID,
		"delete with an empty contact is INVALID, not NOT_FOUND");
	is_int(apply_kind(r, ULTRACE_EVENT_CONTACT_EXPIRE, T0, "location", "",
			"sip:frank@a"), ULTRACE_REGISTRY_STATUS_INVALID,
		"expire with an empty AOR is INVALID");
	ok(st->anomalies[ULTRACE_ANOMALY_INVALID] == 6 &&
		st->anomalies[ULTRACE_ANOMALY_DELETE_UNKNOWN] == 0 &&
		st->anomalies[ULTRACE_ANOMALY_EXPIRE_UNKNOWN] == 0 &&
		st->contacts == 1,
		"invalid removals count INVALID only and remove nothing");
	ultrace_registry_destroy(r);
}

static void test_truncated(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;

	ev = contact_event(ULTRACE_EVENT_CONTACT_INSERT, T0, "location",
		"gina", "sip:gina@a");
	ev.truncated = ULTRACE_FIELD_USER_AGENT | ULTRACE_FIELD_PATH;
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"an insert with truncated fields is applied");
	ok(find(r, "location", "gina", "sip:gina@a") != NULL,
		"the truncated contact is stored");
	ev = contact_event(ULTRACE_EVENT_CONTACT_UPDATE, T0, "location",
		"gina", "sip:gina@a");
	ultrace_registry_apply(r, &ev);
	is_int(st->anomalies[ULTRACE_ANOMALY_TRUNCATED], 1,
		"TRUNCATED counted once per event with a non-zero mask");
	ev = contact_event(ULTRACE_EVENT_CONTACT_DELETE, T0, "location",
		"gina", "sip:gina@a");
	ev.truncated = ULTRACE_FIELD_CONTACT;
	ultrace_registry_apply(r, &ev);
	is_int(st->anomalies[ULTRACE_ANOMALY_TRUNCATED], 2,
		"a truncated delete is counted too");
	ultrace_registry_destroy(r);
}

static void test_counters(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;
	int i;

	for (i = 0; i < 3; i++) {
		char uri[32];

		snprintf(uri, sizeof(uri), "sip:h@%d", i);
		apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0 + i, "location",
			"hank", uri);
	}
	apply_kind(r, ULTRACE_EVENT_CONTACT_UPDATE, T0 + 10, "location", "hank",
		"sip:h@0");
	apply_kind(r, ULTRACE_EVENT_CONTACT_UPDATE, T0 + 11, "location", "hank",
		"sip:h@1");
	apply_kind(r, ULTRACE_EVENT_CONTACT_DELETE, T0 + 12, "location", "hank",
		"sip:h@0");
	apply_kind(r, ULTRACE_EVENT_CONTACT_EXPIRE, T0 + 13, "location", "hank",
		"sip:h@1");
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_BEGIN;
	ev.time_ns = T0 + 20;
	ev.dump_id = 1;
	ultrace_registry_apply(r, &ev);
	ev = contact_event(ULTRACE_EVENT_STATEDUMP_CONTACT, T0 + 21, "location",
		"hank", "sip:h@2");
	ev.dump_id = 1;
	ultrace_registry_apply(r, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_END;
	ev.time_ns = T0 + 22;
	ev.dump_id = 1;
	ev.dump_contacts = 1;
	ultrace_registry_apply(r, &ev);

	ok(st->events[ULTRACE_EVENT_CONTACT_INSERT] == 3 &&
		st->events[ULTRACE_EVENT_CONTACT_UPDATE] == 2 &&
		st->events[ULTRACE_EVENT_CONTACT_DELETE] == 1 &&
		st->events[ULTRACE_EVENT_CONTACT_EXPIRE] == 1 &&
		st->events[ULTRACE_EVENT_STATEDUMP_BEGIN] == 1 &&
		st->events[ULTRACE_EVENT_STATEDUMP_CONTACT] == 1 &&
		st->events[ULTRACE_EVENT_STATEDUMP_END] == 1,
		"events[] counts each kind (3 ins, 2 upd, 1 del, 1 exp, "
		"1 begin, 1 dump contact, 1 end)");
	is_int(st->first_event_ns, T0,
		"first_event_ns is the first event's time");
	is_int(st->last_event_ns, T0 + 22,
		"last_event_ns is the last event's time");
	is_int(st->dumps_complete, 1, "the well-formed dump completed");

	ultrace_registry_note_discarded_events(r, 5);
	ultrace_registry_note_discarded_events(r, 3);
	ultrace_registry_note_discarded_packets(r, 2);
	ultrace_registry_note_discarded_events(r, 0);
	ok(st->discarded_events == 8 && st->discarded_packets == 2,
		"discarded events/packets add up (8, 2): got %ju, %ju",
		(uintmax_t) st->discarded_events,
		(uintmax_t) st->discarded_packets);
	is_str(ultrace_event_kind_name(ULTRACE_EVENT_CONTACT_EXPIRE),
		"contact_expire", "event kind name");
	is_str(ultrace_anomaly_name(ULTRACE_ANOMALY_INSERT_EXISTING),
		"insert_existing", "anomaly name");
	ultrace_registry_destroy(r);
}

static void test_keys(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	const struct ultrace_registry_user *u1;
	const struct ultrace_registry_user *u2;
	const struct ultrace_registry_contact *c1;
	const struct ultrace_registry_contact *c2;
	struct ultrace_str empty_nonnull = { "location", 0 };

	/* Same AOR and contact URI, two domains: two users. */
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "ivy",
		"sip:ivy@a");
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "location_b", "ivy",
		"sip:ivy@a");
	u1 = ultrace_registry_borrow_user(r, str("location"), str("ivy"));
	u2 = ultrace_registry_borrow_user(r, str("location_b"), str("ivy"));
	ok(u1 != NULL && u2 != NULL && u1 != u2 && st->users == 2 &&
		st->contacts == 2,
		"the same AOR in two domains is two users");
	ok(u1 != NULL && u2 != NULL &&
		ultrace_registry_user_get_index(u1) == 1 &&
		ultrace_registry_user_get_index(u2) == 2,
		"...with their own user indexes");
	c1 = find(r, "location", "ivy", "sip:ivy@a");
	c2 = find(r, "location_b", "ivy", "sip:ivy@a");
	ok(c1 != NULL && c2 != NULL && c1 != c2 &&
		ultrace_registry_contact_borrow_user(c1) == u1 &&
		ultrace_registry_contact_borrow_user(c2) == u2,
		"...each with its own copy of the contact");
	apply_kind(r, ULTRACE_EVENT_CONTACT_DELETE, T0, "location_b", "ivy",
		"sip:ivy@a");
	ok(find(r, "location", "ivy", "sip:ivy@a") == c1 &&
		find(r, "location_b", "ivy", "sip:ivy@a") == NULL,
		"deleting in one domain leaves the other");

	/* ("ab", "c") and ("a", "bc") are different users. */
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "ab", "c", "sip:1");
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "a", "bc", "sip:1");
	ok(st->users == 3 && find(r, "ab", "c", "sip:1") != NULL &&
		find(r, "a", "bc", "sip:1") != NULL &&
		find(r, "a", "bc", "sip:1") != find(r, "ab", "c", "sip:1"),
		"(\"ab\",\"c\") and (\"a\",\"bc\") are two users");

	/* An empty domain: NULL and "" name the same one. */
	apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, T0, NULL, "jo", "sip:jo");
	ok(find(r, "", "jo", "sip:jo") != NULL &&
		ultrace_registry_borrow_contact(r, empty_nonnull, str("jo"),
			str("sip:jo")) != NULL &&
		find(r, NULL, "jo", "sip:jo") != NULL,
		"an empty domain is found as NULL, \"\" or a zero-length "
		"slice");
	ok(find(r, "location", "jo", "sip:jo") == NULL,
		"...and differs from a named domain");

	/* Lookups that must miss. */
	ok(find(r, "location", "ivy", "sip:ivy@b") == NULL &&
		find(r, "location", "ivy", "sip:ivy@") == NULL &&
		find(r, "location", "iv", "sip:ivy@a") == NULL &&
		find(r, "locatio", "ivy", "sip:ivy@a") == NULL &&
		find(r, "location", "ivy", "sip:ivy@a;x") == NULL,
		"borrow_contact misses on any other key, prefixes included");
	ok(ultrace_registry_borrow_user(r, str("location"), str("nobody")) ==
		NULL, "borrow_user misses on an unknown AOR");
	ultrace_registry_destroy(r);
}

/* Values of ULTRACE_FIELD_MAX bytes and binary bytes are kept exactly. */
static void test_long_values(void)
{
	struct ultrace_registry *r = create_or_bail();
	static char path[ULTRACE_FIELD_MAX];
	static char uri[ULTRACE_FIELD_MAX];
	struct ultrace_registry_event ev;
	const struct ultrace_registry_contact *c;
	const struct ultrace_contact *v;
	size_t i;

	for (i = 0; i < sizeof(path); i++) {
		path[i] = (char) (0x80 + i % 0x7f);
		uri[i] = (char) ('a' + i % 26);
	}
	ev = contact_event(ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "kim",
		"x");
	ev.contact.contact.s = uri;
	ev.contact.contact.len = sizeof(uri);
	ev.contact.path.s = path;
	ev.contact.path.len = sizeof(path);
	ultrace_registry_apply(r, &ev);
	c = ultrace_registry_borrow_contact(r, str("location"), str("kim"),
		ev.contact.contact);
	v = c != NULL ? ultrace_registry_contact_values(c) : NULL;
	ok(v != NULL && v->contact.len == sizeof(uri) &&
		memcmp(v->contact.s, uri, sizeof(uri)) == 0 &&
		v->path.len == sizeof(path) &&
		memcmp(v->path.s, path, sizeof(path)) == 0 && all_terminated(v),
		"%d-byte contact and path (bytes >= 0x80) stored exactly",
		ULTRACE_FIELD_MAX);
	ultrace_registry_destroy(r);
}

/*
 * Strings no registrar sends (the producer cuts a field at 1 KiB): a
 * contact whose own strings pass 64 KiB is refused and counted, and a
 * shared string (user_agent) kept once for many contacts reads back.
 */
static void test_size_limit(void)
{
	struct ultrace_registry *r = create_or_bail();
	static char huge[40000];
	struct ultrace_registry_event ev;
	const struct ultrace_registry_stats *st;
	const struct ultrace_registry_contact *c1;
	const struct ultrace_registry_contact *c2;

	memset(huge, 'h', sizeof(huge));
	ev = contact_event(ULTRACE_EVENT_CONTACT_INSERT, T0, "location", "big",
		"sip:big@a");
	ev.contact.path.s = huge;
	ev.contact.path.len = sizeof(huge);
	ev.contact.received.s = huge;
	ev.contact.received.len = sizeof(huge);
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_INVALID,
		"a contact with 80 000 bytes of strings is INVALID");
	st = ultrace_registry_borrow_stats(r);
	ok(st->contacts == 0 && st->users == 0 &&
		st->anomalies[ULTRACE_ANOMALY_INVALID] == 1,
		"...counted as INVALID, nothing stored");
	ev.contact.received.len = 1000;
	ev.contact.path.len = 1000;
	ev.contact.user_agent.s = huge;
	ev.contact.user_agent.len = 2000;
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"the same contact at 1 000 bytes a field is stored");
	ev.contact.contact = str("sip:big@b");
	ultrace_registry_apply(r, &ev);
	c1 = ultrace_registry_borrow_contact(r, str("location"), str("big"),
		str("sip:big@a"));
	c2 = ultrace_registry_borrow_contact(r, str("location"), str("big"),
		str("sip:big@b"));
	ok(c1 != NULL && c2 != NULL &&
		ultrace_registry_contact_values(c1)->user_agent.s ==
		ultrace_registry_contact_values(c2)->user_agent.s &&
		ultrace_registry_contact_values(c2)->user_agent.len == 2000,
		"two contacts' equal user_agent is kept once and reads back");
	ultrace_registry_destroy(r);
}

int main(void)
{
	plan(3 + 29 + 6 + 9 + 2 * 11 + 9 + 4 + 7 + 9 + 1 + 4);
	test_empty();
	test_insert_new();
	test_insert_existing();
	test_update();
	test_remove(ULTRACE_EVENT_CONTACT_DELETE,
		ULTRACE_ANOMALY_DELETE_UNKNOWN);
	test_remove(ULTRACE_EVENT_CONTACT_EXPIRE,
		ULTRACE_ANOMALY_EXPIRE_UNKNOWN);
	test_invalid();
	test_truncated();
	test_counters();
	test_keys();
	test_long_values();
	test_size_limit();
	return exit_status();
}
