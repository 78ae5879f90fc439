/*
 * output_file.c: open, print, flush, close, each checked.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "output_file.h"

#include <errno.h>
#include <string.h>

int ultrace_output_file_write(const char *path, ultrace_print_fn print,
		const void *data, const char *what, char *err, size_t errlen)
{
	FILE *out = stdout;
	int ret = 0;

	if (path != NULL) {
		out = fopen(path, "w");
		if (out == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	if (print(out, data) != 0 || fflush(out) != 0) {
		snprintf(err, errlen, "cannot write the %s: %s", what,
			strerror(errno));
		ret = -1;
	}
	if (out != stdout && fclose(out) != 0 && ret == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ret = -1;
	}
	return ret;
}
