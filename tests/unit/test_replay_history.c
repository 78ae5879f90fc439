/*
 * test_replay_history.c: --history's step bucketing and rows, driven the
 * way the replay engine drives its hooks (an event past the stop instant
 * calls passed_stop, then is applied), on a real registry: rows at every
 * multiple of STEP and at the end, the TTL at each row's instant, --at,
 * losses, suspect spans, and the printed forms. No babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print_format.h"
#include "registry.h"
#include "replay_history.h"
#include "tap.h"

#define NS INT64_C(1000000000)
#define MS INT64_C(1000000)
/* 2026-11-23T09:40:00Z, a whole minute. */
#define T0 (INT64_C(1795426800) * NS)

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, strlen(s) };

	return r;
}

/* What the engine does: the hook first when `t` is past the stop. */
struct driver {
	struct ultrace_registry *registry;
	struct ultrace_replay_history *history;
	struct ultrace_registry_sink_config config;
	int stopped;
};

static void driver_init(struct driver *d, int64_t step_ns, int64_t at_ns,
		int64_t grace_s)
{
	memset(d, 0, sizeof(*d));
	d->registry = ultrace_registry_create();
	d->history = ultrace_replay_history_create(d->registry, step_ns,
		at_ns, grace_s);
	if (d->registry == NULL || d->history == NULL) {
		bail_out("out of memory");
	}
	d->config.registry = d->registry;
	d->config.stop_after_ns = at_ns;
	d->config.expiry_grace_s = grace_s;
	ultrace_replay_history_attach(d->history, &d->config);
}

static void driver_fini(struct driver *d)
{
	ultrace_replay_history_destroy(d->history);
	ultrace_registry_destroy(d->registry);
}

/* 1 if the message at `t` is to be applied. */
static int pass(struct driver *d, int64_t t)
{
	if (d->stopped) {
		return 0;
	}
	if (t > d->config.stop_after_ns) {
		int go_on = d->config.hooks->passed_stop(d->config.hooks->data,
			&d->config, t);

		if (go_on < 0) {
			bail_out("passed_stop failed: %s", d->config.error);
		}
		if (go_on == 0) {
			d->stopped = 1;
			return 0;
		}
		if (d->config.stop_after_ns < t) {
			bail_out("passed_stop left the stop before the event");
		}
	}
	return 1;
}

static void event(struct driver *d, enum ultrace_event_kind kind, int64_t t,
		const char *aor, const char *uri, int64_t expires)
{
	struct ultrace_registry_event ev;

	if (!pass(d, t)) {
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ns = t;
	ev.contact.domain = str("location");
	ev.contact.aor = str(aor);
	ev.contact.contact = str(uri);
	ev.contact.q = ULTRACE_Q_UNSET;
	ev.contact.expires = expires;
	ultrace_registry_apply(d->registry, &ev);
}

/* A loss report: applied where it comes, no stop check (as the engine). */
static void loss(struct driver *d, uint64_t count, int64_t begin,
		int64_t end)
{
	if (d->stopped) {
		return;
	}
	ultrace_registry_note_loss(d->registry, count, 0, begin, end);
	d->config.hooks->loss(d->config.hooks->data, 0, count, begin, end);
}

static const struct ultrace_history_row *row(const struct driver *d,
		size_t i)
{
	const struct ultrace_history_row *r =
		ultrace_replay_history_row(d->history, i);

	if (r == NULL) {
		bail_out("no row %zu", i);
	}
	return r;
}

static void test_floor(void)
{
	is_int(ultrace_history_floor(T0 + 1234 * MS, NS), T0 + NS,
		"floor to 1 s");
	is_int(ultrace_history_floor(T0 + NS, NS), T0 + NS,
		"an instant on a step is its own step");
	is_int(ultrace_history_floor(T0 + 299 * NS, 300 * NS), T0 + 0,
		"5 m steps start at whole 5 minutes (of the epoch)");
	is_int(ultrace_history_floor(-1, NS), -NS,
		"before the epoch: rounded down, not toward zero");
	is_int(ultrace_history_floor(0, NS), 0, "the epoch itself");
}

/*
 * Events at 0.2, 0.7, 3.4 s (nothing in 1-3 s) and 3.9 s after T0, step
 * 1 s: rows at T0, T0+1, +2, +3 (the empty steps too) and the end, 3.9.
 */
static void test_rows(void)
{
	struct driver d;
	struct ultrace_history_row delta;
	size_t n;

	driver_init(&d, NS, INT64_MAX, -1);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 200 * MS, "a", "sip:a1",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 700 * MS, "a", "sip:a2",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 3400 * MS, "b", "sip:b1",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_DELETE, T0 + 3900 * MS, "a", "sip:a1",
		0);
	ok(ultrace_replay_history_end(d.history) == 0, "end: 0");
	n = ultrace_replay_history_count(d.history);
	is_uint(n, 5, "rows at T0, +1, +2, +3 s and the last event");
	is_int(row(&d, 0)->time_ns, T0, "row 0 at the first event rounded down");
	is_uint(row(&d, 0)->contacts + row(&d, 0)->inserts, 0,
		"...before every event");
	is_int(row(&d, 1)->time_ns, T0 + NS, "row 1 one step later");
	is_uint(row(&d, 1)->contacts, 2, "...with the two contacts of step 0");
	is_uint(row(&d, 1)->users, 1, "...of one user");
	delta = ultrace_replay_history_row_delta(d.history, 2);
	is_uint(delta.inserts, 0, "an empty step: no insert over it");
	is_uint(row(&d, 2)->contacts, 2, "...and the same state");
	is_int(row(&d, 4)->time_ns, T0 + 3900 * MS,
		"the last row at the last event");
	delta = ultrace_replay_history_row_delta(d.history, 4);
	is_uint(delta.inserts * 10 + delta.deletes, 11,
		"over the last step: one insert, one delete");
	ok(row(&d, 4)->users == 2 && row(&d, 4)->contacts == 2 &&
		row(&d, 4)->inserts == 3 && row(&d, 4)->deletes == 1,
		"the last row is the end state, running totals");
	driver_fini(&d);
}

/* An event exactly on a step instant belongs to the row at that instant. */
static void test_on_boundary(void)
{
	struct driver d;

	driver_init(&d, NS, INT64_MAX, -1);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0, "a", "sip:a1", 0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + NS, "a", "sip:a2", 0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 2 * NS, "a", "sip:a3", 0);
	ultrace_replay_history_end(d.history);
	is_uint(ultrace_replay_history_count(d.history), 3,
		"events on T0, +1, +2 s: rows at T0, +1 and the end (+2), no "
		"duplicate");
	ok(row(&d, 0)->contacts == 1 && row(&d, 1)->contacts == 2 &&
		row(&d, 2)->contacts == 3 && row(&d, 2)->time_ns == T0 + 2 * NS,
		"each row includes the event stamped at its instant (as --at)");
	driver_fini(&d);
}

/* The TTL at each row's instant, as --at applies it; grace 10 s. */
static void test_ttl(void)
{
	struct driver d;
	int64_t exp_s = T0 / NS + 1;     /* gone from T0 + 11 s */

	driver_init(&d, 5 * NS, INT64_MAX, 10);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 100 * MS, "a", "sip:a1",
		exp_s);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 200 * MS, "b", "sip:b1",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 17 * NS, "c", "sip:c1",
		0);
	ultrace_replay_history_end(d.history);
	is_uint(ultrace_replay_history_count(d.history), 5,
		"rows at T0, +5, +10, +15 s and the end (+17)");
	ok(row(&d, 2)->contacts == 2 && row(&d, 2)->ttl_expired == 0,
		"at +10 s the contact is within its grace");
	ok(row(&d, 3)->contacts == 1 && row(&d, 3)->users == 1 &&
		row(&d, 3)->ttl_expired == 1,
		"at +15 s the TTL removed it (and its user) at the row itself");
	driver_fini(&d);
}

/* --at T: rows before T, then one at T; later events are not applied. */
static void test_at(void)
{
	struct driver d;

	driver_init(&d, NS, T0 + 2500 * MS, -1);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 100 * MS, "a", "sip:a1",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 2400 * MS, "a", "sip:a2",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 2600 * MS, "a", "sip:a3",
		0);
	ok(d.stopped, "the event past --at stops the replay");
	ultrace_replay_history_end(d.history);
	is_uint(ultrace_replay_history_count(d.history), 4,
		"rows at T0, +1, +2 s and at --at");
	ok(row(&d, 3)->time_ns == T0 + 2500 * MS && row(&d, 3)->contacts == 2,
		"the last row at --at, without the later event");
	driver_fini(&d);

	/* --at after the last event: every step up to it, then it. */
	driver_init(&d, NS, T0 + 4 * NS, -1);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 100 * MS, "a", "sip:a1",
		0);
	ultrace_replay_history_end(d.history);
	is_uint(ultrace_replay_history_count(d.history), 5,
		"--at 3.9 s after the last event: rows at T0..+3 s and at --at");
	driver_fini(&d);

	/* No event at all: no row, unless --at asks for one. */
	driver_init(&d, NS, INT64_MAX, -1);
	ultrace_replay_history_end(d.history);
	is_uint(ultrace_replay_history_count(d.history), 0,
		"no event, no --at: no row");
	driver_fini(&d);
	driver_init(&d, NS, T0 + 500 * MS, -1);
	ultrace_replay_history_end(d.history);
	ok(ultrace_replay_history_count(d.history) == 1 &&
		row(&d, 0)->time_ns == T0 + 500 * MS,
		"no event, --at T: one empty row at T");
	driver_fini(&d);
}

/* Losses: counted in the step they come in, ranges kept and merged. */
static void test_losses(void)
{
	struct driver d;
	struct ultrace_time_span spans[4];
	struct ultrace_history_row delta;

	driver_init(&d, NS, INT64_MAX, -1);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 100 * MS, "a", "sip:a1",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 1100 * MS, "a", "sip:a2",
		0);
	loss(&d, 7, T0 + 1200 * MS, T0 + 1300 * MS);
	loss(&d, 3, T0 + 1250 * MS, T0 + 1400 * MS);   /* overlaps: merged */
	loss(&d, 1, 0, 0);                             /* no clock: no range */
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 2100 * MS, "a", "sip:a3",
		0);
	loss(&d, 2, T0 + 2200 * MS, T0 + 2300 * MS);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 3100 * MS, "a", "sip:a4",
		0);
	ultrace_replay_history_end(d.history);
	delta = ultrace_replay_history_row_delta(d.history, 2);
	ok(delta.discarded_events == 11 && row(&d, 1)->discarded_events == 0,
		"the step 1-2 s has its 11 discarded events, the one before none");
	delta = ultrace_replay_history_row_delta(d.history, 3);
	is_uint(delta.discarded_events, 2, "the step 2-3 s has its 2");
	is_uint(ultrace_replay_history_loss_count(d.history), 2,
		"two ranges: the overlapping reports merged, no-clock one left out");
	ok(ultrace_replay_history_loss(d.history, 0)->begin_ns ==
		T0 + 1200 * MS && ultrace_replay_history_loss(d.history,
			0)->end_ns == T0 + 1400 * MS,
		"the merged range spans both reports");
	ok(row(&d, 1)->health == ULTRACE_REGISTRY_CONSISTENT &&
		row(&d, 2)->health == ULTRACE_REGISTRY_SUSPECT,
		"consistent before the loss, suspect after");
	is_uint(ultrace_replay_history_suspect_spans(d.history, spans, 4), 1,
		"one suspect span");
	ok(spans[0].begin_ns == T0 + 1200 * MS &&
		spans[0].end_ns == row(&d, 4)->time_ns,
		"from the loss's begin, open to the last row");
	driver_fini(&d);
}

/* The printed forms: a header and one line a row; JSON one object. */
static void test_print(void)
{
	struct driver d;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	size_t lines = 0;
	size_t i;

	driver_init(&d, NS, INT64_MAX, -1);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 100 * MS, "a", "sip:a1",
		0);
	event(&d, ULTRACE_EVENT_CONTACT_INSERT, T0 + 1500 * MS, "b", "sip:b1",
		0);
	ultrace_replay_history_end(d.history);
	out = open_memstream(&text, &len);
	if (out == NULL) {
		bail_out("open_memstream");
	}
	ok(ultrace_replay_history_print(out, d.history, ULTRACE_PRINT_CSV) == 0,
		"CSV printed");
	fclose(out);
	for (i = 0; i < len; i++) {
		lines += text[i] == '\n';
	}
	is_uint(lines, 4, "CSV: a header and three rows");
	ok(strstr(text, "\n2026-11-23T09:40:01.000000000Z,1795426801000000000,"
		"1,1,1,0,0,0,0,0,0,0,0,0,consistent,-\n") != NULL,
		"CSV: the row at +1 s, every column");
	free(text);
	text = NULL;
	out = open_memstream(&text, &len);
	if (out == NULL) {
		bail_out("open_memstream");
	}
	ultrace_replay_history_print(out, d.history, ULTRACE_PRINT_JSON);
	fclose(out);
	ok(strncmp(text, "{\"step_ns\":1000000000,\"rows\":[{\"time\":", 38) == 0 &&
		strstr(text, "],\"discard_ranges\":[],\"suspect\":[]}\n") != NULL,
		"JSON: one object with rows, discard ranges, suspect spans");
	free(text);
	driver_fini(&d);
}

int main(void)
{
	plan(5 + 12 + 2 + 3 + 6 + 7 + 4);
	test_floor();
	test_rows();
	test_on_boundary();
	test_ttl();
	test_at();
	test_losses();
	test_print();
	return exit_status();
}
