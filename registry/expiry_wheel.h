/*
 * expiry_wheel.h: an intrusive timing wheel of 64-bit second keys, for the
 * registry's TTL: queue, requeue and remove in O(1); collecting what is
 * due by a deadline costs one look per second the deadline moved on (a
 * full turn at most) plus one per node collected.
 * No SNMP, no babeltrace2, no registry logic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_EXPIRY_WHEEL_H
#define ULTRACE_EXPIRY_WHEEL_H

#include <stddef.h>
#include <stdint.h>

/* One slot per second over this many seconds (a power of two). */
#define EXPIRY_WHEEL_SLOTS 4096

struct expiry_wheel_node {
	struct expiry_wheel_node *next;
	struct expiry_wheel_node **pprev;  /* NULL: not queued */
	int64_t key;
};

struct expiry_wheel {
	struct expiry_wheel_node *slots[EXPIRY_WHEEL_SLOTS];
	/* Every queued node with key <= cursor, unordered. */
	struct expiry_wheel_node *due;
	int64_t cursor;                    /* INT64_MIN: nothing collected */
	size_t count;
};

void expiry_wheel_init(struct expiry_wheel *wheel);

/* A node not in any wheel (its key is left as it is). */
static inline void expiry_wheel_node_init(struct expiry_wheel_node *node)
{
	node->next = NULL;
	node->pprev = NULL;
}
static inline int expiry_wheel_node_is_queued(
		const struct expiry_wheel_node *node)
{
	return node->pprev != NULL;
}

/* Queue a node that is not queued, with its key as set. */
void expiry_wheel_insert(struct expiry_wheel *wheel,
		struct expiry_wheel_node *node);
/* Take a queued node out. */
void expiry_wheel_remove(struct expiry_wheel *wheel,
		struct expiry_wheel_node *node);
/* A queued node's key changed (already written): move it. */
void expiry_wheel_requeue(struct expiry_wheel *wheel,
		struct expiry_wheel_node *node);
/* `fresh` (a copy of the queued `old`, moved in memory) takes its place. */
void expiry_wheel_move(struct expiry_wheel_node *old,
		struct expiry_wheel_node *fresh);

/*
 * Make every queued node with key <= deadline due, then return one due
 * node with key <= deadline (still queued: the caller removes it), or
 * NULL when there is none. Call again after each removal.
 */
struct expiry_wheel_node *expiry_wheel_next_due(struct expiry_wheel *wheel,
		int64_t deadline);

#endif /* ULTRACE_EXPIRY_WHEEL_H */
