/*
 * trace_host.h: the traces of several hosts (a relayd's output directory
 * holds one or more per host), grouped by the host they were recorded
 * on: the `hostname` entry of each trace's environment, as LTTng writes
 * it, read from the metadata text babeltrace2's `metadata-info` query on
 * src.ctf.fs gives. Knows babeltrace2; no registry, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_TRACE_HOST_H
#define ULTRACE_TRACE_HOST_H

#include <stddef.h>

#include "trace_discovery.h"

#define ULTRACE_TRACE_HOST_MAX 64      /* HOST_NAME_MAX on Linux */

/*
 * The host trace directory `path` was recorded on, into buf: 0, or -1
 * when its metadata names none (then buf is "").
 */
int ultrace_trace_hostname(const char *path, char *buf, size_t size);

struct ultrace_trace_host {
	char name[ULTRACE_TRACE_HOST_MAX + 1];   /* "" when unknown */
	struct ultrace_trace_list traces;
};

struct ultrace_trace_hosts {
	struct ultrace_trace_host *items;        /* sorted by name */
	size_t count;
};

/* Group `traces` by host (the paths are copied). 0, or -1 (no memory). */
int ultrace_trace_hosts_group(const struct ultrace_trace_list *traces,
		struct ultrace_trace_hosts *out);
void ultrace_trace_hosts_fini(struct ultrace_trace_hosts *hosts);

#endif
