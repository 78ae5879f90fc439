/*
 * registry_sink.c: the `ultrace-registry` sink component class: pulls
 * messages from its one input port and hands each batch to the apply
 * engine (apply_engine.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registry_sink.h"

#include <stdlib.h>

struct registry_sink {
	struct ultrace_registry_sink_config *config;
	struct ultrace_apply_engine *engine;
	bt_message_iterator *iterator;
};

static bt_component_class_initialize_method_status sink_initialize(
		bt_self_component_sink *self,
		bt_self_component_sink_configuration *configuration,
		const bt_value *params, void *init_data)
{
	struct registry_sink *sink = calloc(1, sizeof(*sink));

	(void) configuration;
	(void) params;
	if (sink == NULL) {
		goto error;
	}
	sink->config = init_data;
	sink->engine = ultrace_apply_engine_create(sink->config);
	if (sink->engine == NULL) {
		goto error;
	}
	if (bt_self_component_sink_add_input_port(self, "in", NULL, NULL) !=
			BT_SELF_COMPONENT_ADD_PORT_STATUS_OK) {
		goto error;
	}
	bt_self_component_set_data(
		bt_self_component_sink_as_self_component(self), sink);
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;

error:
	if (sink != NULL) {
		ultrace_apply_engine_destroy(sink->engine);
	}
	free(sink);
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
}

static void sink_finalize(bt_self_component_sink *self)
{
	struct registry_sink *sink = bt_self_component_get_data(
		bt_self_component_sink_as_self_component(self));

	bt_message_iterator_put_ref(sink->iterator);
	ultrace_apply_engine_destroy(sink->engine);
	free(sink);
}

static bt_component_class_sink_graph_is_configured_method_status
sink_graph_is_configured(bt_self_component_sink *self)
{
	struct registry_sink *sink = bt_self_component_get_data(
		bt_self_component_sink_as_self_component(self));
	bt_self_component_port_input *port =
		bt_self_component_sink_borrow_input_port_by_index(self, 0);

	if (bt_message_iterator_create_from_sink_component(self, port,
			&sink->iterator) !=
			BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK) {
		return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
	}
	return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK;
}

static bt_component_class_sink_consume_method_status sink_consume(
		bt_self_component_sink *self)
{
	struct registry_sink *sink = bt_self_component_get_data(
		bt_self_component_sink_as_self_component(self));

	return ultrace_apply_pull_consume_status(self,
		ultrace_apply_engine_pull(sink->engine, sink->iterator),
		sink->config);
}

bt_component_class_sink *ultrace_registry_sink_class_create(void)
{
	bt_component_class_sink *cls =
		bt_component_class_sink_create("ultrace-registry", sink_consume);

	if (cls == NULL) {
		return NULL;
	}
	if (bt_component_class_sink_set_initialize_method(cls,
			sink_initialize) != BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK ||
			bt_component_class_sink_set_finalize_method(cls,
				sink_finalize) != BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK ||
			bt_component_class_sink_set_graph_is_configured_method(
				cls, sink_graph_is_configured) !=
				BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK) {
		bt_component_class_sink_put_ref(cls);
		return NULL;
	}
	return cls;
}
