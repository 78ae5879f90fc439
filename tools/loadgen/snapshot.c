/*
 * snapshot.c: views of the whole simulated registrar taken between two
 * events: the truth CSV (with the instant it holds at) and statedumps.
 * Knows nothing of how workers pick their actions (sim.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "loadgen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contact_csv.h"
#include "log.h"

/*
 * No event is stamped this close to a snapshot instant, on either side,
 * so a consumer replaying up to the instant sees exactly the snapshot
 * even though trace timestamps and CLOCK_REALTIME differ slightly.
 */
#define LG_QUIET_NS (2 * 1000 * 1000LL)

static void quiet_guard(void)
{
	lg_sleep_until(lg_now_ns(CLOCK_MONOTONIC) + LG_QUIET_NS);
}

uint64_t lg_snapshot_count(const struct lg_run *run)
{
	uint64_t count = 0;
	uint32_t i;

	for (i = 0; i < run->cfg->threads; i++) {
		count += run->threads[i]->live;
	}
	return count;
}

static int contact_cmp(const void *a, const void *b)
{
	return ultrace_contact_key_cmp(a, b);
}

/*
 * Every held contact, in CSV row order. The slices borrow the workers'
 * slots: the caller must keep them still until it is done.
 */
static struct ultrace_contact *contacts_create_sorted(const struct lg_run *run,
		uint64_t *count)
{
	uint64_t n = lg_snapshot_count(run), k = 0;
	struct ultrace_contact *rows;
	uint32_t i;

	rows = malloc((n > 0 ? n : 1) * sizeof(*rows));
	if (rows == NULL) {
		goto end;
	}
	for (i = 0; i < run->cfg->threads; i++) {
		const struct lg_thread *t = run->threads[i];
		size_t nslots = (size_t) t->nusers * run->cfg->max_contacts;
		size_t slot;

		for (slot = 0; slot < nslots; slot++) {
			if (t->slots[slot].used) {
				lg_thread_borrow_contact(t, (uint32_t) slot,
					&rows[k++]);
			}
		}
	}
	qsort(rows, k, sizeof(*rows), contact_cmp);
	*count = k;
end:
	return rows;
}

static int truth_write_csv(const struct lg_run *run, const char *path)
{
	struct ultrace_contact *rows = NULL;
	uint64_t count = 0, i;
	FILE *out = NULL;
	int ret = -1;

	rows = contacts_create_sorted(run, &count);
	if (rows == NULL) {
		ULTRACE_ERR("%s: out of memory", path);
		goto end;
	}
	out = fopen(path, "w");
	if (out == NULL) {
		ULTRACE_ERR("cannot open %s: %s", path, strerror(errno));
		goto end;
	}
	fputs(ULTRACE_CSV_HEADER "\n", out);
	for (i = 0; i < count; i++) {
		ultrace_csv_write_contact(out, &rows[i]);
		fputc('\n', out);
	}
	if (ferror(out)) {
		ULTRACE_ERR("cannot write %s", path);
		goto end;
	}
	ret = 0;
end:
	if (out != NULL && fclose(out) != 0 && ret == 0) {
		ULTRACE_ERR("cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	free(rows);
	return ret;
}

/* The instant as decimal nanoseconds since the epoch, in `path`.ts. */
static int truth_write_ts(const char *path, int64_t instant_ns)
{
	char *ts_path = NULL;
	FILE *out = NULL;
	int ret = -1;

	if (asprintf(&ts_path, "%s.ts", path) < 0) {
		ts_path = NULL;
		ULTRACE_ERR("%s.ts: out of memory", path);
		goto end;
	}
	out = fopen(ts_path, "w");
	if (out == NULL) {
		ULTRACE_ERR("cannot open %s: %s", ts_path, strerror(errno));
		goto end;
	}
	fprintf(out, "%" PRId64 "\n", instant_ns);
	if (ferror(out)) {
		ULTRACE_ERR("cannot write %s", ts_path);
		goto end;
	}
	ret = 0;
end:
	if (out != NULL && fclose(out) != 0 && ret == 0) {
		ULTRACE_ERR("cannot write %s: %s", ts_path, strerror(errno));
		ret = -1;
	}
	free(ts_path);
	return ret;
}

int lg_snapshot_truth(struct lg_run *run, const char *path, int write_ts)
{
	int64_t instant_ns;
	int ret;

	pthread_rwlock_wrlock(&run->state_lock);
	quiet_guard();
	instant_ns = lg_now_ns(CLOCK_REALTIME);
	ret = truth_write_csv(run, path);
	if (ret == 0 && write_ts) {
		ret = truth_write_ts(path, instant_ns);
	}
	if (ret == 0) {
		ULTRACE_INFO("wrote %s: %" PRIu64 " contacts at %" PRId64
			" ns", path, lg_snapshot_count(run), instant_ns);
	}
	quiet_guard();
	pthread_rwlock_unlock(&run->state_lock);
	return ret;
}

void lg_snapshot_registrar_counts(const struct lg_run *run,
		struct ultrace_registrar_counts *n)
{
	uint32_t i;

	n->accepted = 0;
	n->rejected = 0;
	for (i = 0; i < run->cfg->threads; i++) {
		const struct lg_thread *t = run->threads[i];

		n->accepted += t->counts[LG_COUNT_INSERT] +
			t->counts[LG_COUNT_UPDATE] +
			t->counts[LG_COUNT_REFRESH] + t->counts[LG_COUNT_DELETE];
		n->rejected += t->rejected;
	}
}

/* The caller holds the state lock for writing (or the workers stopped). */
static void registrar_emit_locked(struct lg_run *run, int with_config)
{
	struct ultrace_registrar_counts n;

	if (run->cfg->no_registrar) {
		return;
	}
	if (with_config) {
		ultrace_registrar_config(&run->cfg->registrar);
		run->registrar_events[0]++;
	}
	lg_snapshot_registrar_counts(run, &n);
	ultrace_registrar_counters(&n);
	run->registrar_events[1]++;
}

void lg_snapshot_registrar(struct lg_run *run, int with_config)
{
	pthread_rwlock_wrlock(&run->state_lock);
	registrar_emit_locked(run, with_config);
	pthread_rwlock_unlock(&run->state_lock);
}

uint64_t lg_snapshot_statedump(struct lg_run *run, uint64_t dump_id)
{
	struct ultrace_contact c;
	uint64_t count = 0;
	uint32_t i;

	pthread_rwlock_wrlock(&run->state_lock);
	ultrace_statedump_begin(dump_id);
	/* As a registrar does: a consumer attaching late learns them here. */
	registrar_emit_locked(run, 1);
	for (i = 0; i < run->cfg->threads; i++) {
		const struct lg_thread *t = run->threads[i];
		size_t nslots = (size_t) t->nusers * run->cfg->max_contacts;
		size_t slot;

		for (slot = 0; slot < nslots; slot++) {
			if (t->slots[slot].used) {
				lg_thread_borrow_contact(t, (uint32_t) slot, &c);
				ultrace_statedump_contact(dump_id, &c);
				count++;
			}
		}
	}
	ultrace_statedump_end(dump_id, count);
	pthread_rwlock_unlock(&run->state_lock);
	ULTRACE_INFO("statedump %" PRIu64 ": %" PRIu64 " contacts", dump_id,
		count);
	return count;
}

size_t lg_snapshot_total_slots(const struct lg_run *run)
{
	size_t total = 0;
	uint32_t i;

	for (i = 0; i < run->cfg->threads; i++) {
		total += (size_t) run->threads[i]->nusers *
			run->cfg->max_contacts;
	}
	return total;
}

int lg_snapshot_rolling_step(struct lg_run *run, struct lg_rolling_dump *d,
		uint64_t *dump_id, size_t slots)
{
	struct ultrace_contact c;
	int ended = 0;

	pthread_rwlock_wrlock(&run->state_lock);
	if (!d->active) {
		memset(d, 0, sizeof(*d));
		d->active = 1;
		d->id = ++*dump_id;
		ultrace_statedump_begin(d->id);
		registrar_emit_locked(run, 1);
	}
	while (slots > 0 && d->thread < run->cfg->threads) {
		const struct lg_thread *t = run->threads[d->thread];
		size_t nslots = (size_t) t->nusers * run->cfg->max_contacts;

		for (; slots > 0 && d->slot < nslots; d->slot++, slots--) {
			if (t->slots[d->slot].used) {
				lg_thread_borrow_contact(t, (uint32_t) d->slot,
					&c);
				ultrace_statedump_contact(d->id, &c);
				d->count++;
			}
		}
		if (d->slot == nslots) {
			d->thread++;
			d->slot = 0;
		}
	}
	if (d->thread == run->cfg->threads) {
		ultrace_statedump_end(d->id, d->count);
		d->active = 0;
		ended = 1;
	}
	pthread_rwlock_unlock(&run->state_lock);
	if (ended) {
		ULTRACE_INFO("rolling statedump %" PRIu64 ": %" PRIu64
			" contacts", d->id, d->count);
	}
	return ended;
}
