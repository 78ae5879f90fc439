/*
 * floor.c: bench/libultrace-floor.so, the call sites of the `ultrace_floor`
 * provider, compiled the way tracepoints/ultrace.c is: a shared object
 * whose events use dynamic probe linkage and which links no LTTng library,
 * the probes living in a provider that is dlopened (ultrace_floor_load(),
 * as ultrace_provider_load() does). So a floor event and an ultrace event
 * reach the tracer the same way: a call into a shared library, a test of
 * the tracepoint's state, the probe called through the tracepoint.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "floor_tp.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "floor.h"

#ifndef ULTRACE_FLOOR_PROVIDER_PATH
#define ULTRACE_FLOOR_PROVIDER_PATH "libultrace-floor-provider.so"
#endif

void ultrace_floor_int(uint64_t value)
{
	lttng_ust_tracepoint(ultrace_floor, floor_int, value);
}

void ultrace_floor_blob(const uint8_t *bytes, uint32_t len)
{
	lttng_ust_tracepoint(ultrace_floor, floor_blob, bytes, len);
}

int ultrace_floor_load(char *errbuf, size_t errlen)
{
	static void *handle;
	const char *path = getenv("ULTRACE_FLOOR_PROVIDER");

	if (path == NULL || path[0] == '\0') {
		path = ULTRACE_FLOOR_PROVIDER_PATH;
	}
	if (handle == NULL) {
		handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
		if (handle == NULL) {
			snprintf(errbuf, errlen, "cannot load %s: %s", path,
				dlerror());
			return -1;
		}
	}
	return 0;
}
