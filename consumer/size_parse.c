/*
 * size_parse.c: "4G"-style memory amounts, without strtoull's leniency
 * (it takes signs, spaces and wraps silently).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "size_parse.h"

#include <string.h>
#include <strings.h>

#define SIZE_MAX_ACCEPTED (UINT64_C(1) << 62)

int ultrace_size_parse(const char *text, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	uint64_t value = 0;
	uint64_t scale = 1;
	const char *p = text;
	const char *unit;

	if (*p < '0' || *p > '9') {
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		value = value * 10 + (uint64_t) (*p - '0');
		if (value > SIZE_MAX_ACCEPTED) {
			return -1;
		}
	}
	if (*p != '\0') {
		unit = strchr(units, *p >= 'a' ? *p - 'a' + 'A' : *p);
		if (unit == NULL || *unit == '\0') {
			return -1;
		}
		scale = UINT64_C(1) << (10 * (unit - units + 1));
		p++;
		if (*p != '\0' && strcasecmp(p, "iB") != 0 &&
				strcasecmp(p, "B") != 0) {
			return -1;
		}
	}
	if (value > SIZE_MAX_ACCEPTED / scale) {
		return -1;
	}
	*bytes = value * scale;
	return 0;
}
