/*
 * test_index_tree.c: the AVL index tree agrees with a sorted array under
 * random inserts/removes, and stays balanced. Tree only: no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_tree.h"
#include "tap.h"
#include "test_rng.h"

#define SLOTS 3000              /* distinct keys: random ops collide */
#define KEY_STEP 3              /* keys 0, 3, 6...: gaps for find_ge */
#define RANDOM_OPS 20000
#define FULL_CHECK_EVERY 97

/* The reference: the keys present, sorted. */
struct model {
	uint32_t keys[SLOTS];
	size_t count;
};

/* Index of the first key >= `key` (count if none). */
static size_t model_lower_bound(const struct model *m, uint64_t key)
{
	size_t lo = 0;
	size_t hi = m->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->keys[mid] < key) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static void model_insert(struct model *m, uint64_t key)
{
	size_t i = model_lower_bound(m, key);

	memmove(&m->keys[i + 1], &m->keys[i],
		(m->count - i) * sizeof(m->keys[0]));
	m->keys[i] = key;
	m->count++;
}

static void model_remove(struct model *m, uint64_t key)
{
	size_t i = model_lower_bound(m, key);

	memmove(&m->keys[i], &m->keys[i + 1],
		(m->count - i - 1) * sizeof(m->keys[0]));
	m->count--;
}

/*
 * Checks the shape: BST order within (lo, hi), stored heights right,
 * balance factors in [-1, 1]. Returns the height, or -1 after printing
 * the first violation.
 */
static int check_subtree(const struct index_tree_node *n, int has_lo,
		uint64_t lo, int has_hi, uint64_t hi, size_t *nodes)
{
	int hl;
	int hr;
	int h;

	if (n == NULL) {
		return 0;
	}
	(*nodes)++;
	if ((has_lo && n->key <= lo) || (has_hi && n->key >= hi)) {
		diag("key %ju out of BST order", (uintmax_t) n->key);
		return -1;
	}
	hl = check_subtree(n->left, has_lo, lo, 1, n->key, nodes);
	if (hl < 0) {
		return -1;
	}
	hr = check_subtree(n->right, 1, n->key, has_hi, hi, nodes);
	if (hr < 0) {
		return -1;
	}
	h = (hl > hr ? hl : hr) + 1;
	if (n->height != h) {
		diag("key %ju: stored height %d, real %d", (uintmax_t) n->key,
			n->height, h);
		return -1;
	}
	if (hl - hr > 1 || hr - hl > 1) {
		diag("key %ju: unbalanced, left %d right %d",
			(uintmax_t) n->key, hl, hr);
		return -1;
	}
	return h;
}

/* log2 of x >= 1 bit by bit: the unit tests do not link libm. */
static double log2_of(double x)
{
	double r = 0;
	double bit = 1;
	int i;

	while (x >= 2) {
		x /= 2;
		r += 1;
	}
	for (i = 0; i < 40; i++) {
		x *= x;
		bit /= 2;
		if (x >= 2) {
			x /= 2;
			r += bit;
		}
	}
	return r;
}

/* AVL height bound: h < 1.4405 log2(n + 2) - 0.3277. */
static int height_ok(int height, size_t count)
{
	return height <= 1.45 * log2_of((double) count + 2);
}

/* Shape, size and height bound; 0 or -1 (with a diagnostic). */
static int check_shape(const struct index_tree *tree)
{
	size_t nodes = 0;
	int h = check_subtree(tree->root, 0, 0, 0, 0, &nodes);

	if (h < 0) {
		return -1;
	}
	if (nodes != tree->count) {
		diag("tree holds %zu nodes, count says %zu", nodes,
			tree->count);
		return -1;
	}
	if (!height_ok(h, nodes)) {
		diag("height %d exceeds the AVL bound for %zu nodes", h,
			nodes);
		return -1;
	}
	return 0;
}

/* An in-order walk with first/next equals the model; 0 or -1. */
static int check_walk(const struct index_tree *tree, const struct model *m)
{
	const struct index_tree_node *n = index_tree_first(tree);
	size_t i = 0;

	for (; n != NULL; n = index_tree_next(tree, n), i++) {
		if (i >= m->count || n->key != m->keys[i]) {
			diag("walk step %zu: key %ju, expected %s%ju", i,
				(uintmax_t) n->key,
				i >= m->count ? "end " : "",
				i >= m->count ? 0 : (uintmax_t) m->keys[i]);
			return -1;
		}
	}
	if (i != m->count) {
		diag("walk ended after %zu keys of %zu", i, m->count);
		return -1;
	}
	return 0;
}

/* find_ge(key) agrees with the model; 0 or -1. */
static int check_ge(const struct index_tree *tree, const struct model *m,
		uint64_t key)
{
	const struct index_tree_node *n = index_tree_find_ge(tree, key);
	size_t i = model_lower_bound(m, key);

	if (i == m->count) {
		if (n != NULL) {
			diag("find_ge(%ju): %ju, expected NULL",
				(uintmax_t) key, (uintmax_t) n->key);
			return -1;
		}
		return 0;
	}
	if (n == NULL || n->key != m->keys[i]) {
		diag("find_ge(%ju): %s%ju, expected %ju", (uintmax_t) key,
			n == NULL ? "NULL " : "",
			n == NULL ? 0 : (uintmax_t) n->key,
			(uintmax_t) m->keys[i]);
		return -1;
	}
	return 0;
}

/* find(key) finds the slot's node iff the model holds the key. */
static int check_find(const struct index_tree *tree,
		const struct index_tree_node *nodes,
		const unsigned char *present, size_t slot)
{
	uint64_t key = (uint64_t) slot * KEY_STEP;
	const struct index_tree_node *n = index_tree_find(tree, key);
	const struct index_tree_node *expected = present[slot] ?
		&nodes[slot] : NULL;

	if (n != expected) {
		diag("find(%ju): %p, expected %p", (uintmax_t) key,
			(const void *) n, (const void *) expected);
		return -1;
	}
	/* Keys between slots are never present. */
	if (index_tree_find(tree, key + 1) != NULL) {
		diag("find(%ju) found a key never inserted",
			(uintmax_t) key + 1);
		return -1;
	}
	return 0;
}

static void test_empty(void)
{
	struct index_tree tree;
	struct index_tree_node node = { .key = 42 };

	index_tree_init(&tree);
	ok(tree.count == 0 && index_tree_first(&tree) == NULL &&
		index_tree_find(&tree, 0) == NULL &&
		index_tree_find_ge(&tree, 0) == NULL,
		"empty tree: count 0, first/find/find_ge give NULL");
	index_tree_remove(&tree, &node);
	ok(tree.count == 0 && tree.root == NULL,
		"removing from an empty tree leaves it empty");
}

static void test_extremes(void)
{
	struct index_tree tree;
	struct index_tree_node lo = { .key = 0 };
	struct index_tree_node hi = { .key = UINT32_MAX };
	struct index_tree_node mid = { .key = 1000 };
	struct index_tree_node dup = { .key = 1000 };
	struct index_tree_node absent = { .key = 7 };

	index_tree_init(&tree);
	is_int(index_tree_insert(&tree, &hi), 0, "insert key UINT32_MAX");
	is_int(index_tree_insert(&tree, &lo), 0, "insert key 0");
	is_int(index_tree_insert(&tree, &mid), 0, "insert key 1000");
	is_int(index_tree_insert(&tree, &dup), -1,
		"inserting a present key returns -1");
	ok(tree.count == 3 && index_tree_find(&tree, 1000) == &mid,
		"duplicate insert leaves count and the original node");
	ok(index_tree_first(&tree) == &lo, "first is key 0");
	ok(index_tree_find_ge(&tree, 0) == &lo, "find_ge(0) is key 0");
	ok(index_tree_find_ge(&tree, 1) == &mid, "find_ge(1) is key 1000");
	ok(index_tree_find_ge(&tree, 1001) == &hi,
		"find_ge(1001) is key UINT32_MAX");
	ok(index_tree_next(&tree, &hi) == NULL,
		"next of key UINT32_MAX is NULL (no wrap to 0)");
	index_tree_remove(&tree, &absent);
	is_int(tree.count, 3, "removing an absent key changes nothing");
	index_tree_remove(&tree, &hi);
	ok(index_tree_find_ge(&tree, 1001) == NULL && tree.count == 2,
		"after removing UINT32_MAX, find_ge past the max is NULL");
	index_tree_remove(&tree, &lo);
	index_tree_remove(&tree, &mid);
	ok(tree.count == 0 && tree.root == NULL,
		"removing every key empties the tree");
}

/* Ascending and descending runs are the classic unbalanced-BST cases. */
static void test_sorted_inserts(void)
{
	static struct index_tree_node nodes[4096];
	struct index_tree tree;
	size_t i;
	int bad = 0;

	index_tree_init(&tree);
	for (i = 0; i < 4096; i++) {
		nodes[i].key = i;
		bad |= index_tree_insert(&tree, &nodes[i]) != 0;
	}
	ok(!bad && tree.count == 4096 && check_shape(&tree) == 0,
		"4096 ascending inserts: balanced, all present");
	{
		/* Consecutive keys: next must not skip a single one. */
		const struct index_tree_node *n = index_tree_first(&tree);
		uint64_t want = 0;

		while (n != NULL && n->key == want) {
			n = index_tree_next(&tree, n);
			want++;
		}
		ok(n == NULL && want == 4096,
			"first/next visit consecutive keys 0..4095 one by one");
		if (n != NULL || want != 4096) {
			diag("walk stopped at step %ju", (uintmax_t) want);
		}
	}
	for (i = 0; i < 4096; i += 2) {
		index_tree_remove(&tree, &nodes[i]);
	}
	ok(tree.count == 2048 && check_shape(&tree) == 0,
		"removing every other key keeps it balanced");
	for (i = 0; i < 4096; i += 2) {
		index_tree_remove(&tree, &nodes[4095 - i]);
	}
	ok(tree.count == 0 && tree.root == NULL,
		"removing the rest in descending order empties it");
	index_tree_init(&tree);
	for (i = 4096; i-- > 0;) {
		bad |= index_tree_insert(&tree, &nodes[i]) != 0;
	}
	ok(!bad && tree.count == 4096 && check_shape(&tree) == 0,
		"4096 descending inserts: balanced, all present");
}

static void test_random(void)
{
	static struct index_tree_node nodes[SLOTS];
	static struct index_tree_node twins[SLOTS];
	static unsigned char present[SLOTS];
	static struct model m;
	struct index_tree tree;
	int op;
	int count_err = 0, find_err = 0, dup_err = 0, ge_err = 0;
	int walk_err = 0, shape_err = 0;
	size_t max_count = 0;
	int inserts = 0, removes = 0, dups = 0;

	test_rng_seed(20251123);
	index_tree_init(&tree);
	for (op = 0; op < RANDOM_OPS; op++) {
		size_t slot = (size_t) test_rng_below(SLOTS);
		uint64_t key = (uint64_t) slot * KEY_STEP;
		/* Grow during the first half, shrink during the second. */
		int want_insert = test_rng_below(100) < (op < RANDOM_OPS / 2 ?
			70u : 30u);

		if (!present[slot] && want_insert) {
			nodes[slot].key = key;
			if (index_tree_insert(&tree, &nodes[slot]) != 0 &&
					!find_err++) {
				diag("op %d: insert of absent key %ju failed",
					op, (uintmax_t) key);
			}
			present[slot] = 1;
			model_insert(&m, key);
			inserts++;
		} else if (present[slot] && want_insert) {
			twins[slot].key = key;
			if ((index_tree_insert(&tree, &twins[slot]) != -1 ||
					index_tree_find(&tree, key) !=
						&nodes[slot]) && !dup_err++) {
				diag("op %d: duplicate key %ju accepted", op,
					(uintmax_t) key);
			}
			dups++;
		} else if (present[slot]) {
			index_tree_remove(&tree, &nodes[slot]);
			present[slot] = 0;
			model_remove(&m, key);
			removes++;
		} else {
			/* Removing an absent key is a no-op. */
			nodes[slot].key = key;
			index_tree_remove(&tree, &nodes[slot]);
		}
		if (tree.count != m.count && !count_err++) {
			diag("op %d: count %zu, expected %zu", op, tree.count,
				m.count);
		}
		if (check_find(&tree, nodes, present, slot) != 0) {
			find_err++;
		}
		if (m.count > max_count) {
			max_count = m.count;
		}
		if (op % FULL_CHECK_EVERY != 0 && op != RANDOM_OPS - 1) {
			continue;
		}
		if (!walk_err && check_walk(&tree, &m) != 0) {
			diag("  after op %d", op);
			walk_err++;
		}
		if (!shape_err && check_shape(&tree) != 0) {
			diag("  after op %d", op);
			shape_err++;
		}
		if (!ge_err) {
			int i;

			/* 0, past the max, and random keys on and between. */
			ge_err |= check_ge(&tree, &m, 0);
			ge_err |= check_ge(&tree, &m, SLOTS * KEY_STEP);
			ge_err |= check_ge(&tree, &m, UINT32_MAX);
			if (m.count > 0) {
				ge_err |= check_ge(&tree, &m,
					m.keys[m.count - 1]);
				ge_err |= check_ge(&tree, &m,
					m.keys[m.count - 1] + 1);
			}
			for (i = 0; i < 50; i++) {
				ge_err |= check_ge(&tree, &m,
					test_rng_below(SLOTS * KEY_STEP + 10));
			}
			if (ge_err) {
				diag("  after op %d", op);
			}
		}
	}
	diag("random: %d inserts, %d removes, %d duplicate inserts, "
		"peak %zu keys, final %zu", inserts, removes, dups, max_count,
		m.count);
	ok(inserts > 1000 && removes > 1000 && dups > 1000 && max_count > 1000,
		"the random run exercised inserts, removes and duplicates");
	ok(!count_err, "count matches the reference after every op");
	ok(!find_err, "find matches the reference after every op");
	ok(!dup_err, "duplicate insert returns -1 and keeps the first node");
	ok(!walk_err, "first/next walk equals the sorted reference");
	ok(!ge_err, "find_ge matches the reference (0, random, past the max)");
	ok(!shape_err,
		"BST order, stored heights, |balance| <= 1, height bound hold");
	/* Drain: the tree must come back to empty. */
	for (op = 0; op < SLOTS; op++) {
		if (present[op]) {
			index_tree_remove(&tree, &nodes[op]);
		}
	}
	ok(tree.count == 0 && tree.root == NULL,
		"removing the remaining keys empties the tree");
}

int main(void)
{
	plan(2 + 13 + 5 + 8);
	test_empty();
	test_extremes();
	test_sorted_inserts();
	test_random();
	return exit_status();
}
