/*
 * index_tree.h: an intrusive AVL tree keyed by a 32-bit index, for the
 * ordered walks SNMP GETNEXT needs (seek in O(log n)).
 * No SNMP, no babeltrace2, no registry logic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_INDEX_TREE_H
#define ULTRACE_INDEX_TREE_H

#include <stddef.h>
#include <stdint.h>

struct index_tree_node {
	struct index_tree_node *left;
	struct index_tree_node *right;
	uint32_t key;
	int32_t height;
};

struct index_tree {
	struct index_tree_node *root;
	size_t count;
};

void index_tree_init(struct index_tree *tree);

/* Returns -1 (and leaves the tree unchanged) if the key is present. */
int index_tree_insert(struct index_tree *tree, struct index_tree_node *node);
void index_tree_remove(struct index_tree *tree, struct index_tree_node *node);

struct index_tree_node *index_tree_find(const struct index_tree *tree,
		uint32_t key);
/* The node with the smallest key >= `key`, or NULL. */
struct index_tree_node *index_tree_find_ge(const struct index_tree *tree,
		uint32_t key);
/* The node with the smallest key > `node`'s, or NULL. */
struct index_tree_node *index_tree_next(const struct index_tree *tree,
		const struct index_tree_node *node);
struct index_tree_node *index_tree_first(const struct index_tree *tree);

#endif /* ULTRACE_INDEX_TREE_H */
