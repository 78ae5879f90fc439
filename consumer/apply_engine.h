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

#include <babeltrace2/babeltrace.h>

#include "apply_config.h"

struct ultrace_apply_engine;

/* An engine applying to config->registry; NULL when memory ran out. */
struct ultrace_apply_engine *ultrace_apply_engine_create(
		struct ultrace_registry_sink_config *config);
void ultrace_apply_engine_destroy(struct ultrace_apply_engine *engine);

/*
 * Hand what was taken to the applier; with `wait`, return once it is all
 * in the registry. Returns 0, or -1 on error (config->failed, and
 * config->error says why). Destroying the engine flushes too.
 */
int ultrace_apply_engine_flush(struct ultrace_apply_engine *engine, int wait);

/* What a sink's consume method does with ultrace_apply_engine_pull(). */
enum ultrace_apply_pull_status {
	ULTRACE_APPLY_PULL_MORE,         /* taken; come back for more */
	ULTRACE_APPLY_PULL_END,          /* input ended; all is applied */
	ULTRACE_APPLY_PULL_STOP,         /* the stop instant passed; same */
	ULTRACE_APPLY_PULL_AGAIN,        /* live: nothing new right now */
	ULTRACE_APPLY_PULL_FAILED,       /* ours: config->error says why */
	ULTRACE_APPLY_PULL_MEMORY_ERROR, /* upstream ran out of memory */
	ULTRACE_APPLY_PULL_UPSTREAM_ERROR, /* its error is on the thread */
};

/*
 * Take the next messages from `iterator` (a sink's input) and hand them
 * to the engine. Their events are applied in order (under config->lock
 * when set), on a thread of the engine's own when the machine has a
 * second CPU, so after MORE they may not be in the registry yet. At the
 * end, at the stop instant (config->reached_stop) and on an error
 * everything taken is applied before this returns; on AGAIN it is handed
 * to the applier.
 */
enum ultrace_apply_pull_status ultrace_apply_engine_pull(
		struct ultrace_apply_engine *engine,
		bt_message_iterator *iterator);

/*
 * A sink's consume status for `status`, END for END and STOP (a sink that
 * does more at its end checks those first); on FAILED, config->error is
 * appended to the thread's error as the sink's cause.
 */
bt_component_class_sink_consume_method_status
ultrace_apply_pull_consume_status(bt_self_component_sink *self,
		enum ultrace_apply_pull_status status,
		const struct ultrace_registry_sink_config *config);

#endif /* ULTRACE_APPLY_ENGINE_H */
