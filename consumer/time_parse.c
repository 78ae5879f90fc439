/*
 * time_parse.c: ISO-8601 / epoch-nanosecond instants, parsed without
 * the locale or TZ (timegm-free: days from civil date computed here).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "time_parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Read exactly `n` digits at *p into *out. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char) (*p)[i])) {
			return -1;
		}
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	int64_t yoe;
	int64_t doy;
	int64_t doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

static int parse_epoch_ns(const char *text, int64_t *ns)
{
	int64_t v = 0;
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (!isdigit((unsigned char) *p)) {
			return -1;
		}
		if (v > (INT64_MAX - (*p - '0')) / 10) {
			return -1;
		}
		v = v * 10 + (*p - '0');
	}
	*ns = v;
	return 0;
}

int ultrace_time_parse(const char *text, int64_t *ns)
{
	const char *p = text;
	int y, mo, d, h, mi, s;
	int64_t frac = 0;
	int frac_digits = 0;
	int offset_s = 0;

	if (text == NULL || *text == '\0') {
		return -1;
	}
	if (strchr(text, '-') == NULL && strchr(text, ':') == NULL) {
		return parse_epoch_ns(text, ns);
	}
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
			*p++ != '-' || digits(&p, 2, &d)) {
		return -1;
	}
	if (*p != 'T' && *p != 't' && *p != ' ') {
		return -1;
	}
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
			*p++ != ':' || digits(&p, 2, &s)) {
		return -1;
	}
	if (*p == '.' || *p == ',') {
		p++;
		if (!isdigit((unsigned char) *p)) {
			return -1;
		}
		while (isdigit((unsigned char) *p)) {
			if (frac_digits == 9) {
				return -1;
			}
			frac = frac * 10 + (*p - '0');
			frac_digits++;
			p++;
		}
		while (frac_digits < 9) {
			frac *= 10;
			frac_digits++;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		int oh, om;

		p++;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
				oh > 23 || om > 59) {
			return -1;
		}
		offset_s = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 ||
			d > days_in_month(y, mo) || h > 23 || mi > 59 ||
			s > 60) {
		return -1;
	}
	{
		int64_t secs = days_from_civil(y, mo, d) * 86400 +
			h * 3600 + mi * 60 + s - offset_s;

		/* Instants before 1970 or past 2262 do not fit in int64 ns. */
		if (secs < 0 || secs > (INT64_MAX - frac) / 1000000000) {
			return -1;
		}
		*ns = secs * 1000000000 + frac;
	}
	return 0;
}

void ultrace_time_format_ns(int64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t) (ns / 1000000000);
	long frac = (long) (ns % 1000000000);
	struct tm tm;

	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	/* int64 ns stay within 1677..2262: gmtime_r cannot fail here. */
	if (gmtime_r(&secs, &tm) == NULL) {
		snprintf(buf, len, "%" PRId64, ns);
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, frac);
}

void ultrace_time_format_s(int64_t s, char *buf, size_t len)
{
	time_t secs = (time_t) s;
	struct tm tm;

	/* Beyond what ISO-8601's four-digit year holds: the number itself. */
	if (gmtime_r(&secs, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
			tm.tm_year + 1900 < 0) {
		snprintf(buf, len, "%" PRId64, s);
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec);
}

int ultrace_grace_parse(const char *text, int64_t *seconds)
{
	int64_t value = 0;
	const char *p;

	if (strcmp(text, "off") == 0) {
		*seconds = -1;
		return 0;
	}
	if (*text == '\0') {
		return -1;
	}
	for (p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			return -1;
		}
		value = value * 10 + (*p - '0');
		if (value > INT64_C(10) * 366 * 86400) {
			return -1;
		}
	}
	*seconds = value;
	return 0;
}

int ultrace_duration_parse(const char *text, int64_t *ns)
{
	static const struct {
		const char *name;
		int64_t ns;
	} units[] = {
		{ "", INT64_C(1000000000) },
		{ "ms", INT64_C(1000000) },
		{ "s", INT64_C(1000000000) },
		{ "m", INT64_C(60000000000) },
		{ "h", INT64_C(3600000000000) },
		{ "d", INT64_C(86400000000000) },
	};
	const int64_t most = INT64_C(366) * 86400 * 1000000000;
	int64_t value = 0;
	const char *p = text;
	size_t i;

	if (*p < '0' || *p > '9') {
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		value = value * 10 + (*p - '0');
		/* Past a year in ms, the smallest unit: too long in any. */
		if (value > most / units[1].ns) {
			return -1;
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].name) == 0) {
			break;
		}
	}
	if (i == sizeof(units) / sizeof(units[0]) || value == 0 ||
			value > most / units[i].ns) {
		return -1;
	}
	*ns = value * units[i].ns;
	return 0;
}
