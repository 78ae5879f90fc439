/*
 * floor_tp.h: the bench-only LTTng-UST provider `ultrace_floor`: LTTng's
 * own cost, beside ultrace's events (bench/run §1). Never installed.
 * Included only by floor_tp.c (probes) and floor.c (call sites).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER ultrace_floor

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./floor_tp.h"

#if !defined(ULTRACE_FLOOR_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define ULTRACE_FLOOR_TP_H

#include <stdint.h>
#include <lttng/tracepoint.h>

/* The fixed cost of an event: one integer field. */
LTTNG_UST_TRACEPOINT_EVENT(ultrace_floor, floor_int,
	LTTNG_UST_TP_ARGS(uint64_t, value),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, value, value)
	)
)

/*
 * Fixed plus per-byte cost: one field of `len` bytes. A sequence of
 * uint8 (not text: LTTng copies a text sequence byte by byte) is written
 * with one memcpy, after its uint32 length.
 */
LTTNG_UST_TRACEPOINT_EVENT(ultrace_floor, floor_blob,
	LTTNG_UST_TP_ARGS(const uint8_t *, bytes, uint32_t, len),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_sequence(uint8_t, bytes, bytes, uint32_t, len)
	)
)

#endif /* ULTRACE_FLOOR_TP_H */

#include <lttng/tracepoint-event.h>
