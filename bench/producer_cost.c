/*
 * producer_cost.c: ns per ultrace_contact_insert() call, from 1..N threads,
 * with the provider not loaded, loaded without a session, or recording.
 * Benchmark only (bench/run); not a test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ultrace.h"

struct worker {
	pthread_t thread;
	uint64_t iterations;
	unsigned int id;
	double ns_per_call;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A contact of typical size: what a registrar's callback would pass. */
static void fill_contact(struct ultrace_contact *c, char *aor, size_t aorlen,
		char *uri, size_t urilen, unsigned int id)
{
	memset(c, 0, sizeof(*c));
	snprintf(aor, aorlen, "sip:user%u@example.net", id);
	snprintf(uri, urilen, "sip:user%u@198.51.100.7:5060;transport=udp",
		id);
	c->domain = ultrace_str_from_cstr("location");
	c->aor = ultrace_str_from_cstr(aor);
	c->contact = ultrace_str_from_cstr(uri);
	c->user_agent = ultrace_str_from_cstr("Linphone/5.2.0 (belle-sip)");
	c->callid = ultrace_str_from_cstr("a84b4c76e66710@pc33.example.net");
	c->ruid = ultrace_str_from_cstr("uloc-655f2a1b-1a2b-1");
	c->socket = ultrace_str_from_cstr("udp:127.0.0.1:5060");
	c->cseq = 314159;
	c->q = 1000;
	c->expires = 1800000000;
	c->last_modified = 1799996400;
	c->methods = 0x1fff;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct ultrace_contact c;
	char aor[64];
	char uri[96];
	int64_t t0;
	uint64_t i;

	fill_contact(&c, aor, sizeof(aor), uri, sizeof(uri), w->id);
	t0 = now_ns();
	for (i = 0; i < w->iterations; i++) {
		c.cseq = (int32_t) i;
		ultrace_contact_insert(&c);
	}
	w->ns_per_call = (double) (now_ns() - t0) / (double) w->iterations;
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-provider", no_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int threads = 1;
	uint64_t iterations = 1000000;
	int load = 1;
	struct worker *w;
	double sum = 0;
	unsigned int i;
	int c;
	char err[512];

	while ((c = getopt_long(argc, argv, "nt:i:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			load = 0;
			break;
		case 't':
			threads = (unsigned int) strtoul(optarg, NULL, 10);
			break;
		case 'i':
			iterations = strtoull(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: %s [--no-provider] "
				"[--threads T] [--iterations N]\n", argv[0]);
			return 2;
		}
	}
	if (threads == 0 || iterations == 0) {
		return 2;
	}
	if (load && ultrace_provider_load(0, err, sizeof(err)) != 0) {
		fprintf(stderr, "producer_cost: %s\n", err);
		return 1;
	}
	w = calloc(threads, sizeof(*w));
	if (w == NULL) {
		return 1;
	}
	for (i = 0; i < threads; i++) {
		w[i].iterations = iterations;
		w[i].id = i;
		if (pthread_create(&w[i].thread, NULL, run, &w[i]) != 0) {
			return 1;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		sum += w[i].ns_per_call;
	}
	/* Mean over threads of each thread's ns per call. */
	printf("%.1f\n", sum / threads);
	free(w);
	return 0;
}
