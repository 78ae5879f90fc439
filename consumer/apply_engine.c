/*
 * apply_engine.c: batches of babeltrace2 messages -> registry: decode each
 * `ultrace` event, apply it, count discards (per stream too), record the
 * live lag, expire by TTL once per batch, stop at the requested instant.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "apply_engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "event_decode.h"
#include "log.h"
#include "time_parse.h"

struct ultrace_apply_engine {
	struct ultrace_registry_sink_config *config;
	int64_t batch_now_ns;        /* CLOCK_REALTIME at the batch's start */
	struct ultrace_event_decoder *decoder;
};

struct ultrace_apply_engine *ultrace_apply_engine_create(
		struct ultrace_registry_sink_config *config)
{
	struct ultrace_apply_engine *engine = calloc(1, sizeof(*engine));

	if (engine == NULL) {
		return NULL;
	}
	engine->config = config;
	engine->decoder = ultrace_event_decoder_create();
	if (engine->decoder == NULL) {
		free(engine);
		return NULL;
	}
	return engine;
}

void ultrace_apply_engine_destroy(struct ultrace_apply_engine *engine)
{
	if (engine == NULL) {
		return;
	}
	ultrace_event_decoder_destroy(engine->decoder);
	free(engine);
}

static void note_discarded(struct ultrace_apply_engine *sink, const bt_message *msg,
		int packets)
{
	struct ultrace_registry *registry = sink->config->registry;
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
	if (sink->config->losses != NULL) {
		ultrace_loss_log_note(sink->config->losses, where, packets,
			count, begin_ns, end_ns);
	}
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
	ultrace_registry_note_loss(registry, packets ? 0 : count,
		packets ? count : 0, begin_ns, end_ns);
}

/* Returns 1 to go on, 0 when the stop instant is passed, -1 on error. */
static int handle_event(struct ultrace_apply_engine *sink, const bt_message *msg)
{
	struct ultrace_registry_sink_config *config = sink->config;
	struct ultrace_registry_event event;
	enum ultrace_registry_status rstatus;
	char err[sizeof(config->error)];

	switch (ultrace_event_decode(sink->decoder, msg, &event, err,
			sizeof(err))) {
	case ULTRACE_DECODE_OK:
		break;
	case ULTRACE_DECODE_IGNORED:
		config->ignored++;
		return 1;
	case ULTRACE_DECODE_MALFORMED:
		if (config->malformed++ == 0) {
			snprintf(config->error, sizeof(config->error), "%s",
				err);
			if (config->keep_going) {
				ULTRACE_WARN("%s", err);
			}
		}
		return config->keep_going ? 1 : -1;
	case ULTRACE_DECODE_NOMEM:
		snprintf(config->error, sizeof(config->error),
			"out of memory decoding an event");
		return -1;
	}
	if (event.time_ns > config->stop_after_ns) {
		config->reached_stop = 1;
		return 0;
	}
	rstatus = ultrace_registry_apply(config->registry, &event);
	if (event.time_ns > config->trace_now_ns) {
		config->trace_now_ns = event.time_ns;
	}
	if (config->lag != NULL) {
		config->last_lag_ns = sink->batch_now_ns - event.time_ns;
		ultrace_lag_record(config->lag, config->last_lag_ns);
		if (config->lag_total != NULL) {
			ultrace_lag_record(config->lag_total,
				config->last_lag_ns);
		}
	}
	if (rstatus == ULTRACE_REGISTRY_STATUS_NOMEM) {
		snprintf(config->error, sizeof(config->error),
			"out of memory applying %s",
			ultrace_event_kind_name(event.kind));
		return -1;
	}
	return 1;
}

static int handle_message(struct ultrace_apply_engine *sink, const bt_message *msg)
{
	int64_t ns;

	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		return handle_event(sink, msg);
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		note_discarded(sink, msg, 0);
		return 1;
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		note_discarded(sink, msg, 1);
		return 1;
	case BT_MESSAGE_TYPE_MESSAGE_ITERATOR_INACTIVITY:
		/* Live: time moved on with no event; honour the stop instant. */
		if (bt_clock_snapshot_get_ns_from_origin(
				bt_message_message_iterator_inactivity_borrow_clock_snapshot_const(msg),
				&ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
			if (ns > sink->config->stop_after_ns) {
				sink->config->reached_stop = 1;
				return 0;
			}
			if (ns > sink->config->trace_now_ns) {
				sink->config->trace_now_ns = ns;
			}
		}
		return 1;
	default:
		return 1;
	}
}

/*
 * Contacts past their `expires` by the grace, on the trace clock, go. Once
 * per batch, under the lock already held: with nothing due it is one look
 * at the top of the expiry heap.
 */
static void apply_ttl(struct ultrace_registry_sink_config *config)
{
	int64_t deadline_s;

	if (config->expiry_grace_s < 0 || config->trace_now_ns <= 0) {
		return;
	}
	deadline_s = config->trace_now_ns / 1000000000 - config->expiry_grace_s;
	ultrace_registry_expire(config->registry, deadline_s);
}

int ultrace_apply_engine_consume(struct ultrace_apply_engine *sink,
		bt_message_array_const msgs, uint64_t count)
{
	uint64_t i;
	int go_on = 1;

	if (sink->config->lock != NULL) {
		pthread_mutex_lock(sink->config->lock);
	}
	if (sink->config->lag != NULL) {
		struct timespec ts;

		/* One clock read per batch: the batch becomes visible at once. */
		clock_gettime(CLOCK_REALTIME, &ts);
		sink->batch_now_ns = (int64_t) ts.tv_sec * 1000000000 +
			ts.tv_nsec;
	}
	for (i = 0; i < count; i++) {
		if (go_on > 0) {
			go_on = handle_message(sink, msgs[i]);
		}
	}
	if (go_on >= 0) {
		apply_ttl(sink->config);
	}
	if (sink->config->lock != NULL) {
		pthread_mutex_unlock(sink->config->lock);
	}
	for (i = 0; i < count; i++) {
		bt_message_put_ref(msgs[i]);
	}
	if (go_on < 0) {
		sink->config->failed = 1;
	}
	return go_on;
}
