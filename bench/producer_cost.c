/*
 * producer_cost.c: ns per ultrace_contact_insert() call, from 1..N threads,
 * with the provider not loaded, loaded without a session, or recording;
 * with --update, per ultrace_contact_update() of the same contact (cseq,
 * expires and last_modified moving on: a refresh); with --floor-int or
 * --floor-blob, per event of LTTng's floor (bench/floor.c: one integer
 * field, or the contact's strings as one field); or, with --snmpstats,
 * per call of the model of snmpstats' interprocess buffer (ipcbuf_model.c)
 * with a drainer thread. Benchmark only (bench/run); not a test.
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
#include <unistd.h>

#include "floor.h"
#include "ipcbuf_model.h"
#include "ultrace.h"

/* usrloc's UL_CONTACT_INSERT. */
#define UL_CONTACT_INSERT 1

/* What each iteration calls. */
enum mode {
	MODE_INSERT,		/* ultrace_contact_insert() */
	MODE_UPDATE,		/* ultrace_contact_update(), the same contact */
	MODE_FLOOR_INT,		/* ultrace_floor_int() */
	MODE_FLOOR_BLOB,	/* ultrace_floor_blob() of the contact's strings */
	MODE_SNMPSTATS,		/* the snmpstats model */
};

struct worker {
	pthread_t thread;
	uint64_t iterations;
	unsigned int id;
	enum mode mode;
	/* The snmpstats model (MODE_SNMPSTATS), else NULL. */
	struct ipcbuf_model *ipcbuf;
	int failed;
	double ns_per_call;
};

struct drainer {
	pthread_t thread;
	struct ipcbuf_model *ipcbuf;
	unsigned int interval_us;
	volatile int stop;
	uint64_t drained;
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

/*
 * The floor's field: the contact's 11 strings as an insert records them,
 * each with its NUL, one after the other. Its length, 0 if over `len`.
 */
static uint32_t contact_bytes(const struct ultrace_contact *c, uint8_t *buf,
		size_t len)
{
	const struct ultrace_str *in[] = {
		&c->domain, &c->aor, &c->contact, &c->display_name,
		&c->received, &c->path, &c->user_agent, &c->callid, &c->ruid,
		&c->instance, &c->socket,
	};
	size_t n = 0;
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		if (n + in[i]->len + 1 > len) {
			return 0;
		}
		if (in[i]->len > 0) {
			memcpy(buf + n, in[i]->s, in[i]->len);
		}
		n += in[i]->len;
		buf[n++] = '\0';
	}
	return (uint32_t) n;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct ultrace_contact c;
	char aor[64];
	char uri[96];
	uint8_t blob[512];
	uint32_t blob_len;
	int64_t t0;
	uint64_t i;

	fill_contact(&c, aor, sizeof(aor), uri, sizeof(uri), w->id);
	blob_len = w->mode == MODE_FLOOR_BLOB ?
		contact_bytes(&c, blob, sizeof(blob)) : 0;
	t0 = now_ns();
	switch (w->mode) {
	case MODE_SNMPSTATS:
		for (i = 0; i < w->iterations; i++) {
			if (ipcbuf_model_contact_callback(w->ipcbuf, c.aor.s,
					c.aor.len, c.contact.s, c.contact.len,
					UL_CONTACT_INSERT) != 0) {
				w->failed = 1;
				break;
			}
		}
		break;
	case MODE_INSERT:
		for (i = 0; i < w->iterations; i++) {
			c.cseq = (int32_t) i;
			ultrace_contact_insert(&c);
		}
		break;
	case MODE_UPDATE:
		/*
		 * A UA re-registering: the first call records a full update,
		 * the others compact refreshes (doc/design.md).
		 */
		for (i = 0; i < w->iterations; i++) {
			c.cseq = (int32_t) i;
			c.expires++;
			c.last_modified++;
			ultrace_contact_update(&c);
		}
		break;
	case MODE_FLOOR_INT:
		for (i = 0; i < w->iterations; i++) {
			ultrace_floor_int(i);
		}
		break;
	case MODE_FLOOR_BLOB:
		for (i = 0; i < w->iterations; i++) {
			ultrace_floor_blob(blob, blob_len);
		}
		break;
	}
	w->ns_per_call = (double) (now_ns() - t0) / (double) w->iterations;
	return NULL;
}

/*
 * snmpstats drains its buffer when an SNMP request reaches the tables;
 * here a poller drains it every interval_us (0: back to back) while the
 * producers run, contending for the same locks.
 */
static void *drain(void *arg)
{
	struct drainer *d = arg;

	while (!d->stop) {
		d->drained += ipcbuf_model_consume(d->ipcbuf);
		if (d->interval_us > 0) {
			usleep(d->interval_us);
		}
	}
	d->drained += ipcbuf_model_consume(d->ipcbuf);
	return NULL;
}

/*
 * A registrar's shm has served traffic before: with --no-mem-join, free
 * fragments of the sizes asked then wait in q_malloc's exact-size
 * buckets. Without that (--cold-pool), or with mem_join (Kamailio's
 * default: freed neighbours merge back), allocations scan empty buckets
 * upward to a bigger fragment and split it.
 */
static int warm_pool(struct ipcbuf_model *buf, uint64_t events)
{
	struct ultrace_contact c;
	char aor[64];
	char uri[96];
	uint64_t i;

	fill_contact(&c, aor, sizeof(aor), uri, sizeof(uri), 0);
	for (i = 0; i < events; i++) {
		if (ipcbuf_model_contact_callback(buf, c.aor.s, c.aor.len,
				c.contact.s, c.contact.len,
				UL_CONTACT_INSERT) != 0) {
			return -1;
		}
	}
	return ipcbuf_model_consume(buf) == events ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-provider", no_argument, NULL, 'n' },
		{ "update", no_argument, NULL, 'u' },
		{ "floor-int", no_argument, NULL, 'f' },
		{ "floor-blob", no_argument, NULL, 'b' },
		{ "blob-bytes", no_argument, NULL, 'B' },
		{ "snmpstats", no_argument, NULL, 's' },
		{ "drain-interval-us", required_argument, NULL, 'd' },
		{ "cold-pool", no_argument, NULL, 'C' },
		{ "no-mem-join", no_argument, NULL, 'J' },
		{ "threads", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int threads = 1;
	uint64_t iterations = 1000000;
	int load = 1;
	enum mode mode = MODE_INSERT;
	int cold = 0;
	int mem_join = 1;
	struct drainer d;
	struct worker *w = NULL;
	double sum = 0;
	unsigned int i;
	int c;
	int ret = 1;
	char err[512];

	memset(&d, 0, sizeof(d));
	d.interval_us = 1000;
	while ((c = getopt_long(argc, argv, "nufbBsd:CJt:i:", longopts,
			NULL)) != -1) {
		switch (c) {
		case 'n':
			load = 0;
			break;
		case 'u':
			mode = MODE_UPDATE;
			break;
		case 'f':
			mode = MODE_FLOOR_INT;
			break;
		case 'b':
			mode = MODE_FLOOR_BLOB;
			break;
		case 'B': {
			/* The floor_blob field's size, for bench/run's labels. */
			struct ultrace_contact contact;
			char aor[64];
			char uri[96];
			uint8_t blob[512];

			fill_contact(&contact, aor, sizeof(aor), uri,
				sizeof(uri), 0);
			printf("%" PRIu32 "\n",
				contact_bytes(&contact, blob, sizeof(blob)));
			return 0;
		}
		case 's':
			mode = MODE_SNMPSTATS;
			load = 0;
			break;
		case 'C':
			cold = 1;
			break;
		case 'J':
			mem_join = 0;
			break;
		case 'd':
			d.interval_us = (unsigned int) strtoul(optarg, NULL, 10);
			break;
		case 't':
			threads = (unsigned int) strtoul(optarg, NULL, 10);
			break;
		case 'i':
			iterations = strtoull(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: %s [--no-provider] "
				"[--update | --floor-int | --floor-blob | "
				"--snmpstats [--drain-interval-us US] [--cold-pool] "
				"[--no-mem-join]] "
				"[--threads T] [--iterations N]\n"
				"       %s --blob-bytes\n", argv[0], argv[0]);
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
	if (load && (mode == MODE_FLOOR_INT || mode == MODE_FLOOR_BLOB) &&
			ultrace_floor_load(err, sizeof(err)) != 0) {
		fprintf(stderr, "producer_cost: %s\n", err);
		return 1;
	}
	if (mode == MODE_SNMPSTATS) {
		/* Room for every event even if the drainer never ran. */
		d.ipcbuf = ipcbuf_model_create(64 * 1024 * 1024 +
			(size_t) (threads * iterations * 256), mem_join);
		if (d.ipcbuf == NULL) {
			fprintf(stderr, "producer_cost: no memory for the pool\n");
			return 1;
		}
		if (!cold && warm_pool(d.ipcbuf, threads * iterations) != 0) {
			goto end;
		}
		if (pthread_create(&d.thread, NULL, drain, &d) != 0) {
			goto end;
		}
	}
	w = calloc(threads, sizeof(*w));
	if (w == NULL) {
		goto end;
	}
	for (i = 0; i < threads; i++) {
		w[i].iterations = iterations;
		w[i].id = i;
		w[i].mode = mode;
		w[i].ipcbuf = d.ipcbuf;
		if (pthread_create(&w[i].thread, NULL, run, &w[i]) != 0) {
			goto end;
		}
	}
	ret = 0;
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		sum += w[i].ns_per_call;
		ret |= w[i].failed;
	}
	if (d.ipcbuf != NULL) {
		d.stop = 1;
		pthread_join(d.thread, NULL);
		if (ipcbuf_model_check(d.ipcbuf) != 0) {
			fprintf(stderr, "producer_cost: the snmpstats model's "
				"pool is inconsistent\n");
			ret = 1;
		}
		if (d.drained != threads * iterations) {
			fprintf(stderr, "producer_cost: drained %" PRIu64
				" of %" PRIu64 " events\n", d.drained,
				threads * iterations);
			ret = 1;
		}
	}
	if (ret != 0) {
		fprintf(stderr, "producer_cost: the pool ran out\n");
		goto end;
	}
	/* Mean over threads of each thread's ns per call. */
	printf("%.1f\n", sum / threads);
end:
	free(w);
	ipcbuf_model_destroy(d.ipcbuf);
	return ret;
}
