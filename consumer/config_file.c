/*
 * config_file.c: `key = value` configuration files whose keys are a
 * program's long options, and the scan that feeds them to its getopt loop
 * before the command line. No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* The --config option's val: outside the range of short option letters. */
#define CONFIG_OPTION_VAL 0x10000

static void set_error(struct ultrace_config_error *error, unsigned int line,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_error(struct ultrace_config_error *error, unsigned int line,
		const char *fmt, ...)
{
	va_list ap;

	error->line = line;
	va_start(ap, fmt);
	vsnprintf(error->message, sizeof(error->message), fmt, ap);
	va_end(ap);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int find_option(const struct option *longopts, const char *name)
{
	int i;

	for (i = 0; longopts[i].name != NULL; i++) {
		if (strcmp(longopts[i].name, name) == 0) {
			return i;
		}
	}
	return -1;
}

static int is_forbidden(const char *const *forbidden, const char *name)
{
	if (strcmp(name, ULTRACE_CONFIG_OPTION_NAME) == 0) {
		return 1;
	}
	for (; forbidden != NULL && *forbidden != NULL; forbidden++) {
		if (strcmp(*forbidden, name) == 0) {
			return 1;
		}
	}
	return 0;
}

/* 1: set, 0: not set, -1: neither a yes nor a no. */
static int parse_flag(const char *value)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(value, yes[i]) == 0) {
			return 1;
		}
		if (strcmp(value, no[i]) == 0) {
			return 0;
		}
	}
	return -1;
}

/*
 * Split one line (modified in place) into key and value (NULL: none).
 * Returns 1 for an entry, 0 for a blank or comment line, -1 on a syntax
 * error (set).
 */
static int split_line(char *line, unsigned int lineno, char **key,
		char **value, struct ultrace_config_error *error)
{
	char *p = line;
	char *end;
	size_t len;

	while (is_blank(*p)) {
		p++;
	}
	if (*p == '\0' || *p == '#') {
		return 0;
	}
	*key = p;
	while (*p != '\0' && *p != '=' && !is_blank(*p)) {
		p++;
	}
	end = p;
	while (is_blank(*p)) {
		p++;
	}
	if (*p == '\0') {
		*end = '\0';
		*value = NULL;
		return 1;
	}
	if (*p != '=') {
		*end = '\0';
		set_error(error, lineno, "expected `=` after `%s`", *key);
		return -1;
	}
	*end = '\0';
	if (end == *key) {
		set_error(error, lineno, "a line starts with `=`: no key");
		return -1;
	}
	p++;
	while (is_blank(*p)) {
		p++;
	}
	len = strlen(p);
	while (len > 0 && is_blank(p[len - 1])) {
		len--;
	}
	p[len] = '\0';
	if (p[0] == '"') {
		if (len < 2 || p[len - 1] != '"') {
			set_error(error, lineno, "`%s`: the value's opening "
				"quote is not closed at the end of the line",
				*key);
			return -1;
		}
		p[len - 1] = '\0';
		p++;
	}
	*value = p;
	return 1;
}

/*
 * Check one key = value against the table and append it to `file`.
 * Returns 0 or -1 (error set).
 */
static int add_entry(struct ultrace_config_file *file,
		const struct option *longopts, const char *const *forbidden,
		const char *key, const char *value, unsigned int lineno,
		unsigned int *set_at, struct ultrace_config_error *error)
{
	struct ultrace_config_entry *grown;
	const struct option *opt;
	char *copy = NULL;
	int index;
	int flag;

	if (is_forbidden(forbidden, key)) {
		set_error(error, lineno, "`%s` cannot be set in a "
			"configuration file", key);
		return -1;
	}
	index = find_option(longopts, key);
	if (index < 0) {
		set_error(error, lineno, "unknown key `%s` (the keys are the "
			"long options, without their dashes)", key);
		return -1;
	}
	opt = &longopts[index];
	if (set_at[index] != 0) {
		set_error(error, lineno, "`%s` is already set at line %u",
			key, set_at[index]);
		return -1;
	}
	set_at[index] = lineno;
	switch (opt->has_arg) {
	case required_argument:
		if (value == NULL || value[0] == '\0') {
			set_error(error, lineno, "`%s` needs a value "
				"(%s = ...)", key, key);
			return -1;
		}
		break;
	case no_argument:
		if (value != NULL) {
			flag = parse_flag(value);
			if (flag < 0) {
				set_error(error, lineno, "`%s` is a flag: its "
					"value is yes or no, not `%s`", key,
					value);
				return -1;
			}
			if (flag == 0) {
				return 0;
			}
			value = NULL;
		}
		break;
	default:
		break;
	}
	if (value != NULL) {
		copy = strdup(value);
		if (copy == NULL) {
			goto oom;
		}
	}
	grown = realloc(file->entries,
		(size_t) (file->count + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(copy);
		goto oom;
	}
	file->entries = grown;
	grown[file->count].key = opt->name;
	grown[file->count].value = copy;
	grown[file->count].option_index = index;
	grown[file->count].line = lineno;
	file->count++;
	return 0;
oom:
	set_error(error, lineno, "out of memory");
	return -1;
}

enum ultrace_config_status ultrace_config_file_read(const char *path,
		const struct option *longopts, const char *const *forbidden,
		struct ultrace_config_file **out,
		struct ultrace_config_error *error)
{
	enum ultrace_config_status status = ULTRACE_CONFIG_STATUS_ERROR;
	struct ultrace_config_file *file = NULL;
	unsigned int *set_at = NULL;
	unsigned int lineno = 0;
	char *line = NULL;
	size_t capacity = 0;
	ssize_t len;
	FILE *f;
	int n;

	*out = NULL;
	memset(error, 0, sizeof(*error));
	f = fopen(path, "r");
	if (f == NULL) {
		set_error(error, 0, "cannot open: %s", strerror(errno));
		return errno == ENOENT ? ULTRACE_CONFIG_STATUS_NOT_FOUND :
			ULTRACE_CONFIG_STATUS_ERROR;
	}
	for (n = 0; longopts[n].name != NULL; n++) {
	}
	file = calloc(1, sizeof(*file));
	set_at = calloc((size_t) n + 1, sizeof(*set_at));
	if (file == NULL || set_at == NULL ||
			(file->path = strdup(path)) == NULL) {
		set_error(error, 0, "out of memory");
		goto end;
	}
	errno = 0;
	while ((len = getline(&line, &capacity, f)) >= 0) {
		char *key;
		char *value;
		int kind;

		lineno++;
		if (strlen(line) != (size_t) len) {
			set_error(error, lineno, "the line holds a NUL byte");
			goto end;
		}
		while (len > 0 && (line[len - 1] == '\n' ||
				line[len - 1] == '\r')) {
			line[--len] = '\0';
		}
		kind = split_line(line, lineno, &key, &value, error);
		if (kind < 0) {
			goto end;
		}
		if (kind == 0) {
			continue;
		}
		if (add_entry(file, longopts, forbidden, key, value, lineno,
				set_at, error) != 0) {
			goto end;
		}
	}
	if (ferror(f)) {
		set_error(error, 0, "cannot read: %s", strerror(errno));
		goto end;
	}
	*out = file;
	file = NULL;
	status = ULTRACE_CONFIG_STATUS_OK;
end:
	fclose(f);
	free(line);
	free(set_at);
	ultrace_config_file_destroy(file);
	return status;
}

void ultrace_config_file_destroy(struct ultrace_config_file *file)
{
	int i;

	if (file == NULL) {
		return;
	}
	for (i = 0; i < file->count; i++) {
		free((char *) file->entries[i].value);
	}
	free(file->entries);
	free(file->path);
	free(file);
}

struct ultrace_config_scan {
	int argc;
	char **argv;
	const char *shortopts;
	/* The caller's table, then --config, then the zero entry. */
	struct option *longopts;
	int option_count;
	/* Per option: given on the command line (it overrides the file). */
	unsigned char *on_argv;
	struct ultrace_config_file *file;   /* NULL: none read */
	int next_entry;
	int walking_argv;
	int context_set;
	char context[4096];
};

/* The table entry a getopt_long() result stands for, or -1. */
static int option_of(const struct ultrace_config_scan *scan, int c,
		int longindex)
{
	int i;

	if (longindex >= 0) {
		return longindex;
	}
	for (i = 0; i < scan->option_count; i++) {
		if (scan->longopts[i].val == c &&
				scan->longopts[i].flag == NULL) {
			return i;
		}
	}
	return -1;
}

/*
 * Walk argv once, quietly, for --config and for which options it gives;
 * the real walk (ultrace_config_scan_next) reports its errors.
 */
static const char *prescan_argv(struct ultrace_config_scan *scan)
{
	const char *config_path = NULL;
	int longindex;
	int c;

	optind = 0;
	opterr = 0;
	for (;;) {
		int index;

		longindex = -1;
		c = getopt_long(scan->argc, scan->argv, scan->shortopts,
			scan->longopts, &longindex);
		if (c == -1) {
			break;
		}
		if (c == '?' || c == ':') {
			continue;
		}
		if (c == CONFIG_OPTION_VAL) {
			config_path = optarg;
			continue;
		}
		index = option_of(scan, c, longindex);
		if (index >= 0) {
			scan->on_argv[index] = 1;
		}
	}
	optind = 0;
	opterr = 1;
	return config_path;
}

static void clear_context(struct ultrace_config_scan *scan)
{
	if (scan->context_set) {
		ultrace_log_set_context(NULL);
		scan->context_set = 0;
	}
}

int ultrace_config_scan_create(struct ultrace_config_scan **out, int argc,
		char **argv, const char *shortopts,
		const struct option *longopts, const char *default_path,
		const char *const *forbidden)
{
	struct ultrace_config_scan *scan;
	struct ultrace_config_error error;
	enum ultrace_config_status status;
	const char *path;
	int n;

	*out = NULL;
	for (n = 0; longopts[n].name != NULL; n++) {
	}
	scan = calloc(1, sizeof(*scan));
	if (scan == NULL) {
		goto oom;
	}
	scan->argc = argc;
	scan->argv = argv;
	scan->shortopts = shortopts;
	scan->option_count = n + 1;
	scan->longopts = calloc((size_t) n + 2, sizeof(*scan->longopts));
	scan->on_argv = calloc((size_t) n + 1, 1);
	if (scan->longopts == NULL || scan->on_argv == NULL) {
		goto oom;
	}
	memcpy(scan->longopts, longopts, (size_t) n * sizeof(*longopts));
	scan->longopts[n].name = ULTRACE_CONFIG_OPTION_NAME;
	scan->longopts[n].has_arg = required_argument;
	scan->longopts[n].val = CONFIG_OPTION_VAL;

	path = prescan_argv(scan);
	if (path == NULL) {
		path = default_path;
		if (path == NULL) {
			goto done;
		}
	} else if (strcmp(path, ULTRACE_CONFIG_NONE) == 0) {
		goto done;
	}
	status = ultrace_config_file_read(path, scan->longopts, forbidden,
		&scan->file, &error);
	if (status == ULTRACE_CONFIG_STATUS_NOT_FOUND && path == default_path) {
		goto done;
	}
	if (status != ULTRACE_CONFIG_STATUS_OK) {
		if (error.line > 0) {
			ULTRACE_ERR("%s:%u: %s", path, error.line,
				error.message);
		} else {
			ULTRACE_ERR("%s: %s", path, error.message);
		}
		ultrace_config_scan_destroy(scan);
		return -1;
	}
done:
	*out = scan;
	return 0;
oom:
	ULTRACE_ERR("out of memory");
	ultrace_config_scan_destroy(scan);
	return -1;
}

int ultrace_config_scan_next(struct ultrace_config_scan *scan)
{
	int c;

	clear_context(scan);
	if (!scan->walking_argv && scan->file != NULL &&
			scan->next_entry < scan->file->count) {
		const struct ultrace_config_entry *e =
			&scan->file->entries[scan->next_entry++];

		snprintf(scan->context, sizeof(scan->context), "%s:%u",
			scan->file->path, e->line);
		ultrace_log_set_context(scan->context);
		scan->context_set = 1;
		optarg = (char *) e->value;
		return scan->longopts[e->option_index].val;
	}
	if (!scan->walking_argv) {
		scan->walking_argv = 1;
		optind = 0;
	}
	do {
		c = getopt_long(scan->argc, scan->argv, scan->shortopts,
			scan->longopts, NULL);
	} while (c == CONFIG_OPTION_VAL);
	return c;
}

const char *ultrace_config_scan_borrow_path(
		const struct ultrace_config_scan *scan)
{
	return scan->file != NULL ? scan->file->path : NULL;
}

static const struct ultrace_config_entry *entry_of(
		const struct ultrace_config_scan *scan, int index)
{
	int i;

	if (scan->file == NULL) {
		return NULL;
	}
	for (i = 0; i < scan->file->count; i++) {
		if (scan->file->entries[i].option_index == index) {
			return &scan->file->entries[i];
		}
	}
	return NULL;
}

static const char *value_of(const struct ultrace_config_entry *e)
{
	if (e == NULL) {
		return NULL;
	}
	return e->value != NULL ? e->value : "yes";
}

void ultrace_config_scan_for_each_change(
		const struct ultrace_config_scan *old_scan,
		const struct ultrace_config_scan *new_scan,
		void (*changed)(const char *key, const char *old_value,
			const char *new_value, void *data),
		void *data)
{
	int i;

	for (i = 0; i < new_scan->option_count; i++) {
		const char *before = value_of(entry_of(old_scan, i));
		const char *after = value_of(entry_of(new_scan, i));

		if (new_scan->on_argv[i]) {
			continue;
		}
		if (before == after || (before != NULL && after != NULL &&
				strcmp(before, after) == 0)) {
			continue;
		}
		changed(new_scan->longopts[i].name, before, after, data);
	}
}

void ultrace_config_scan_destroy(struct ultrace_config_scan *scan)
{
	if (scan == NULL) {
		return;
	}
	clear_context(scan);
	ultrace_config_file_destroy(scan->file);
	free(scan->on_argv);
	free(scan->longopts);
	free(scan);
}
