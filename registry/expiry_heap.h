/*
 * expiry_heap.h: an intrusive binary min-heap of 64-bit keys, for the
 * registry's TTL: the contact that expires first is always at the top.
 * No SNMP, no babeltrace2, no registry logic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_EXPIRY_HEAP_H
#define ULTRACE_EXPIRY_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct expiry_heap_node {
	int64_t key;
	size_t pos;               /* index in the heap; SIZE_MAX when out */
};

struct expiry_heap {
	struct expiry_heap_node **nodes;
	size_t count;
	size_t alloc;
};

void expiry_heap_init(struct expiry_heap *heap);
void expiry_heap_fini(struct expiry_heap *heap);

/* A node not in any heap (pos = SIZE_MAX). */
void expiry_heap_node_init(struct expiry_heap_node *node);
static inline int expiry_heap_node_is_queued(
		const struct expiry_heap_node *node)
{
	return node->pos != SIZE_MAX;
}

/* Queue a node not in the heap with `key`. Returns 0, or -1 (no memory). */
int expiry_heap_push(struct expiry_heap *heap, struct expiry_heap_node *node,
		int64_t key);
/* Change a queued node's key in place: O(log n). */
void expiry_heap_update(struct expiry_heap *heap,
		struct expiry_heap_node *node, int64_t key);
/* Take a queued node out. */
void expiry_heap_remove(struct expiry_heap *heap,
		struct expiry_heap_node *node);
/* The node with the smallest key, or NULL. */
struct expiry_heap_node *expiry_heap_top(const struct expiry_heap *heap);

#endif /* ULTRACE_EXPIRY_HEAP_H */
