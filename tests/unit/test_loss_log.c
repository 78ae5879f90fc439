/*
 * test_loss_log.c: per-stream loss tallies: sums, time ranges, and the
 * overflow row that keeps counting past ULTRACE_LOSS_LOG_STREAMS streams.
 * Knows only loss_log.h.
 */
#include <stdio.h>

#include "loss_log.h"
#include "tap.h"

int main(void)
{
	static struct ultrace_loss_log log;
	char name[32];
	uint64_t total = 0;
	unsigned int i;

	plan(9);
	ultrace_loss_log_note(&log, "stream a", 0, 10, 2000, 3000);
	ultrace_loss_log_note(&log, "stream a", 0, 5, 1000, 2500);
	ultrace_loss_log_note(&log, "stream a", 1, 2, 0, 0);
	is_int(log.count, 1, "reports of one stream share a row");
	is_int(log.streams[0].events, 15, "its events add up");
	is_int(log.streams[0].packets, 2, "packets are counted apart");
	is_int(log.streams[0].reports, 3, "every report is counted");
	is_int(log.streams[0].first_ns, 1000, "the range starts at the earliest");
	is_int(log.streams[0].last_ns, 3000, "and ends at the latest");

	/* Past the limit: nothing dropped, the rest lands in one row. */
	for (i = 0; i < ULTRACE_LOSS_LOG_STREAMS + 10; i++) {
		snprintf(name, sizeof(name), "stream %u", i + 100);
		ultrace_loss_log_note(&log, name, 0, 1, 0, 0);
	}
	is_int(log.count, ULTRACE_LOSS_LOG_STREAMS, "rows stop at the limit");
	for (i = 0; i <= ULTRACE_LOSS_LOG_STREAMS; i++) {
		total += log.streams[i].events;
	}
	is_int(total, 15 + ULTRACE_LOSS_LOG_STREAMS + 10,
		"no event is lost to the limit");
	is_int(log.streams[ULTRACE_LOSS_LOG_STREAMS].events, 11,
		"the overflow row holds the streams past the limit");
	return exit_status();
}
