/*
 * snmp_values.c: DateAndTime, q as a decimal string, UTF-8-safe cuts,
 * numeric OID parsing.
 * Pure functions: no net-snmp, no registry, no global state.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "snmp_values.h"

#include <stdio.h>
#include <string.h>

#define SECONDS_PER_DAY INT64_C(86400)
#define YEAR_MAX 65535

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
 * Hinnant's algorithms): exact for any year the type holds, no libc time
 * zone state, no gmtime_r() limits.
 */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe;
	unsigned int doy;
	unsigned int doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int) (y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t) doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned int *m,
		unsigned int *d)
{
	int64_t era;
	unsigned int doe;
	unsigned int yoe;
	unsigned int doy;
	unsigned int mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned int) (z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t) yoe + era * 400 + (*m <= 2);
}

size_t ultrace_snmp_date_and_time(int64_t unix_s,
		uint8_t out[ULTRACE_SNMP_DATE_AND_TIME_LEN])
{
	const int64_t last = days_from_civil(YEAR_MAX + 1, 1, 1) *
		SECONDS_PER_DAY - 1;
	int64_t days;
	int64_t secs;
	int64_t year;
	unsigned int month;
	unsigned int day;

	if (unix_s < 0) {
		unix_s = 0;
	} else if (unix_s > last) {
		unix_s = last;
	}
	days = unix_s / SECONDS_PER_DAY;
	secs = unix_s % SECONDS_PER_DAY;
	civil_from_days(days, &year, &month, &day);
	out[0] = (uint8_t) (year >> 8);
	out[1] = (uint8_t) year;
	out[2] = (uint8_t) month;
	out[3] = (uint8_t) day;
	out[4] = (uint8_t) (secs / 3600);
	out[5] = (uint8_t) (secs / 60 % 60);
	out[6] = (uint8_t) (secs % 60);
	out[7] = 0;     /* deci-seconds: usrloc keeps whole seconds */
	out[8] = '+';   /* UTC */
	out[9] = 0;
	out[10] = 0;
	return ULTRACE_SNMP_DATE_AND_TIME_LEN;
}

int ultrace_snmp_date_and_time_decode(const uint8_t *octets, size_t len,
		int64_t *unix_s)
{
	int64_t year;
	int64_t t;
	int64_t offset = 0;

	if (len != 8 && len != 11) {
		return -1;
	}
	year = (int64_t) octets[0] << 8 | octets[1];
	if (octets[2] < 1 || octets[2] > 12 || octets[3] < 1 ||
			octets[3] > 31 || octets[4] > 23 || octets[5] > 59 ||
			octets[6] > 60 || octets[7] > 9) {
		return -1;
	}
	t = days_from_civil(year, octets[2], octets[3]) * SECONDS_PER_DAY +
		octets[4] * 3600 + octets[5] * 60 + octets[6];
	if (len == 11) {
		if ((octets[8] != '+' && octets[8] != '-') ||
				octets[9] > 13 || octets[10] > 59) {
			return -1;
		}
		offset = octets[9] * 3600 + octets[10] * 60;
		/* Local time = UTC + offset: undo it. */
		t += octets[8] == '+' ? -offset : offset;
	}
	*unix_s = t;
	return 0;
}

size_t ultrace_snmp_q_to_decimal(int32_t q, char *buf, size_t size)
{
	char frac[4];
	int n;
	int i;

	if (size == 0) {
		return 0;
	}
	if (q < 0) {
		buf[0] = '\0';
		return 0;
	}
	if (q % 1000 == 0) {
		n = snprintf(buf, size, "%d", (int) (q / 1000));
		return n < 0 ? 0 : (size_t) n;
	}
	snprintf(frac, sizeof(frac), "%03d", (int) (q % 1000));
	/* The MIB's "0.9", not usrloc's "0.900": no trailing zeros. */
	for (i = 2; i > 0 && frac[i] == '0'; i--) {
		frac[i] = '\0';
	}
	n = snprintf(buf, size, "%d.%s", (int) (q / 1000), frac);
	return n < 0 ? 0 : (size_t) n;
}

size_t ultrace_snmp_utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t lead;
	size_t need;

	if (len <= max) {
		return len;
	}
	if ((u[max] & 0xc0) != 0x80) {
		/* u[max] starts a character: cutting before it is clean. */
		return max;
	}
	/* Find the lead octet of the sequence that u[max] continues. */
	lead = max;
	while (lead > 0 && max - lead < 3) {
		lead--;
		if ((u[lead] & 0xc0) != 0x80) {
			break;
		}
	}
	if ((u[lead] & 0xe0) == 0xc0) {
		need = 2;
	} else if ((u[lead] & 0xf0) == 0xe0) {
		need = 3;
	} else if ((u[lead] & 0xf8) == 0xf0) {
		need = 4;
	} else {
		/* No lead octet before: not UTF-8, any cut is as good. */
		return max;
	}
	return lead + need > max ? lead : max;
}

/* The largest sub-identifier net-snmp 5.9's AgentX code carries intact. */
#define AGENTX_SUBID_MAX UINT32_C(0x7fffffff)
#define NOT_NUMERIC "not only digits and dots (names are not resolved)"

size_t ultrace_snmp_oid_parse(const char *text, uint32_t *subids,
		size_t max, const char **why)
{
	const char *p = text;
	size_t n = 0;

	if (text == NULL || *p == '\0') {
		*why = "empty";
		goto error;
	}
	if (*p == '.') {
		p++;
	}
	for (;;) {
		uint64_t v = 0;

		if (*p < '0' || *p > '9') {
			*why = *p == '\0' || *p == '.' ?
				"an empty component" : NOT_NUMERIC;
			goto error;
		}
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t) (*p - '0');
			if (v > AGENTX_SUBID_MAX) {
				*why = "a component of 2^31 or more "
					"(net-snmp's AgentX code cannot "
					"carry it)";
				goto error;
			}
			p++;
		}
		if (n == max) {
			*why = "too many components";
			goto error;
		}
		subids[n++] = (uint32_t) v;
		if (*p == '\0') {
			break;
		}
		if (*p != '.') {
			*why = NOT_NUMERIC;
			goto error;
		}
		p++;
	}
	if (n < 2) {
		*why = "fewer than two components";
		goto error;
	}
	if (subids[0] > 2) {
		*why = "the first component is not 0, 1 or 2";
		goto error;
	}
	if (subids[0] < 2 && subids[1] > 39) {
		*why = "the second component is above 39 under 0 or 1";
		goto error;
	}
	return n;
error:
	return 0;
}
