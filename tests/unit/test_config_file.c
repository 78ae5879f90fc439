/*
 * test_config_file.c: configuration files of long options are read into
 * entries or refused with the line and the reason; the scan gives the
 * file's options before the command line's, which override them, and
 * tells a reload what changed (consumer/config_file.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_file.h"
#include "tap.h"

static const struct option table[] = {
	{ "live", required_argument, NULL, 'l' },
	{ "log-level", required_argument, NULL, 'D' },
	{ "stats-interval", required_argument, NULL, 'i' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char shortopts[] = "l:fvh";
static const char *const forbidden[] = { "help", NULL };

static char dir[] = "/tmp/ultrace-config-test.XXXXXX";
static char path[sizeof(dir) + 32];

/* Write `text` (len bytes) as the test file; its path. */
static const char *write_file_len(const char *text, size_t len)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/test.conf", dir);
	f = fopen(path, "w");
	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		bail_out("cannot write %s", path);
	}
	return path;
}

static const char *write_file(const char *text)
{
	return write_file_len(text, strlen(text));
}

static const char *value_or_null(const char *v)
{
	return v != NULL ? v : "(flag)";
}

static void test_good_file(void)
{
	struct ultrace_config_file *file;
	struct ultrace_config_error error;
	enum ultrace_config_status status;

	status = ultrace_config_file_read(write_file(
		"# ultrace-consumerd\n"
		"\n"
		"   # indented comment\n"
		"live = net://127.0.0.1:5344/host/h/s\n"
		"log-level=debug\r\n"
		"\tstats-interval   =  \" 30 \"  \n"
		"foreground\n"
		"verbose = no\n"), table, forbidden, &file, &error);
	is_int(status, ULTRACE_CONFIG_STATUS_OK, "a good file is read (%s)",
		error.message);
	if (status != ULTRACE_CONFIG_STATUS_OK) {
		skip(9, "no file");
		return;
	}
	is_int(file->count, 4, "four entries: comments, blanks and a flag "
		"set to no have none");
	is_str(file->entries[0].key, "live", "first key");
	is_str(file->entries[0].value, "net://127.0.0.1:5344/host/h/s",
		"a value holding ':' and '/' is kept whole");
	is_int(file->entries[0].line, 4, "its line number");
	is_str(file->entries[1].value, "debug",
		"no blanks around '=' and a CRLF line end");
	is_str(file->entries[2].value, " 30 ",
		"quotes keep the blanks inside, blanks outside are dropped");
	is_str(file->entries[3].key, "foreground", "a bare flag");
	ok(file->entries[3].value == NULL, "a flag has no value (%s)",
		value_or_null(file->entries[3].value));
	is_int(file->entries[3].option_index, 3,
		"entries point at their option in the table");
	ultrace_config_file_destroy(file);
}

/* The file `text` is refused at `line` with a message holding `part`. */
static void refused(const char *text, size_t len, unsigned int line,
		const char *part, const char *what)
{
	struct ultrace_config_file *file;
	struct ultrace_config_error error;
	enum ultrace_config_status status;

	status = ultrace_config_file_read(write_file_len(text, len), table,
		forbidden, &file, &error);
	ok(status == ULTRACE_CONFIG_STATUS_ERROR && file == NULL &&
		error.line == line && strstr(error.message, part) != NULL,
		"%s: refused at line %u, saying \"%s\"", what, line, part);
	if (status != ULTRACE_CONFIG_STATUS_ERROR || error.line != line ||
			strstr(error.message, part) == NULL) {
		diag("status %d, line %u: %s", (int) status, error.line,
			error.message);
	}
	ultrace_config_file_destroy(file);
}

#define REFUSED(text, line, part, what) \
	refused(text, sizeof(text) - 1, line, part, what)

static void test_bad_files(void)
{
	struct ultrace_config_file *file;
	struct ultrace_config_error error;
	char missing[sizeof(dir) + 32];

	REFUSED("live = x\nlivee = y\n", 2, "unknown key `livee`",
		"a misspelt key");
	REFUSED("--live = x\n", 1, "unknown key `--live`",
		"a key written with its dashes");
	REFUSED("# c\nlive =\n", 2, "`live` needs a value",
		"an option without its value");
	REFUSED("live\n", 1, "`live` needs a value",
		"an option written like a flag");
	REFUSED("foreground = maybe\n", 1, "its value is yes or no",
		"a flag with a value neither yes nor no");
	REFUSED("log-level = info\n\nlog-level = debug\n", 3,
		"already set at line 1", "a key given twice");
	REFUSED("verbose = no\nverbose\n", 2, "already set at line 1",
		"a flag given twice, even as no");
	REFUSED("help\n", 1, "cannot be set in a configuration file",
		"a forbidden option");
	REFUSED("config = other.conf\n", 1,
		"cannot be set in a configuration file",
		"a file naming another file");
	REFUSED("live net://h/host/a/b\n", 1, "expected `=` after `live`",
		"a missing '='");
	REFUSED(" = x\n", 1, "no key", "a value without a key");
	REFUSED("live = \"net://h/host/a/b\n", 1, "quote is not closed",
		"an unclosed quote");
	REFUSED("live = a\0b\n", 1, "NUL byte", "a NUL byte");

	snprintf(missing, sizeof(missing), "%s/none.conf", dir);
	is_int(ultrace_config_file_read(missing, table, forbidden, &file,
		&error), ULTRACE_CONFIG_STATUS_NOT_FOUND,
		"a missing file is NOT_FOUND");
	is_int(ultrace_config_file_read(dir, table, forbidden, &file,
		&error), ULTRACE_CONFIG_STATUS_ERROR,
		"a directory is an error (%s)", error.message);
	ok(error.line == 0 && file == NULL, "about the file as a whole");
}

static void test_scan_order(void)
{
	char arg0[] = "prog";
	char arg1[] = "--log-level=error";
	char arg2[] = "-f";
	char arg3[sizeof(path) + 16];
	char *argv[] = { arg0, arg1, arg2, arg3, NULL };
	struct ultrace_config_scan *scan;
	char got[256] = "";
	int c;

	write_file("log-level = debug\nlive = net://h/host/a/b\n");
	snprintf(arg3, sizeof(arg3), "--config=%s", path);
	if (ultrace_config_scan_create(&scan, 4, argv, shortopts, table,
			NULL, forbidden) != 0) {
		bail_out("scan of a good file failed");
	}
	is_str(ultrace_config_scan_borrow_path(scan), path,
		"--config names the file read");
	while ((c = ultrace_config_scan_next(scan)) != -1) {
		char one[64];

		snprintf(one, sizeof(one), "%c=%s ", c,
			optarg != NULL ? optarg : "");
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	is_str(got, "D=debug l=net://h/host/a/b D=error f= ",
		"the file's options come first, the command line's after "
		"(last wins), --config is not returned");
	is_int(optind, 4, "optind is the command line's at the end");
	ultrace_config_scan_destroy(scan);
}

static int count_options(int argc, char **argv, const char *default_path,
		int *ret)
{
	struct ultrace_config_scan *scan;
	int n = 0;

	*ret = ultrace_config_scan_create(&scan, argc, argv, shortopts,
		table, default_path, forbidden);
	if (*ret != 0) {
		return -1;
	}
	while (ultrace_config_scan_next(scan) != -1) {
		n++;
	}
	ultrace_config_scan_destroy(scan);
	return n;
}

static void test_scan_files(void)
{
	char arg0[] = "prog";
	char none[] = "--config=none";
	char missing_opt[sizeof(dir) + 48];
	char missing[sizeof(dir) + 32];
	char *argv_none[] = { arg0, none, NULL };
	char *argv_missing[] = { arg0, missing_opt, NULL };
	char *argv_plain[] = { arg0, NULL };
	int ret;

	write_file("verbose\nforeground\n");
	snprintf(missing, sizeof(missing), "%s/none.conf", dir);
	snprintf(missing_opt, sizeof(missing_opt), "--config=%s", missing);
	is_int(count_options(1, argv_plain, path, &ret), 2,
		"the default file is read when it exists");
	is_int(count_options(1, argv_plain, missing, &ret), 0,
		"a missing default file is no error");
	ok(ret == 0, "... and the scan is made");
	is_int(count_options(2, argv_none, path, &ret), 0,
		"--config=none reads no file, not even the default");
	count_options(2, argv_missing, path, &ret);
	is_int(ret, -1, "a file named by --config must exist");
	write_file("live = x\nbogus = 1\n");
	count_options(1, argv_plain, path, &ret);
	is_int(ret, -1, "an invalid default file is an error");
}

struct change_log {
	char text[512];
};

static void note_change(const char *key, const char *old_value,
		const char *new_value, void *data)
{
	struct change_log *log = data;
	char one[128];

	snprintf(one, sizeof(one), "%s:%s->%s ", key,
		old_value != NULL ? old_value : "unset",
		new_value != NULL ? new_value : "unset");
	strncat(log->text, one, sizeof(log->text) - strlen(log->text) - 1);
}

static void test_changes(void)
{
	char arg0[] = "prog";
	char arg1[] = "--stats-interval=5";
	char *argv[] = { arg0, arg1, NULL };
	struct ultrace_config_scan *before;
	struct ultrace_config_scan *after;
	struct change_log log = { "" };

	write_file("live = a\nlog-level = info\nstats-interval = 1\n"
		"verbose\n");
	if (ultrace_config_scan_create(&before, 2, argv, shortopts, table,
			path, forbidden) != 0) {
		bail_out("first scan failed");
	}
	write_file("live = b\nlog-level = info\nstats-interval = 9\n"
		"foreground = yes\n");
	if (ultrace_config_scan_create(&after, 2, argv, shortopts, table,
			path, forbidden) != 0) {
		bail_out("second scan failed");
	}
	ultrace_config_scan_for_each_change(before, after, note_change, &log);
	is_str(log.text, "live:a->b foreground:unset->yes verbose:yes->unset ",
		"changed, set and unset keys are told; unchanged ones and "
		"those the command line overrides are not");
	ultrace_config_scan_destroy(before);
	ultrace_config_scan_destroy(after);
}

int main(void)
{
	plan(36);
	if (mkdtemp(dir) == NULL) {
		bail_out("mkdtemp failed");
	}
	test_good_file();
	test_bad_files();
	test_scan_order();
	test_scan_files();
	test_changes();
	unlink(path);
	rmdir(dir);
	return exit_status();
}
