/*
 * test_registry_index.c: user and contact indexes (assigned from 1, never
 * reused) and the ordered GET/GETNEXT walks over them. Registry API only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tap.h"
#include "test_rng.h"

#define T0 INT64_C(1763890000000000000)

#define RANDOM_AORS 300
#define RANDOM_SLOTS 4          /* contact URIs per AOR */
#define RANDOM_OPS 6000
#define WALK_EVERY 7

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

static enum ultrace_registry_status apply_kind(struct ultrace_registry *r,
		enum ultrace_event_kind kind, const char *aor, const char *uri)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = T0;
	ev.contact.domain = str("location");
	ev.contact.aor = str(aor);
	ev.contact.contact = str(uri);
	ev.contact.q = ULTRACE_Q_UNSET;
	return ultrace_registry_apply(r, &ev);
}

static enum ultrace_registry_status insert(struct ultrace_registry *r,
		const char *aor, const char *uri)
{
	return apply_kind(r, ULTRACE_EVENT_CONTACT_INSERT, aor, uri);
}

static enum ultrace_registry_status delete(struct ultrace_registry *r,
		const char *aor, const char *uri)
{
	return apply_kind(r, ULTRACE_EVENT_CONTACT_DELETE, aor, uri);
}

static const struct ultrace_registry_user *user_of(
		const struct ultrace_registry *r, const char *aor)
{
	return ultrace_registry_borrow_user(r, str("location"), str(aor));
}

/* User index of `aor`, 0 when it has no row. */
static uint32_t uidx(const struct ultrace_registry *r, const char *aor)
{
	const struct ultrace_registry_user *u = user_of(r, aor);

	return u != NULL ? ultrace_registry_user_get_index(u) : 0;
}

/* Contact index of (aor, uri), 0 when absent. */
static uint32_t cidx(const struct ultrace_registry *r, const char *aor,
		const char *uri)
{
	const struct ultrace_registry_contact *c =
		ultrace_registry_borrow_contact(r, str("location"), str(aor),
			str(uri));

	return c != NULL ? ultrace_registry_contact_get_index(c) : 0;
}

static struct ultrace_registry *create_or_bail(void)
{
	struct ultrace_registry *r = ultrace_registry_create();

	if (r == NULL) {
		bail_out("ultrace_registry_create failed");
	}
	return r;
}

/* "1,3,5": the user's contact indexes in list order. */
static const char *contact_list(const struct ultrace_registry_user *u)
{
	static char buf[256];
	const struct ultrace_registry_contact *c;
	size_t n = 0;

	buf[0] = '\0';
	if (u == NULL) {
		return "(no user)";
	}
	for (c = ultrace_registry_user_borrow_first_contact(u);
			c != NULL && n < sizeof(buf) - 12;
			c = ultrace_registry_contact_borrow_next(c)) {
		n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%s%u",
			n > 0 ? "," : "",
			ultrace_registry_contact_get_index(c));
	}
	return buf;
}

static void test_user_indexes(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	insert(r, "alice", "sip:alice@1");
	insert(r, "bob", "sip:bob@1");
	insert(r, "carol", "sip:carol@1");
	ok(uidx(r, "alice") == 1 && uidx(r, "bob") == 2 &&
		uidx(r, "carol") == 3,
		"user indexes start at 1 in creation order (got %u,%u,%u)",
		uidx(r, "alice"), uidx(r, "bob"), uidx(r, "carol"));
	insert(r, "alice", "sip:alice@2");
	is_int(uidx(r, "alice"), 1, "a second contact keeps the user index");
	delete(r, "bob", "sip:bob@1");
	is_int(uidx(r, "bob"), 0, "a user without contacts has no row");
	insert(r, "bob", "sip:bob@1");
	is_int(uidx(r, "bob"), 4,
		"a user that registers again gets a new index, never its "
		"old one");
	is_int(cidx(r, "bob", "sip:bob@1"), 1,
		"...and its contact indexes restart at 1");
	/* The highest index going must not free it for the next user. */
	delete(r, "bob", "sip:bob@1");
	insert(r, "dave", "sip:dave@1");
	is_int(uidx(r, "dave"), 5,
		"removing the newest user does not give its index back");
	ok(st->users == 3 && st->users_created == 5,
		"users 3, users_created 5 (got %ju, %ju)",
		(uintmax_t) st->users, (uintmax_t) st->users_created);
	ultrace_registry_destroy(r);
}

static void test_contact_indexes(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_user *u;

	insert(r, "alice", "sip:a@1");
	insert(r, "alice", "sip:a@2");
	insert(r, "alice", "sip:a@3");
	insert(r, "bob", "sip:b@1");
	ok(cidx(r, "alice", "sip:a@1") == 1 &&
		cidx(r, "alice", "sip:a@2") == 2 &&
		cidx(r, "alice", "sip:a@3") == 3,
		"contact indexes start at 1 and increase");
	is_int(cidx(r, "bob", "sip:b@1"), 1,
		"each user counts its own contacts");
	delete(r, "alice", "sip:a@2");
	insert(r, "alice", "sip:a@4");
	is_int(cidx(r, "alice", "sip:a@4"), 4,
		"delete contact 2 of 3, add one: it gets index 4");
	is_str(contact_list(user_of(r, "alice")), "1,3,4",
		"the user's contacts are listed in index order");
	delete(r, "alice", "sip:a@4");
	insert(r, "alice", "sip:a@5");
	is_int(cidx(r, "alice", "sip:a@5"), 5,
		"removing the newest contact does not give its index back");
	insert(r, "alice", "sip:a@2");
	is_int(cidx(r, "alice", "sip:a@2"), 6,
		"a URI that comes back gets a new contact index");
	insert(r, "alice", "sip:a@1");
	is_int(cidx(r, "alice", "sip:a@1"), 1,
		"insert of a known contact keeps its index");
	apply_kind(r, ULTRACE_EVENT_CONTACT_UPDATE, "alice", "sip:a@3");
	is_int(cidx(r, "alice", "sip:a@3"), 3,
		"update of a known contact keeps its index");
	u = user_of(r, "alice");
	is_str(contact_list(u), "1,3,5,6", "list order after the changes");
	is_int(u != NULL ? ultrace_registry_user_get_contact_count(u) : 0, 4,
		"contact count follows");
	ultrace_registry_destroy(r);
}

/*
 * Expected contact_ge result: user index and contact index, (0, 0) for
 * NULL. A check named for its arguments.
 */
static void check_contact_ge(const struct ultrace_registry *r, uint32_t u,
		uint32_t c, uint32_t want_u, uint32_t want_c)
{
	const struct ultrace_registry_contact *got =
		ultrace_registry_borrow_contact_ge(r, u, c);
	uint32_t got_u = 0;
	uint32_t got_c = 0;

	if (got != NULL) {
		got_u = ultrace_registry_user_get_index(
			ultrace_registry_contact_borrow_user(got));
		got_c = ultrace_registry_contact_get_index(got);
	}
	if (want_u == 0) {
		ok(got == NULL, "contact_ge(%u, %u) is NULL", u, c);
	} else {
		ok(got_u == want_u && got_c == want_c,
			"contact_ge(%u, %u) is (%u, %u)", u, c, want_u, want_c);
	}
	if (got_u != want_u || got_c != want_c) {
		diag("got (%u, %u)%s", got_u, got_c,
			got == NULL ? " NULL" : "");
	}
}

static uint32_t index_or_0(const struct ultrace_registry_user *u)
{
	return u != NULL ? ultrace_registry_user_get_index(u) : 0;
}

static void test_ordered_access(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_user *a;
	const struct ultrace_registry_user *b;
	const struct ultrace_registry_user *c;

	/* user 1: contacts 1,3,5; user 2: gone; user 3: 1; user 4: 1,2. */
	insert(r, "a", "sip:a1");
	insert(r, "a", "sip:a2");
	insert(r, "a", "sip:a3");
	insert(r, "a", "sip:a4");
	insert(r, "a", "sip:a5");
	delete(r, "a", "sip:a2");
	delete(r, "a", "sip:a4");
	insert(r, "x", "sip:x1");
	delete(r, "x", "sip:x1");
	insert(r, "c", "sip:c1");
	insert(r, "b", "sip:b1");
	insert(r, "b", "sip:b2");
	a = user_of(r, "a");
	b = user_of(r, "b");
	c = user_of(r, "c");
	ok(index_or_0(a) == 1 && index_or_0(c) == 3 && index_or_0(b) == 4 &&
		user_of(r, "x") == NULL,
		"fixture: users a=1, c=3, b=4; x (2) gone");

	ok(ultrace_registry_borrow_user_by_index(r, 1) == a &&
		ultrace_registry_borrow_user_by_index(r, 3) == c &&
		ultrace_registry_borrow_user_by_index(r, 4) == b,
		"borrow_user_by_index finds live users");
	ok(ultrace_registry_borrow_user_by_index(r, 0) == NULL &&
		ultrace_registry_borrow_user_by_index(r, 2) == NULL &&
		ultrace_registry_borrow_user_by_index(r, 5) == NULL,
		"borrow_user_by_index is NULL for 0, a removed and an unused "
		"index");
	ok(ultrace_registry_borrow_user_ge(r, 0) == a &&
		ultrace_registry_borrow_user_ge(r, 1) == a &&
		ultrace_registry_borrow_user_ge(r, 2) == c &&
		ultrace_registry_borrow_user_ge(r, 4) == b,
		"borrow_user_ge: 0 and 1 give user 1, 2 skips to 3, 4 is 4");
	ok(ultrace_registry_borrow_user_ge(r, 5) == NULL &&
		ultrace_registry_borrow_user_ge(r, UINT32_MAX) == NULL,
		"borrow_user_ge past the last user is NULL");
	ok(a != NULL && c != NULL && b != NULL &&
		ultrace_registry_borrow_next_user(r, a) == c &&
		ultrace_registry_borrow_next_user(r, c) == b &&
		ultrace_registry_borrow_next_user(r, b) == NULL,
		"borrow_next_user: 1 -> 3 -> 4 -> NULL");
	is_str(contact_list(a), "1,3,5", "user 1 lists contacts 1,3,5");

	check_contact_ge(r, 0, 0, 1, 1);
	check_contact_ge(r, 0, 99, 1, 1);
	check_contact_ge(r, 1, 0, 1, 1);
	check_contact_ge(r, 1, 1, 1, 1);
	check_contact_ge(r, 1, 2, 1, 3);
	check_contact_ge(r, 1, 3, 1, 3);
	check_contact_ge(r, 1, 4, 1, 5);
	check_contact_ge(r, 1, 5, 1, 5);
	check_contact_ge(r, 1, 6, 3, 1);
	check_contact_ge(r, 1, UINT32_MAX, 3, 1);
	check_contact_ge(r, 2, 0, 3, 1);
	check_contact_ge(r, 2, 99, 3, 1);
	check_contact_ge(r, 3, 1, 3, 1);
	check_contact_ge(r, 3, 2, 4, 1);
	check_contact_ge(r, 4, 2, 4, 2);
	check_contact_ge(r, 4, 3, 0, 0);
	check_contact_ge(r, 5, 0, 0, 0);
	check_contact_ge(r, UINT32_MAX, UINT32_MAX, 0, 0);
	ultrace_registry_destroy(r);
}

/* The model of the random test: what the registry must hold. */
struct model_aor {
	uint32_t user_index;            /* 0: no row */
	uint32_t next_contact_index;
	uint32_t contact_index[RANDOM_SLOTS];   /* 0: absent */
	uint32_t live;
	int had_row;                    /* a user row existed before */
};

struct model {
	struct model_aor aors[RANDOM_AORS];
	uint32_t next_user_index;
	uint64_t contacts;
	uint64_t users;
};

/* One live contact, as a walk must visit it. */
struct model_row {
	uint32_t user_index;
	uint32_t contact_index;
	int aor;
	int slot;
};

static int row_cmp(const void *pa, const void *pb)
{
	const struct model_row *a = pa;
	const struct model_row *b = pb;

	if (a->user_index != b->user_index) {
		return a->user_index < b->user_index ? -1 : 1;
	}
	if (a->contact_index != b->contact_index) {
		return a->contact_index < b->contact_index ? -1 : 1;
	}
	return 0;
}

static size_t model_rows(const struct model *m, struct model_row *rows)
{
	size_t n = 0;
	int i;
	int s;

	for (i = 0; i < RANDOM_AORS; i++) {
		for (s = 0; s < RANDOM_SLOTS; s++) {
			if (m->aors[i].contact_index[s] == 0) {
				continue;
			}
			rows[n].user_index = m->aors[i].user_index;
			rows[n].contact_index = m->aors[i].contact_index[s];
			rows[n].aor = i;
			rows[n].slot = s;
			n++;
		}
	}
	qsort(rows, n, sizeof(rows[0]), row_cmp);
	return n;
}

static void names(int aor, int slot, char *aor_buf, char *uri_buf)
{
	snprintf(aor_buf, 32, "user%03d@example.com", aor);
	snprintf(uri_buf, 64, "sip:user%03d@192.0.2.%d:5060", aor, slot + 1);
}

/* GETNEXT from (0,0) visits exactly the model's rows, in order. 0/-1. */
static int check_walk(const struct ultrace_registry *r, const struct model *m,
		int op)
{
	static struct model_row rows[RANDOM_AORS * RANDOM_SLOTS];
	size_t n = model_rows(m, rows);
	size_t i = 0;
	const struct ultrace_registry_contact *c =
		ultrace_registry_borrow_contact_ge(r, 0, 0);

	for (; c != NULL; i++) {
		uint32_t u = ultrace_registry_user_get_index(
			ultrace_registry_contact_borrow_user(c));
		uint32_t ci = ultrace_registry_contact_get_index(c);
		const struct ultrace_contact *v =
			ultrace_registry_contact_values(c);
		char aor[32];
		char uri[64];

		if (i >= n) {
			diag("op %d: walk step %zu (%u, %u) past the model's "
				"%zu rows", op, i, u, ci, n);
			return -1;
		}
		names(rows[i].aor, rows[i].slot, aor, uri);
		if (u != rows[i].user_index || ci != rows[i].contact_index ||
				strcmp(v->aor.s, aor) != 0 ||
				strcmp(v->contact.s, uri) != 0) {
			diag("op %d: walk step %zu: (%u, %u) %s %s, expected "
				"(%u, %u) %s %s", op, i, u, ci, v->aor.s,
				v->contact.s, rows[i].user_index,
				rows[i].contact_index, aor, uri);
			return -1;
		}
		c = ultrace_registry_borrow_contact_ge(r, u, ci + 1);
	}
	if (i != n) {
		diag("op %d: walk ended after %zu of %zu rows", op, i, n);
		return -1;
	}
	return 0;
}

/* The user walk (ge(0), next...) gives the live users in index order. */
static int check_users(const struct ultrace_registry *r,
		const struct model *m, int op)
{
	static uint32_t want[RANDOM_AORS];
	static int want_aor[RANDOM_AORS];
	const struct ultrace_registry_user *u;
	size_t n = 0;
	size_t i;
	int a;

	/* Live users by index: insertion sort, the list is small. */
	for (a = 0; a < RANDOM_AORS; a++) {
		size_t j;

		if (m->aors[a].user_index == 0) {
			continue;
		}
		for (j = n; j > 0 && want[j - 1] > m->aors[a].user_index; j--) {
			want[j] = want[j - 1];
			want_aor[j] = want_aor[j - 1];
		}
		want[j] = m->aors[a].user_index;
		want_aor[j] = a;
		n++;
	}
	i = 0;
	for (u = ultrace_registry_borrow_user_ge(r, 0); u != NULL;
			u = ultrace_registry_borrow_next_user(r, u), i++) {
		if (i >= n || ultrace_registry_user_get_index(u) != want[i] ||
				ultrace_registry_user_get_contact_count(u) !=
					m->aors[want_aor[i]].live) {
			diag("op %d: user walk step %zu: index %u, %u "
				"contacts; expected %s%u", op, i,
				ultrace_registry_user_get_index(u),
				ultrace_registry_user_get_contact_count(u),
				i >= n ? "end " : "", i >= n ? 0 : want[i]);
			return -1;
		}
	}
	if (i != n) {
		diag("op %d: user walk ended after %zu of %zu users", op, i, n);
		return -1;
	}
	return 0;
}

static void test_random_walks(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	static struct model m;
	int op;
	int status_err = 0, index_err = 0, walk_err = 0, user_err = 0;
	int lookup_err = 0, stats_err = 0;
	int inserts = 0, deletes = 0, rebirths = 0;
	uint64_t peak = 0;

	test_rng_seed(5060);
	m.next_user_index = 1;
	for (op = 0; op < RANDOM_OPS; op++) {
		int a = (int) test_rng_below(RANDOM_AORS);
		int s = (int) test_rng_below(RANDOM_SLOTS);
		struct model_aor *ma = &m.aors[a];
		char aor[32];
		char uri[64];
		enum ultrace_registry_status status;
		enum ultrace_registry_status want_status =
			ULTRACE_REGISTRY_STATUS_OK;
		/* Mostly grow for a while, then churn around a level. */
		int want_insert = test_rng_below(100) < (op < RANDOM_OPS / 4 ? 75u :
			50u);

		names(a, s, aor, uri);
		if (want_insert) {
			status = insert(r, aor, uri);
			if (ma->contact_index[s] == 0) {
				if (ma->user_index == 0) {
					rebirths += ma->had_row;
					ma->had_row = 1;
					ma->user_index = m.next_user_index++;
					ma->next_contact_index = 1;
					m.users++;
				}
				ma->contact_index[s] = ma->next_contact_index++;
				ma->live++;
				m.contacts++;
			}
			inserts++;
		} else {
			status = delete(r, aor, uri);
			if (ma->contact_index[s] != 0) {
				ma->contact_index[s] = 0;
				ma->live--;
				m.contacts--;
				if (ma->live == 0) {
					ma->user_index = 0;
					m.users--;
				}
			} else {
				want_status = ULTRACE_REGISTRY_STATUS_NOT_FOUND;
			}
			deletes++;
		}
		if (m.contacts > peak) {
			peak = m.contacts;
		}
		if (status != want_status && !status_err++) {
			diag("op %d: %s %s %s: status %d, expected %d", op,
				want_insert ? "insert" : "delete", aor, uri,
				status, want_status);
		}
		if ((uidx(r, aor) != ma->user_index ||
				cidx(r, aor, uri) != ma->contact_index[s]) &&
				!index_err++) {
			diag("op %d: %s %s is (%u, %u), expected (%u, %u)", op,
				aor, uri, uidx(r, aor), cidx(r, aor, uri),
				ma->user_index, ma->contact_index[s]);
		}
		if ((st->users != m.users || st->contacts != m.contacts ||
				st->users_created != m.next_user_index - 1) &&
				!stats_err++) {
			diag("op %d: users %ju contacts %ju created %ju, "
				"expected %ju %ju %u", op,
				(uintmax_t) st->users, (uintmax_t) st->contacts,
				(uintmax_t) st->users_created,
				(uintmax_t) m.users, (uintmax_t) m.contacts,
				m.next_user_index - 1);
		}
		{
			/* GET of a random index, live or not. */
			uint32_t probe = test_rng_below(m.next_user_index + 2);
			const struct ultrace_registry_user *u =
				ultrace_registry_borrow_user_by_index(r, probe);
			int live = 0;
			int i;

			for (i = 0; i < RANDOM_AORS; i++) {
				live |= probe != 0 &&
					m.aors[i].user_index == probe;
			}
			if ((u != NULL) != live && !lookup_err++) {
				diag("op %d: user index %u: %s, expected %s",
					op, probe, u != NULL ? "found" : "NULL",
					live ? "live" : "absent");
			}
		}
		if (op % WALK_EVERY != 0 && op != RANDOM_OPS - 1) {
			continue;
		}
		if (!walk_err && check_walk(r, &m, op) != 0) {
			walk_err++;
		}
		if (!user_err && check_users(r, &m, op) != 0) {
			user_err++;
		}
	}
	diag("random: %d inserts, %d deletes, %u users created, %d of them "
		"re-registrations, peak %ju contacts, final %ju users / "
		"%ju contacts",
		inserts, deletes, m.next_user_index - 1, rebirths,
		(uintmax_t) peak, (uintmax_t) m.users, (uintmax_t) m.contacts);
	ok(inserts > 1000 && deletes > 1000 && peak > 300 &&
		m.next_user_index - 1 > RANDOM_AORS &&
		rebirths > 50,
		"the run grew, shrank and re-created users");
	ok(!status_err, "insert/delete statuses match the model");
	ok(!index_err,
		"user and contact indexes match the model after every op");
	ok(!stats_err, "users, contacts and users_created match the model");
	ok(!lookup_err, "borrow_user_by_index finds exactly the live indexes");
	ok(!walk_err, "a GETNEXT walk (ge(0,0), then ge(u, c+1)) visits "
		"exactly the live contacts in (user, contact) index order");
	ok(!user_err, "the user walk (ge(0), next) visits the live users in "
		"order with their contact counts");
	ultrace_registry_destroy(r);
}

int main(void)
{
	plan(7 + 10 + 7 + 18 + 7);
	test_user_indexes();
	test_contact_indexes();
	test_ordered_access();
	test_random_walks();
	return exit_status();
}
