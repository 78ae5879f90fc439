/*
 * history_plot.h: ultrace-replay --plot: a PNG of a history's contacts
 * and users over time, the tracer's loss ranges and the suspect spans
 * shaded, drawn by gnuplot (run with no shell, fed its script through a
 * pipe). Reads a history; no registry internals, no babeltrace2, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_HISTORY_PLOT_H
#define ULTRACE_HISTORY_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "replay_history.h"

#define ULTRACE_PLOT_DEFAULT_WIDTH 1024
#define ULTRACE_PLOT_DEFAULT_HEIGHT 480

/*
 * "WxH" in pixels, each 64 to 16384, e.g. "1024x480". Returns 0 and sets
 * *width, *height, or -1 if malformed.
 */
int ultrace_plot_size_parse(const char *text, unsigned int *width,
		unsigned int *height);

/*
 * Write the gnuplot script that draws `history` (its data inline) to
 * `out`; the PNG goes to gnuplot's standard output. 0, or -1 if writing
 * failed.
 */
int ultrace_history_plot_script(FILE *out,
		const struct ultrace_replay_history *history,
		unsigned int width, unsigned int height);

/*
 * Draw `history` into the PNG file `path` (created or truncated) with
 * the gnuplot found in PATH (or $ULTRACE_GNUPLOT). 0, or -1 with `err`
 * saying why (then `path` is removed).
 */
int ultrace_history_plot(const char *path,
		const struct ultrace_replay_history *history,
		unsigned int width, unsigned int height, char *err,
		size_t errlen);

#endif /* ULTRACE_HISTORY_PLOT_H */
