/*
 * test_registry_statedump.c: a complete statedump sweeps what it did not
 * list; an incomplete or stray one sweeps nothing. Registry API only.
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

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

static struct ultrace_registry_event contact_event(enum ultrace_event_kind kind,
		int64_t t, const char *aor, const char *uri, int32_t cseq)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = t;
	ev.contact.domain = str("location");
	ev.contact.aor = str(aor);
	ev.contact.contact = str(uri);
	ev.contact.user_agent = str("UA/1");
	ev.contact.cseq = cseq;
	ev.contact.q = ULTRACE_Q_UNSET;
	ev.contact.expires = 1763893600;
	return ev;
}

static void insert(struct ultrace_registry *r, int64_t t, const char *aor,
		const char *uri, int32_t cseq)
{
	struct ultrace_registry_event ev = contact_event(
		ULTRACE_EVENT_CONTACT_INSERT, t, aor, uri, cseq);

	if (ultrace_registry_apply(r, &ev) != ULTRACE_REGISTRY_STATUS_OK) {
		bail_out("fixture insert of %s %s failed", aor, uri);
	}
}

static void update(struct ultrace_registry *r, int64_t t, const char *aor,
		const char *uri, int32_t cseq)
{
	struct ultrace_registry_event ev = contact_event(
		ULTRACE_EVENT_CONTACT_UPDATE, t, aor, uri, cseq);

	ultrace_registry_apply(r, &ev);
}

static void begin(struct ultrace_registry *r, uint64_t id, int64_t t)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_BEGIN;
	ev.time_ns = t;
	ev.dump_id = id;
	ultrace_registry_apply(r, &ev);
}

static enum ultrace_registry_status dump(struct ultrace_registry *r,
		uint64_t id, int64_t t, const char *aor, const char *uri,
		int32_t cseq)
{
	struct ultrace_registry_event ev = contact_event(
		ULTRACE_EVENT_STATEDUMP_CONTACT, t, aor, uri, cseq);

	ev.dump_id = id;
	return ultrace_registry_apply(r, &ev);
}

static void end(struct ultrace_registry *r, uint64_t id, int64_t t,
		uint64_t contacts)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_END;
	ev.time_ns = t;
	ev.dump_id = id;
	ev.dump_contacts = contacts;
	ultrace_registry_apply(r, &ev);
}

static const struct ultrace_registry_contact *find(
		const struct ultrace_registry *r, const char *aor,
		const char *uri)
{
	return ultrace_registry_borrow_contact(r, str("location"), str(aor),
		str(uri));
}

static int has(const struct ultrace_registry *r, const char *aor,
		const char *uri)
{
	return find(r, aor, uri) != NULL;
}

static int32_t cseq_of(const struct ultrace_registry *r, const char *aor,
		const char *uri)
{
	const struct ultrace_registry_contact *c = find(r, aor, uri);

	return c != NULL ? ultrace_registry_contact_values(c)->cseq : -1;
}

static struct ultrace_registry *create_or_bail(void)
{
	struct ultrace_registry *r = ultrace_registry_create();

	if (r == NULL) {
		bail_out("ultrace_registry_create failed");
	}
	return r;
}

/* Four users, five contacts, all last set before T0 + 100. */
static struct ultrace_registry *fixture(void)
{
	struct ultrace_registry *r = create_or_bail();

	insert(r, T0 + 1, "u1", "sip:u1@a", 1);
	insert(r, T0 + 2, "u1", "sip:u1@b", 1);
	insert(r, T0 + 3, "u1", "sip:u1@c", 1);
	insert(r, T0 + 4, "u2", "sip:u2@a", 1);
	insert(r, T0 + 5, "u3", "sip:u3@a", 1);
	return r;
}

static void test_complete_dump(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	begin(r, 1, T0 + 100);
	is_int(dump(r, 1, T0 + 101, "u1", "sip:u1@a", 1),
		ULTRACE_REGISTRY_STATUS_OK, "statedump_contact returns OK");
	dump(r, 1, T0 + 102, "u2", "sip:u2@a", 1);
	/* Events during the dump: time >= begin protects the contact. */
	insert(r, T0 + 103, "u4", "sip:u4@a", 1);
	update(r, T0 + 104, "u1", "sip:u1@c", 2);
	insert(r, T0 + 100, "u5", "sip:u5@a", 1);
	end(r, 1, T0 + 110, 2);

	is_int(st->dumps_complete, 1,
		"a matching begin/contacts/end completes");
	ok(has(r, "u1", "sip:u1@a") && has(r, "u2", "sip:u2@a"),
		"contacts the dump listed stay");
	ok(!has(r, "u1", "sip:u1@b"),
		"a contact not listed and untouched since begin is removed");
	ok(!has(r, "u3", "sip:u3@a") &&
		ultrace_registry_borrow_user(r, str("location"), str("u3")) ==
			NULL,
		"a user whose only contact was swept loses its row");
	ok(has(r, "u4", "sip:u4@a"),
		"a contact inserted during the dump (time > begin) survives");
	ok(has(r, "u5", "sip:u5@a"),
		"a contact inserted at exactly the begin time survives");
	ok(has(r, "u1", "sip:u1@c") && cseq_of(r, "u1", "sip:u1@c") == 2,
		"a contact updated during the dump survives with its update");
	is_int(st->dump_removed, 2, "dump_removed counts the 2 swept contacts");
	is_int(st->dump_repaired, 0,
		"identical statedump_contacts repair nothing");
	ok(st->anomalies[ULTRACE_ANOMALY_DUMP_INCOMPLETE] == 0 &&
		st->anomalies[ULTRACE_ANOMALY_DUMP_STRAY] == 0,
		"no dump anomaly");
	ok(st->users == 4 && st->contacts == 5,
		"4 users, 5 contacts left (got %ju, %ju)",
		(uintmax_t) st->users, (uintmax_t) st->contacts);
	ultrace_registry_destroy(r);
}

static void test_repair(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	const struct ultrace_registry_contact *c;

	begin(r, 7, T0 + 100);
	is_int(dump(r, 7, T0 + 101, "u9", "sip:u9@a", 3),
		ULTRACE_REGISTRY_STATUS_OK,
		"statedump_contact of an unknown contact returns OK");
	c = find(r, "u9", "sip:u9@a");
	ok(c != NULL && ultrace_registry_contact_values(c)->cseq == 3,
		"statedump_contact of an unknown contact creates it");
	is_int(st->dump_repaired, 1, "...and counts it repaired");
	dump(r, 7, T0 + 102, "u1", "sip:u1@a", 5);
	is_int(cseq_of(r, "u1", "sip:u1@a"), 5,
		"statedump_contact of a changed contact updates it");
	is_int(st->dump_repaired, 2, "...and counts it repaired");
	dump(r, 7, T0 + 103, "u2", "sip:u2@a", 1);
	is_int(st->dump_repaired, 2,
		"statedump_contact of an identical contact is not a repair");
	end(r, 7, T0 + 110, 3);
	is_int(st->dumps_complete, 1, "the repairing dump completes");
	ok(has(r, "u9", "sip:u9@a") && has(r, "u1", "sip:u1@a") &&
		has(r, "u2", "sip:u2@a") && !has(r, "u1", "sip:u1@b") &&
		!has(r, "u1", "sip:u1@c") && !has(r, "u3", "sip:u3@a"),
		"after the sweep the registry holds exactly the dump");
	is_int(st->dump_removed, 3, "dump_removed 3");
	ok(st->users == 3 && st->contacts == 3,
		"3 users, 3 contacts (got %ju, %ju)", (uintmax_t) st->users,
		(uintmax_t) st->contacts);
	ultrace_registry_destroy(r);
}

/* Every contact of the fixture but sip:u1@b: a complete dump drops it. */
static void dump_all_but_one(struct ultrace_registry *r, uint64_t id,
		int64_t t)
{
	dump(r, id, t + 1, "u1", "sip:u1@a", 1);
	dump(r, id, t + 2, "u1", "sip:u1@c", 1);
	dump(r, id, t + 3, "u2", "sip:u2@a", 1);
	dump(r, id, t + 4, "u3", "sip:u3@a", 1);
}

/*
 * Tracer discards while a dump runs do not stop its sweep (every row it
 * listed arrived: the count says so), but only a dump nothing doubted
 * makes the registry CONSISTENT again.
 */
static void test_discards(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	ok(st->health == ULTRACE_REGISTRY_CONSISTENT &&
		st->suspect_since_ns == 0,
		"a new registry fed from the start is consistent");
	begin(r, 2, T0 + 100);
	dump_all_but_one(r, 2, T0 + 100);
	ultrace_registry_note_discarded_events(r, 1);
	end(r, 2, T0 + 110, 4);
	ok(!has(r, "u1", "sip:u1@b") && st->dumps_complete == 1 &&
		st->dump_removed == 1,
		"discarded events during a dump whose rows all came: swept");
	is_int(st->anomalies[ULTRACE_ANOMALY_DUMP_INCOMPLETE], 0,
		"...and no DUMP_INCOMPLETE");
	ok(st->health == ULTRACE_REGISTRY_SUSPECT &&
		st->suspect_reason == ULTRACE_SUSPECT_DISCARDS &&
		st->suspect_since_ns == T0 + 100 + 4,
		"...but the registry stays suspect since the discard (%s since "
		"+%jd)", ultrace_registry_health_name(st->health),
		(intmax_t) (st->suspect_since_ns - T0));

	insert(r, T0 + 150, "u1", "sip:u1@b", 1);
	begin(r, 3, T0 + 200);
	dump(r, 3, T0 + 201, "u1", "sip:u1@a", 1);
	ultrace_registry_note_discarded_packets(r, 2);
	end(r, 3, T0 + 210, 4);
	ok(has(r, "u1", "sip:u1@b") &&
		st->anomalies[ULTRACE_ANOMALY_DUMP_INCOMPLETE] == 1 &&
		st->dumps_complete == 1,
		"a dump that lost rows sweeps nothing, DUMP_INCOMPLETE");
	ok(st->health == ULTRACE_REGISTRY_SUSPECT &&
		st->suspect_since_ns == T0 + 104,
		"...suspect, still since the first loss");

	/* A discard before the dump began does not taint it. */
	ultrace_registry_note_discarded_events(r, 5);
	begin(r, 4, T0 + 300);
	dump_all_but_one(r, 4, T0 + 300);
	end(r, 4, T0 + 310, 4);
	ok(!has(r, "u1", "sip:u1@b") && st->dumps_complete == 2,
		"discards before begin leave the next dump complete");
	ok(st->health == ULTRACE_REGISTRY_CONSISTENT &&
		st->suspect_since_ns == 0 &&
		st->suspect_reason == ULTRACE_SUSPECT_NONE &&
		st->consistent_since_ns == T0 + 310,
		"...and it makes the registry consistent at its end");
	ok(st->discarded_events == 6 && st->discarded_packets == 2,
		"discards are counted (%ju events, %ju packets)",
		(uintmax_t) st->discarded_events,
		(uintmax_t) st->discarded_packets);
	is_int((long long) st->dumps_begun, 3, "dumps_begun counts begins");
	ultrace_registry_destroy(r);
}

/* What else makes the registry suspect, and what does not. */
static void test_health(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;

	ev = contact_event(ULTRACE_EVENT_CONTACT_INSERT, T0 + 120, "u9",
		"", 1);
	ultrace_registry_apply(r, &ev);
	ok(st->health == ULTRACE_REGISTRY_CONSISTENT,
		"an invalid event (a producer bug, not a loss) leaves it "
		"consistent");
	ev = contact_event(ULTRACE_EVENT_CONTACT_DELETE, T0 + 130, "u9",
		"sip:u9@a", 1);
	ultrace_registry_apply(r, &ev);
	ok(st->health == ULTRACE_REGISTRY_SUSPECT &&
		st->suspect_reason == ULTRACE_SUSPECT_ANOMALY &&
		st->suspect_since_ns == T0 + 130,
		"delete of an unknown contact: suspect (anomaly) since then");
	ultrace_registry_mark_suspect(r, T0 + 140, ULTRACE_SUSPECT_ATTACH);
	ok(st->suspect_reason == ULTRACE_SUSPECT_ANOMALY &&
		st->suspect_since_ns == T0 + 130,
		"a second mark keeps the first reason and instant");
	/* A dump that began before the last mark cannot clear it. */
	begin(r, 7, T0 + 135);
	dump_all_but_one(r, 7, T0 + 135);
	dump(r, 7, T0 + 140, "u1", "sip:u1@b", 1);
	end(r, 7, T0 + 150, 5);
	ok(st->dumps_complete == 1 &&
		st->health == ULTRACE_REGISTRY_SUSPECT,
		"a complete dump begun before the last mark leaves it suspect");
	begin(r, 8, T0 + 160);
	ev = contact_event(ULTRACE_EVENT_CONTACT_UPDATE, T0 + 161, "u7",
		"sip:u7@a", 1);
	ultrace_registry_apply(r, &ev);
	dump_all_but_one(r, 8, T0 + 162);
	end(r, 8, T0 + 170, 4);
	ok(st->dumps_complete == 2 &&
		st->health == ULTRACE_REGISTRY_SUSPECT &&
		st->suspect_since_ns == T0 + 130,
		"an anomaly during a dump: the dump sweeps, the registry stays "
		"suspect (since the first mark)");
	begin(r, 9, T0 + 180);
	dump_all_but_one(r, 9, T0 + 180);
	end(r, 9, T0 + 190, 4);
	ok(st->health == ULTRACE_REGISTRY_CONSISTENT &&
		st->consistent_since_ns == T0 + 190 &&
		!has(r, "u7", "sip:u7@a"),
		"the next clean dump: consistent, the stray contact gone");
	ultrace_registry_mark_suspect(r, 0, ULTRACE_SUSPECT_ATTACH);
	ok(st->health == ULTRACE_REGISTRY_SUSPECT &&
		st->suspect_since_ns == T0 + 190 &&
		strcmp(ultrace_suspect_reason_name(st->suspect_reason),
			"attach") == 0,
		"mark_suspect(0) uses the last event's time");
	ultrace_registry_destroy(r);
}

static void test_count_mismatch(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	begin(r, 5, T0 + 100);
	dump_all_but_one(r, 5, T0 + 100);
	end(r, 5, T0 + 110, 5);
	ok(has(r, "u1", "sip:u1@b"),
		"end announcing more contacts than seen: nothing is swept");
	ok(st->anomalies[ULTRACE_ANOMALY_DUMP_INCOMPLETE] == 1 &&
		st->dumps_complete == 0 && st->dump_removed == 0,
		"...DUMP_INCOMPLETE, not complete");

	begin(r, 6, T0 + 200);
	dump_all_but_one(r, 6, T0 + 200);
	end(r, 6, T0 + 210, 3);
	ok(has(r, "u1", "sip:u1@b") &&
		st->anomalies[ULTRACE_ANOMALY_DUMP_INCOMPLETE] == 2 &&
		st->dumps_complete == 0,
		"end announcing fewer contacts than seen: no sweep either");
	ultrace_registry_destroy(r);
}

static void test_stray(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	end(r, 1, T0 + 100, 0);
	ok(st->anomalies[ULTRACE_ANOMALY_DUMP_STRAY] == 1 &&
		st->contacts == 5 && st->dumps_complete == 0,
		"end without a begin: DUMP_STRAY, nothing swept");

	begin(r, 8, T0 + 200);
	dump_all_but_one(r, 8, T0 + 200);
	end(r, 9, T0 + 210, 4);
	ok(st->anomalies[ULTRACE_ANOMALY_DUMP_STRAY] == 2 &&
		has(r, "u1", "sip:u1@b") && st->dumps_complete == 0,
		"end with another dump_id: DUMP_STRAY, nothing swept");

	dump(r, 99, T0 + 220, "u1", "sip:u1@a", 1);
	is_int(st->anomalies[ULTRACE_ANOMALY_DUMP_STRAY], 3,
		"statedump_contact with another dump_id is DUMP_STRAY");
	ultrace_registry_destroy(r);

	r = fixture();
	st = ultrace_registry_borrow_stats(r);
	dump(r, 1, T0 + 100, "u1", "sip:u1@a", 1);
	is_int(st->anomalies[ULTRACE_ANOMALY_DUMP_STRAY], 1,
		"statedump_contact without a begin is DUMP_STRAY");
	ultrace_registry_destroy(r);
}

static void test_restart(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	begin(r, 10, T0 + 100);
	dump(r, 10, T0 + 101, "u1", "sip:u1@b", 1);
	begin(r, 11, T0 + 200);
	is_int(st->anomalies[ULTRACE_ANOMALY_DUMP_INCOMPLETE], 1,
		"begin while a dump is active: the old one is DUMP_INCOMPLETE");
	/* The old dump's contact events no longer count. */
	dump(r, 10, T0 + 201, "u1", "sip:u1@b", 1);
	ok(st->anomalies[ULTRACE_ANOMALY_DUMP_STRAY] == 1,
		"a statedump_contact of the abandoned dump is DUMP_STRAY");
	dump_all_but_one(r, 11, T0 + 200);
	end(r, 11, T0 + 210, 4);
	ok(st->dumps_complete == 1 && st->dump_removed == 0,
		"the new dump completes on its own count");
	/* sip:u1@b was touched at T0 + 201 >= begin: it is kept. */
	ok(has(r, "u1", "sip:u1@b"),
		"a contact touched after the new begin survives its sweep");
	end(r, 10, T0 + 220, 1);
	is_int(st->anomalies[ULTRACE_ANOMALY_DUMP_STRAY], 2,
		"end of the abandoned dump is DUMP_STRAY");
	ultrace_registry_destroy(r);
}

static void test_empty_dump(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	begin(r, 12, T0 + 100);
	end(r, 12, T0 + 101, 0);
	ok(st->dumps_complete == 1 && st->contacts == 0 && st->users == 0 &&
		st->dump_removed == 5,
		"a complete empty dump removes every older contact and user");
	ok(ultrace_registry_borrow_user_ge(r, 0) == NULL &&
		ultrace_registry_borrow_contact_ge(r, 0, 0) == NULL,
		"...and the ordered walks are empty");
	insert(r, T0 + 200, "u1", "sip:u1@a", 1);
	ok(ultrace_registry_user_get_index(ultrace_registry_borrow_user(r,
			str("location"), str("u1"))) == 4,
		"a swept user registering again gets a new index");
	ultrace_registry_destroy(r);
}

/* A contact deleted during the dump after being listed stays deleted. */
static void test_delete_during_dump(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;

	begin(r, 13, T0 + 100);
	dump_all_but_one(r, 13, T0 + 100);
	ev = contact_event(ULTRACE_EVENT_CONTACT_DELETE, T0 + 105, "u2",
		"sip:u2@a", 1);
	ultrace_registry_apply(r, &ev);
	end(r, 13, T0 + 110, 4);
	ok(st->dumps_complete == 1 && !has(r, "u2", "sip:u2@a") &&
		!has(r, "u1", "sip:u1@b") && has(r, "u1", "sip:u1@a") &&
		st->contacts == 3,
		"a listed contact deleted during the dump stays deleted");
	ultrace_registry_destroy(r);
}

/*
 * Being listed protects a contact by itself, not through its time: a
 * statedump_contact stamped before the begin (clocks of two CPUs) counts.
 */
static void test_listed_before_begin(void)
{
	struct ultrace_registry *r = fixture();
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);

	begin(r, 14, T0 + 100);
	dump(r, 14, T0 + 50, "u1", "sip:u1@a", 1);
	end(r, 14, T0 + 110, 1);
	ok(st->dumps_complete == 1 && has(r, "u1", "sip:u1@a") &&
		st->contacts == 1,
		"a listed contact survives even if its dump event is stamped "
		"before the begin");
	ultrace_registry_destroy(r);
}

int main(void)
{
	plan(12 + 10 + 10 + 7 + 3 + 4 + 5 + 3 + 1 + 1);
	test_complete_dump();
	test_repair();
	test_discards();
	test_health();
	test_count_mismatch();
	test_stray();
	test_restart();
	test_empty_dump();
	test_delete_during_dump();
	test_listed_before_begin();
	return exit_status();
}
