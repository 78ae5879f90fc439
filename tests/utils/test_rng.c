/*
 * test_rng.c: splitmix64 for the randomized unit tests.
 */
#include "test_rng.h"

static uint64_t rng_state;

void test_rng_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t test_rng_next(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t test_rng_below(uint64_t n)
{
	return test_rng_next() % n;
}
