/*
 * event_decode.h: turns a babeltrace2 event message of the `ultrace`
 * provider into a registry event. Knows babeltrace2 and the event schema;
 * nothing of SNMP and nothing of how the registry applies events.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_EVENT_DECODE_H
#define ULTRACE_EVENT_DECODE_H

#include <stddef.h>

#include <babeltrace2/babeltrace.h>

#include "registry.h"

enum ultrace_decode_status {
	ULTRACE_DECODE_OK,
	/* Not an ultrace event (another provider): ignore it. */
	ULTRACE_DECODE_IGNORED,
	/* An ultrace event without a field it must have, or of a bad type. */
	ULTRACE_DECODE_MALFORMED,
	ULTRACE_DECODE_NOMEM,
};

struct ultrace_event_decoder;

struct ultrace_event_decoder *ultrace_event_decoder_create(void);
void ultrace_event_decoder_destroy(struct ultrace_event_decoder *decoder);

/*
 * Decode `msg` (an event message) into `out`, whose string slices borrow
 * from the message: valid until the message is released. On MALFORMED,
 * `err` holds a message naming the event, the field and the stream.
 */
enum ultrace_decode_status ultrace_event_decode(
		struct ultrace_event_decoder *decoder, const bt_message *msg,
		struct ultrace_registry_event *out, char *err, size_t errlen);

/* "stream NAME" or "stream #ID" for messages about `stream`. */
void ultrace_stream_describe(const bt_stream *stream, char *buf,
		size_t len);

#endif /* ULTRACE_EVENT_DECODE_H */
