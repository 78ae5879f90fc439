/*
 * apply_pipeline.c: DEPTH batches cycle between the reader (filling one),
 * a FIFO of submitted ones, and the applying thread. One mutex, two
 * conditions: work for the applier, a batch done for the reader.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "apply_pipeline.h"

#include <pthread.h>
#include <stdlib.h>

#define DEPTH 4

struct ultrace_apply_pipeline {
	ultrace_apply_fn apply;
	void *arg;
	int threaded;
	struct ultrace_apply_batch *filling;   /* the reader's */
	struct ultrace_apply_batch *batches[DEPTH];
	/* Submitted, in order: queue[head .. head + queued). */
	struct ultrace_apply_batch *queue[DEPTH];
	size_t head;
	size_t queued;
	struct ultrace_apply_batch *spare[DEPTH]; /* empty, not the reader's */
	size_t spares;
	int busy;                                 /* the applier is at one */
	int failed;
	int quit;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;
	pthread_cond_t done;
};

static void *applier_main(void *arg)
{
	struct ultrace_apply_pipeline *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct ultrace_apply_batch *batch;
		int failed;

		while (p->queued == 0 && !p->quit) {
			pthread_cond_wait(&p->work, &p->lock);
		}
		if (p->queued == 0) {
			break;
		}
		batch = p->queue[p->head];
		p->head = (p->head + 1) % DEPTH;
		p->queued--;
		p->busy = 1;
		failed = p->failed;
		pthread_mutex_unlock(&p->lock);
		/* After a failure the rest is dropped, as a stopped graph would. */
		if (!failed && p->apply(batch, p->arg) != 0) {
			failed = 1;
		}
		ultrace_apply_batch_reset(batch);
		pthread_mutex_lock(&p->lock);
		p->failed |= failed;
		p->spare[p->spares++] = batch;
		p->busy = 0;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct ultrace_apply_pipeline *ultrace_apply_pipeline_create(int threaded,
		ultrace_apply_fn apply, void *arg)
{
	struct ultrace_apply_pipeline *p = calloc(1, sizeof(*p));
	size_t i;
	size_t n = threaded ? DEPTH : 1;

	if (p == NULL) {
		return NULL;
	}
	p->apply = apply;
	p->arg = arg;
	p->threaded = threaded;
	for (i = 0; i < n; i++) {
		p->batches[i] = ultrace_apply_batch_create();
		if (p->batches[i] == NULL) {
			goto error;
		}
		if (i > 0) {
			p->spare[p->spares++] = p->batches[i];
		}
	}
	p->filling = p->batches[0];
	if (threaded) {
		pthread_mutex_init(&p->lock, NULL);
		pthread_cond_init(&p->work, NULL);
		pthread_cond_init(&p->done, NULL);
		if (pthread_create(&p->thread, NULL, applier_main, p) != 0) {
			pthread_cond_destroy(&p->done);
			pthread_cond_destroy(&p->work);
			pthread_mutex_destroy(&p->lock);
			goto error;
		}
	}
	return p;

error:
	for (i = 0; i < DEPTH; i++) {
		ultrace_apply_batch_destroy(p->batches[i]);
	}
	free(p);
	return NULL;
}

struct ultrace_apply_batch *ultrace_apply_pipeline_batch(
		struct ultrace_apply_pipeline *p)
{
	return p->filling;
}

int ultrace_apply_pipeline_submit(struct ultrace_apply_pipeline *p)
{
	int failed;

	if (!p->threaded) {
		if (!p->failed && p->apply(p->filling, p->arg) != 0) {
			p->failed = 1;
		}
		ultrace_apply_batch_reset(p->filling);
		return p->failed ? -1 : 0;
	}
	pthread_mutex_lock(&p->lock);
	p->queue[(p->head + p->queued) % DEPTH] = p->filling;
	p->queued++;
	pthread_cond_signal(&p->work);
	while (p->spares == 0) {
		pthread_cond_wait(&p->done, &p->lock);
	}
	p->filling = p->spare[--p->spares];
	failed = p->failed;
	pthread_mutex_unlock(&p->lock);
	return failed ? -1 : 0;
}

int ultrace_apply_pipeline_idle(struct ultrace_apply_pipeline *p)
{
	int idle;

	if (!p->threaded) {
		return 1;
	}
	pthread_mutex_lock(&p->lock);
	idle = p->queued == 0 && !p->busy;
	pthread_mutex_unlock(&p->lock);
	return idle;
}

int ultrace_apply_pipeline_drain(struct ultrace_apply_pipeline *p)
{
	int failed;

	if (p->filling->count > 0 && ultrace_apply_pipeline_submit(p) != 0) {
		return -1;
	}
	if (!p->threaded) {
		return p->failed ? -1 : 0;
	}
	pthread_mutex_lock(&p->lock);
	while (p->queued > 0 || p->busy) {
		pthread_cond_wait(&p->done, &p->lock);
	}
	failed = p->failed;
	pthread_mutex_unlock(&p->lock);
	return failed ? -1 : 0;
}

void ultrace_apply_pipeline_destroy(struct ultrace_apply_pipeline *p)
{
	size_t i;

	if (p == NULL) {
		return;
	}
	(void) ultrace_apply_pipeline_drain(p);
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->quit = 1;
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
		pthread_cond_destroy(&p->done);
		pthread_cond_destroy(&p->work);
		pthread_mutex_destroy(&p->lock);
	}
	for (i = 0; i < DEPTH; i++) {
		ultrace_apply_batch_destroy(p->batches[i]);
	}
	free(p);
}
