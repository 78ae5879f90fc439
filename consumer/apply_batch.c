/*
 * apply_batch.c: copying decoded items into a batch, and applying one.
 * While it applies event i, the registry's lookahead starts loading what
 * the events ahead will touch: a replay's contacts are spread over far
 * more memory than any cache, and a lookup otherwise waits for two or
 * three loads from memory in a row.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "apply_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply_config.h"

struct ultrace_apply_batch *ultrace_apply_batch_create(void)
{
	return calloc(1, sizeof(struct ultrace_apply_batch));
}

void ultrace_apply_batch_destroy(struct ultrace_apply_batch *batch)
{
	if (batch != NULL) {
		free(batch->bytes);
		free(batch);
	}
}

void ultrace_apply_batch_reset(struct ultrace_apply_batch *batch)
{
	batch->count = 0;
	batch->used = 0;
}

static int reserve(struct ultrace_apply_batch *batch, size_t more)
{
	size_t alloc = batch->alloc ? batch->alloc : 64 * 1024;
	char *bytes;

	if (more <= batch->alloc - batch->used) {
		return 0;
	}
	while (alloc - batch->used < more) {
		if (alloc > SIZE_MAX / 2) {
			return -1;
		}
		alloc *= 2;
	}
	bytes = realloc(batch->bytes, alloc);
	if (bytes == NULL) {
		return -1;
	}
	batch->bytes = bytes;
	batch->alloc = alloc;
	return 0;
}

/* Copy a slice; it then holds its offset in the batch's bytes. */
static void copy_str(struct ultrace_apply_batch *batch, struct ultrace_str *s)
{
	size_t at = batch->used;

	if (s->len > 0) {
		memcpy(batch->bytes + at, s->s, s->len);
	}
	batch->bytes[at + s->len] = '\0';
	batch->used += s->len + 1;
	s->s = (const char *) (uintptr_t) at;
}

static void rebase_str(const struct ultrace_apply_batch *batch,
		struct ultrace_str *s)
{
	s->s = batch->bytes + (uintptr_t) s->s;
}

#define CONTACT_SLICES(c) { &(c)->domain, &(c)->aor, &(c)->contact, \
	&(c)->display_name, &(c)->received, &(c)->path, &(c)->user_agent, \
	&(c)->callid, &(c)->ruid, &(c)->instance, &(c)->socket }
#define SLICE_COUNT 11

int ultrace_apply_batch_add_event(struct ultrace_apply_batch *batch,
		const struct ultrace_registry_event *event)
{
	struct ultrace_apply_item *item = &batch->items[batch->count];
	struct ultrace_contact *c = &item->u.event.contact;
	struct ultrace_str *slices[SLICE_COUNT] = CONTACT_SLICES(c);
	size_t need = SLICE_COUNT;
	int i;

	item->kind = ULTRACE_APPLY_EVENT;
	item->u.event = *event;
	if (ultrace_event_kind_has_contact(event->kind)) {
		for (i = 0; i < SLICE_COUNT; i++) {
			if (slices[i]->s == NULL) {
				slices[i]->len = 0;
			}
			need += slices[i]->len;
		}
		if (reserve(batch, need) != 0) {
			return -1;
		}
		for (i = 0; i < SLICE_COUNT; i++) {
			copy_str(batch, slices[i]);
		}
	}
	batch->count++;
	return 0;
}

int ultrace_apply_batch_add_loss(struct ultrace_apply_batch *batch,
		const struct ultrace_apply_loss *loss, const char *where)
{
	struct ultrace_apply_item *item = &batch->items[batch->count];
	size_t len = strlen(where);

	if (reserve(batch, len + 1) != 0) {
		return -1;
	}
	item->kind = ULTRACE_APPLY_LOSS;
	item->u.loss = *loss;
	item->u.loss.where = batch->used;
	memcpy(batch->bytes + batch->used, where, len + 1);
	batch->used += len + 1;
	batch->count++;
	return 0;
}

int ultrace_apply_batch_add_clock(struct ultrace_apply_batch *batch,
		int64_t clock_ns)
{
	struct ultrace_apply_item *item = &batch->items[batch->count];

	item->kind = ULTRACE_APPLY_CLOCK;
	item->u.clock_ns = clock_ns;
	batch->count++;
	return 0;
}

/* Turn the offsets of a batch's events back into pointers. */
static void rebase(struct ultrace_apply_batch *batch)
{
	size_t n;
	int i;

	for (n = 0; n < batch->count; n++) {
		struct ultrace_apply_item *item = &batch->items[n];
		struct ultrace_contact *c = &item->u.event.contact;
		struct ultrace_str *slices[SLICE_COUNT] = CONTACT_SLICES(c);

		if (item->kind != ULTRACE_APPLY_EVENT ||
				!ultrace_event_kind_has_contact(
					item->u.event.kind)) {
			continue;
		}
		for (i = 0; i < SLICE_COUNT; i++) {
			rebase_str(batch, slices[i]);
		}
	}
}

static void apply_ttl(struct ultrace_registry_sink_config *config)
{
	int64_t deadline_s;

	if (config->expiry_grace_s < 0 || config->trace_now_ns <= 0) {
		return;
	}
	deadline_s = config->trace_now_ns / 1000000000 - config->expiry_grace_s;
	ultrace_registry_expire(config->registry, deadline_s);
}

static int apply_event(struct ultrace_registry_sink_config *config,
		const struct ultrace_registry_event *event,
		const struct ultrace_registry_hint *hint, int64_t now_ns)
{
	enum ultrace_registry_status status =
		ultrace_registry_apply_hinted(config->registry, event, hint);

	if (event->time_ns > config->trace_now_ns) {
		config->trace_now_ns = event->time_ns;
	}
	if (config->lag != NULL) {
		config->last_lag_ns = now_ns - event->time_ns;
		ultrace_lag_record(config->lag, config->last_lag_ns);
		if (config->lag_total != NULL) {
			ultrace_lag_record(config->lag_total,
				config->last_lag_ns);
		}
	}
	if (status == ULTRACE_REGISTRY_STATUS_NOMEM) {
		snprintf(config->error, sizeof(config->error),
			"out of memory applying %s",
			ultrace_event_kind_name(event->kind));
		return -1;
	}
	return 0;
}

static void apply_loss(struct ultrace_registry_sink_config *config,
		const struct ultrace_apply_batch *batch,
		const struct ultrace_apply_loss *loss)
{
	if (config->losses != NULL) {
		ultrace_loss_log_note(config->losses, batch->bytes + loss->where,
			loss->packets, loss->count, loss->begin_ns,
			loss->end_ns);
	}
	ultrace_registry_note_loss(config->registry,
		loss->packets ? 0 : loss->count,
		loss->packets ? loss->count : 0, loss->begin_ns, loss->end_ns);
	if (config->hooks != NULL && config->hooks->loss != NULL) {
		config->hooks->loss(config->hooks->data, loss->packets,
			loss->count, loss->begin_ns, loss->end_ns);
	}
}

/* The lookahead's view of a batch: its events, NULL for other items. */
static const struct ultrace_registry_event *event_at(void *ctx, size_t n)
{
	const struct ultrace_apply_batch *batch = ctx;

	return batch->items[n].kind == ULTRACE_APPLY_EVENT ?
		&batch->items[n].u.event : NULL;
}

int ultrace_apply_batch_run(struct ultrace_apply_batch *batch,
		struct ultrace_registry_sink_config *config)
{
	struct ultrace_registry_lookahead lookahead;
	int64_t now_ns = 0;
	size_t n;
	int ret = 0;

	rebase(batch);
	if (config->lock != NULL) {
		pthread_mutex_lock(config->lock);
	}
	if (config->lag != NULL) {
		struct timespec ts;

		/* One clock read per batch: the batch becomes visible at once. */
		clock_gettime(CLOCK_REALTIME, &ts);
		now_ns = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
	}
	ultrace_registry_lookahead_start(&lookahead, config->registry,
		event_at, batch, batch->count);
	for (n = 0; n < batch->count && ret == 0; n++) {
		struct ultrace_apply_item *item = &batch->items[n];
		struct ultrace_registry_hint hint;

		ultrace_registry_lookahead_step(&lookahead, n, &hint);
		switch (item->kind) {
		case ULTRACE_APPLY_EVENT:
			ret = apply_event(config, &item->u.event, &hint,
				now_ns);
			break;
		case ULTRACE_APPLY_LOSS:
			apply_loss(config, batch, &item->u.loss);
			break;
		case ULTRACE_APPLY_CLOCK:
			if (item->u.clock_ns > config->trace_now_ns) {
				config->trace_now_ns = item->u.clock_ns;
			}
			break;
		}
	}
	if (ret == 0) {
		apply_ttl(config);
	}
	if (config->lock != NULL) {
		pthread_mutex_unlock(config->lock);
	}
	return ret;
}
