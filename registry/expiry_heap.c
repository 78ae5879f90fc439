/*
 * expiry_heap.c: binary min-heap over an array of node pointers; every
 * node knows its position so it can be moved or removed in O(log n).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "expiry_heap.h"

#include <stdlib.h>

void expiry_heap_init(struct expiry_heap *heap)
{
	heap->nodes = NULL;
	heap->count = 0;
	heap->alloc = 0;
}

void expiry_heap_fini(struct expiry_heap *heap)
{
	free(heap->nodes);
	expiry_heap_init(heap);
}

void expiry_heap_node_init(struct expiry_heap_node *node)
{
	node->key = 0;
	node->pos = SIZE_MAX;
}

static void place(struct expiry_heap *heap, struct expiry_heap_node *node,
		size_t pos)
{
	heap->nodes[pos] = node;
	node->pos = pos;
}

static void sift_up(struct expiry_heap *heap, size_t pos)
{
	struct expiry_heap_node *node = heap->nodes[pos];

	while (pos > 0) {
		size_t parent = (pos - 1) / 2;

		if (heap->nodes[parent]->key <= node->key) {
			break;
		}
		place(heap, heap->nodes[parent], pos);
		pos = parent;
	}
	place(heap, node, pos);
}

static void sift_down(struct expiry_heap *heap, size_t pos)
{
	struct expiry_heap_node *node = heap->nodes[pos];

	for (;;) {
		size_t child = 2 * pos + 1;

		if (child >= heap->count) {
			break;
		}
		if (child + 1 < heap->count &&
				heap->nodes[child + 1]->key <
					heap->nodes[child]->key) {
			child++;
		}
		if (node->key <= heap->nodes[child]->key) {
			break;
		}
		place(heap, heap->nodes[child], pos);
		pos = child;
	}
	place(heap, node, pos);
}

int expiry_heap_push(struct expiry_heap *heap, struct expiry_heap_node *node,
		int64_t key)
{
	if (heap->count == heap->alloc) {
		size_t alloc = heap->alloc ? heap->alloc * 2 : 64;
		struct expiry_heap_node **nodes =
			realloc(heap->nodes, alloc * sizeof(*nodes));

		if (nodes == NULL) {
			return -1;
		}
		heap->nodes = nodes;
		heap->alloc = alloc;
	}
	node->key = key;
	place(heap, node, heap->count++);
	sift_up(heap, node->pos);
	return 0;
}

void expiry_heap_update(struct expiry_heap *heap,
		struct expiry_heap_node *node, int64_t key)
{
	int64_t old = node->key;

	node->key = key;
	if (key < old) {
		sift_up(heap, node->pos);
	} else if (key > old) {
		sift_down(heap, node->pos);
	}
}

void expiry_heap_remove(struct expiry_heap *heap,
		struct expiry_heap_node *node)
{
	size_t pos = node->pos;
	struct expiry_heap_node *last = heap->nodes[--heap->count];

	node->pos = SIZE_MAX;
	if (last == node) {
		return;
	}
	place(heap, last, pos);
	if (pos > 0 && heap->nodes[(pos - 1) / 2]->key > last->key) {
		sift_up(heap, pos);
	} else {
		sift_down(heap, pos);
	}
}

struct expiry_heap_node *expiry_heap_top(const struct expiry_heap *heap)
{
	return heap->count > 0 ? heap->nodes[0] : NULL;
}
