/*
 * loss_log.c: per-stream tallies of the tracer's discard reports.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "loss_log.h"

#include <inttypes.h>
#include <string.h>

#include "print_format.h"
#include "time_parse.h"

static struct ultrace_loss_stream *find_or_add(struct ultrace_loss_log *log,
		const char *name)
{
	unsigned int i;

	for (i = 0; i < log->count; i++) {
		if (strcmp(log->streams[i].name, name) == 0) {
			return &log->streams[i];
		}
	}
	if (log->count == ULTRACE_LOSS_LOG_STREAMS) {
		/* The overflow row, last: still counted, only less precisely. */
		struct ultrace_loss_stream *other =
			&log->streams[ULTRACE_LOSS_LOG_STREAMS];

		snprintf(other->name, sizeof(other->name), "(other streams)");
		return other;
	}
	snprintf(log->streams[log->count].name,
		sizeof(log->streams[log->count].name), "%s", name);
	return &log->streams[log->count++];
}

void ultrace_loss_log_note(struct ultrace_loss_log *log, const char *stream,
		int packets, uint64_t count, int64_t begin_ns, int64_t end_ns)
{
	struct ultrace_loss_stream *s = find_or_add(log, stream);

	s->reports++;
	if (packets) {
		s->packets += count;
	} else {
		s->events += count;
	}
	if (begin_ns != 0 && (s->first_ns == 0 || begin_ns < s->first_ns)) {
		s->first_ns = begin_ns;
	}
	if (end_ns > s->last_ns) {
		s->last_ns = end_ns;
	}
}

static void print_one(FILE *out, const struct ultrace_loss_stream *s,
		int format, int first)
{
	char t0[40] = "-";
	char t1[40] = "-";

	if (s->first_ns != 0) {
		ultrace_time_format_ns(s->first_ns, t0, sizeof(t0));
	}
	if (s->last_ns != 0) {
		ultrace_time_format_ns(s->last_ns, t1, sizeof(t1));
	}
	switch (format) {
	case ULTRACE_PRINT_CSV:
		fprintf(out, "loss,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%s,%s\n", s->name, s->reports, s->events,
			s->packets, t0, t1);
		break;
	case ULTRACE_PRINT_JSON:
		fprintf(out, "%s{\"stream\":\"", first ? "" : ",");
		for (const char *p = s->name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\') {
				fputc('\\', out);
			}
			fputc(*p, out);
		}
		fprintf(out, "\",\"reports\":%" PRIu64 ",\"events\":%" PRIu64
			",\"packets\":%" PRIu64 ",\"first\":\"%s\",\"last\":"
			"\"%s\"}", s->reports, s->events, s->packets, t0, t1);
		break;
	default:
		fprintf(out, "  %s: %" PRIu64 " events, %" PRIu64 " packets "
			"in %" PRIu64 " report(s), %s .. %s\n", s->name,
			s->events, s->packets, s->reports, t0, t1);
		break;
	}
}

void ultrace_loss_log_print(FILE *out, const struct ultrace_loss_log *log,
		int format)
{
	const struct ultrace_loss_stream *other =
		&log->streams[ULTRACE_LOSS_LOG_STREAMS];
	unsigned int i;

	if (format == ULTRACE_PRINT_CSV) {
		fputs("loss,stream,reports,events,packets,first,last\n", out);
	} else if (format == ULTRACE_PRINT_JSON) {
		fputs("\"losses\":[", out);
	} else {
		fprintf(out, "Tracer losses by stream:%s\n",
			log->count == 0 ? " none" : "");
	}
	for (i = 0; i < log->count; i++) {
		print_one(out, &log->streams[i], format, i == 0);
	}
	if (other->reports > 0) {
		print_one(out, other, format, log->count == 0);
	}
	if (format == ULTRACE_PRINT_JSON) {
		fputc(']', out);
	}
}
