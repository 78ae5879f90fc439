/*
 * fuzz_check.h: what the fuzz harnesses check on a registry after they fed
 * it: the walk agrees with the counters and the lookups, every row encodes
 * for SNMP within the MIB's sizes, every listing parses back. No
 * babeltrace2; a failed check aborts (a crash, for libFuzzer and for the
 * regression driver alike).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_FUZZ_CHECK_H
#define ULTRACE_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "loss_log.h"
#include "registry.h"

/* Print "fuzz check failed: ..." to stderr and abort(). */
void fuzz_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fuzz_fail(__VA_ARGS__); \
	} \
} while (0)

/* 1 if `s` (`len` octets) is well-formed UTF-8 (RFC 3629). */
int fuzz_utf8_valid(const char *s, size_t len);

/*
 * 1 if `s` is one JSON value (RFC 8259) and nothing else but whitespace,
 * in well-formed UTF-8; else 0, with where reading stopped in `bad_at`.
 */
int fuzz_json_valid(const char *s, size_t len, size_t *bad_at);

/*
 * Every check on `registry` (see the top of this file); `losses` (may be
 * NULL) is printed with the stats. Returns how many string values the
 * SNMP encoding cut to 255 octets.
 */
uint64_t fuzz_check_registry(const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses);

#endif /* ULTRACE_FUZZ_CHECK_H */
