/*
 * index_tree.c: AVL tree without parent pointers. Insert and remove
 * recurse along one root-to-leaf path (depth <= 1.44 log2 n, about 30 for
 * a million rows); `next` is a fresh O(log n) seek, which is what an SNMP
 * GETNEXT does anyway.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "index_tree.h"

void index_tree_init(struct index_tree *tree)
{
	tree->root = NULL;
	tree->count = 0;
}

static int height(const struct index_tree_node *n)
{
	return n == NULL ? 0 : n->height;
}

static void update_height(struct index_tree_node *n)
{
	int hl = height(n->left);
	int hr = height(n->right);

	n->height = (hl > hr ? hl : hr) + 1;
}

static struct index_tree_node *rotate_right(struct index_tree_node *n)
{
	struct index_tree_node *l = n->left;

	n->left = l->right;
	l->right = n;
	update_height(n);
	update_height(l);
	return l;
}

static struct index_tree_node *rotate_left(struct index_tree_node *n)
{
	struct index_tree_node *r = n->right;

	n->right = r->left;
	r->left = n;
	update_height(n);
	update_height(r);
	return r;
}

static struct index_tree_node *rebalance(struct index_tree_node *n)
{
	int balance;

	update_height(n);
	balance = height(n->left) - height(n->right);
	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right)) {
			n->left = rotate_left(n->left);
		}
		n = rotate_right(n);
	} else if (balance < -1) {
		if (height(n->right->right) < height(n->right->left)) {
			n->right = rotate_right(n->right);
		}
		n = rotate_left(n);
	}
	return n;
}

static struct index_tree_node *insert_at(struct index_tree_node *root,
		struct index_tree_node *node, int *dup)
{
	if (root == NULL) {
		node->left = NULL;
		node->right = NULL;
		node->height = 1;
		return node;
	}
	if (node->key < root->key) {
		root->left = insert_at(root->left, node, dup);
	} else if (node->key > root->key) {
		root->right = insert_at(root->right, node, dup);
	} else {
		*dup = 1;
		return root;
	}
	return rebalance(root);
}

int index_tree_insert(struct index_tree *tree, struct index_tree_node *node)
{
	int dup = 0;

	tree->root = insert_at(tree->root, node, &dup);
	if (dup) {
		return -1;
	}
	tree->count++;
	return 0;
}

/* Detach the minimum of `root` into *min; returns the new subtree. */
static struct index_tree_node *detach_min(struct index_tree_node *root,
		struct index_tree_node **min)
{
	if (root->left == NULL) {
		*min = root;
		return root->right;
	}
	root->left = detach_min(root->left, min);
	return rebalance(root);
}

static struct index_tree_node *remove_at(struct index_tree_node *root,
		const struct index_tree_node *node, int *found)
{
	struct index_tree_node *repl;

	if (root == NULL) {
		return NULL;
	}
	if (node->key < root->key) {
		root->left = remove_at(root->left, node, found);
	} else if (node->key > root->key) {
		root->right = remove_at(root->right, node, found);
	} else {
		*found = 1;
		if (root->left == NULL) {
			return root->right;
		}
		if (root->right == NULL) {
			return root->left;
		}
		root->right = detach_min(root->right, &repl);
		repl->left = root->left;
		repl->right = root->right;
		root = repl;
	}
	return rebalance(root);
}

void index_tree_remove(struct index_tree *tree, struct index_tree_node *node)
{
	int found = 0;

	tree->root = remove_at(tree->root, node, &found);
	if (found) {
		tree->count--;
	}
}

struct index_tree_node *index_tree_find(const struct index_tree *tree,
		uint32_t key)
{
	struct index_tree_node *n = tree->root;

	while (n != NULL && n->key != key) {
		n = key < n->key ? n->left : n->right;
	}
	return n;
}

struct index_tree_node *index_tree_find_ge(const struct index_tree *tree,
		uint32_t key)
{
	struct index_tree_node *n = tree->root;
	struct index_tree_node *best = NULL;

	while (n != NULL) {
		if (n->key >= key) {
			best = n;
			if (n->key == key) {
				break;
			}
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct index_tree_node *index_tree_next(const struct index_tree *tree,
		const struct index_tree_node *node)
{
	if (node->key == UINT32_MAX) {
		return NULL;
	}
	return index_tree_find_ge(tree, node->key + 1);
}

struct index_tree_node *index_tree_first(const struct index_tree *tree)
{
	struct index_tree_node *n = tree->root;

	while (n != NULL && n->left != NULL) {
		n = n->left;
	}
	return n;
}
