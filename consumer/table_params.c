/*
 * table_params.c: sink.ultrace.table's parameters, parsed as
 * ultrace-replay parses the matching options (time_parse.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "table_params.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time_parse.h"

static const char *const known_params[] = {
	"format", "at", "expiry-grace", "output",
};

struct unknown_search {
	const char *unknown;	/* the first unknown key, or NULL */
};

static bt_value_map_foreach_entry_const_func_status find_unknown(
		const char *key, const bt_value *value, void *data)
{
	struct unknown_search *search = data;
	size_t i;

	(void) value;
	for (i = 0; i < sizeof(known_params) / sizeof(known_params[0]); i++) {
		if (strcmp(key, known_params[i]) == 0) {
			return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_OK;
		}
	}
	search->unknown = key;
	return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_INTERRUPT;
}

static const char *type_name(const bt_value *value)
{
	switch (bt_value_get_type(value)) {
	case BT_VALUE_TYPE_NULL:
		return "null";
	case BT_VALUE_TYPE_BOOL:
		return "a boolean";
	case BT_VALUE_TYPE_UNSIGNED_INTEGER:
	case BT_VALUE_TYPE_SIGNED_INTEGER:
		return "an integer";
	case BT_VALUE_TYPE_REAL:
		return "a real number";
	case BT_VALUE_TYPE_STRING:
		return "a string";
	case BT_VALUE_TYPE_ARRAY:
		return "an array";
	case BT_VALUE_TYPE_MAP:
		return "a map";
	default:
		return "a value of another type";
	}
}

/*
 * The text of a string value, or an integer's decimal form in `buf` (as
 * babeltrace2's trimmer takes `end=SECONDS`: the same as the string).
 * NULL when the value is neither.
 */
static const char *text_of(const bt_value *value, char *buf, size_t len,
		int integers)
{
	if (bt_value_is_string(value)) {
		return bt_value_string_get(value);
	}
	if (integers && bt_value_is_signed_integer(value)) {
		snprintf(buf, len, "%" PRId64,
			bt_value_integer_signed_get(value));
		return buf;
	}
	if (integers && bt_value_is_unsigned_integer(value)) {
		snprintf(buf, len, "%" PRIu64,
			bt_value_integer_unsigned_get(value));
		return buf;
	}
	return NULL;
}

static int parse_format(const bt_value *value, struct ultrace_table_params *p,
		char *err, size_t errlen)
{
	const char *text = text_of(value, NULL, 0, 0);

	if (text == NULL) {
		snprintf(err, errlen, "parameter `format`: expecting a string "
			"(csv, json, table or stats), got %s",
			type_name(value));
		return -1;
	}
	if (strcmp(text, "csv") == 0) {
		p->output.print.format = ULTRACE_PRINT_CSV;
	} else if (strcmp(text, "json") == 0) {
		p->output.print.format = ULTRACE_PRINT_JSON;
	} else if (strcmp(text, "table") == 0) {
		p->output.print.format = ULTRACE_PRINT_TABLE;
	} else if (strcmp(text, "stats") == 0) {
		/* What `ultrace-replay --stats` prints. */
		p->output.print.format = ULTRACE_PRINT_TABLE;
		p->output.show = ULTRACE_SHOW_STATS;
	} else {
		snprintf(err, errlen, "parameter `format`: `%s` is not csv, "
			"json, table or stats", text);
		return -1;
	}
	return 0;
}

static int parse_at(const bt_value *value, struct ultrace_table_params *p,
		char *err, size_t errlen)
{
	char buf[32];
	const char *text = text_of(value, buf, sizeof(buf), 1);

	if (text == NULL) {
		snprintf(err, errlen, "parameter `at`: expecting a string or "
			"an integer (ISO-8601 with a zone, or ns since the "
			"epoch), got %s", type_name(value));
		return -1;
	}
	if (ultrace_time_parse(text, &p->output.at_ns) != 0) {
		snprintf(err, errlen, "parameter `at`: cannot parse `%s`: give "
			"ISO-8601 with a zone (e.g. 2026-11-23T09:40:33.5Z) or "
			"ns since the epoch", text);
		return -1;
	}
	return 0;
}

static int parse_grace(const bt_value *value, struct ultrace_table_params *p,
		char *err, size_t errlen)
{
	char buf[32];
	const char *text = text_of(value, buf, sizeof(buf), 1);

	if (text == NULL) {
		snprintf(err, errlen, "parameter `expiry-grace`: expecting a "
			"string or an integer (seconds, or `off`), got %s",
			type_name(value));
		return -1;
	}
	if (ultrace_grace_parse(text, &p->output.expiry_grace_s) != 0) {
		snprintf(err, errlen, "parameter `expiry-grace`: `%s` is not a "
			"number of seconds or `off`", text);
		return -1;
	}
	return 0;
}

static int parse_output(const bt_value *value, struct ultrace_table_params *p,
		char *err, size_t errlen)
{
	const char *text = text_of(value, NULL, 0, 0);

	if (text == NULL || text[0] == '\0') {
		snprintf(err, errlen, "parameter `output`: expecting a file "
			"path, got %s", text ? "an empty string" :
			type_name(value));
		return -1;
	}
	p->output_file = strdup(text);
	return p->output_file == NULL ? -2 : 0;
}

int ultrace_table_params_parse(const bt_value *params,
		struct ultrace_table_params *p, char *err, size_t errlen)
{
	struct unknown_search search = { NULL };
	const bt_value *value;
	int ret;

	memset(p, 0, sizeof(*p));
	/* ultrace-replay's defaults. */
	p->output.show = ULTRACE_SHOW_CONTACTS;
	p->output.print.format = ULTRACE_PRINT_TABLE;
	p->output.at_ns = INT64_MAX;
	p->output.expiry_grace_s = 120;
	p->output.stats_hint = "format=\"stats\"";
	if (params == NULL) {
		return 0;
	}
	if (!bt_value_is_map(params)) {
		snprintf(err, errlen, "parameters: expecting a map, got %s",
			type_name(params));
		return -1;
	}
	if (bt_value_map_foreach_entry_const(params, find_unknown, &search) ==
			BT_VALUE_MAP_FOREACH_ENTRY_CONST_STATUS_MEMORY_ERROR) {
		return -2;
	}
	if (search.unknown != NULL) {
		snprintf(err, errlen, "unknown parameter `%s`: the parameters "
			"are format, at, expiry-grace and output",
			search.unknown);
		return -1;
	}
	value = bt_value_map_borrow_entry_value_const(params, "format");
	if (value != NULL && (ret = parse_format(value, p, err, errlen)) != 0) {
		return ret;
	}
	value = bt_value_map_borrow_entry_value_const(params, "at");
	if (value != NULL && (ret = parse_at(value, p, err, errlen)) != 0) {
		return ret;
	}
	value = bt_value_map_borrow_entry_value_const(params, "expiry-grace");
	if (value != NULL && (ret = parse_grace(value, p, err, errlen)) != 0) {
		return ret;
	}
	value = bt_value_map_borrow_entry_value_const(params, "output");
	if (value != NULL && (ret = parse_output(value, p, err, errlen)) != 0) {
		return ret;
	}
	return 0;
}

void ultrace_table_params_fini(struct ultrace_table_params *p)
{
	free(p->output_file);
	p->output_file = NULL;
}
