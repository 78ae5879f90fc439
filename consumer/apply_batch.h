/*
 * apply_batch.h: a batch of decoded trace items (events, tracer losses,
 * clock ticks) that owns copies of their strings, and the code that
 * applies one to a registry: the half of the replay engine that runs
 * after babeltrace2, on the applying thread. Knows the registry, the loss
 * log and the lag histogram; nothing of babeltrace2, nothing of SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_APPLY_BATCH_H
#define ULTRACE_APPLY_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

struct ultrace_registry_sink_config;

/* Items per batch: enough to amortize a hand-off between threads. */
#define ULTRACE_APPLY_BATCH_ITEMS 512

enum ultrace_apply_item_kind {
	ULTRACE_APPLY_EVENT,     /* a decoded ultrace event */
	ULTRACE_APPLY_LOSS,      /* the tracer discarded events or packets */
	ULTRACE_APPLY_CLOCK,     /* live inactivity: the trace clock moved */
};

struct ultrace_apply_loss {
	uint64_t count;
	int packets;
	int64_t begin_ns;        /* 0: unknown */
	int64_t end_ns;
	size_t where;            /* offset of its stream's description */
};

struct ultrace_apply_item {
	enum ultrace_apply_item_kind kind;
	union {
		/* String slices hold offsets into the batch's bytes. */
		struct ultrace_registry_event event;
		struct ultrace_apply_loss loss;
		int64_t clock_ns;
	} u;
};

struct ultrace_apply_batch {
	size_t count;
	struct ultrace_apply_item items[ULTRACE_APPLY_BATCH_ITEMS];
	char *bytes;             /* the items' strings, NUL-terminated */
	size_t used;
	size_t alloc;
};

struct ultrace_apply_batch *ultrace_apply_batch_create(void);
void ultrace_apply_batch_destroy(struct ultrace_apply_batch *batch);
void ultrace_apply_batch_reset(struct ultrace_apply_batch *batch);
static inline int ultrace_apply_batch_full(
		const struct ultrace_apply_batch *batch)
{
	return batch->count == ULTRACE_APPLY_BATCH_ITEMS;
}

/*
 * Append a copy of an item (the batch is not full). Return 0, or -1 when
 * memory ran out (nothing appended).
 */
int ultrace_apply_batch_add_event(struct ultrace_apply_batch *batch,
		const struct ultrace_registry_event *event);
int ultrace_apply_batch_add_loss(struct ultrace_apply_batch *batch,
		const struct ultrace_apply_loss *loss, const char *where);
int ultrace_apply_batch_add_clock(struct ultrace_apply_batch *batch,
		int64_t clock_ns);

/*
 * Apply every item in order to config->registry, under config->lock when
 * set, then expire by TTL; record the lag of each event (config->lag)
 * against the clock read once at the start. Returns 0, or -1 when memory
 * ran out applying an event (config->error says so; the items before it
 * are applied, the rest are not).
 */
int ultrace_apply_batch_run(struct ultrace_apply_batch *batch,
		struct ultrace_registry_sink_config *config);

#endif /* ULTRACE_APPLY_BATCH_H */
