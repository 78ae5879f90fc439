/*
 * print_format.h: the text forms ultrace-replay prints (table, CSV, JSON),
 * shared by the registry printer and the loss log. Nothing else.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_PRINT_FORMAT_H
#define ULTRACE_PRINT_FORMAT_H

enum ultrace_print_format {
	ULTRACE_PRINT_TABLE,
	ULTRACE_PRINT_CSV,
	ULTRACE_PRINT_JSON,
};

#endif /* ULTRACE_PRINT_FORMAT_H */
