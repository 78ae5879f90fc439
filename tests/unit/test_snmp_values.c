/*
 * test_snmp_values.c: DateAndTime encoding (against gmtime_r and back),
 * q as the MIB's decimal string, UTF-8-safe cuts of SnmpAdminStrings, and
 * the numeric OIDs --health-oid takes.
 * Pure functions only: no agent, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "snmp_values.h"
#include "tap.h"
#include "test_rng.h"

#define RANDOM_TIMES 5000

static int octets_are(const uint8_t *got, const uint8_t *expected, size_t len,
		const char *what)
{
	size_t i;

	if (memcmp(got, expected, len) == 0) {
		return ok(1, "%s", what);
	}
	ok(0, "%s", what);
	for (i = 0; i < len; i++) {
		diag("octet %zu: got %u expected %u", i, got[i], expected[i]);
	}
	return 0;
}

static void test_date_and_time(void)
{
	static const uint8_t epoch[] = { 0x07, 0xb2, 1, 1, 0, 0, 0, 0, '+', 0, 0 };
	/* 2024-02-29 12:34:56 UTC, a leap day. */
	static const uint8_t leap[] = { 0x07, 0xe8, 2, 29, 12, 34, 56, 0, '+', 0, 0 };
	static const uint8_t last[] = { 0xff, 0xff, 12, 31, 23, 59, 59, 0, '+', 0, 0 };
	/* 2025-11-23 09:26:40 UTC written as local time at UTC-05:30. */
	static const uint8_t west[] = { 0x07, 0xe9, 11, 23, 3, 56, 40, 0, '-', 5, 30 };
	uint8_t out[ULTRACE_SNMP_DATE_AND_TIME_LEN];
	int64_t back = -1;
	int mismatches = 0;
	int i;

	is_uint(ultrace_snmp_date_and_time(0, out), 11, "DateAndTime: 11 octets");
	octets_are(out, epoch, sizeof(epoch), "0 is 1970-01-01 00:00:00.0 +0:0");
	ultrace_snmp_date_and_time(-12345, out);
	octets_are(out, epoch, sizeof(epoch), "before the epoch: the epoch");
	ultrace_snmp_date_and_time(1709210096, out);
	octets_are(out, leap, sizeof(leap), "a leap day in UTC");
	ultrace_snmp_date_and_time(INT64_MAX, out);
	octets_are(out, last, sizeof(last), "past year 65535: its last second");
	ok(ultrace_snmp_date_and_time_decode(out, 11, &back) == 0 &&
		back == INT64_C(2005949145599), "the last second decodes (%lld)",
		(long long) back);

	for (i = 0; i < RANDOM_TIMES; i++) {
		/* Up to year ~2514: gmtime_r's range, well past any expiry. */
		time_t t = (time_t) (test_rng_next() % (UINT64_C(1) << 34));
		struct tm tm;

		gmtime_r(&t, &tm);
		ultrace_snmp_date_and_time((int64_t) t, out);
		if (((out[0] << 8) | out[1]) != tm.tm_year + 1900 ||
				out[2] != tm.tm_mon + 1 || out[3] != tm.tm_mday ||
				out[4] != tm.tm_hour || out[5] != tm.tm_min ||
				out[6] != tm.tm_sec || out[7] != 0 ||
				out[8] != '+' || out[9] != 0 || out[10] != 0 ||
				ultrace_snmp_date_and_time_decode(out, 11,
					&back) != 0 || back != (int64_t) t) {
			if (mismatches++ < 5) {
				diag("t=%lld differs from gmtime_r or does not "
					"decode back", (long long) t);
			}
		}
	}
	is_int(mismatches, 0, "%d random times agree with gmtime_r and decode "
		"back", RANDOM_TIMES);

	ok(ultrace_snmp_date_and_time_decode(west, 11, &back) == 0 &&
		back == 1763890000, "an 11-octet local time with a west "
		"offset decodes to UTC (%lld)", (long long) back);
	ok(ultrace_snmp_date_and_time_decode(leap, 8, &back) == 0 &&
		back == 1709210096, "the 8-octet form decodes as UTC");
	ok(ultrace_snmp_date_and_time_decode(leap, 9, &back) != 0,
		"9 octets are refused");
	memcpy(out, leap, sizeof(leap));
	out[2] = 13;
	ok(ultrace_snmp_date_and_time_decode(out, 11, &back) != 0,
		"month 13 is refused");
}

static void test_preference(void)
{
	static const struct {
		int32_t q;
		const char *expected;
	} cases[] = {
		{ 1000, "1" }, { 900, "0.9" }, { 750, "0.75" }, { 5, "0.005" },
		{ 0, "0" }, { -1, "" }, { 10, "0.01" }, { 123, "0.123" },
		{ 999, "0.999" }, { 100, "0.1" }, { 1500, "1.5" },
		{ -7, "" },
	};
	char buf[ULTRACE_SNMP_PREFERENCE_SIZE];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = ultrace_snmp_q_to_decimal(cases[i].q, buf,
			sizeof(buf));

		is_str(buf, cases[i].expected, "q=%d is \"%s\"",
			(int) cases[i].q, cases[i].expected);
		is_uint(len, strlen(cases[i].expected),
			"q=%d: the length returned", (int) cases[i].q);
	}
}

static void test_utf8_cut(void)
{
	char s[600];
	/* U+00E9 (2 octets), U+20AC (3 octets), U+1F600 (4 octets). */
	static const char e_acute[] = "\xc3\xa9";
	static const char euro[] = "\xe2\x82\xac";
	static const char smile[] = "\xf0\x9f\x98\x80";
	int i;

	memset(s, 'a', sizeof(s));
	is_uint(ultrace_snmp_utf8_cut(s, 100, 255), 100, "short: unchanged");
	is_uint(ultrace_snmp_utf8_cut(s, 255, 255), 255, "255: unchanged");
	is_uint(ultrace_snmp_utf8_cut(s, 300, 255), 255, "ASCII: cut at 255");

	/* A 2-octet character at 254..255 straddles the limit. */
	memcpy(s + 254, e_acute, 2);
	is_uint(ultrace_snmp_utf8_cut(s, 300, 255), 254,
		"a 2-octet character across 255 is left out whole");
	memset(s, 'a', sizeof(s));
	memcpy(s + 253, e_acute, 2);
	is_uint(ultrace_snmp_utf8_cut(s, 300, 255), 255,
		"a 2-octet character ending at 255 is kept");

	/* Starting at 252 a 3-octet character fits; at 253 and 254 not. */
	for (i = 0; i < 4; i++) {
		memset(s, 'a', sizeof(s));
		memcpy(s + 252 + i, euro, 3);
		is_uint(ultrace_snmp_utf8_cut(s, 300, 255),
			i == 0 || i == 3 ? 255 : (size_t) (252 + i),
			"a 3-octet character at %d", 252 + i);
	}
	for (i = 0; i < 5; i++) {
		memset(s, 'a', sizeof(s));
		memcpy(s + 251 + i, smile, 4);
		is_uint(ultrace_snmp_utf8_cut(s, 300, 255),
			i == 0 || i == 4 ? 255 : (size_t) (251 + i),
			"a 4-octet character at %d", 251 + i);
	}
	/* Continuation octets with no lead: not UTF-8, cut anywhere. */
	memset(s, 0x80, sizeof(s));
	is_uint(ultrace_snmp_utf8_cut(s, 300, 255), 255,
		"stray continuation octets: cut at 255");
	/* A lead octet whose sequence ends before the limit is harmless. */
	memset(s, 'a', sizeof(s));
	s[254] = (char) 0xc3;
	s[255] = (char) 0xa9;
	s[256] = (char) 0xa9;   /* one continuation too many */
	is_uint(ultrace_snmp_utf8_cut(s, 300, 255), 254,
		"a sequence across the limit is cut at its lead");
	s[253] = (char) 0xc3;
	s[254] = (char) 0xa9;
	s[255] = (char) 0xa9;
	is_uint(ultrace_snmp_utf8_cut(s, 300, 255), 255,
		"an invalid extra continuation is cut at 255");
}

/* `text` parses to exactly the `n` sub-identifiers `want`. */
static void oid_parses(const char *text, const uint32_t *want, size_t n)
{
	uint32_t got[8];
	const char *why = "(none)";
	size_t len = ultrace_snmp_oid_parse(text, got, 8, &why);

	if (!ok(len == n && memcmp(got, want, n * sizeof(*want)) == 0,
			"`%s` parses to %zu sub-identifiers", text, n)) {
		diag("got %zu (%s)", len, len == 0 ? why : "values differ");
	}
}

/* `text` is refused, and the reason contains `because`. */
static void oid_refused(const char *text, const char *because)
{
	uint32_t got[8];
	const char *why = "";
	size_t len = ultrace_snmp_oid_parse(text, got, 8, &why);

	if (!ok(len == 0 && strstr(why, because) != NULL,
			"`%s` refused: %s", text, because)) {
		diag("got length %zu, reason \"%s\"", len, why);
	}
}

static void test_oid_parse(void)
{
	static const uint32_t playpen[] = { 1, 3, 6, 1, 4, 1, 8072, 7637 };
	static const uint32_t top[] = { 2, 999 };
	static const uint32_t largest[] = { 1, 3, 2147483647 };
	static const uint32_t zeros[] = { 0, 0 };

	oid_parses("1.3.6.1.4.1.8072.7637", playpen, 8);
	oid_parses(".1.3.6.1.4.1.8072.7637", playpen, 8);
	oid_parses("2.999", top, 2);
	oid_parses("1.3.2147483647", largest, 3);
	oid_parses("0.0", zeros, 2);
	oid_refused("1.3.2147483648", "2^31 or more");
	oid_refused("1.3.99999999999999999999", "2^31 or more");
	oid_refused("", "empty");
	oid_refused(".", "an empty component");
	oid_refused("1..3", "an empty component");
	oid_refused("1.3.", "an empty component");
	oid_refused("..1.3", "an empty component");
	oid_refused("1.3.6.-1", "not only digits and dots");
	oid_refused("1.3.6 ", "not only digits and dots");
	oid_refused("iso.3.6", "not only digits and dots");
	oid_refused("1", "fewer than two");
	oid_refused("3.1", "not 0, 1 or 2");
	oid_refused("1.40", "above 39");
	oid_refused("1.3.6.1.4.1.8072.7637.1", "too many");
}

int main(void)
{
	test_rng_seed(42);
	plan(71);
	test_date_and_time();
	test_preference();
	test_utf8_cut();
	test_oid_parse();
	return exit_status();
}
