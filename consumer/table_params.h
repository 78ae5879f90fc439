/*
 * table_params.h: the initialization parameters of sink.ultrace.table
 * (format, at, expiry-grace, output), checked and turned into what
 * ultrace-replay's options give: the same parsers, the same defaults.
 * Knows babeltrace2's values; nothing of graphs or SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_TABLE_PARAMS_H
#define ULTRACE_TABLE_PARAMS_H

#include <stddef.h>

#include <babeltrace2/babeltrace.h>

#include "replay_output.h"

struct ultrace_table_params {
	/* What is printed at the end, the state's instant, the TTL grace. */
	struct ultrace_replay_output output;
	/* `output`: the file to write (owned); NULL: standard output. */
	char *output_file;
};

/*
 * Fill `p` from the map `params` (NULL or empty: the defaults). Returns
 * 0; -1 with `err` naming the parameter and what it accepts (a parameter
 * unknown, of the wrong type or with a bad value); -2 if memory ran out.
 * Free with ultrace_table_params_fini() in every case.
 */
int ultrace_table_params_parse(const bt_value *params,
		struct ultrace_table_params *p, char *err, size_t errlen);

void ultrace_table_params_fini(struct ultrace_table_params *p);

#endif /* ULTRACE_TABLE_PARAMS_H */
