/*
 * live_sessions.c: babeltrace2's `sessions` query on src.ctf.lttng-live,
 * its answer (an array of maps: url, target-hostname, session-name,
 * timer-us, stream-count, client-count) turned into plain C.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live_sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

#include "replay_graph.h"

static void fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	ultrace_bt_error_take(err, errlen);
}

static const char *map_string(const bt_value *map, const char *key)
{
	const bt_value *v = bt_value_map_borrow_entry_value_const(map, key);

	return v != NULL && bt_value_is_string(v) ?
		bt_value_string_get(v) : NULL;
}

static uint64_t map_uint(const bt_value *map, const char *key)
{
	const bt_value *v = bt_value_map_borrow_entry_value_const(map, key);

	if (v == NULL) {
		return 0;
	}
	if (bt_value_is_unsigned_integer(v)) {
		return bt_value_integer_unsigned_get(v);
	}
	if (bt_value_is_signed_integer(v)) {
		int64_t s = bt_value_integer_signed_get(v);

		return s < 0 ? 0 : (uint64_t) s;
	}
	return 0;
}

/* Copy `s` into `dst` of `size`; 0, or -1 if it is missing or too long. */
static int copy_field(char *dst, size_t size, const char *s)
{
	size_t len;

	if (s == NULL) {
		return -1;
	}
	len = strlen(s);
	if (len == 0 || len >= size) {
		return -1;
	}
	memcpy(dst, s, len + 1);
	return 0;
}

static int take_answer(const bt_value *result,
		struct ultrace_live_session_list *out, char *err, size_t errlen)
{
	uint64_t n;
	uint64_t i;

	if (!bt_value_is_array(result)) {
		fail(err, errlen, "lttng-live's sessions query answered "
			"something else than an array");
		return -1;
	}
	n = bt_value_array_get_length(result);
	out->items = n > 0 ? calloc(n, sizeof(*out->items)) : NULL;
	if (n > 0 && out->items == NULL) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		const bt_value *m =
			bt_value_array_borrow_element_by_index_const(result, i);
		struct ultrace_live_session *s = &out->items[out->count];

		if (!bt_value_is_map(m) ||
				copy_field(s->url, sizeof(s->url),
					map_string(m, "url")) != 0 ||
				copy_field(s->hostname, sizeof(s->hostname),
					map_string(m, "target-hostname")) != 0 ||
				copy_field(s->session, sizeof(s->session),
					map_string(m, "session-name")) != 0) {
			/* A session we could not follow anyway: skip it. */
			continue;
		}
		s->stream_count = map_uint(m, "stream-count");
		s->client_count = map_uint(m, "client-count");
		s->timer_us = map_uint(m, "timer-us");
		out->count++;
	}
	return 0;
}

int ultrace_live_sessions_query(const char *relay_url,
		struct bt_interrupter *interrupter,
		struct ultrace_live_session_list *out, char *err, size_t errlen)
{
	const bt_plugin *plugin = NULL;
	const bt_component_class_source *cls;
	bt_value *params = NULL;
	bt_query_executor *query = NULL;
	const bt_value *result = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	if (ultrace_bt_plugin_find("ctf", &plugin) !=
			BT_PLUGIN_FIND_STATUS_OK) {
		fail(err, errlen, "babeltrace2 plugin `ctf` not found "
			"(install the Debian package babeltrace2)");
		goto end;
	}
	cls = bt_plugin_borrow_source_component_class_by_name_const(plugin,
		"lttng-live");
	if (cls == NULL) {
		fail(err, errlen, "babeltrace2 has no src.ctf.lttng-live");
		goto end;
	}
	params = bt_value_map_create();
	if (params == NULL || bt_value_map_insert_string_entry(params, "url",
			relay_url) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK) {
		fail(err, errlen, "out of memory");
		goto end;
	}
	query = bt_query_executor_create(
		bt_component_class_source_as_component_class_const(cls),
		"sessions", params);
	if (query == NULL) {
		fail(err, errlen, "out of memory");
		goto end;
	}
	if (interrupter != NULL && bt_query_executor_add_interrupter(query,
			interrupter) != BT_QUERY_EXECUTOR_ADD_INTERRUPTER_STATUS_OK) {
		fail(err, errlen, "out of memory");
		goto end;
	}
	if (bt_query_executor_query(query, &result) !=
			BT_QUERY_EXECUTOR_QUERY_STATUS_OK) {
		char what[ULTRACE_LIVE_URL_MAX + 64];

		snprintf(what, sizeof(what), "cannot list the sessions of the "
			"relay daemon at %s", relay_url);
		fail(err, errlen, what);
		goto end;
	}
	ret = take_answer(result, out, err, errlen);
	if (ret != 0) {
		ultrace_live_session_list_fini(out);
	}
end:
	bt_value_put_ref(result);
	bt_query_executor_put_ref(query);
	bt_value_put_ref(params);
	bt_plugin_put_ref(plugin);
	return ret;
}

void ultrace_live_session_list_fini(struct ultrace_live_session_list *list)
{
	free(list->items);
	list->items = NULL;
	list->count = 0;
}
