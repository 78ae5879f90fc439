/*
 * size_parse.h: amounts of memory given on command lines ("512M", "4G").
 * No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SIZE_PARSE_H
#define ULTRACE_SIZE_PARSE_H

#include <stdint.h>

/*
 * Digits, then at most one unit: K, M, G or T (powers of 1024, either
 * case, optionally followed by "iB" or "B"). No sign, no fraction, no
 * space. Returns 0 and sets *bytes, or -1 if malformed or above 2^62.
 */
int ultrace_size_parse(const char *text, uint64_t *bytes);

#endif
