/*
 * replay_graph.h: builds and runs the babeltrace2 graph that feeds a
 * registry: src.ctf.fs (one per trace) -> flt.utils.muxer -> our sink.
 * Knows babeltrace2; nothing of SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_REPLAY_GRAPH_H
#define ULTRACE_REPLAY_GRAPH_H

#include <stddef.h>

#include <babeltrace2/babeltrace.h>

#include "registry_sink.h"
#include "trace_discovery.h"

enum ultrace_replay_status {
	ULTRACE_REPLAY_OK,       /* one step done, more to come */
	ULTRACE_REPLAY_END,      /* every message consumed, or stop reached */
	ULTRACE_REPLAY_AGAIN,    /* live: no data right now, call again */
	ULTRACE_REPLAY_ERROR,    /* err holds the reason */
};

struct ultrace_replay_graph;

/*
 * `config` must outlive the graph; `log_level` is babeltrace2's own
 * logging for the components (BT_LOGGING_LEVEL_NONE to keep it quiet).
 */
struct ultrace_replay_graph *ultrace_replay_graph_create_fs(
		const struct ultrace_trace_list *traces,
		struct ultrace_registry_sink_config *config,
		bt_logging_level log_level, char *err, size_t errlen);

/*
 * Follow a live session through lttng-relayd: `url` is
 * net://HOST[:PORT]/host/HOSTNAME/SESSION. `wait_for_session`: if the
 * session does not exist (yet, or any more), wait for it (AGAIN) instead
 * of ending.
 */
struct ultrace_replay_graph *ultrace_replay_graph_create_live(
		const char *url, int wait_for_session,
		struct ultrace_registry_sink_config *config,
		bt_logging_level log_level, char *err, size_t errlen);

/* Make a blocked or future run return soon (from any thread). */
void ultrace_replay_graph_interrupt(struct ultrace_replay_graph *graph);

/* Run to the end (once == 0) or one step (once != 0). */
enum ultrace_replay_status ultrace_replay_graph_run(
		struct ultrace_replay_graph *graph, int once, char *err,
		size_t errlen);

void ultrace_replay_graph_destroy(struct ultrace_replay_graph *graph);

/*
 * Take the current thread's babeltrace2 error (if any) and append its
 * causes, most recent first, to `buf`; releases it.
 */
void ultrace_bt_error_take(char *buf, size_t len);

/* bt_plugin_find() (system and user paths), one thread at a time. */
bt_plugin_find_status ultrace_bt_plugin_find(const char *name,
		const bt_plugin **plugin);

#endif /* ULTRACE_REPLAY_GRAPH_H */
