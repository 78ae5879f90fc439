/*
 * apply_engine.c: the reading half of the replay engine: babeltrace2
 * messages -> batches of decoded items (apply_batch.h) -> the applying
 * thread (apply_pipeline.h). Here: decoding each `ultrace` event, the
 * stop instant, malformed and foreign events, the tracer's discard
 * reports; there: the registry, TTL, lag, loss log, all in trace order.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "apply_engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply_batch.h"
#include "apply_pipeline.h"
#include "event_decode.h"
#include "log.h"
#include "time_parse.h"

struct ultrace_apply_engine {
	struct ultrace_registry_sink_config *config;
	struct ultrace_event_decoder *decoder;
	struct ultrace_apply_pipeline *pipeline;
};

static int run_batch(struct ultrace_apply_batch *batch, void *arg)
{
	return ultrace_apply_batch_run(batch, arg);
}

/*
 * Apply on a thread of its own when there is a second CPU to run it,
 * unless ULTRACE_APPLY_THREAD=0 (one thread: slower, same results).
 */
static int want_thread(void)
{
	const char *env = getenv("ULTRACE_APPLY_THREAD");

	if (env != NULL && strcmp(env, "0") == 0) {
		return 0;
	}
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

struct ultrace_apply_engine *ultrace_apply_engine_create(
		struct ultrace_registry_sink_config *config)
{
	struct ultrace_apply_engine *engine = calloc(1, sizeof(*engine));
	int threaded;

	if (engine == NULL) {
		return NULL;
	}
	engine->config = config;
	engine->decoder = ultrace_event_decoder_create();
	threaded = want_thread();
	engine->pipeline = ultrace_apply_pipeline_create(threaded, run_batch,
		config);
	if (engine->pipeline == NULL && threaded) {
		/* No thread to be had: apply on this one. */
		engine->pipeline = ultrace_apply_pipeline_create(0, run_batch,
			config);
	}
	if (engine->decoder == NULL || engine->pipeline == NULL) {
		ultrace_apply_engine_destroy(engine);
		return NULL;
	}
	return engine;
}

void ultrace_apply_engine_destroy(struct ultrace_apply_engine *engine)
{
	if (engine == NULL) {
		return;
	}
	ultrace_apply_pipeline_destroy(engine->pipeline);
	ultrace_event_decoder_destroy(engine->decoder);
	free(engine);
}

/*
 * After an item was appended (added == 0): hand a full batch over.
 * Returns 1 to go on, -1 on error (config->error set).
 */
static int add_item(struct ultrace_apply_engine *engine, int added)
{
	struct ultrace_registry_sink_config *config = engine->config;

	if (added != 0) {
		snprintf(config->error, sizeof(config->error),
			"out of memory queueing an event");
		return -1;
	}
	if (ultrace_apply_batch_full(ultrace_apply_pipeline_batch(
			engine->pipeline)) &&
			ultrace_apply_pipeline_submit(engine->pipeline) != 0) {
		return -1;
	}
	return 1;
}

static int note_discarded(struct ultrace_apply_engine *engine,
		const bt_message *msg, int packets)
{
	struct ultrace_apply_loss loss;
	const bt_stream *stream;
	const bt_clock_snapshot *begin = NULL;
	const bt_clock_snapshot *end = NULL;
	uint64_t count = 0;
	int has_count;
	int has_times;
	char where[512];
	char t0[40] = "?";
	char t1[40] = "?";
	int64_t begin_ns = 0;
	int64_t end_ns = 0;
	int64_t ns;

	if (packets) {
		stream = bt_message_discarded_packets_borrow_stream_const(msg);
		has_count = bt_message_discarded_packets_get_count(msg,
			&count) == BT_PROPERTY_AVAILABILITY_AVAILABLE;
		has_times = bt_stream_class_discarded_packets_have_default_clock_snapshots(
			bt_stream_borrow_class_const(stream));
		if (has_times) {
			begin = bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(msg);
			end = bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(msg);
		}
	} else {
		stream = bt_message_discarded_events_borrow_stream_const(msg);
		has_count = bt_message_discarded_events_get_count(msg,
			&count) == BT_PROPERTY_AVAILABILITY_AVAILABLE;
		has_times = bt_stream_class_discarded_events_have_default_clock_snapshots(
			bt_stream_borrow_class_const(stream));
		if (has_times) {
			begin = bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(msg);
			end = bt_message_discarded_events_borrow_end_default_clock_snapshot_const(msg);
		}
	}
	/* An unknown count is still a loss: count it as one. */
	if (!has_count) {
		count = 1;
	}
	if (begin && bt_clock_snapshot_get_ns_from_origin(begin, &ns) ==
			BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
		ultrace_time_format_ns(ns, t0, sizeof(t0));
		begin_ns = ns;
	}
	if (end && bt_clock_snapshot_get_ns_from_origin(end, &ns) ==
			BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
		ultrace_time_format_ns(ns, t1, sizeof(t1));
		end_ns = ns;
	}
	ultrace_stream_describe(stream, where, sizeof(where));
	if (count > INT64_MAX) {
		/* lttng-live revises a count it reported: -N, then +N. */
		ULTRACE_NOTICE("tracer discard count revised by -%" PRIu64
			" %s in %s between %s and %s", (uint64_t) 0 - count,
			packets ? "packets" : "events", where, t0, t1);
	} else {
		ULTRACE_WARN("tracer discarded %" PRIu64 "%s %s in %s between "
			"%s and %s", count, has_count ? "" : " (or more)",
			packets ? "packets" : "events", where, t0, t1);
	}
	loss.count = count;
	loss.packets = packets;
	loss.begin_ns = begin_ns;
	loss.end_ns = end_ns;
	return add_item(engine, ultrace_apply_batch_add_loss(
		ultrace_apply_pipeline_batch(engine->pipeline), &loss, where));
}

/*
 * A message stamped `ns` is past the stop instant: stop there, or, when
 * the caller's hook says so, go on once it has seen everything before.
 * Returns 1 to go on, 0 to stop, -1 on error.
 */
static int passed_stop(struct ultrace_apply_engine *engine, int64_t ns)
{
	struct ultrace_registry_sink_config *config = engine->config;
	int go_on;

	if (config->hooks == NULL || config->hooks->passed_stop == NULL) {
		config->reached_stop = 1;
		return 0;
	}
	if (ultrace_apply_engine_flush(engine, 1) != 0) {
		return -1;
	}
	go_on = config->hooks->passed_stop(config->hooks->data, config, ns);
	if (go_on == 0) {
		config->reached_stop = 1;
	}
	return go_on;
}

/* Returns 1 to go on, 0 when the stop instant is passed, -1 on error. */
static int handle_event(struct ultrace_apply_engine *sink,
		const bt_message *msg)
{
	struct ultrace_registry_sink_config *config = sink->config;
	struct ultrace_registry_event event;
	char err[sizeof(config->error)];

	switch (ultrace_event_decode(sink->decoder, msg, &event, err,
			sizeof(err))) {
	case ULTRACE_DECODE_OK:
		break;
	case ULTRACE_DECODE_IGNORED:
		config->ignored++;
		return 1;
	case ULTRACE_DECODE_MALFORMED:
		/* Read by the daemon's health report under the lock. */
		if (config->lock != NULL) {
			pthread_mutex_lock(config->lock);
		}
		if (config->malformed++ == 0) {
			snprintf(config->error, sizeof(config->error), "%s",
				err);
			if (config->keep_going) {
				ULTRACE_WARN("%s", err);
			}
		}
		if (config->lock != NULL) {
			pthread_mutex_unlock(config->lock);
		}
		return config->keep_going ? 1 : -1;
	case ULTRACE_DECODE_NOMEM:
		snprintf(config->error, sizeof(config->error),
			"out of memory decoding an event");
		return -1;
	}
	if (event.time_ns > config->stop_after_ns) {
		int go_on = passed_stop(sink, event.time_ns);

		if (go_on <= 0) {
			return go_on;
		}
	}
	return add_item(sink, ultrace_apply_batch_add_event(
		ultrace_apply_pipeline_batch(sink->pipeline), &event));
}

static int handle_message(struct ultrace_apply_engine *sink, const bt_message *msg)
{
	int64_t ns;

	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		return handle_event(sink, msg);
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		return note_discarded(sink, msg, 0);
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		return note_discarded(sink, msg, 1);
	case BT_MESSAGE_TYPE_MESSAGE_ITERATOR_INACTIVITY:
		/* Live: time moved on with no event; honour the stop instant. */
		if (bt_clock_snapshot_get_ns_from_origin(
				bt_message_message_iterator_inactivity_borrow_clock_snapshot_const(msg),
				&ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
			if (ns > sink->config->stop_after_ns) {
				int go_on = passed_stop(sink, ns);

				if (go_on <= 0) {
					return go_on;
				}
			}
			return add_item(sink, ultrace_apply_batch_add_clock(
				ultrace_apply_pipeline_batch(sink->pipeline),
				ns));
		}
		return 1;
	default:
		return 1;
	}
}

int ultrace_apply_engine_flush(struct ultrace_apply_engine *engine, int wait)
{
	struct ultrace_apply_batch *batch =
		ultrace_apply_pipeline_batch(engine->pipeline);
	int ret = 0;

	if (wait) {
		ret = ultrace_apply_pipeline_drain(engine->pipeline);
	} else if (batch->count > 0) {
		ret = ultrace_apply_pipeline_submit(engine->pipeline);
	}
	if (ret != 0) {
		engine->config->failed = 1;
	}
	return ret;
}

/*
 * Take `count` messages and put their references. Returns 1 to go on, 0
 * when the stop instant was passed, -1 on error; on 0 and -1 everything
 * taken before is applied.
 */
static int consume(struct ultrace_apply_engine *engine,
		bt_message_array_const msgs, uint64_t count)
{
	uint64_t i;
	int go_on = 1;

	for (i = 0; i < count; i++) {
		if (go_on > 0) {
			go_on = handle_message(engine, msgs[i]);
		}
		bt_message_put_ref(msgs[i]);
	}
	if (go_on <= 0) {
		/* What came before the stop or the error is applied. */
		if (ultrace_apply_engine_flush(engine, 1) != 0) {
			go_on = -1;
		}
	} else if (engine->config->lock != NULL &&
			ultrace_apply_pipeline_idle(engine->pipeline) &&
			ultrace_apply_engine_flush(engine, 0) != 0) {
		/*
		 * Someone reads the registry meanwhile (the daemon's SNMP)
		 * and the applier waits for work: give it what there is, so
		 * an event is visible one babeltrace2 batch after it came. A
		 * replay hands over full batches only: each hand-off costs.
		 */
		go_on = -1;
	}
	if (go_on < 0) {
		engine->config->failed = 1;
	}
	return go_on;
}

enum ultrace_apply_pull_status ultrace_apply_engine_pull(
		struct ultrace_apply_engine *engine,
		bt_message_iterator *iterator)
{
	bt_message_array_const msgs;
	uint64_t count = 0;
	int go_on;

	switch (bt_message_iterator_next(iterator, &msgs, &count)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return ultrace_apply_engine_flush(engine, 1) == 0 ?
			ULTRACE_APPLY_PULL_END : ULTRACE_APPLY_PULL_FAILED;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return ultrace_apply_engine_flush(engine, 0) == 0 ?
			ULTRACE_APPLY_PULL_AGAIN : ULTRACE_APPLY_PULL_FAILED;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		(void) ultrace_apply_engine_flush(engine, 1);
		return ULTRACE_APPLY_PULL_MEMORY_ERROR;
	default:
		/* The caller may read the registry next: apply what came. */
		(void) ultrace_apply_engine_flush(engine, 1);
		return ULTRACE_APPLY_PULL_UPSTREAM_ERROR;
	}
	go_on = consume(engine, msgs, count);
	if (go_on > 0) {
		return ULTRACE_APPLY_PULL_MORE;
	}
	return go_on == 0 ? ULTRACE_APPLY_PULL_STOP : ULTRACE_APPLY_PULL_FAILED;
}

bt_component_class_sink_consume_method_status
ultrace_apply_pull_consume_status(bt_self_component_sink *self,
		enum ultrace_apply_pull_status status,
		const struct ultrace_registry_sink_config *config)
{
	switch (status) {
	case ULTRACE_APPLY_PULL_MORE:
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
	case ULTRACE_APPLY_PULL_END:
	case ULTRACE_APPLY_PULL_STOP:
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END;
	case ULTRACE_APPLY_PULL_AGAIN:
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_AGAIN;
	case ULTRACE_APPLY_PULL_MEMORY_ERROR:
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_MEMORY_ERROR;
	case ULTRACE_APPLY_PULL_UPSTREAM_ERROR:
		/* The upstream error stays on this thread for the caller. */
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
	case ULTRACE_APPLY_PULL_FAILED:
		break;
	}
	BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(
		bt_self_component_sink_as_self_component(self), "%s",
		config->error);
	return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
}
