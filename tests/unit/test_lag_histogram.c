/*
 * test_lag_histogram.c: percentiles of the lag histogram are upper bounds
 * within its ~12.5% resolution, for known distributions.
 * Knows only lag_histogram.h.
 */
#include <stdint.h>

#include "lag_histogram.h"
#include "tap.h"

/* Is `got` an upper bound of `want` within the bucket resolution? */
static int close_above(int64_t got, int64_t want)
{
	return got >= want && got <= want + want / 8 + 1000;
}

int main(void)
{
	struct ultrace_lag_histogram h = { 0 };
	int64_t v;
	int i;

	plan(10);
	is_int(ultrace_lag_percentile_ns(&h, 500), 0, "empty: p50 is 0");

	/* 1..1000 ms, uniformly. */
	for (i = 1; i <= 1000; i++) {
		ultrace_lag_record(&h, (int64_t) i * 1000000);
	}
	is_int((int) h.count, 1000, "1000 samples counted");
	v = ultrace_lag_percentile_ns(&h, 500);
	ok(close_above(v, 500000000), "p50 of 1..1000 ms ~ 500 ms (%lld)",
		(long long) v);
	v = ultrace_lag_percentile_ns(&h, 990);
	ok(close_above(v, 990000000), "p99 ~ 990 ms (%lld)", (long long) v);
	is_int((int) (ultrace_lag_percentile_ns(&h, 1000) / 1000000), 1000,
		"p100 is the max, 1000 ms");
	is_int((int) (h.max_ns / 1000000), 1000, "max recorded");

	ultrace_lag_reset(&h);
	is_int((int) h.count, 0, "reset empties it");

	/* Sub-microsecond and negative (clock skew) samples. */
	ultrace_lag_record(&h, 300);
	ultrace_lag_record(&h, -5000);
	is_int((int) h.negative, 1, "a negative lag is counted as skew");
	ok(ultrace_lag_percentile_ns(&h, 990) <= 1000,
		"sub-microsecond lags land in the first bucket");

	/* Hours: the last bucket saturates without overflow. */
	ultrace_lag_record(&h, INT64_C(9000) * 1000000000);
	is_int((int) (ultrace_lag_percentile_ns(&h, 1000) / 1000000000), 9000,
		"a 9000 s lag is reported as the max");
	return exit_status();
}
