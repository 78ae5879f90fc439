/*
 * apply_pipeline.h: the reading thread fills batches, an applying thread
 * applies them in order: babeltrace2's decoding and the registry's work
 * run side by side. A bounded number of batches is in flight, so a slow
 * applier slows the reader instead of growing memory. Knows batches, not
 * what is in them: no babeltrace2, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_APPLY_PIPELINE_H
#define ULTRACE_APPLY_PIPELINE_H

#include "apply_batch.h"

/* Applies one batch; returns 0, or -1 to stop (later batches dropped). */
typedef int (*ultrace_apply_fn)(struct ultrace_apply_batch *batch,
		void *arg);

struct ultrace_apply_pipeline;

/*
 * With `threaded` == 0, batches are applied on the submitting thread, at
 * once. NULL when memory or a thread could not be had.
 */
struct ultrace_apply_pipeline *ultrace_apply_pipeline_create(int threaded,
		ultrace_apply_fn apply, void *arg);
/* Waits for what was submitted (drain), then stops the applying thread. */
void ultrace_apply_pipeline_destroy(struct ultrace_apply_pipeline *p);

/* The batch the reader fills now. */
struct ultrace_apply_batch *ultrace_apply_pipeline_batch(
		struct ultrace_apply_pipeline *p);
/*
 * Hand the reader's batch over and get an empty one (waiting while every
 * batch is in flight). Returns -1 once an apply failed, else 0.
 */
int ultrace_apply_pipeline_submit(struct ultrace_apply_pipeline *p);
/* Non-zero when nothing is queued or being applied. */
int ultrace_apply_pipeline_idle(struct ultrace_apply_pipeline *p);
/*
 * Submit what the reader's batch holds and wait until everything
 * submitted is applied. Returns -1 once an apply failed, else 0.
 */
int ultrace_apply_pipeline_drain(struct ultrace_apply_pipeline *p);

#endif /* ULTRACE_APPLY_PIPELINE_H */
