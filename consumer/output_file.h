/*
 * output_file.h: a printer's output into a named file or standard output,
 * every failure (open, write, flush, close) turned into one message.
 * No registry, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_OUTPUT_FILE_H
#define ULTRACE_OUTPUT_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Print `data` to `out`: 0, or -1 (the stream's error says why). */
typedef int (*ultrace_print_fn)(FILE *out, const void *data);

/*
 * Run `print` on `path` (created or truncated; NULL: standard output,
 * flushed). 0, or -1 with err saying why ("cannot write the WHAT: ...",
 * or the file's name and errno).
 */
int ultrace_output_file_write(const char *path, ultrace_print_fn print,
		const void *data, const char *what, char *err, size_t errlen);

#endif
