/*
 * test_registry_refresh.c: the compact refresh (contact_refresh) as the
 * registry applies it: the row filed under its key whose check matches
 * gets the three values, anything else is counted and left for a dump.
 * Keys and checks come from tracepoints/ultrace_hash.h, as the producer
 * computes them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tap.h"
#include "ultrace_hash.h"

#define T0 INT64_C(1763890000000000000)
#define SEC INT64_C(1000000000)

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

static void contact_init(struct ultrace_contact *c, const char *domain,
		const char *aor, const char *uri, const char *user_agent)
{
	memset(c, 0, sizeof(*c));
	c->domain = str(domain);
	c->aor = str(aor);
	c->contact = str(uri);
	c->display_name = str("Alice");
	c->received = str("sip:198.51.100.7:5060");
	c->path = str("<sip:edge1.example.com;lr>");
	c->user_agent = str(user_agent);
	c->callid = str("a84b4c76e66710@pc33.example.com");
	c->ruid = str("uloc-5f2a-1");
	c->instance = str("<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>");
	c->socket = str("udp:192.0.2.10:5060");
	c->cseq = 10;
	c->q = 500;
	c->expires = 1763893600;
	c->last_modified = 1763890000;
	c->flags = 1;
	c->cflags = 2;
	c->methods = 0x1fff;
	c->reg_id = 1;
}

static enum ultrace_registry_status apply_full(struct ultrace_registry *r,
		enum ultrace_event_kind kind, int64_t t,
		const struct ultrace_contact *c, uint64_t dump_id)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = t;
	ev.dump_id = dump_id;
	ev.contact = *c;
	return ultrace_registry_apply(r, &ev);
}

/* The compact event the producer records for `c` (its current values). */
static struct ultrace_registry_event refresh_of(const struct ultrace_contact *c,
		int64_t t)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_CONTACT_REFRESH;
	ev.time_ns = t;
	ev.refresh_key = ultrace_contact_key(c);
	ev.refresh_check = ultrace_contact_check(ev.refresh_key, c);
	ev.contact.cseq = c->cseq;
	ev.contact.expires = c->expires;
	ev.contact.last_modified = c->last_modified;
	return ev;
}

static void dump(struct ultrace_registry *r, int64_t t, uint64_t id,
		const struct ultrace_contact *const *cs, size_t n)
{
	struct ultrace_registry_event ev;
	size_t i;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_BEGIN;
	ev.time_ns = t;
	ev.dump_id = id;
	ultrace_registry_apply(r, &ev);
	for (i = 0; i < n; i++) {
		apply_full(r, ULTRACE_EVENT_STATEDUMP_CONTACT, t + 1, cs[i], id);
	}
	ev.kind = ULTRACE_EVENT_STATEDUMP_END;
	ev.time_ns = t + 2;
	ev.dump_contacts = n;
	ultrace_registry_apply(r, &ev);
}

static const struct ultrace_contact *row(const struct ultrace_registry *r,
		const struct ultrace_contact *c, struct ultrace_contact *out)
{
	const struct ultrace_registry_contact *rc =
		ultrace_registry_borrow_contact(r, c->domain, c->aor,
			c->contact);

	return rc == NULL ? NULL : ultrace_registry_contact_get_values(rc, out);
}

static int same_str(struct ultrace_str a, struct ultrace_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static struct ultrace_registry *create_or_bail(void)
{
	struct ultrace_registry *r = ultrace_registry_create();

	if (r == NULL) {
		bail_out("ultrace_registry_create failed");
	}
	return r;
}

static void test_applied(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_contact c;
	struct ultrace_contact got;
	struct ultrace_registry_event ev;

	contact_init(&c, "location", "alice@example.com",
		"sip:alice@192.0.2.1:5060", "phone/1.0");
	ok(apply_full(r, ULTRACE_EVENT_CONTACT_INSERT, T0, &c, 0) ==
		ULTRACE_REGISTRY_STATUS_OK, "insert applied");
	c.cseq = 11;
	c.expires += 3600;
	c.last_modified += 1800;
	ev = refresh_of(&c, T0 + 1800 * SEC);
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"refresh of the held contact applied");
	ok(row(r, &c, &got) != NULL && got.cseq == 11 &&
		got.expires == c.expires &&
		got.last_modified == c.last_modified,
		"the row has the refresh's cseq, expires, last_modified");
	ok(same_str(got.user_agent, c.user_agent) &&
		same_str(got.callid, c.callid) && got.q == 500 &&
		got.reg_id == 1 && same_str(got.path, c.path),
		"every other field unchanged");
	is_int(st->events[ULTRACE_EVENT_CONTACT_REFRESH], 1,
		"counted as a contact_refresh");
	ok(st->anomalies[ULTRACE_ANOMALY_REFRESH_UNKNOWN] == 0 &&
		st->anomalies[ULTRACE_ANOMALY_REFRESH_MISMATCH] == 0 &&
		st->health == ULTRACE_REGISTRY_CONSISTENT,
		"no anomaly; still consistent");
	/* The TTL follows the refreshed expires. */
	is_int(ultrace_registry_expire(r, c.expires - 3600), 0,
		"the old expiry no longer removes it");
	is_int(ultrace_registry_expire(r, c.expires), 1,
		"the refreshed expiry does");
	ultrace_registry_destroy(r);
}

static void test_unknown_and_mismatch(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_contact a;
	struct ultrace_contact b;
	struct ultrace_contact a_new;
	struct ultrace_contact got;
	struct ultrace_registry_event ev;
	const struct ultrace_contact *listed[2];

	contact_init(&a, "location", "alice@example.com",
		"sip:alice@192.0.2.1:5060", "phone/1.0");
	contact_init(&b, "location", "bob@example.com",
		"sip:bob@192.0.2.2:5060", "phone/1.0");
	apply_full(r, ULTRACE_EVENT_CONTACT_INSERT, T0, &a, 0);

	/* bob's insert was lost: his refresh names no row. */
	b.cseq = 12;
	ev = refresh_of(&b, T0 + SEC);
	is_int(ultrace_registry_apply(r, &ev),
		ULTRACE_REGISTRY_STATUS_NOT_FOUND, "refresh of an unknown key");
	ok(st->anomalies[ULTRACE_ANOMALY_REFRESH_UNKNOWN] == 1 &&
		st->contacts == 1 && row(r, &b, &got) == NULL,
		"counted refresh_unknown, nothing created");
	is_int(st->health, ULTRACE_REGISTRY_SUSPECT, "the registry is suspect");

	/* alice's user agent changed in an update that was lost. */
	a_new = a;
	a_new.user_agent = str("phone/2.0");
	a_new.cseq = 13;
	a_new.expires += 60;
	ev = refresh_of(&a_new, T0 + 2 * SEC);
	is_int(ultrace_registry_apply(r, &ev),
		ULTRACE_REGISTRY_STATUS_NOT_FOUND,
		"refresh whose check disagrees with the row");
	ok(st->anomalies[ULTRACE_ANOMALY_REFRESH_MISMATCH] == 1 &&
		row(r, &a, &got) != NULL && got.cseq == 10 &&
		got.expires == a.expires &&
		same_str(got.user_agent, str("phone/1.0")),
		"counted refresh_mismatch, the row untouched (no mixed values)");

	/* Same AOR and URI in another domain: a different key. */
	a.domain = str("location2");
	ev = refresh_of(&a, T0 + 3 * SEC);
	is_int(ultrace_registry_apply(r, &ev),
		ULTRACE_REGISTRY_STATUS_NOT_FOUND,
		"the key includes the domain");
	a.domain = str("location");

	/* The next complete dump repairs both. */
	listed[0] = &a_new;
	listed[1] = &b;
	dump(r, T0 + 10 * SEC, 1, listed, 2);
	ok(row(r, &a_new, &got) != NULL && got.cseq == 13 &&
		same_str(got.user_agent, str("phone/2.0")) &&
		row(r, &b, &got) != NULL && got.cseq == 12,
		"the dump repaired alice's row and created bob's");
	ok(st->dump_repaired == 2 && st->health == ULTRACE_REGISTRY_CONSISTENT,
		"dump_repaired 2, consistent again");
	a_new.cseq = 14;
	ev = refresh_of(&a_new, T0 + 20 * SEC);
	ok(ultrace_registry_apply(r, &ev) == ULTRACE_REGISTRY_STATUS_OK &&
		row(r, &a_new, &got) != NULL && got.cseq == 14,
		"refreshes apply again after the repair");
	ultrace_registry_destroy(r);
}

/* A refresh counts as touched: the dump's sweep spares it. */
static void test_dump_sweep_spares_refreshed(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_contact a;
	struct ultrace_registry_event ev;

	contact_init(&a, "location", "alice@example.com",
		"sip:alice@192.0.2.1:5060", "phone/1.0");
	apply_full(r, ULTRACE_EVENT_CONTACT_INSERT, T0, &a, 0);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_BEGIN;
	ev.time_ns = T0 + SEC;
	ev.dump_id = 5;
	ultrace_registry_apply(r, &ev);
	a.cseq = 20;
	ev = refresh_of(&a, T0 + 2 * SEC);
	ultrace_registry_apply(r, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_END;
	ev.time_ns = T0 + 3 * SEC;
	ev.dump_id = 5;
	ev.dump_contacts = 0;
	ultrace_registry_apply(r, &ev);
	ok(st->contacts == 1 && st->dump_removed == 0,
		"a contact refreshed during a dump survives its sweep");
	ultrace_registry_destroy(r);
}

/* Through the lookahead, as the applying thread runs events. */
struct run {
	struct ultrace_registry_event *events;
};

static const struct ultrace_registry_event *run_at(void *ctx, size_t i)
{
	return &((struct run *) ctx)->events[i];
}

static void test_lookahead(void)
{
	enum { N = 64 };
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	static struct ultrace_contact cs[N];
	static char aors[N][32];
	static struct ultrace_registry_event events[2 * N];
	struct ultrace_registry_lookahead la;
	struct ultrace_registry_hint hint;
	struct run run = { events };
	struct ultrace_contact got;
	size_t i;
	int bad = 0;

	for (i = 0; i < N; i++) {
		snprintf(aors[i], sizeof(aors[i]), "user%zu@example.com", i);
		contact_init(&cs[i], i % 3 ? "location" : "other", aors[i],
			"sip:u@192.0.2.9:5060", "ua");
		memset(&events[i], 0, sizeof(events[i]));
		events[i].kind = ULTRACE_EVENT_CONTACT_INSERT;
		events[i].time_ns = T0;
		events[i].contact = cs[i];
	}
	for (i = 0; i < N; i++) {
		cs[i].cseq = (int32_t) (100 + i);
		events[N + i] = refresh_of(&cs[i], T0 + SEC);
	}
	ultrace_registry_lookahead_start(&la, r, run_at, &run, 2 * N);
	for (i = 0; i < 2 * N; i++) {
		ultrace_registry_apply_hinted(r, &events[i],
			ultrace_registry_lookahead_step(&la, i, &hint));
	}
	for (i = 0; i < N; i++) {
		if (row(r, &cs[i], &got) == NULL ||
				got.cseq != (int32_t) (100 + i)) {
			bad++;
		}
	}
	is_int(bad, 0, "64 refreshes applied through the lookahead");
	is_int(st->anomalies[ULTRACE_ANOMALY_REFRESH_UNKNOWN] +
		st->anomalies[ULTRACE_ANOMALY_REFRESH_MISMATCH], 0,
		"none counted as an anomaly");
	ultrace_registry_destroy(r);
}

int main(void)
{
	plan(8 + 9 + 1 + 2);
	test_applied();
	test_unknown_and_mismatch();
	test_dump_sweep_spares_refreshed();
	test_lookahead();
	return exit_status();
}
