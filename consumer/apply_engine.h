/*
 * apply_engine.h: the replay engine's core: takes batches of babeltrace2
 * messages, decodes the `ultrace` events, applies them to a registry,
 * counts tracer discards and ends at the requested instant. Shared by the
 * `ultrace-registry` sink of ultrace-replay and ultrace-consumerd and by
 * the babeltrace2 plugin's sink.ultrace.table. Knows babeltrace2 and the
 * registry API; nothing of SNMP, nothing of where the messages come from.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_APPLY_ENGINE_H
#define ULTRACE_APPLY_ENGINE_H

#include <pthread.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>

#include "lag_histogram.h"
#include "loss_log.h"
#include "registry.h"

/*
 * Owned by the caller, handed to the engine (for the `ultrace-registry` sink: as its
 * initialize method data); the engine writes its results back into it.
 */
struct ultrace_registry_sink_config {
	struct ultrace_registry *registry;
	/* Apply only events at or before this instant (ns since epoch). */
	int64_t stop_after_ns;
	/* Skip (and count) malformed events instead of failing. */
	int keep_going;
	/*
	 * When set, held while a batch of messages is applied, never while
	 * babeltrace2 reads: readers of the registry (the SNMP agent) wait
	 * at most one batch.
	 */
	pthread_mutex_t *lock;
	/*
	 * When set (live), each applied event's delay from its timestamp to
	 * now (CLOCK_REALTIME) is recorded, under `lock`.
	 */
	struct ultrace_lag_histogram *lag;
	/* When set, each discard report is also tallied per stream. */
	struct ultrace_loss_log *losses;
	/* When set (live), the lag is also recorded here, never reset. */
	struct ultrace_lag_histogram *lag_total;
	/*
	 * TTL (ultrace_registry_expire()): after each batch, contacts whose
	 * `expires` is at least this many seconds before the trace clock are
	 * removed; < 0: never. The trace clock is the newest event or
	 * inactivity instant applied (never past stop_after_ns).
	 */
	int64_t expiry_grace_s;

	/* Results. */
	int64_t trace_now_ns;        /* the trace clock; 0 before any event */
	int64_t last_lag_ns;         /* live: lag of the last event applied */
	uint64_t malformed;          /* malformed ultrace events seen */
	uint64_t ignored;            /* events of other providers */
	int reached_stop;            /* an event past stop_after_ns came */
	int failed;                  /* the sink stopped the graph */
	char error[1024];            /* first error, when failed/malformed */
};

struct ultrace_apply_engine;

/* An engine applying to config->registry; NULL when memory ran out. */
struct ultrace_apply_engine *ultrace_apply_engine_create(
		struct ultrace_registry_sink_config *config);
void ultrace_apply_engine_destroy(struct ultrace_apply_engine *engine);

/*
 * Take `count` messages and put their references. Their events are
 * applied in order (under config->lock when set), on a thread of the
 * engine's own when the machine has a second CPU: they may not be in the
 * registry yet when this returns; ultrace_apply_engine_flush() waits.
 * Returns 1 to go on, 0 when the stop instant was passed
 * (config->reached_stop; everything before it is applied), -1 on error
 * (config->failed, and config->error says why).
 */
int ultrace_apply_engine_consume(struct ultrace_apply_engine *engine,
		bt_message_array_const msgs, uint64_t count);

/*
 * Hand what was taken to the applier; with `wait`, return once it is all
 * in the registry (call it at the end of the input, before reading the
 * registry without the lock). Returns 0, or -1 on error (as above).
 * Destroying the engine flushes too.
 */
int ultrace_apply_engine_flush(struct ultrace_apply_engine *engine, int wait);

#endif /* ULTRACE_APPLY_ENGINE_H */
