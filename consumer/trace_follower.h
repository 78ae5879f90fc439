/*
 * trace_follower.h: the thread that reads a trace (live through
 * lttng-relayd, or a recorded directory) into the registry, rebuilding
 * the babeltrace2 graph with backoff when the relay daemon goes away.
 * Knows babeltrace2 (through replay_graph.h) and the registry; no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_TRACE_FOLLOWER_H
#define ULTRACE_TRACE_FOLLOWER_H

#include <pthread.h>
#include <stdint.h>

#include "lag_histogram.h"
#include "registry.h"

/* What to do when a live session ends or the relay daemon goes away. */
enum ultrace_on_end {
	ULTRACE_ON_END_RETRY,    /* keep serving; reattach with backoff */
	ULTRACE_ON_END_SERVE,    /* keep serving the last state; stop reading */
	ULTRACE_ON_END_EXIT,     /* stop; the daemon exits */
};

enum ultrace_follower_state {
	ULTRACE_FOLLOWER_STARTING,
	ULTRACE_FOLLOWER_FOLLOWING,   /* attached / reading */
	ULTRACE_FOLLOWER_RETRYING,    /* lost the relay daemon; backing off */
	ULTRACE_FOLLOWER_DONE,        /* trace read to its end, or ended */
	ULTRACE_FOLLOWER_FAILED,      /* cannot read: see the log */
};

struct ultrace_follower_options {
	const char *live_url;     /* exactly one of live_url, trace_dir */
	const char *trace_dir;
	enum ultrace_on_end on_end;
	int poll_ms;              /* sleep when the relay has no data */
	int retry_max_s;          /* backoff ceiling */
	int bt_warnings;          /* show babeltrace2's own warnings */
	/*
	 * TTL: contacts whose `expires` is this many seconds in the past
	 * are removed (registry.h, ultrace_registry_expire()); < 0: never.
	 * The clock is the trace's: the newest event or inactivity beacon
	 * (doc/design.md, "Convergence").
	 */
	int64_t expiry_grace_s;
};

/* What the thread reports about itself (ultrace_follower_get_health). */
struct ultrace_follower_health {
	enum ultrace_follower_state state;
	uint64_t malformed;       /* malformed ultrace events skipped */
	uint64_t reattachments;   /* graphs rebuilt after losing the relay */
	/* Lag, event timestamp to applied, over the consumer's life. */
	uint64_t lag_events;
	int64_t lag_p50_ns;
	int64_t lag_p99_ns;
	int64_t lag_max_ns;
	int64_t last_lag_ns;      /* of the last event applied */
};

struct ultrace_follower;

/* Starts the thread; `lock` guards `registry`. NULL on failure. */
struct ultrace_follower *ultrace_follower_create(
		const struct ultrace_follower_options *options,
		struct ultrace_registry *registry, pthread_mutex_t *lock);

/* Current state (any thread). */
enum ultrace_follower_state ultrace_follower_get_state(
		const struct ultrace_follower *follower);

/*
 * Copy the live lag histogram since the last call into `out`, and start a
 * new window (takes the registry lock). Empty for --trace.
 */
void ultrace_follower_take_lag(struct ultrace_follower *follower,
		struct ultrace_lag_histogram *out);

/*
 * Snapshot of the thread's counters; the caller holds the registry lock
 * (the SNMP agent reads it while serving a request).
 */
void ultrace_follower_get_health(const struct ultrace_follower *follower,
		struct ultrace_follower_health *out);

/*
 * The trace clock (ns since the epoch): the newest event or inactivity
 * beacon seen; 0 before any. The caller holds the registry lock.
 */
int64_t ultrace_follower_trace_now_ns(const struct ultrace_follower *follower);

/* Ask the thread to stop, interrupt babeltrace2, join; frees. */
void ultrace_follower_destroy(struct ultrace_follower *follower);

#endif /* ULTRACE_TRACE_FOLLOWER_H */
