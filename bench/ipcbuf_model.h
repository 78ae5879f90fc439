/*
 * ipcbuf_model.h: a model of Kamailio snmpstats' interprocess buffer, the
 * baseline ultrace's producer cost is measured against (bench/ only).
 * Knows nothing of LTTng or SNMP: plain C, pthreads and futexes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_BENCH_IPCBUF_MODEL_H
#define ULTRACE_BENCH_IPCBUF_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct ipcbuf_model;

/*
 * A buffer whose nodes come from a private shared pool of pool_bytes
 * (Kamailio's shm: a q_malloc heap behind one futex lock); mem_join: free
 * joins neighbour fragments (Kamailio's default, 1). NULL on error.
 */
struct ipcbuf_model *ipcbuf_model_create(size_t pool_bytes, int mem_join);
void ipcbuf_model_destroy(struct ipcbuf_model *buf);

/*
 * handleContactCallbacks(): a node and NUL-terminated copies of the AOR
 * and the Contact URI from the pool, appended to the list under the
 * buffer's lock. 0, or -1 if the pool is exhausted.
 */
int ipcbuf_model_contact_callback(struct ipcbuf_model *buf,
		const char *aor, size_t aor_len, const char *contact,
		size_t contact_len, int type);

/*
 * consumeInterprocessBuffer(): detach the whole list under the buffer's
 * lock, then free every node and its strings to the pool. Returns the
 * number of nodes drained.
 */
uint64_t ipcbuf_model_consume(struct ipcbuf_model *buf);

/*
 * After the last consume: 0 if the pool's fragments chain from end to end
 * with consistent sizes and counters, and only the buffer's own three
 * allocations are in use (every event's node and strings freed).
 */
int ipcbuf_model_check(const struct ipcbuf_model *buf);

#endif
