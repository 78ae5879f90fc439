/*
 * table_plugin.c: the babeltrace2 plugin `ultrace` and its sink component
 * class `table`: babeltrace2 users put the table rebuild of ultrace-replay
 * in graphs of their own (babeltrace2 TRACE -c sink.ultrace.table). Each
 * batch of messages goes to the replay engine (apply_engine.c); when the
 * graph ends, or the stop instant `at` is passed, the state is printed by
 * replay_output.c, the same code as ultrace-replay's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>

#include <babeltrace2/babeltrace.h>

#include "apply_engine.h"
#include "log.h"
#include "loss_log.h"
#include "registry.h"
#include "replay_output.h"
#include "table_params.h"

BT_PLUGIN_MODULE();

BT_PLUGIN(ultrace);
BT_PLUGIN_DESCRIPTION("Rebuild a SIP registrar's user location table "
	"from its `ultrace` LTTng events, as ultrace-replay does");
BT_PLUGIN_AUTHOR("The ultrace developers");
BT_PLUGIN_LICENSE("LGPL-2.1-or-later");
BT_PLUGIN_VERSION(ULTRACE_VERSION_MAJOR, ULTRACE_VERSION_MINOR,
	ULTRACE_VERSION_PATCH, NULL);

struct table_sink {
	struct ultrace_table_params params;
	struct ultrace_registry *registry;
	struct ultrace_loss_log *losses;
	/* The engine reads its settings here and writes its results back. */
	struct ultrace_registry_sink_config config;
	struct ultrace_apply_engine *engine;
	bt_message_iterator *iterator;
};

/* Our messages (ultrace's log.c) at the component's babeltrace2 level. */
static enum ultrace_log_level log_level_of(bt_logging_level level)
{
	switch (level) {
	case BT_LOGGING_LEVEL_TRACE:
	case BT_LOGGING_LEVEL_DEBUG:
		return ULTRACE_LOG_DEBUG;
	case BT_LOGGING_LEVEL_INFO:
		return ULTRACE_LOG_INFO;
	case BT_LOGGING_LEVEL_WARNING:
		return ULTRACE_LOG_WARNING;
	default:
		return ULTRACE_LOG_ERROR;
	}
}

static void table_sink_destroy(struct table_sink *sink)
{
	if (sink == NULL) {
		return;
	}
	bt_message_iterator_put_ref(sink->iterator);
	ultrace_apply_engine_destroy(sink->engine);
	ultrace_registry_destroy(sink->registry);
	free(sink->losses);
	ultrace_table_params_fini(&sink->params);
	free(sink);
}

static bt_component_class_initialize_method_status table_initialize(
		bt_self_component_sink *self,
		bt_self_component_sink_configuration *configuration,
		const bt_value *params, void *init_data)
{
	bt_self_component *comp = bt_self_component_sink_as_self_component(self);
	struct table_sink *sink = calloc(1, sizeof(*sink));
	char err[512];
	int ret;

	(void) configuration;
	(void) init_data;
	ultrace_log_init("sink.ultrace.table", log_level_of(
		bt_component_get_logging_level(
			bt_self_component_as_component(comp))));
	if (sink == NULL) {
		goto nomem;
	}
	ret = ultrace_table_params_parse(params, &sink->params, err,
		sizeof(err));
	if (ret == -1) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(comp, "%s",
			err);
		table_sink_destroy(sink);
		return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
	}
	if (ret != 0) {
		goto nomem;
	}
	sink->registry = ultrace_registry_create();
	sink->losses = calloc(1, sizeof(*sink->losses));
	if (sink->registry == NULL || sink->losses == NULL) {
		goto nomem;
	}
	/* As ultrace-replay sets it up (replay_main.c). */
	sink->config.registry = sink->registry;
	sink->config.stop_after_ns = sink->params.output.at_ns;
	sink->config.losses = sink->losses;
	sink->config.expiry_grace_s = sink->params.output.expiry_grace_s;
	sink->engine = ultrace_apply_engine_create(&sink->config);
	if (sink->engine == NULL) {
		goto nomem;
	}
	if (bt_self_component_sink_add_input_port(self, "in", NULL, NULL) !=
			BT_SELF_COMPONENT_ADD_PORT_STATUS_OK) {
		table_sink_destroy(sink);
		return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
	}
	bt_self_component_set_data(comp, sink);
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;

nomem:
	table_sink_destroy(sink);
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
}

static void table_finalize(bt_self_component_sink *self)
{
	table_sink_destroy(bt_self_component_get_data(
		bt_self_component_sink_as_self_component(self)));
}

static bt_component_class_sink_graph_is_configured_method_status
table_graph_is_configured(bt_self_component_sink *self)
{
	struct table_sink *sink = bt_self_component_get_data(
		bt_self_component_sink_as_self_component(self));

	switch (bt_message_iterator_create_from_sink_component(self,
			bt_self_component_sink_borrow_input_port_by_index(self, 0),
			&sink->iterator)) {
	case BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK:
		return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK;
	case BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_MEMORY_ERROR:
		return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_MEMORY_ERROR;
	default:
		return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
	}
}

/* Every message applied, or the stop instant passed: print, end. */
static bt_component_class_sink_consume_method_status table_finish(
		bt_self_component_sink *self, struct table_sink *sink)
{
	char err[1024];

	/* END and STOP of ultrace_apply_engine_pull(): all is applied. */
	ultrace_replay_output_settle(sink->registry, &sink->params.output);
	if (ultrace_replay_output_write(sink->params.output_file,
			sink->registry, sink->losses, &sink->params.output,
			err, sizeof(err)) != 0) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(
			bt_self_component_sink_as_self_component(self), "%s",
			err);
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
	}
	return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END;
}

static bt_component_class_sink_consume_method_status table_consume(
		bt_self_component_sink *self)
{
	struct table_sink *sink = bt_self_component_get_data(
		bt_self_component_sink_as_self_component(self));
	enum ultrace_apply_pull_status status =
		ultrace_apply_engine_pull(sink->engine, sink->iterator);

	if (status == ULTRACE_APPLY_PULL_END ||
			status == ULTRACE_APPLY_PULL_STOP) {
		/* The input ended, or an event past `at` came: print. */
		return table_finish(self, sink);
	}
	return ultrace_apply_pull_consume_status(self, status, &sink->config);
}

BT_PLUGIN_SINK_COMPONENT_CLASS(table, table_consume);
BT_PLUGIN_SINK_COMPONENT_CLASS_DESCRIPTION(table,
	"Print the contacts (or the counters) of a SIP registrar rebuilt "
	"from its `ultrace` events, as ultrace-replay does");
BT_PLUGIN_SINK_COMPONENT_CLASS_HELP(table,
	"Applies the `ultrace` events it consumes (contact insert, update, "
	"delete, expire, statedumps) to an in-memory registry, with "
	"ultrace-replay's engine, and prints the contacts when the graph "
	"ends.\n"
	"\n"
	"Parameters:\n"
	"  format=FMT     csv, json, table (default), or stats: the output of "
	"ultrace-replay --format FMT, or of ultrace-replay --stats\n"
	"  at=TIME        the state at TIME: ISO-8601 with a zone or ns since "
	"the epoch, as ultrace-replay --at\n"
	"  expiry-grace=S TTL grace in seconds or `off` (default 120), as "
	"ultrace-replay --expiry-grace\n"
	"  output=PATH    write to the file PATH instead of standard output\n"
	"\n"
	"See the babeltrace2-sink.ultrace.table(7) manual page.");
BT_PLUGIN_SINK_COMPONENT_CLASS_INITIALIZE_METHOD(table, table_initialize);
BT_PLUGIN_SINK_COMPONENT_CLASS_FINALIZE_METHOD(table, table_finalize);
BT_PLUGIN_SINK_COMPONENT_CLASS_GRAPH_IS_CONFIGURED_METHOD(table,
	table_graph_is_configured);
