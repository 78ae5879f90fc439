/*
 * lag_histogram.h: a fixed-size histogram of delays (event time to the
 * moment the registry has applied it), with ~12% resolution from 1 us to
 * over an hour. No SNMP, no babeltrace2, no allocation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_LAG_HISTOGRAM_H
#define ULTRACE_LAG_HISTOGRAM_H

#include <stdint.h>

#define ULTRACE_LAG_SUB_BITS 3
#define ULTRACE_LAG_BUCKETS (33 << ULTRACE_LAG_SUB_BITS)

struct ultrace_lag_histogram {
	uint64_t count;
	uint64_t negative;        /* event stamped in our future: clock skew */
	int64_t max_ns;
	uint64_t buckets[ULTRACE_LAG_BUCKETS];
};

void ultrace_lag_record(struct ultrace_lag_histogram *h, int64_t lag_ns);
/* The lag under which `permille`/1000 of the samples fall (upper bound). */
int64_t ultrace_lag_percentile_ns(const struct ultrace_lag_histogram *h,
		unsigned int permille);
void ultrace_lag_reset(struct ultrace_lag_histogram *h);

#endif /* ULTRACE_LAG_HISTOGRAM_H */
