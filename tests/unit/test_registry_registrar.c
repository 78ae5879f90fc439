/*
 * test_registry_registrar.c: the registrar's own figures (registrar_config,
 * registrar_counters) as the registry keeps them: the latest of each, set
 * by nothing else, touching no contact, no health, no statedump.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"
#include "tap.h"

#define T0 INT64_C(1763890000000000000)
#define SEC INT64_C(1000000000)

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, strlen(s) };

	return r;
}

static struct ultrace_registry *create_or_bail(void)
{
	struct ultrace_registry *r = ultrace_registry_create();

	if (r == NULL) {
		bail_out("out of memory");
	}
	return r;
}

static struct ultrace_registry_event config_event(int64_t t,
		uint32_t max_expires, uint32_t max_users,
		uint32_t default_expires)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_REGISTRAR_CONFIG;
	ev.time_ns = t;
	ev.registrar.settings.max_expires = max_expires;
	ev.registrar.settings.max_users = max_users;
	ev.registrar.settings.default_expires = default_expires;
	return ev;
}

static struct ultrace_registry_event counters_event(int64_t t,
		uint64_t accepted, uint64_t rejected)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_REGISTRAR_COUNTERS;
	ev.time_ns = t;
	ev.registrar.counts.accepted = accepted;
	ev.registrar.counts.rejected = rejected;
	return ev;
}

static struct ultrace_registry_event contact_event(
		enum ultrace_event_kind kind, int64_t t, const char *uri,
		uint64_t dump_id)
{
	struct ultrace_registry_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = t;
	ev.dump_id = dump_id;
	ev.contact.domain = str("location");
	ev.contact.aor = str("sip:alice@example.com");
	ev.contact.contact = str(uri);
	ev.contact.q = ULTRACE_Q_UNSET;
	ev.contact.expires = T0 / SEC + 3600;
	ev.contact.last_modified = T0 / SEC;
	return ev;
}

static void test_latest_wins(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_registrar *reg =
		ultrace_registry_borrow_registrar(r);
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;

	ok(!reg->has_settings && !reg->has_counts,
		"a new registry knows no registrar figure");

	ev = config_event(T0, 86400, 0, 3600);
	is_int(ultrace_registry_apply(r, &ev), ULTRACE_REGISTRY_STATUS_OK,
		"registrar_config applies");
	ok(reg->has_settings && !reg->has_counts,
		"the config is known, the counters still not");
	ok(reg->settings.max_expires == 86400 && reg->settings.max_users == 0 &&
		reg->settings.default_expires == 3600 &&
		reg->settings_ns == T0,
		"its three values and its time, as traced");

	ev = counters_event(T0 + SEC, 20, 3);
	ultrace_registry_apply(r, &ev);
	ok(reg->has_counts && reg->counts.accepted == 20 &&
		reg->counts.rejected == 3 && reg->counts_ns == T0 + SEC,
		"registrar_counters: accepted 20, rejected 3");
	ok(reg->settings.max_expires == 86400 && reg->settings_ns == T0,
		"a counters event leaves the config alone");

	ev = counters_event(T0 + 2 * SEC, 25, 4);
	ultrace_registry_apply(r, &ev);
	ev = config_event(T0 + 2 * SEC, 600, 100000, 120);
	ultrace_registry_apply(r, &ev);
	ok(reg->counts.accepted == 25 && reg->counts.rejected == 4 &&
		reg->settings.max_expires == 600 &&
		reg->settings.max_users == 100000 &&
		reg->settings.default_expires == 120,
		"the latest of each wins");

	/* A restarted registrar counts from 0 again. */
	ev = counters_event(T0 + 3 * SEC, 1, 0);
	ultrace_registry_apply(r, &ev);
	ok(reg->counts.accepted == 1 && reg->counts.rejected == 0,
		"a lower count (a registrar restart) is taken as it is");

	is_uint(st->events[ULTRACE_EVENT_REGISTRAR_CONFIG], 2,
		"two registrar_config events counted");
	is_uint(st->events[ULTRACE_EVENT_REGISTRAR_COUNTERS], 3,
		"three registrar_counters events counted");
	ok(st->users == 0 && st->contacts == 0 &&
		st->health == ULTRACE_REGISTRY_CONSISTENT &&
		st->last_event_ns == T0 + 3 * SEC,
		"no user, no contact, still consistent; the trace clock moved");
	is_str(ultrace_event_kind_name(ULTRACE_EVENT_REGISTRAR_CONFIG),
		"registrar_config", "kind name registrar_config");
	is_str(ultrace_event_kind_name(ULTRACE_EVENT_REGISTRAR_COUNTERS),
		"registrar_counters", "kind name registrar_counters");
	ok(!ultrace_event_kind_has_contact(ULTRACE_EVENT_REGISTRAR_CONFIG) &&
		!ultrace_event_kind_has_contact(
			ULTRACE_EVENT_REGISTRAR_COUNTERS),
		"neither carries a contact");
	ultrace_registry_destroy(r);
}

/* Inside a statedump, as the producers emit them: the dump stays whole. */
static void test_inside_statedump(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_registrar *reg =
		ultrace_registry_borrow_registrar(r);
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(r);
	struct ultrace_registry_event ev;
	uint64_t anomalies = 0;
	int i;

	ev = contact_event(ULTRACE_EVENT_CONTACT_INSERT, T0,
		"sip:alice@192.0.2.1", 0);
	ultrace_registry_apply(r, &ev);
	ev = contact_event(ULTRACE_EVENT_CONTACT_INSERT, T0,
		"sip:alice@192.0.2.2", 0);
	ultrace_registry_apply(r, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_BEGIN;
	ev.time_ns = T0 + SEC;
	ev.dump_id = 7;
	ultrace_registry_apply(r, &ev);
	ev = config_event(T0 + SEC, 0, 0, 3600);
	ultrace_registry_apply(r, &ev);
	ev = counters_event(T0 + SEC, 2, 0);
	ultrace_registry_apply(r, &ev);
	ev = contact_event(ULTRACE_EVENT_STATEDUMP_CONTACT, T0 + SEC,
		"sip:alice@192.0.2.1", 7);
	ultrace_registry_apply(r, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ULTRACE_EVENT_STATEDUMP_END;
	ev.time_ns = T0 + SEC;
	ev.dump_id = 7;
	ev.dump_contacts = 1;
	ultrace_registry_apply(r, &ev);
	for (i = 0; i < ULTRACE_ANOMALY_COUNT; i++) {
		anomalies += st->anomalies[i];
	}
	ok(st->dumps_complete == 1 && st->dump_removed == 1 &&
		st->contacts == 1 && anomalies == 0,
		"a dump holding the registrar's figures is complete: its "
		"sweep removes the contact it did not list, no anomaly");
	ok(reg->has_settings && reg->has_counts &&
		reg->settings.default_expires == 3600 &&
		reg->counts.accepted == 2,
		"the figures the dump carried are kept");
	ultrace_registry_destroy(r);
}

struct run {
	const struct ultrace_registry_event *events;
};

static const struct ultrace_registry_event *run_at(void *ctx, size_t i)
{
	return &((const struct run *) ctx)->events[i];
}

/* Through the lookahead, among contact events, as the applying thread. */
static void test_lookahead(void)
{
	struct ultrace_registry *r = create_or_bail();
	const struct ultrace_registry_registrar *reg =
		ultrace_registry_borrow_registrar(r);
	struct ultrace_registry_event events[12];
	struct run run = { events };
	struct ultrace_registry_lookahead la;
	struct ultrace_registry_hint hint;
	char uris[12][32];
	size_t i;

	for (i = 0; i < 12; i++) {
		snprintf(uris[i], sizeof(uris[i]), "sip:alice@192.0.2.%zu",
			i + 1);
		if (i % 3 == 1) {
			events[i] = counters_event(T0 + (int64_t) i, i, i / 3);
		} else if (i % 3 == 2) {
			events[i] = config_event(T0 + (int64_t) i,
				(uint32_t) i, 0, 3600);
		} else {
			events[i] = contact_event(ULTRACE_EVENT_CONTACT_INSERT,
				T0 + (int64_t) i, uris[i], 0);
		}
	}
	ultrace_registry_lookahead_start(&la, r, run_at, &run, 12);
	for (i = 0; i < 12; i++) {
		ultrace_registry_apply_hinted(r, &events[i],
			ultrace_registry_lookahead_step(&la, i, &hint));
	}
	ok(ultrace_registry_borrow_stats(r)->contacts == 4 &&
		reg->counts.accepted == 10 && reg->counts.rejected == 3 &&
		reg->settings.max_expires == 11,
		"mixed with contact events through the lookahead: 4 contacts, "
		"the last counters and config");
	ultrace_registry_destroy(r);
}

int main(void)
{
	plan(14 + 2 + 1);
	test_latest_wins();
	test_inside_statedump();
	test_lookahead();
	return exit_status();
}
