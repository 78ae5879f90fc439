/*
 * replay_graph.c: the babeltrace2 graph behind ultrace-replay. Every
 * status is checked: after a failed call the thread holds an error and
 * the next API call would abort, so errors are taken at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "replay_graph.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ultrace_replay_graph {
	bt_graph *graph;
};

/*
 * Where babeltrace2's dump of object addresses and attributes begins in an
 * error cause (": status=...", ": iter-addr=...", ": comp-addr=..."), or
 * NULL.
 */
static const char *bt_noise(const char *msg)
{
	static const char *const marks[] = {
		": status=", ": iter-addr=", ": comp-addr=", ": graph-addr=",
	};
	const char *first = NULL;
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const char *p = strstr(msg, marks[i]);

		if (p != NULL && (first == NULL || p < first)) {
			first = p;
		}
	}
	return first;
}

void ultrace_bt_error_take(char *buf, size_t len)
{
	const bt_error *error = bt_current_thread_take_error();
	size_t used = strlen(buf);
	uint64_t n;
	uint64_t i;

	if (error == NULL) {
		return;
	}
	n = bt_error_get_cause_count(error);
	/* Cause 0 is the most recent: the highest-level explanation. */
	for (i = 0; i < n && used + 1 < len; i++) {
		const bt_error_cause *cause =
			bt_error_borrow_cause_by_index(error, i);
		const char *msg = bt_error_cause_get_message(cause);
		/* Component addresses and class details help no operator. */
		const char *noise = bt_noise(msg);
		int w = snprintf(buf + used, len - used, "%s%.*s",
			used ? "\n  " : "",
			noise ? (int) (noise - msg) : (int) strlen(msg), msg);

		if (w < 0) {
			break;
		}
		used += (size_t) w;
		if (used >= len) {
			used = len - 1;
		}
	}
	bt_error_release(error);
}

static void fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	ultrace_bt_error_take(err, errlen);
}

/* A graph wrapper with an empty babeltrace2 graph, or NULL (err set). */
static struct ultrace_replay_graph *graph_new(char *err, size_t errlen)
{
	struct ultrace_replay_graph *rg = calloc(1, sizeof(*rg));

	err[0] = '\0';
	if (rg == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rg->graph = bt_graph_create(0);
	if (rg->graph == NULL) {
		fail(err, errlen, "cannot create a babeltrace2 graph");
		free(rg);
		return NULL;
	}
	return rg;
}

/*
 * Source parameters { inputs: [input] }: both src.ctf.fs and 2.0.4's
 * src.ctf.lttng-live take an `inputs` array (lttng-live rejects `url`).
 */
static bt_value *params_with_input(const char *input)
{
	bt_value *params = bt_value_map_create();
	bt_value *inputs = NULL;

	if (params == NULL || bt_value_map_insert_empty_array_entry(params,
			"inputs", &inputs) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
			bt_value_array_append_string_element(inputs, input) !=
			BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK) {
		bt_value_put_ref(params);
		return NULL;
	}
	return params;
}

/*
 * libbabeltrace2 promises nothing about loading plugins from several
 * threads at once (a cluster's followers and its discovery do): one at a
 * time.
 */
static pthread_mutex_t plugin_lock = PTHREAD_MUTEX_INITIALIZER;

bt_plugin_find_status ultrace_bt_plugin_find(const char *name,
		const bt_plugin **plugin)
{
	bt_plugin_find_status status;

	pthread_mutex_lock(&plugin_lock);
	status = bt_plugin_find(name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE,
		BT_FALSE, plugin);
	pthread_mutex_unlock(&plugin_lock);
	return status;
}

static const bt_plugin *find_plugin(const char *name, char *err,
		size_t errlen)
{
	const bt_plugin *plugin = NULL;

	if (ultrace_bt_plugin_find(name, &plugin) !=
			BT_PLUGIN_FIND_STATUS_OK) {
		char what[256];

		snprintf(what, sizeof(what), "babeltrace2 plugin `%s` not "
			"found (install the Debian package babeltrace2)",
			name);
		fail(err, errlen, what);
		return NULL;
	}
	return plugin;
}

/* Connect every output port of `src` to a fresh muxer input port. */
static int connect_source(bt_graph *graph, const bt_component_source *src,
		const bt_component_filter *muxer, char *err, size_t errlen)
{
	uint64_t n = bt_component_source_get_output_port_count(src);
	uint64_t i;

	for (i = 0; i < n; i++) {
		const bt_port_output *out =
			bt_component_source_borrow_output_port_by_index_const(
				src, i);
		/* The muxer always keeps one unconnected input port last. */
		uint64_t in_count =
			bt_component_filter_get_input_port_count(muxer);
		const bt_port_input *in =
			bt_component_filter_borrow_input_port_by_index_const(
				muxer, in_count - 1);

		if (bt_graph_connect_ports(graph, out, in, NULL) !=
				BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
			fail(err, errlen, "cannot connect a trace stream to "
				"the muxer");
			return -1;
		}
	}
	return 0;
}

/*
 * babeltrace2 2.0.4 logs, but does not report as an error cause, why
 * metadata fails to parse. Its `babeltrace.support-info` query parses the
 * metadata of a directory: if that fails too, the metadata is at fault.
 */
static int metadata_is_broken(const bt_component_class_source *cls,
		const char *path)
{
	bt_value *params = bt_value_map_create();
	bt_query_executor *query = NULL;
	const bt_value *result = NULL;
	const bt_error *error;
	int broken = 0;

	if (params == NULL ||
			bt_value_map_insert_string_entry(params, "input",
				path) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
			bt_value_map_insert_string_entry(params, "type",
				"directory") != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK) {
		goto end;
	}
	query = bt_query_executor_create(
		bt_component_class_source_as_component_class_const(cls),
		"babeltrace.support-info", params);
	if (query == NULL) {
		goto end;
	}
	if (bt_query_executor_query(query, &result) !=
			BT_QUERY_EXECUTOR_QUERY_STATUS_OK) {
		broken = 1;
	}
end:
	/* This probe's own error is not the one to report. */
	error = bt_current_thread_take_error();
	if (error != NULL) {
		bt_error_release(error);
	}
	bt_value_put_ref(result);
	bt_query_executor_put_ref(query);
	bt_value_put_ref(params);
	return broken;
}

static int add_fs_source(bt_graph *graph, const bt_component_class_source *cls,
		const char *path, size_t i, bt_logging_level log_level,
		const bt_component_source **src, char *err, size_t errlen)
{
	bt_value *params = params_with_input(path);
	char name[32];
	int ret = -1;

	if (params == NULL) {
		fail(err, errlen, "out of memory");
		goto end;
	}
	snprintf(name, sizeof(name), "src-%zu", i);
	if (bt_graph_add_source_component(graph, cls, name, params, log_level,
			src) != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		char what[4200];

		snprintf(what, sizeof(what), "cannot open trace %s", path);
		fail(err, errlen, what);
		if (metadata_is_broken(cls, path)) {
			size_t used = strlen(err);

			snprintf(err + used, errlen - used,
				"\n  %s/metadata: cannot be parsed (corrupt "
				"or not CTF 1.8 metadata)", path);
		}
		goto end;
	}
	ret = 0;
end:
	bt_value_put_ref(params);
	return ret;
}

static int add_sink(bt_graph *graph, struct ultrace_registry_sink_config *config,
		bt_logging_level log_level, const bt_component_sink **sink,
		char *err, size_t errlen)
{
	bt_component_class_sink *cls = ultrace_registry_sink_class_create();
	int ret = -1;

	if (cls == NULL) {
		fail(err, errlen, "cannot create the registry sink class");
		goto end;
	}
	if (bt_graph_add_sink_component_with_initialize_method_data(graph,
			cls, "registry", NULL, config, log_level, sink) !=
			BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		fail(err, errlen, "cannot create the registry sink");
		goto end;
	}
	ret = 0;
end:
	bt_component_class_sink_put_ref(cls);
	return ret;
}

struct ultrace_replay_graph *ultrace_replay_graph_create_live(
		const char *url, int wait_for_session,
		struct ultrace_registry_sink_config *config,
		bt_logging_level log_level, char *err, size_t errlen)
{
	struct ultrace_replay_graph *rg = graph_new(err, errlen);
	const bt_plugin *ctf = NULL;
	const bt_component_source *src = NULL;
	const bt_component_sink *sink = NULL;
	bt_value *params = NULL;

	if (rg == NULL) {
		goto error;
	}
	ctf = find_plugin("ctf", err, errlen);
	if (ctf == NULL) {
		goto error;
	}
	params = params_with_input(url);
	if (params == NULL || bt_value_map_insert_string_entry(params,
				"session-not-found-action",
				wait_for_session ? "continue" : "end") !=
			BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK) {
		fail(err, errlen, "out of memory");
		goto error;
	}
	if (bt_graph_add_source_component(rg->graph,
			bt_plugin_borrow_source_component_class_by_name_const(
				ctf, "lttng-live"),
			"live", params, log_level, &src) !=
			BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		char what[512];

		snprintf(what, sizeof(what), "cannot follow %s", url);
		fail(err, errlen, what);
		goto error;
	}
	/* lttng-live merges its streams itself: one port, no muxer. */
	if (add_sink(rg->graph, config, log_level, &sink, err, errlen) != 0) {
		goto error;
	}
	if (bt_graph_connect_ports(rg->graph,
			bt_component_source_borrow_output_port_by_index_const(
				src, 0),
			bt_component_sink_borrow_input_port_by_index_const(sink,
				0), NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
		fail(err, errlen, "cannot connect lttng-live to the sink");
		goto error;
	}
	bt_value_put_ref(params);
	bt_plugin_put_ref(ctf);
	return rg;

error:
	bt_value_put_ref(params);
	bt_plugin_put_ref(ctf);
	ultrace_replay_graph_destroy(rg);
	return NULL;
}

void ultrace_replay_graph_interrupt(struct ultrace_replay_graph *rg)
{
	bt_interrupter_set(bt_graph_borrow_default_interrupter(rg->graph));
}

struct ultrace_replay_graph *ultrace_replay_graph_create_fs(
		const struct ultrace_trace_list *traces,
		struct ultrace_registry_sink_config *config,
		bt_logging_level log_level, char *err, size_t errlen)
{
	struct ultrace_replay_graph *rg = graph_new(err, errlen);
	const bt_plugin *ctf = NULL;
	const bt_plugin *utils = NULL;
	const bt_component_filter *muxer = NULL;
	const bt_component_sink *sink = NULL;
	size_t i;

	if (rg == NULL) {
		goto error;
	}
	ctf = find_plugin("ctf", err, errlen);
	utils = ctf ? find_plugin("utils", err, errlen) : NULL;
	if (utils == NULL) {
		goto error;
	}
	if (bt_graph_add_filter_component(rg->graph,
			bt_plugin_borrow_filter_component_class_by_name_const(
				utils, "muxer"),
			"muxer", NULL, log_level, &muxer) !=
			BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		fail(err, errlen, "cannot create flt.utils.muxer");
		goto error;
	}
	for (i = 0; i < traces->count; i++) {
		const bt_component_source *src;

		if (add_fs_source(rg->graph,
				bt_plugin_borrow_source_component_class_by_name_const(
					ctf, "fs"),
				traces->paths[i], i, log_level, &src, err,
				errlen) != 0 ||
				connect_source(rg->graph, src, muxer, err,
					errlen) != 0) {
			goto error;
		}
	}
	if (add_sink(rg->graph, config, log_level, &sink, err, errlen) != 0) {
		goto error;
	}
	if (bt_graph_connect_ports(rg->graph,
			bt_component_filter_borrow_output_port_by_name_const(
				muxer, "out"),
			bt_component_sink_borrow_input_port_by_index_const(sink,
				0), NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
		fail(err, errlen, "cannot connect the muxer to the sink");
		goto error;
	}
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	return rg;

error:
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	ultrace_replay_graph_destroy(rg);
	return NULL;
}

/*
 * babeltrace2 2.0.4 can return a success status with an error still on
 * the thread (found by fuzzing: a damaged event payload, "Cannot handle
 * state", then END); the next call would abort. The trace is damaged:
 * report it as the read error it is.
 */
static enum ultrace_replay_status check_stray_error(
		enum ultrace_replay_status status, char *err, size_t errlen)
{
	const bt_error *error = bt_current_thread_take_error();

	if (error == NULL) {
		return status;
	}
	bt_current_thread_move_error(error);
	fail(err, errlen, "reading the trace failed");
	return ULTRACE_REPLAY_ERROR;
}

enum ultrace_replay_status ultrace_replay_graph_run(
		struct ultrace_replay_graph *rg, int once, char *err,
		size_t errlen)
{
	err[0] = '\0';
	if (once) {
		switch (bt_graph_run_once(rg->graph)) {
		case BT_GRAPH_RUN_ONCE_STATUS_OK:
			return check_stray_error(ULTRACE_REPLAY_OK, err,
				errlen);
		case BT_GRAPH_RUN_ONCE_STATUS_END:
			return check_stray_error(ULTRACE_REPLAY_END, err,
				errlen);
		case BT_GRAPH_RUN_ONCE_STATUS_AGAIN:
			return check_stray_error(ULTRACE_REPLAY_AGAIN, err,
				errlen);
		default:
			break;
		}
	} else {
		/* OK means every sink ended. */
		switch (bt_graph_run(rg->graph)) {
		case BT_GRAPH_RUN_STATUS_OK:
			return check_stray_error(ULTRACE_REPLAY_END, err,
				errlen);
		case BT_GRAPH_RUN_STATUS_AGAIN:
			return check_stray_error(ULTRACE_REPLAY_AGAIN, err,
				errlen);
		default:
			break;
		}
	}
	fail(err, errlen, "reading the trace failed");
	return ULTRACE_REPLAY_ERROR;
}

void ultrace_replay_graph_destroy(struct ultrace_replay_graph *rg)
{
	if (rg == NULL) {
		return;
	}
	bt_graph_put_ref(rg->graph);
	free(rg);
}
