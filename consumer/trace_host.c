/*
 * trace_host.c: a trace's host from its metadata's env block.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "trace_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

#include "replay_graph.h"

/* The text of `path`'s metadata (owned by *result), or NULL. */
static const char *metadata_text(const char *path, const bt_value **result)
{
	const bt_plugin *plugin = NULL;
	const bt_component_class_source *cls;
	bt_value *params = NULL;
	bt_query_executor *query = NULL;
	const bt_value *text = NULL;
	const bt_error *error;

	*result = NULL;
	if (ultrace_bt_plugin_find("ctf", &plugin) !=
			BT_PLUGIN_FIND_STATUS_OK) {
		goto end;
	}
	cls = bt_plugin_borrow_source_component_class_by_name_const(plugin,
		"fs");
	params = bt_value_map_create();
	if (cls == NULL || params == NULL ||
			bt_value_map_insert_string_entry(params, "path", path) !=
			BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK) {
		goto end;
	}
	query = bt_query_executor_create(
		bt_component_class_source_as_component_class_const(cls),
		"metadata-info", params);
	if (query == NULL || bt_query_executor_query(query, result) !=
			BT_QUERY_EXECUTOR_QUERY_STATUS_OK) {
		*result = NULL;
		goto end;
	}
	if (bt_value_is_map(*result)) {
		text = bt_value_map_borrow_entry_value_const(*result, "text");
	}
end:
	/* A trace we cannot ask is reported by the replay itself. */
	error = bt_current_thread_take_error();
	if (error != NULL) {
		bt_error_release(error);
	}
	bt_query_executor_put_ref(query);
	bt_value_put_ref(params);
	bt_plugin_put_ref(plugin);
	return text != NULL && bt_value_is_string(text) ?
		bt_value_string_get(text) : NULL;
}

/*
 * `hostname = "NAME";` inside the `env { ... }` block: LTTng writes the
 * host name there, a string without escapes (a host name has none).
 */
static int env_hostname(const char *text, char *buf, size_t size)
{
	const char *env = strstr(text, "\nenv {");
	const char *end;
	const char *p;
	size_t len;

	if (env == NULL) {
		return -1;
	}
	end = strchr(env, '}');
	p = strstr(env, "hostname = \"");
	if (p == NULL || (end != NULL && p > end)) {
		return -1;
	}
	p += strlen("hostname = \"");
	len = strcspn(p, "\"\n\\");
	if (p[len] != '"' || len == 0 || len >= size) {
		return -1;
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

int ultrace_trace_hostname(const char *path, char *buf, size_t size)
{
	const bt_value *result;
	const char *text = metadata_text(path, &result);
	int ret = -1;

	buf[0] = '\0';
	if (text != NULL) {
		ret = env_hostname(text, buf, size);
		if (ret != 0) {
			buf[0] = '\0';
		}
	}
	bt_value_put_ref(result);
	return ret;
}

static int list_add(struct ultrace_trace_list *list, const char *path)
{
	char **paths = realloc(list->paths,
		(list->count + 1) * sizeof(*paths));

	if (paths == NULL) {
		return -1;
	}
	list->paths = paths;
	paths[list->count] = strdup(path);
	if (paths[list->count] == NULL) {
		return -1;
	}
	list->count++;
	return 0;
}

int ultrace_trace_hosts_group(const struct ultrace_trace_list *traces,
		struct ultrace_trace_hosts *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < traces->count; i++) {
		char name[ULTRACE_TRACE_HOST_MAX + 1];
		size_t h;

		(void) ultrace_trace_hostname(traces->paths[i], name,
			sizeof(name));
		for (h = 0; h < out->count; h++) {
			if (strcmp(out->items[h].name, name) == 0) {
				break;
			}
		}
		if (h == out->count) {
			struct ultrace_trace_host *items = realloc(out->items,
				(out->count + 1) * sizeof(*items));

			if (items == NULL) {
				goto error;
			}
			out->items = items;
			/* Sorted by name: insert in place. */
			for (h = 0; h < out->count &&
					strcmp(items[h].name, name) < 0; h++) {
			}
			memmove(&items[h + 1], &items[h],
				(out->count - h) * sizeof(*items));
			memset(&items[h], 0, sizeof(items[h]));
			snprintf(items[h].name, sizeof(items[h].name), "%s",
				name);
			out->count++;
		}
		if (list_add(&out->items[h].traces, traces->paths[i]) != 0) {
			goto error;
		}
	}
	return 0;
error:
	ultrace_trace_hosts_fini(out);
	return -1;
}

void ultrace_trace_hosts_fini(struct ultrace_trace_hosts *hosts)
{
	size_t i;

	for (i = 0; i < hosts->count; i++) {
		ultrace_trace_list_fini(&hosts->items[i].traces);
	}
	free(hosts->items);
	hosts->items = NULL;
	hosts->count = 0;
}
