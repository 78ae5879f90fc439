/*
 * tap.c: TAP version 12 output for the unit tests, on stdout (the automake
 * TAP driver reads stdout only). No registry, SNMP or babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int planned = -1;        /* -1: no plan printed yet */
static int no_plan;
static int done;
static int run;
static int failed;

/* The formatted message, malloc'd; NULL only when out of memory. */
static char *vformat(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
	va_list copy;
	char *buf = NULL;
	int len;

	va_copy(copy, ap);
	len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (len < 0) {
		goto end;
	}
	buf = malloc((size_t) len + 1);
	if (buf == NULL) {
		goto end;
	}
	vsnprintf(buf, (size_t) len + 1, fmt, ap);
end:
	return buf;
}

/*
 * Print `s` on one line: control bytes as C escapes so that no value can
 * start a new TAP line, and '#' escaped in descriptions so that a test
 * name is never taken for a SKIP/TODO directive.
 */
static void put_escaped(const char *s, int escape_hash)
{
	const unsigned char *p = (const unsigned char *) s;

	for (; *p != '\0'; p++) {
		if (*p == '\n') {
			fputs("\\n", stdout);
		} else if (*p == '\r') {
			fputs("\\r", stdout);
		} else if (*p == '\t') {
			fputs("\\t", stdout);
		} else if (*p < 0x20 || *p == 0x7f) {
			printf("\\x%02x", *p);
		} else if (*p == '#' && escape_hash) {
			fputs("\\#", stdout);
		} else {
			putchar(*p);
		}
	}
}

/* Each line of `msg` as a "# " comment line. */
static void put_comment(const char *msg)
{
	const char *line = msg;

	for (;;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl != NULL ? (size_t) (nl - line) : strlen(line);

		fputs("# ", stdout);
		fwrite(line, 1, len, stdout);
		putchar('\n');
		if (nl == NULL || nl[1] == '\0') {
			break;
		}
		line = nl + 1;
	}
	fflush(stdout);
}

static void vdiag(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
static void vdiag(const char *fmt, va_list ap)
{
	char *msg = vformat(fmt, ap);

	put_comment(msg != NULL ? msg : "(diagnostic lost: out of memory)");
	free(msg);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

void plan(int n)
{
	if (planned >= 0 || no_plan) {
		bail_out("plan(%d) after a plan was already set", n);
	}
	if (n < 0) {
		bail_out("plan(%d): a plan cannot be negative", n);
	}
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

void plan_no_plan(void)
{
	if (planned >= 0 || no_plan) {
		bail_out("plan_no_plan() after a plan was already set");
	}
	no_plan = 1;
}

void done_testing(void)
{
	if (!no_plan) {
		/* With a plan up front, nothing is left to announce. */
		return;
	}
	if (done) {
		return;
	}
	done = 1;
	planned = run;
	printf("1..%d\n", run);
	fflush(stdout);
}

/* One result line; on failure, where the test is. Returns `cond`. */
static int vresult(int cond, const char *file, int line, const char *fmt,
		va_list ap) __attribute__((format(printf, 4, 0)));
static int vresult(int cond, const char *file, int line, const char *fmt,
		va_list ap)
{
	char *name = vformat(fmt, ap);

	run++;
	printf("%s %d - ", cond ? "ok" : "not ok", run);
	put_escaped(name != NULL ? name : "(name lost: out of memory)", 1);
	putchar('\n');
	fflush(stdout);
	if (!cond) {
		failed++;
		diag("  Failed test '%s'\n  at %s line %d.",
			name != NULL ? name : "?", file, line);
	}
	free(name);
	return cond;
}

int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cond = vresult(cond, file, line, fmt, ap);
	va_end(ap);
	return cond;
}

int tap_is_int(intmax_t got, intmax_t expected, const char *file, int line,
		const char *fmt, ...)
{
	va_list ap;
	int cond;

	va_start(ap, fmt);
	cond = vresult(got == expected, file, line, fmt, ap);
	va_end(ap);
	if (!cond) {
		diag("         got: %jd\n    expected: %jd", got, expected);
	}
	return cond;
}

int tap_is_uint(uintmax_t got, uintmax_t expected, const char *file,
		int line, const char *fmt, ...)
{
	va_list ap;
	int cond;

	va_start(ap, fmt);
	cond = vresult(got == expected, file, line, fmt, ap);
	va_end(ap);
	if (!cond) {
		diag("         got: %ju (0x%jx)\n    expected: %ju (0x%jx)",
			got, got, expected, expected);
	}
	return cond;
}

/* "# <label>'value'" with the value escaped, or (null). */
static void diag_str(const char *label, const char *value)
{
	fputs("# ", stdout);
	fputs(label, stdout);
	if (value == NULL) {
		fputs("(null)", stdout);
	} else {
		putchar('\'');
		put_escaped(value, 0);
		putchar('\'');
	}
	putchar('\n');
	fflush(stdout);
}

int tap_is_str(const char *got, const char *expected, const char *file,
		int line, const char *fmt, ...)
{
	va_list ap;
	int cond;

	if (got == NULL || expected == NULL) {
		cond = got == expected;
	} else {
		cond = strcmp(got, expected) == 0;
	}
	va_start(ap, fmt);
	cond = vresult(cond, file, line, fmt, ap);
	va_end(ap);
	if (!cond) {
		diag_str("         got: ", got);
		diag_str("    expected: ", expected);
	}
	return cond;
}

void skip(int n, const char *fmt, ...)
{
	va_list ap;
	char *reason;
	int i;

	va_start(ap, fmt);
	reason = vformat(fmt, ap);
	va_end(ap);
	for (i = 0; i < n; i++) {
		run++;
		printf("ok %d # skip ", run);
		put_escaped(reason != NULL ? reason : "", 0);
		putchar('\n');
	}
	fflush(stdout);
	free(reason);
}

void bail_out(const char *fmt, ...)
{
	va_list ap;
	char *reason;

	va_start(ap, fmt);
	reason = vformat(fmt, ap);
	va_end(ap);
	fputs("Bail out! ", stdout);
	put_escaped(reason != NULL ? reason : "", 0);
	putchar('\n');
	fflush(stdout);
	free(reason);
	exit(255);
}

int exit_status(void)
{
	int status = 0;

	if (no_plan && !done) {
		diag("done_testing() was not called after %d tests.", run);
		status = 255;
	} else if (planned < 0) {
		diag("No plan: call plan() or plan_no_plan().");
		status = 255;
	} else {
		if (failed > 0) {
			diag("Looks like you failed %d test%s of %d.", failed,
				failed == 1 ? "" : "s", run);
			status = failed < 254 ? failed : 254;
		}
		if (run != planned) {
			diag("Looks like you planned %d test%s but ran %d.",
				planned, planned == 1 ? "" : "s", run);
			status = 255;
		}
	}
	return status;
}
