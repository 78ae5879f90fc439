/*
 * config_file.h: a program's long options read from a file of
 * `key = value` lines (the keys are the long option names), and a
 * getopt_long() that walks the file's options, then the command line's.
 * No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_CONFIG_FILE_H
#define ULTRACE_CONFIG_FILE_H

#include <getopt.h>

/*
 * The file format (doc/ultrace-consumerd.8, FILES):
 *   # comment (a line whose first non-blank character is '#')
 *   key = value         an option that takes an argument: --key=value
 *   key                 a flag (no argument): --key
 *   key = yes|no        the same flag, set or not (also true/false,
 *                       on/off, 1/0)
 * Blanks around the key and the value are dropped; a value may be put in
 * double quotes to keep blanks at its ends (no escapes). A key given twice
 * is an error, so is a key the program does not have.
 */

enum ultrace_config_status {
	ULTRACE_CONFIG_STATUS_OK = 0,
	ULTRACE_CONFIG_STATUS_NOT_FOUND,  /* no such file (ENOENT) */
	ULTRACE_CONFIG_STATUS_ERROR,      /* unreadable or invalid: see error */
};

struct ultrace_config_error {
	unsigned int line;  /* 1-based; 0: the file as a whole */
	char message[256];
};

struct ultrace_config_entry {
	const char *key;     /* the long option's name */
	const char *value;   /* NULL for a flag */
	int option_index;    /* in the longopts table given */
	unsigned int line;
};

struct ultrace_config_file {
	char *path;
	struct ultrace_config_entry *entries;
	int count;
};

/*
 * Read `path` against `longopts` (getopt_long's table, ending with a zero
 * entry); `forbidden` (NULL-terminated, may be NULL) names options a file
 * may not set (--help...). On success *out is the file, to free with
 * ultrace_config_file_destroy(); a flag set to "no" has no entry.
 */
enum ultrace_config_status ultrace_config_file_read(const char *path,
		const struct option *longopts, const char *const *forbidden,
		struct ultrace_config_file **out,
		struct ultrace_config_error *error);

void ultrace_config_file_destroy(struct ultrace_config_file *file);

/*
 * The option that names the configuration file; scans add it to their
 * table and handle it themselves (never returned by ..._scan_next()).
 */
#define ULTRACE_CONFIG_OPTION_NAME "config"
/* A file that names this reads none. */
#define ULTRACE_CONFIG_NONE "none"

struct ultrace_config_scan;

/*
 * Prepare to walk the options of the configuration file, then those of
 * argv: the file is --config=FILE from argv (the last one), else
 * `default_path` if it exists (NULL: none). Errors (file:line) are
 * logged. Returns 0, or -1: a file that is invalid, unreadable, or named
 * by --config and missing.
 */
int ultrace_config_scan_create(struct ultrace_config_scan **out, int argc,
		char **argv, const char *shortopts,
		const struct option *longopts, const char *default_path,
		const char *const *forbidden);

/*
 * Like getopt_long(argc, argv, shortopts, longopts, NULL): the next
 * option's `val` with `optarg` set, the file's options first (the log
 * context is then "FILE:LINE", so that an error about the value says
 * where it is), then argv's; -1 at the end, with optind set as
 * getopt_long leaves it for argv.
 */
int ultrace_config_scan_next(struct ultrace_config_scan *scan);

/* The file read, or NULL if none. */
const char *ultrace_config_scan_borrow_path(
		const struct ultrace_config_scan *scan);

/*
 * For each key whose value in `new_scan`'s file differs from `old_scan`'s
 * (set, unset or changed) and that the command line does not override,
 * call `changed(key, old_value, new_value, data)`; a value is NULL when
 * unset, "yes" for a flag set. Both scans must come from the same argv
 * and longopts.
 */
void ultrace_config_scan_for_each_change(
		const struct ultrace_config_scan *old_scan,
		const struct ultrace_config_scan *new_scan,
		void (*changed)(const char *key, const char *old_value,
			const char *new_value, void *data),
		void *data);

/* Frees the scan and its file; optarg strings from the file die with it. */
void ultrace_config_scan_destroy(struct ultrace_config_scan *scan);

#endif /* ULTRACE_CONFIG_FILE_H */
