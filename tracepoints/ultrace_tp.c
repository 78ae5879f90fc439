/*
 * ultrace_tp.c: the probe compilation unit, built into the provider
 * library libultrace-provider.so (the only object that links liblttng-ust).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "ultrace_tp.h"
