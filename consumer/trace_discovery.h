/*
 * trace_discovery.h: finds the CTF traces (directories holding a
 * `metadata` file) below a session output directory, as the babeltrace2
 * CLI does and the library does not. No babeltrace2, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_TRACE_DISCOVERY_H
#define ULTRACE_TRACE_DISCOVERY_H

#include <stddef.h>

struct ultrace_trace_list {
	char **paths;      /* sorted, owned */
	size_t count;
};

/*
 * Fills `list` with every trace directory at or below `root` (LTTng:
 * SESSION/ust/uid/0/64-bit, one per buffer owner and ABI). Returns 0, or
 * -1 with a message in err (not a directory, unreadable, no trace).
 */
int ultrace_trace_discover(const char *root, struct ultrace_trace_list *list,
		char *err, size_t errlen);
void ultrace_trace_list_fini(struct ultrace_trace_list *list);

#endif /* ULTRACE_TRACE_DISCOVERY_H */
