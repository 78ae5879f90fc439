/*
 * test_registry_ttl.c: ultrace_registry_expire() removes exactly the
 * contacts whose `expires` has passed, whatever order they were set and
 * changed in; permanent contacts (expires 0) stay; a registrar's expire
 * arriving after our TTL is not an anomaly. Registry API only.
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
#define MODEL_SLOTS 300

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, strlen(s) };

	return r;
}

static enum ultrace_registry_status apply(struct ultrace_registry *r,
		enum ultrace_event_kind kind, int64_t t, const char *aor,
		const char *uri, int64_t expires)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = t;
	ev.contact.domain = str("location");
	ev.contact.aor = str(aor);
	ev.contact.contact = str(uri);
	ev.contact.q = ULTRACE_Q_UNSET;
	ev.contact.expires = expires;
	return ultrace_registry_apply(r, &ev);
}

static int has(const struct ultrace_registry *r, const char *aor,
		const char *uri)
{
	return ultrace_registry_borrow_contact(r, str("location"), str(aor),
		str(uri)) != NULL;
}

static void test_basics(void)
{
	struct ultrace_registry *r = ultrace_registry_create();
	const struct ultrace_registry_stats *st;

	if (r == NULL) {
		bail_out("ultrace_registry_create failed");
	}
	st = ultrace_registry_borrow_stats(r);
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "a", "sip:a@1", 1000);
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "a", "sip:a@2", 2000);
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "b", "sip:b@1", 0);
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "c", "sip:c@1", 1500);
	is_uint(ultrace_registry_expire(r, 999), 0,
		"nothing expires before the first `expires`");
	is_uint(ultrace_registry_expire(r, 1000), 1,
		"a contact expires at its `expires` second");
	ok(!has(r, "a", "sip:a@1") && has(r, "a", "sip:a@2") &&
		st->users == 3 && st->contacts == 3,
		"...only that one; its user keeps its other contact");
	apply(r, ULTRACE_EVENT_CONTACT_UPDATE, T0 + 1, "c", "sip:c@1", 3000);
	apply(r, ULTRACE_EVENT_CONTACT_UPDATE, T0 + 1, "a", "sip:a@2", 1200);
	is_uint(ultrace_registry_expire(r, 2500), 1,
		"a refresh moves the expiry later, a shorter one earlier");
	ok(!has(r, "a", "sip:a@2") && has(r, "c", "sip:c@1") &&
		st->users == 2,
		"...the shortened contact went, with its user row");
	apply(r, ULTRACE_EVENT_CONTACT_UPDATE, T0 + 2, "c", "sip:c@1", 0);
	is_uint(ultrace_registry_expire(r, INT64_MAX), 0,
		"expires 0 (permanent) never expires, even once set later");
	ok(has(r, "b", "sip:b@1") && has(r, "c", "sip:c@1"),
		"...both permanent contacts stay");
	is_uint(st->ttl_expired, 2, "ttl_expired counts the removals");
	ok(st->health == ULTRACE_REGISTRY_CONSISTENT,
		"TTL removals are repairs, not a reason for suspicion");

	ultrace_registry_destroy(r);
	r = ultrace_registry_create();
	st = ultrace_registry_borrow_stats(r);
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "a", "sip:a@1", 1000);
	apply(r, ULTRACE_EVENT_CONTACT_INSERT, T0, "a", "sip:a@2", 5000);
	ultrace_registry_expire(r, 1060);
	is_int(apply(r, ULTRACE_EVENT_CONTACT_EXPIRE, T0 + 3, "a", "sip:a@1",
		1000), ULTRACE_REGISTRY_STATUS_NOT_FOUND,
		"the registrar's late expire of a TTL-removed contact: "
		"NOT_FOUND");
	ok(st->anomalies[ULTRACE_ANOMALY_EXPIRE_UNKNOWN] == 0 &&
		st->health == ULTRACE_REGISTRY_CONSISTENT,
		"...but no anomaly and still consistent");
	apply(r, ULTRACE_EVENT_CONTACT_EXPIRE, T0 + 4, "a", "sip:a@9", 4000);
	ok(st->anomalies[ULTRACE_ANOMALY_EXPIRE_UNKNOWN] == 1 &&
		st->health == ULTRACE_REGISTRY_SUSPECT,
		"an expire of an unknown contact not yet due is an anomaly");
	apply(r, ULTRACE_EVENT_CONTACT_DELETE, T0 + 5, "a", "sip:a@2", 5000);
	ok(!has(r, "a", "sip:a@2") && st->users == 0,
		"a delete takes the contact out of the expiry order too");
	is_uint(ultrace_registry_expire(r, INT64_MAX), 0,
		"...so it is not expired again");
	ultrace_registry_destroy(r);
}

/* A naive model: slot i is contact "sip:s<i>" of AOR "u<i % 37>". */
struct model_slot {
	int present;
	int64_t expires;
};

static void test_model(void)
{
	struct model_slot model[MODEL_SLOTS];
	struct ultrace_registry *r = ultrace_registry_create();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	int64_t deadline = 0;
	uint64_t expected_removed = 0;
	int mismatch = 0;
	int statuses_ok = 1;
	int step;
	int i;

	test_rng_seed(0x77a1);
	memset(model, 0, sizeof(model));
	for (step = 0; step < 20000 && !mismatch; step++) {
		int slot = (int) test_rng_below(MODEL_SLOTS);
		char aor[16];
		char uri[24];
		unsigned int op = (unsigned int) test_rng_below(10);
		int64_t expires = test_rng_below(8) == 0 ? 0 :
			deadline + 1 + (int64_t) test_rng_below(400);

		snprintf(aor, sizeof(aor), "u%d", slot % 37);
		snprintf(uri, sizeof(uri), "sip:s%d", slot);
		if (op < 5) {
			apply(r, op < 3 ? ULTRACE_EVENT_CONTACT_INSERT :
				ULTRACE_EVENT_CONTACT_UPDATE, T0 + step, aor,
				uri, expires);
			model[slot].present = 1;
			model[slot].expires = expires;
		} else if (op < 7) {
			enum ultrace_registry_status want = model[slot].present ?
				ULTRACE_REGISTRY_STATUS_OK :
				ULTRACE_REGISTRY_STATUS_NOT_FOUND;

			if (apply(r, ULTRACE_EVENT_CONTACT_DELETE, T0 + step,
					aor, uri, model[slot].expires) != want) {
				statuses_ok = 0;
			}
			model[slot].present = 0;
		} else {
			uint64_t want = 0;
			uint64_t got;

			deadline += (int64_t) test_rng_below(60);
			for (i = 0; i < MODEL_SLOTS; i++) {
				if (model[i].present && model[i].expires > 0 &&
						model[i].expires <= deadline) {
					model[i].present = 0;
					want++;
				}
			}
			got = ultrace_registry_expire(r, deadline);
			expected_removed += want;
			if (got != want) {
				diag("step %d: expired %ju, model %ju", step,
					(uintmax_t) got, (uintmax_t) want);
				mismatch = 1;
			}
		}
		for (i = 0; i < MODEL_SLOTS && !mismatch; i++) {
			snprintf(aor, sizeof(aor), "u%d", i % 37);
			snprintf(uri, sizeof(uri), "sip:s%d", i);
			if (has(r, aor, uri) != model[i].present) {
				diag("step %d: slot %d differs", step, i);
				mismatch = 1;
			}
		}
	}
	ok(!mismatch, "20000 random inserts, refreshes, deletes and "
		"expiry sweeps: the registry holds exactly the model's contacts");
	ok(statuses_ok, "deletes return OK/NOT_FOUND as the model says");
	is_uint(st->ttl_expired, expected_removed,
		"ttl_expired equals the model's expiries (%ju)",
		(uintmax_t) expected_removed);
	ok(expected_removed > 1000, "the run expired many contacts");
	ultrace_registry_destroy(r);
}

int main(void)
{
	plan(14 + 4);
	test_basics();
	test_model();
	return exit_status();
}
