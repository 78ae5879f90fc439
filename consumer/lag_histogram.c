/*
 * lag_histogram.c: log-linear buckets over microseconds: bucket = the
 * position of the leading bit, then the next ULTRACE_LAG_SUB_BITS bits.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "lag_histogram.h"

#include <string.h>

static unsigned int bucket_of(uint64_t us)
{
	unsigned int msb;
	unsigned int sub;

	if (us < (1u << ULTRACE_LAG_SUB_BITS)) {
		return (unsigned int) us;
	}
	msb = 63 - (unsigned int) __builtin_clzll(us);
	sub = (unsigned int) (us >> (msb - ULTRACE_LAG_SUB_BITS)) &
		((1u << ULTRACE_LAG_SUB_BITS) - 1);
	if (msb - ULTRACE_LAG_SUB_BITS + 1 >= 33) {
		return ULTRACE_LAG_BUCKETS - 1;
	}
	return ((msb - ULTRACE_LAG_SUB_BITS + 1) << ULTRACE_LAG_SUB_BITS) + sub;
}

/* The smallest value (us) that falls in the bucket after `b`. */
static uint64_t bucket_upper_us(unsigned int b)
{
	unsigned int group = b >> ULTRACE_LAG_SUB_BITS;
	unsigned int sub = b & ((1u << ULTRACE_LAG_SUB_BITS) - 1);

	if (group == 0) {
		return (uint64_t) sub + 1;
	}
	return ((uint64_t) ((1u << ULTRACE_LAG_SUB_BITS) + sub + 1)) <<
		(group - 1);
}

void ultrace_lag_record(struct ultrace_lag_histogram *h, int64_t lag_ns)
{
	if (lag_ns < 0) {
		h->negative++;
		lag_ns = 0;
	}
	h->count++;
	if (lag_ns > h->max_ns) {
		h->max_ns = lag_ns;
	}
	h->buckets[bucket_of((uint64_t) lag_ns / 1000)]++;
}

int64_t ultrace_lag_percentile_ns(const struct ultrace_lag_histogram *h,
		unsigned int permille)
{
	uint64_t rank;
	uint64_t seen = 0;
	unsigned int b;

	if (h->count == 0) {
		return 0;
	}
	rank = (h->count * permille + 999) / 1000;
	if (rank == 0) {
		rank = 1;
	}
	for (b = 0; b < ULTRACE_LAG_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank) {
			int64_t upper = (int64_t) bucket_upper_us(b) * 1000;

			return upper < h->max_ns ? upper : h->max_ns;
		}
	}
	return h->max_ns;
}

void ultrace_lag_reset(struct ultrace_lag_histogram *h)
{
	memset(h, 0, sizeof(*h));
}
