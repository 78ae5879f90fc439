/*
 * apply_config.h: what a caller asks of the replay engine (the registry,
 * the stop instant, the lock, lag and loss records, TTL) and what the
 * engine reports back. Shared by the reading half (apply_engine.c, which
 * knows babeltrace2) and the applying half (apply_batch.c, which does not).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_APPLY_CONFIG_H
#define ULTRACE_APPLY_CONFIG_H

#include <pthread.h>
#include <stdint.h>

#include "lag_histogram.h"
#include "loss_log.h"
#include "registry.h"

struct ultrace_registry_sink_config;

/*
 * What a caller may do as the replay goes (ultrace-replay --history);
 * every member may be NULL.
 */
struct ultrace_apply_hooks {
	/*
	 * An event (or live clock tick) stamped `ns`, past stop_after_ns,
	 * came; everything before it is applied and the applier is idle.
	 * Called on the reading thread. Return 1 to go on (having set
	 * config->stop_after_ns to at least `ns`), 0 to stop there as
	 * without the hook, -1 to fail (config->error says why).
	 */
	int (*passed_stop)(void *data,
			struct ultrace_registry_sink_config *config,
			int64_t ns);
	/*
	 * A tracer loss report (begin/end 0 when unknown), once applied to
	 * the registry. Called on the applying thread, in trace order.
	 */
	void (*loss)(void *data, int packets, uint64_t count,
			int64_t begin_ns, int64_t end_ns);
	void *data;
};

/*
 * Owned by the caller, handed to the engine (for the `ultrace-registry`
 * sink: as its initialize method data); the engine writes its results
 * back into it.
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
	/* When set, called as the replay goes (above). */
	const struct ultrace_apply_hooks *hooks;

	/* Results. */
	int64_t trace_now_ns;        /* the trace clock; 0 before any event */
	int64_t last_lag_ns;         /* live: lag of the last event applied */
	uint64_t malformed;          /* malformed ultrace events seen */
	uint64_t ignored;            /* events of other providers */
	int reached_stop;            /* an event past stop_after_ns came */
	int failed;                  /* the sink stopped the graph */
	char error[1024];            /* first error, when failed/malformed */
};

#endif /* ULTRACE_APPLY_CONFIG_H */
