/*
 * tap.h: a small TAP producer for ultrace's unit tests (plan, ok, is_*).
 * Knows nothing of the registry, SNMP or babeltrace2: stdout only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_TAP_H
#define ULTRACE_TAP_H

#include <stdint.h>

#define TAP_PRINTF(fmt_index, first_arg) \
	__attribute__((format(printf, fmt_index, first_arg)))

/* Announce `n` tests ("1..n") before the first one. */
void plan(int n);
/* Run without a plan; done_testing() prints it after the last test. */
void plan_no_plan(void);
void done_testing(void);

/*
 * Each check prints one "ok N - name" or "not ok N - name" line and, on
 * failure, where it failed and what it saw. Each returns the outcome (1
 * passed, 0 failed) so a caller can stop a loop at the first failure.
 */
int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
	TAP_PRINTF(4, 5);
int tap_is_int(intmax_t got, intmax_t expected, const char *file, int line,
		const char *fmt, ...) TAP_PRINTF(5, 6);
int tap_is_uint(uintmax_t got, uintmax_t expected, const char *file,
		int line, const char *fmt, ...) TAP_PRINTF(5, 6);
/* NULL-safe: two NULLs are equal, NULL and a string are not. */
int tap_is_str(const char *got, const char *expected, const char *file,
		int line, const char *fmt, ...) TAP_PRINTF(5, 6);

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, expected, ...) \
	tap_is_int((intmax_t) (got), (intmax_t) (expected), __FILE__, \
		__LINE__, __VA_ARGS__)
#define is_uint(got, expected, ...) \
	tap_is_uint((uintmax_t) (got), (uintmax_t) (expected), __FILE__, \
		__LINE__, __VA_ARGS__)
#define is_str(got, expected, ...) \
	tap_is_str((got), (expected), __FILE__, __LINE__, __VA_ARGS__)

/* A comment line "# ..." on stdout (each line of the message prefixed). */
void diag(const char *fmt, ...) TAP_PRINTF(1, 2);

/* Count the next `n` tests as skipped, all for `reason`. */
void skip(int n, const char *fmt, ...) TAP_PRINTF(2, 3);

/* Stop the whole test program: "Bail out! reason", exit status 255. */
void bail_out(const char *fmt, ...) TAP_PRINTF(1, 2)
	__attribute__((noreturn));

/*
 * 0 iff a plan was given, exactly that many tests ran and none failed;
 * main() returns it. Says why on a diagnostic line when it is not 0.
 */
int exit_status(void);

#endif /* ULTRACE_TAP_H */
