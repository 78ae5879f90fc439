/*
 * test_rng.h: the deterministic generator randomized tests share
 * (splitmix64: the same sequence on every libc). Knows no test.
 */
#ifndef ULTRACE_TEST_RNG_H
#define ULTRACE_TEST_RNG_H

#include <stdint.h>

void test_rng_seed(uint64_t seed);
uint64_t test_rng_next(void);
/* Uniform enough below n (n > 0) for tests: test_rng_next() % n. */
uint64_t test_rng_below(uint64_t n);

#endif /* ULTRACE_TEST_RNG_H */
