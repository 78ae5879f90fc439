/*
 * test_size_parse.c: memory amounts on command lines ("512M") parse to
 * the right number of bytes; anything else is rejected.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>

#include "size_parse.h"
#include "tap.h"

static void parses(const char *text, uint64_t want)
{
	uint64_t bytes = 12345;
	int ret = ultrace_size_parse(text, &bytes);

	ok(ret == 0 && bytes == want, "\"%s\" = %ju bytes", text,
		(uintmax_t) want);
	if (ret != 0 || bytes != want) {
		diag("returned %d, bytes %ju", ret, (uintmax_t) bytes);
	}
}

static void rejects(const char *text, const char *why)
{
	uint64_t bytes = 12345;
	int ret = ultrace_size_parse(text, &bytes);

	ok(ret == -1 && bytes == 12345, "\"%s\" rejected: %s", text, why);
}

int main(void)
{
	plan(22);
	parses("0", 0);
	parses("4096", 4096);
	parses("64K", 65536);
	parses("64k", 65536);
	parses("512M", UINT64_C(512) << 20);
	parses("512MiB", UINT64_C(512) << 20);
	parses("512mb", UINT64_C(512) << 20);
	parses("4G", UINT64_C(4) << 30);
	parses("2T", UINT64_C(2) << 40);
	parses("4611686018427387904", UINT64_C(1) << 62);
	parses("4194304T", UINT64_C(1) << 62);
	rejects("", "empty");
	rejects("M", "no digits");
	rejects("-1G", "a sign");
	rejects("+1G", "a sign");
	rejects(" 1G", "a space");
	rejects("1.5G", "a fraction");
	rejects("1GG", "two units");
	rejects("1X", "an unknown unit");
	rejects("1Gibibyte", "a long unit");
	rejects("4611686018427387905", "above 2^62");
	rejects("4194305T", "above 2^62 once scaled");
	return exit_status();
}
