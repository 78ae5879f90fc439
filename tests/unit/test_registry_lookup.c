/*
 * test_registry_lookup.c: ultrace_registry_borrow_user_by_aor(): the
 * lowest-index user holding an AOR in any domain, as users and domains
 * come and go. Registry API only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tap.h"

#define T0 INT64_C(1763890000000000000)
#define MANY_USERS 20000

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

static enum ultrace_registry_status apply(struct ultrace_registry *r,
		enum ultrace_event_kind kind, const char *domain,
		const char *aor, const char *uri)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = T0;
	ev.contact.domain = str(domain);
	ev.contact.aor = str(aor);
	ev.contact.contact = str(uri);
	ev.contact.q = ULTRACE_Q_UNSET;
	return ultrace_registry_apply(r, &ev);
}

/* The index of the user found for `aor`, 0 if none. */
static uint32_t lookup(const struct ultrace_registry *r, const char *aor)
{
	const struct ultrace_registry_user *user =
		ultrace_registry_borrow_user_by_aor(r, str(aor));

	return user != NULL ? ultrace_registry_user_get_index(user) : 0;
}

static void test_domains(void)
{
	struct ultrace_registry *r = ultrace_registry_create();

	if (r == NULL) {
		bail_out("cannot create a registry");
	}
	is_uint(lookup(r, "alice@example.com"), 0, "empty registry: none");

	apply(r, ULTRACE_EVENT_CONTACT_INSERT, "location", "alice@example.com",
		"sip:alice@10.0.0.1");
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, "location", "bob@example.com",
		"sip:bob@10.0.0.2");
	is_uint(lookup(r, "alice@example.com"), 1, "alice is user 1");
	is_uint(lookup(r, "bob@example.com"), 2, "bob is user 2");
	is_uint(lookup(r, "carol@example.com"), 0, "an unknown AOR: none");
	is_uint(lookup(r, "alice@example.co"), 0, "a prefix of an AOR: none");
	is_uint(lookup(r, "alice@example.comm"), 0, "an AOR plus a byte: none");
	is_uint(lookup(r, ""), 0, "the empty AOR: none");

	/* The same AOR in a second domain, with a higher index. */
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, "location_b",
		"alice@example.com", "sip:alice@10.0.1.1");
	is_uint(lookup(r, "alice@example.com"), 1,
		"an AOR in two domains: the lower index");
	/* Alice leaves the first domain: the other one is found. */
	apply(r, ULTRACE_EVENT_CONTACT_DELETE, "location", "alice@example.com",
		"sip:alice@10.0.0.1");
	is_uint(lookup(r, "alice@example.com"), 3,
		"after the lower one goes, the other domain's user");
	/* And registers again: a new index, higher than 3. */
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, "location", "alice@example.com",
		"sip:alice@10.0.0.9");
	is_uint(lookup(r, "alice@example.com"), 3,
		"a re-registration gets a higher index: still user 3");

	/* A domain whose last user goes, then comes back. */
	apply(r, ULTRACE_EVENT_CONTACT_EXPIRE, "location_b",
		"alice@example.com", "sip:alice@10.0.1.1");
	is_uint(lookup(r, "alice@example.com"), 4,
		"the second domain emptied: the first domain's user");
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, "location_c", "dave@example.com",
		"sip:dave@10.0.2.1");
	is_uint(lookup(r, "dave@example.com"), 5, "a third domain is searched");

	/* An empty domain name is a domain like any other. */
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, "", "erin@example.com",
		"sip:erin@10.0.3.1");
	is_uint(lookup(r, "erin@example.com"), 6, "the empty domain");

	/* Domain "ab" + AOR "c" is not domain "a" + AOR "bc". */
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, "ab", "c", "sip:c@x");
	is_uint(lookup(r, "bc"), 0, "no match across the domain boundary");
	is_uint(lookup(r, "c"), 7, "the AOR alone matches");
	ultrace_registry_destroy(r);
}

static void test_many(void)
{
	struct ultrace_registry *r = ultrace_registry_create();
	char aor[64];
	char uri[64];
	int wrong = 0;
	int i;

	if (r == NULL) {
		bail_out("cannot create a registry");
	}
	for (i = 0; i < MANY_USERS; i++) {
		snprintf(aor, sizeof(aor), "user%d@example.com", i);
		snprintf(uri, sizeof(uri), "sip:user%d@10.1.%d.%d", i,
			i / 256 % 256, i % 256);
		apply(r, ULTRACE_EVENT_CONTACT_INSERT,
			i % 2 ? "location" : "location_b", aor, uri);
	}
	/* Remove every third user. */
	for (i = 0; i < MANY_USERS; i += 3) {
		snprintf(aor, sizeof(aor), "user%d@example.com", i);
		snprintf(uri, sizeof(uri), "sip:user%d@10.1.%d.%d", i,
			i / 256 % 256, i % 256);
		apply(r, ULTRACE_EVENT_CONTACT_DELETE,
			i % 2 ? "location" : "location_b", aor, uri);
	}
	for (i = 0; i < MANY_USERS; i++) {
		uint32_t want = i % 3 == 0 ? 0 : (uint32_t) i + 1;

		snprintf(aor, sizeof(aor), "user%d@example.com", i);
		if (lookup(r, aor) != want && wrong++ < 5) {
			diag("%s: got %u, want %u", aor,
				(unsigned int) lookup(r, aor),
				(unsigned int) want);
		}
	}
	is_int(wrong, 0, "%d users in 2 domains, a third removed: each AOR "
		"finds its index", MANY_USERS);
	ultrace_registry_destroy(r);
}

int main(void)
{
	plan(16);
	test_domains();
	test_many();
	return exit_status();
}
