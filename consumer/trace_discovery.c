/*
 * trace_discovery.c: a bounded-depth directory walk that stops at each
 * directory holding a `metadata` file (a CTF trace).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "trace_discovery.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* LTTng nests traces 4 levels deep; allow a session tree to be nested too. */
#define DISCOVERY_MAX_DEPTH 12

static int add_path(struct ultrace_trace_list *list, const char *path)
{
	char **paths = realloc(list->paths,
		(list->count + 1) * sizeof(*paths));

	if (paths == NULL) {
		return -1;
	}
	list->paths = paths;
	list->paths[list->count] = strdup(path);
	if (list->paths[list->count] == NULL) {
		return -1;
	}
	list->count++;
	return 0;
}

static int is_trace_dir(const char *dir)
{
	char path[4096];
	struct stat st;

	if ((size_t) snprintf(path, sizeof(path), "%s/metadata", dir) >=
			sizeof(path)) {
		return 0;
	}
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int walk(const char *dir, int depth, struct ultrace_trace_list *list,
		char *err, size_t errlen)
{
	struct dirent **entries = NULL;
	int n;
	int i;
	int ret = 0;

	if (is_trace_dir(dir)) {
		if (add_path(list, dir) != 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	if (depth >= DISCOVERY_MAX_DEPTH) {
		return 0;
	}
	n = scandir(dir, &entries, NULL, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "cannot read directory %s: %s", dir,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (ret == 0 && strcmp(entries[i]->d_name, ".") != 0 &&
				strcmp(entries[i]->d_name, "..") != 0 &&
				(size_t) snprintf(path, sizeof(path), "%s/%s",
					dir, entries[i]->d_name) < sizeof(path) &&
				lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			ret = walk(path, depth + 1, list, err, errlen);
		}
		free(entries[i]);
	}
	free(entries);
	return ret;
}

int ultrace_trace_discover(const char *root, struct ultrace_trace_list *list,
		char *err, size_t errlen)
{
	struct stat st;

	list->paths = NULL;
	list->count = 0;
	if (stat(root, &st) != 0) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory (give the trace "
			"or session output directory)", root);
		return -1;
	}
	if (walk(root, 0, list, err, errlen) != 0) {
		ultrace_trace_list_fini(list);
		return -1;
	}
	if (list->count == 0) {
		snprintf(err, errlen, "%s: no CTF trace found (no directory "
			"below it holds a `metadata` file)", root);
		return -1;
	}
	return 0;
}

void ultrace_trace_list_fini(struct ultrace_trace_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		free(list->paths[i]);
	}
	free(list->paths);
	list->paths = NULL;
	list->count = 0;
}
