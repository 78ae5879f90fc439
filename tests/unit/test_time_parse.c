/*
 * test_time_parse.c: instants on command lines (epoch ns or ISO-8601 with
 * a zone) parse to the right ns and print back. Time functions only.
 *
 * Constants checked with GNU date, e.g.
 * `date -u -d 2026-11-23T09:40:33Z +%s` = 1795426833.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "test_rng.h"
#include "time_parse.h"

#define NS INT64_C(1000000000)

/* `text` parses to `want`. */
static void parses(const char *text, int64_t want)
{
	int64_t ns = -12345;
	int ret = ultrace_time_parse(text, &ns);

	ok(ret == 0 && ns == want, "\"%s\" = %jd", text, (intmax_t) want);
	if (ret != 0 || ns != want) {
		diag("returned %d, ns %jd", ret, (intmax_t) ns);
	}
}

/* `text` is rejected; `why` names the rule. */
static void rejects(const char *text, const char *why)
{
	int64_t ns = -12345;
	int ret = ultrace_time_parse(text, &ns);

	ok(ret == -1, "\"%s\" rejected: %s", text, why);
	if (ret != -1) {
		diag("returned %d, ns %jd", ret, (intmax_t) ns);
	}
}

static void test_epoch_digits(void)
{
	int64_t ns = 5;

	parses("0", 0);
	parses("1763890000123456789", INT64_C(1763890000123456789));
	parses("000042", 42);
	parses("9223372036854775807", INT64_MAX);
	rejects("9223372036854775808", "past INT64_MAX");
	rejects("99999999999999999999", "far past INT64_MAX");
	rejects("", "empty");
	rejects("12a", "trailing junk");
	rejects(" 12", "leading space");
	rejects("+12", "sign");
	ok(ultrace_time_parse(NULL, &ns) == -1, "NULL rejected");
}

static void test_iso(void)
{
	parses("1970-01-01T00:00:00Z", 0);
	parses("1970-01-01T00:00:00.000000001Z", 1);
	parses("2026-11-23T09:40:33Z", INT64_C(1795426833) * NS);
	parses("2026-11-23T09:40:33.999419103Z",
		INT64_C(1795426833999419103));
	parses("2026-11-23T11:40:33.999419103+02:00",
		INT64_C(1795426833999419103));
	parses("2025-06-15T04:00:00-05:30", INT64_C(1749979800) * NS);
	parses("2025-06-15T09:30:00+00:00", INT64_C(1749979800) * NS);
	parses("2025-06-15T09:30:00-00:00", INT64_C(1749979800) * NS);
	parses("2026-11-23T09:40:33z", INT64_C(1795426833) * NS);
	parses("2026-11-23 09:40:33Z", INT64_C(1795426833) * NS);
	parses("2026-11-23T09:40:33.5Z", INT64_C(1795426833500000000));
	parses("2026-11-23T09:40:33.05Z", INT64_C(1795426833050000000));
	parses("2026-11-23T09:40:33.123456789Z", INT64_C(1795426833123456789));
	parses("2024-02-29T12:00:00Z", INT64_C(1709208000) * NS);
	parses("2000-02-29T00:00:00Z", INT64_C(951782400) * NS);
	parses("2000-03-01T00:00:00Z", INT64_C(951868800) * NS);
	parses("2025-12-31T23:59:59.999999999Z",
		INT64_C(1767225599999999999));
	parses("2262-04-11T23:47:16.854775807Z", INT64_MAX);
}

static void test_iso_rejects(void)
{
	rejects("2026-11-23T09:40:33", "no zone");
	rejects("2026-11-23T09:40:33.5", "fraction but no zone");
	rejects("2026-11-23T09:40:33.1234567891Z", "10 fraction digits");
	rejects("2026-11-23T09:40:33.Z", "empty fraction");
	rejects("2026-11-23T09:40:33ZZ", "trailing junk after Z");
	rejects("2026-11-23T09:40:33Z ", "trailing space");
	rejects("2026-11-23T09:40:33+02:00x", "trailing junk after offset");
	rejects("2026-11-23T09:40:33+0200", "offset without colon");
	rejects("2026-11-23T09:40:33+2:00", "one-digit offset hour");
	rejects("2026-11-23T09:40:33+24:00", "offset hour 24");
	rejects("2026-11-23T09:40:33+02:60", "offset minute 60");
	rejects("2026-11-23X09:40:33Z", "bad separator");
	rejects("2026-11-23  09:40:33Z", "two spaces");
	rejects("2026-11-2309:40:33Z", "no separator");
	rejects("2026-13-01T00:00:00Z", "month 13");
	rejects("2026-00-10T00:00:00Z", "month 0");
	rejects("2026-01-32T00:00:00Z", "January 32");
	rejects("2026-01-00T00:00:00Z", "day 0");
	rejects("2026-04-31T00:00:00Z", "April 31");
	rejects("2026-02-29T00:00:00Z", "Feb 29 of a non-leap year");
	rejects("2100-02-29T00:00:00Z", "Feb 29 of a century non-leap year");
	rejects("2026-11-23T24:00:00Z", "hour 24");
	rejects("2026-11-23T09:60:00Z", "minute 60");
	rejects("2026-1-23T09:40:33Z", "one-digit month");
	rejects("26-11-23T09:40:33Z", "two-digit year");
	rejects("2026-11-23", "date only");
	rejects("2026-11-23T09:40Z", "no seconds");
	/* int64 ns end at 2262-04-11T23:47:16.854775807Z. */
	rejects("2262-04-11T23:47:16.854775808Z", "1 ns past INT64_MAX");
	rejects("2262-04-12T00:00:00Z", "a day past the int64 ns range");
	rejects("9999-12-31T23:59:59Z", "far past the int64 ns range");
}

static void test_format(void)
{
	char buf[31];
	char small[8];
	int64_t ns;
	int i;
	int bad = 0;

	ultrace_time_format_ns(INT64_C(1795426833999419103), buf, sizeof(buf));
	is_str(buf, "2026-11-23T09:40:33.999419103Z",
		"format_ns of a known instant (fits 31 bytes)");
	ultrace_time_format_ns(0, buf, sizeof(buf));
	is_str(buf, "1970-01-01T00:00:00.000000000Z", "format_ns(0)");
	ultrace_time_format_ns(INT64_C(1795426833000000007), buf, sizeof(buf));
	is_str(buf, "2026-11-23T09:40:33.000000007Z",
		"format_ns keeps leading zeros of the fraction");
	ultrace_time_format_ns(-1, buf, sizeof(buf));
	is_str(buf, "1969-12-31T23:59:59.999999999Z",
		"format_ns(-1) is 1 ns before the epoch");
	ultrace_time_format_s(1795426833, buf, sizeof(buf));
	is_str(buf, "2026-11-23T09:40:33Z", "format_s of a known instant");
	ultrace_time_format_s(0, buf, 21);
	is_str(buf, "1970-01-01T00:00:00Z", "format_s(0) fits 21 bytes");
	ultrace_time_format_s(INT64_C(253402300800), buf, 21);
	is_str(buf, "253402300800",
		"format_s past 9999-12-31: the number, not a made-up date");
	ultrace_time_format_s(INT64_MIN, buf, 21);
	is_str(buf, "-9223372036854775808",
		"format_s(INT64_MIN): gmtime_r fails; the number, in 21 bytes");
	memset(small, 'x', sizeof(small));
	ultrace_time_format_ns(0, small, sizeof(small));
	is_str(small, "1970-01", "a short buffer gets a terminated prefix");

	/* Round trips over random instants, 1970 to 2262. */
	test_rng_seed(1795426833);
	for (i = 0; i < 2000; i++) {
		int64_t want = (int64_t) (test_rng_next() >> 1);
		int64_t s = want / NS;

		ultrace_time_format_ns(want, buf, sizeof(buf));
		if ((ultrace_time_parse(buf, &ns) != 0 || ns != want) &&
				!bad++) {
			diag("format_ns(%jd) = %s parses back to %jd",
				(intmax_t) want, buf, (intmax_t) ns);
		}
		ultrace_time_format_s(s, buf, sizeof(buf));
		if ((ultrace_time_parse(buf, &ns) != 0 || ns != s * NS) &&
				!bad++) {
			diag("format_s(%jd) = %s parses back to %jd",
				(intmax_t) s, buf, (intmax_t) ns);
		}
	}
	ok(!bad, "parse(format_ns(t)) == t and parse(format_s(s)) == s * 1e9 "
		"for 2000 random instants");
}

/* --history STEP: a duration with a unit, to ns. */
static void test_duration(void)
{
	static const struct {
		const char *text;
		int64_t ns;
	} good[] = {
		{ "1s", NS },
		{ "10s", 10 * NS },
		{ "5m", 300 * NS },
		{ "1h", 3600 * NS },
		{ "2d", 2 * 86400 * NS },
		{ "250ms", 250000000 },
		{ "1ms", 1000000 },
		{ "30", 30 * NS },
		{ "366d", INT64_C(366) * 86400 * NS },
		{ "31622400000ms", INT64_C(366) * 86400 * NS },
	};
	static const char *const bad[] = {
		"", "s", "0s", "0", "-1s", "1.5s", "1 s", "1S", "1sec", "367d",
		"8785h", "31622400001ms", "99999999999999999999s", "1s ",
	};
	size_t i;
	int64_t ns;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ns = -1;
		ok(ultrace_duration_parse(good[i].text, &ns) == 0 &&
			ns == good[i].ns, "duration \"%s\" = %jd ns",
			good[i].text, (intmax_t) good[i].ns);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ns = -1;
		ok(ultrace_duration_parse(bad[i], &ns) == -1 && ns == -1,
			"duration \"%s\" rejected", bad[i]);
	}
}

int main(void)
{
	plan(11 + 18 + 30 + 10 + 10 + 14);
	test_epoch_digits();
	test_iso();
	test_iso_rejects();
	test_format();
	test_duration();
	return exit_status();
}
