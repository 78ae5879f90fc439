/*
 * floor_tp.c: the probes of the bench-only provider `ultrace_floor`, built
 * into bench/libultrace-floor-provider.so (linked with liblttng-ust, like
 * libultrace-provider.so) and dlopened by ultrace_floor_load().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "floor_tp.h"
