/*
 * loss_log.h: the tracer's losses, stream by stream: how many events and
 * packets it discarded, when, and how often it said so. Fixed size, no
 * allocation. No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_LOSS_LOG_H
#define ULTRACE_LOSS_LOG_H

#include <stdint.h>
#include <stdio.h>

/* A stream per CPU and buffer owner: 64 covers most machines; the rest
 * are summed under one "(other streams)" row, never dropped. */
#define ULTRACE_LOSS_LOG_STREAMS 64

struct ultrace_loss_stream {
	char name[240];
	uint64_t reports;
	uint64_t events;         /* summed modulo 2^64 (live +N/-N reports) */
	uint64_t packets;
	int64_t first_ns;        /* earliest begin of a reported range */
	int64_t last_ns;         /* latest end */
};

struct ultrace_loss_log {
	unsigned int count;
	struct ultrace_loss_stream streams[ULTRACE_LOSS_LOG_STREAMS + 1];
};

/* Record a report; begin/end are 0 when the stream has no clock. */
void ultrace_loss_log_note(struct ultrace_loss_log *log, const char *stream,
		int packets, uint64_t count, int64_t begin_ns, int64_t end_ns);

/*
 * One line (table) or row (csv) per stream; json: a `"losses":[...]`
 * member, for the caller to place inside an object.
 */
void ultrace_loss_log_print(FILE *out, const struct ultrace_loss_log *log,
		int format);

#endif /* ULTRACE_LOSS_LOG_H */
