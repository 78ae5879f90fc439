/*
 * test_registry_merge.c: the merged view of several host registries
 * (registry_merge.c): a contact is merged while some host holds it, with
 * the newest host event's values; a replicated contact (the same key, the
 * same ruid, from two hosts) is one row; an ended host's contacts leave
 * at their expiry unless a live host holds them; the merge is the union
 * of the hosts whatever the order their events are applied in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "registry_merge.h"
#include "tap.h"
#include "test_rng.h"

#define T0 INT64_C(1763890000000000000)
#define SEC INT64_C(1000000000)

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

static void contact_init(struct ultrace_contact *c, const char *aor,
		const char *uri, const char *received, int64_t expires)
{
	memset(c, 0, sizeof(*c));
	c->domain = str("location");
	c->aor = str(aor);
	c->contact = str(uri);
	c->received = str(received);
	c->user_agent = str("ua/1.0");
	c->callid = str("call-1");
	c->ruid = str("uloc-1");
	c->socket = str("udp:192.0.2.10:5060");
	c->cseq = 1;
	c->q = -1;
	c->expires = expires;
	c->last_modified = 1763890000;
}

static void apply(struct ultrace_registry *r, enum ultrace_event_kind kind,
		int64_t t, const struct ultrace_contact *c)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = t;
	ev.contact = *c;
	ultrace_registry_apply(r, &ev);
}

static const char *received_of(const struct ultrace_registry *r,
		const char *aor, const char *uri)
{
	const struct ultrace_registry_contact *c =
		ultrace_registry_borrow_contact(r, str("location"), str(aor),
			str(uri));

	return c == NULL ? "(none)" :
		ultrace_registry_contact_values(c)->received.s;
}

static uint64_t contacts(const struct ultrace_registry *r)
{
	return ultrace_registry_borrow_stats(r)->contacts;
}

static void test_union_and_newest(void)
{
	struct ultrace_registry *a = ultrace_registry_create();
	struct ultrace_registry *b = ultrace_registry_create();
	struct ultrace_registry *merged = ultrace_registry_create();
	struct ultrace_registry_merge *m = ultrace_registry_merge_create(merged);
	struct ultrace_registry_merge_stats ms;
	struct ultrace_contact c;

	is_int(ultrace_registry_merge_add_host(m, a), 0, "host a is 0");
	is_int(ultrace_registry_merge_add_host(m, b), 1, "host b is 1");
	contact_init(&c, "sip:alice@x", "sip:alice@1.1.1.1", "A", 1763893600);
	apply(a, ULTRACE_EVENT_CONTACT_INSERT, T0, &c);
	contact_init(&c, "sip:bob@x", "sip:bob@2.2.2.2", "B", 1763893600);
	apply(b, ULTRACE_EVENT_CONTACT_INSERT, T0 + 1, &c);
	is_uint(contacts(merged), 2, "two hosts' distinct contacts: both");
	is_uint(ultrace_registry_borrow_stats(merged)->users, 2, "two users");

	/* b replicates alice, later: one row, b's values (newest). */
	contact_init(&c, "sip:alice@x", "sip:alice@1.1.1.1", "A-via-b",
		1763893600);
	apply(b, ULTRACE_EVENT_CONTACT_INSERT, T0 + 2, &c);
	is_uint(contacts(merged), 2, "a replicated contact is one row");
	is_str(received_of(merged, "sip:alice@x", "sip:alice@1.1.1.1"),
		"A-via-b", "the newest host event's values");
	ultrace_registry_merge_get_stats(m, &ms);
	is_uint(ms.shared, 1, "one contact held by two hosts");

	/* An older event from a does not win. */
	contact_init(&c, "sip:alice@x", "sip:alice@1.1.1.1", "A-old",
		1763893600);
	apply(a, ULTRACE_EVENT_CONTACT_UPDATE, T0 + 1, &c);
	is_str(received_of(merged, "sip:alice@x", "sip:alice@1.1.1.1"),
		"A-via-b", "an older event does not replace newer values");

	/* b deletes its copy: a still holds it; a's values come back. */
	apply(b, ULTRACE_EVENT_CONTACT_DELETE, T0 + 3, &c);
	is_uint(contacts(merged), 2, "kept while another host holds it");
	is_str(received_of(merged, "sip:alice@x", "sip:alice@1.1.1.1"),
		"A-old", "the remaining holder's values");
	apply(a, ULTRACE_EVENT_CONTACT_DELETE, T0 + 4, &c);
	is_uint(contacts(merged), 1, "gone with its last holder");
	is_uint(ultrace_registry_borrow_stats(merged)->users, 1,
		"the user row went with it");
	ultrace_registry_merge_get_stats(m, &ms);
	is_uint(ms.shared, 0, "nothing shared now");
	is_uint(ultrace_registry_borrow_stats(merged)->anomalies[
		ULTRACE_ANOMALY_UPDATE_UNKNOWN], 0, "the merged registry "
		"counts no anomaly");

	/* b's TTL removes bob: so does the merge. */
	ultrace_registry_expire(b, 1763893600);
	is_uint(contacts(merged), 0, "a host's TTL reaches the merged view");

	ultrace_registry_merge_destroy(m);
	ultrace_registry_destroy(merged);
	ultrace_registry_destroy(a);
	ultrace_registry_destroy(b);
}

static void test_ended_host(void)
{
	struct ultrace_registry *a = ultrace_registry_create();
	struct ultrace_registry *b = ultrace_registry_create();
	struct ultrace_registry *merged = ultrace_registry_create();
	struct ultrace_registry_merge *m = ultrace_registry_merge_create(merged);
	struct ultrace_contact c;

	ultrace_registry_merge_add_host(m, a);
	ultrace_registry_merge_add_host(m, b);
	contact_init(&c, "sip:alice@x", "sip:alice@1", "A", 1000);
	apply(a, ULTRACE_EVENT_CONTACT_INSERT, T0, &c);
	contact_init(&c, "sip:carol@x", "sip:carol@1", "A", 1000);
	apply(a, ULTRACE_EVENT_CONTACT_INSERT, T0, &c);
	apply(b, ULTRACE_EVENT_CONTACT_INSERT, T0 + 1, &c);
	contact_init(&c, "sip:dave@x", "sip:dave@1", "A", 5000);
	apply(a, ULTRACE_EVENT_CONTACT_INSERT, T0, &c);
	is_uint(ultrace_registry_merge_expire(m, 2000), 0,
		"a live host's contacts are its own TTL's business");
	ultrace_registry_merge_set_live(m, 0, 0);
	is_uint(ultrace_registry_merge_expire(m, 999), 0,
		"nothing due yet");
	is_uint(ultrace_registry_merge_expire(m, 2000), 1,
		"an ended host's expired contact leaves the merged view");
	is_str(received_of(merged, "sip:alice@x", "sip:alice@1"), "(none)",
		"alice left");
	is_uint(contacts(merged), 2, "carol (b holds it) and dave stay");
	is_uint(contacts(a), 3, "the ended host keeps its last state");
	is_uint(ultrace_registry_merge_expire(m, 6000), 1, "dave left too");
	is_uint(contacts(merged), 1, "carol stays: a live host holds it");
	ultrace_registry_merge_set_live(m, 0, 1);
	is_uint(contacts(merged), 3, "the host back: what it still holds is "
		"merged again");
	is_str(received_of(merged, "sip:carol@x", "sip:carol@1"), "A",
		"...the newest values still winning");

	ultrace_registry_merge_destroy(m);
	ultrace_registry_destroy(merged);
	ultrace_registry_destroy(a);
	ultrace_registry_destroy(b);
}

/* The merged registry as sorted "aor uri received" lines. */
static char *listing(const struct ultrace_registry *r)
{
	size_t n = contacts(r), k = 0, len = 0;
	char **lines = calloc(n + 1, sizeof(*lines));
	const struct ultrace_registry_user *u;
	char *out;
	size_t i, j;

	for (u = ultrace_registry_borrow_user_ge(r, 0); u != NULL;
			u = ultrace_registry_borrow_next_user(r, u)) {
		const struct ultrace_registry_contact *c;

		for (c = ultrace_registry_user_borrow_first_contact(u);
				c != NULL; c = ultrace_registry_contact_borrow_next(c)) {
			const struct ultrace_contact *v =
				ultrace_registry_contact_values(c);
			char buf[256];

			snprintf(buf, sizeof(buf), "%s %s %s %lld\n", v->aor.s,
				v->contact.s, v->received.s,
				(long long) v->expires);
			lines[k++] = strdup(buf);
			len += strlen(buf);
		}
	}
	for (i = 1; i < k; i++) {
		for (j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *t = lines[j];

			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	}
	out = calloc(len + 1, 1);
	for (i = 0; i < k; i++) {
		strcat(out, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return out;
}

#define HOSTS 3
#define EVENTS 3000

struct gen_event {
	int host;
	enum ultrace_event_kind kind;
	int64_t t;
	char aor[32];
	char uri[40];
	char received[16];
	int64_t expires;
};

/*
 * Random host events (the same contacts on several hosts, deletes,
 * refresh-like updates), applied host by host in two orders and
 * interleaved by time: the same merged rows every time, equal to the
 * union computed from the final host registries.
 */
static void test_order_independent(void)
{
	struct gen_event *ev = calloc(EVENTS, sizeof(*ev));
	char *first = NULL;
	int order;
	int i;

	test_rng_seed(42);
	for (i = 0; i < EVENTS; i++) {
		unsigned int user = (unsigned int) test_rng_below(60);
		unsigned int pick = (unsigned int) test_rng_below(10);

		ev[i].host = (int) test_rng_below(HOSTS);
		ev[i].t = T0 + (int64_t) i * SEC;
		ev[i].kind = pick < 6 ? ULTRACE_EVENT_CONTACT_UPDATE :
			ULTRACE_EVENT_CONTACT_DELETE;
		snprintf(ev[i].aor, sizeof(ev[i].aor), "sip:u%u@x", user);
		snprintf(ev[i].uri, sizeof(ev[i].uri), "sip:u%u@10.0.0.%u",
			user, (unsigned int) test_rng_below(2));
		snprintf(ev[i].received, sizeof(ev[i].received), "r%d", i);
		ev[i].expires = 1763893600 + i;
	}
	for (order = 0; order < 3; order++) {
		struct ultrace_registry *host[HOSTS];
		struct ultrace_registry *merged = ultrace_registry_create();
		struct ultrace_registry_merge *m =
			ultrace_registry_merge_create(merged);
		char *got;
		int h;

		for (h = 0; h < HOSTS; h++) {
			host[h] = ultrace_registry_create();
			ultrace_registry_merge_add_host(m, host[h]);
		}
		for (h = 0; h < HOSTS; h++) {
			int hh = order == 1 ? HOSTS - 1 - h : h;

			for (i = 0; i < EVENTS; i++) {
				struct ultrace_contact c;

				if (order != 2 && ev[i].host != hh) {
					continue;
				}
				if (order == 2 && h > 0) {
					break;
				}
				contact_init(&c, ev[i].aor, ev[i].uri,
					ev[i].received, ev[i].expires);
				apply(host[ev[i].host], ev[i].kind, ev[i].t, &c);
			}
		}
		got = listing(merged);
		if (order == 0) {
			first = got;
			ok(strlen(first) > 0, "the merged view holds rows");
		} else {
			is_str(got, first, "order %d: the same merged view",
				order);
			free(got);
		}
		if (order == 0) {
			/* The union from the final host registries. */
			struct ultrace_registry *u = ultrace_registry_create();
			struct ultrace_registry_merge *m2 =
				ultrace_registry_merge_create(u);
			char *want;

			for (h = 0; h < HOSTS; h++) {
				ultrace_registry_merge_add_host(m2, host[h]);
			}
			want = listing(u);
			is_str(want, first, "the union of the hosts' final "
				"states, newest change winning (%llu rows)",
				(unsigned long long) contacts(u));
			free(want);
			ultrace_registry_merge_destroy(m2);
			ultrace_registry_destroy(u);
			for (h = 0; h < HOSTS; h++) {
				ultrace_registry_set_observer(host[h], NULL);
			}
		}
		ultrace_registry_merge_destroy(m);
		ultrace_registry_destroy(merged);
		for (h = 0; h < HOSTS; h++) {
			ultrace_registry_destroy(host[h]);
		}
	}
	free(first);
	free(ev);
}

int main(void)
{
	plan_no_plan();
	test_union_and_newest();
	test_ended_host();
	test_order_independent();
	done_testing();
	return exit_status();
}
