/*
 * test_hash_table.c: the intrusive hash table finds exactly what it holds
 * through collisions and growth; hash_bytes is FNV-1a 64. No registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash_table.h"
#include "tap.h"
#include "test_rng.h"

#define COLLIDING_ITEMS 2000
#define COLLIDING_HASHES 11
#define GROWTH_ITEMS 100000

struct item {
	struct hash_node node;  /* first: a node pointer is an item pointer */
	uint32_t key;
	int present;
};

static int item_match(const struct hash_node *node, const void *key)
{
	const struct item *item = (const struct item *) node;

	return item->key == *(const uint32_t *) key;
}

static struct item *lookup(const struct hash_table *table, uint64_t hash,
		uint32_t key)
{
	return (struct item *) hash_table_lookup(table, hash, item_match,
		&key);
}

/* Few distinct hashes, all in bucket 0: every lookup walks one chain. */
static uint64_t colliding_hash(uint32_t key)
{
	/* Above the bucket bits of a small table, within the 32 kept. */
	return (uint64_t) (key % COLLIDING_HASHES) << 24;
}

static uint64_t spread_hash(uint32_t key)
{
	return hash_bytes(HASH_SEED, &key, sizeof(key));
}

static void test_fnv1a(void)
{
	uint64_t h;

	is_uint(hash_bytes(HASH_SEED, "", 0), UINT64_C(0xcbf29ce484222325),
		"FNV-1a 64 of \"\" is the offset basis");
	is_uint(hash_bytes(HASH_SEED, NULL, 0), HASH_SEED,
		"hashing (NULL, 0) returns the seed");
	is_uint(hash_bytes(HASH_SEED, "a", 1), UINT64_C(0xaf63dc4c8601ec8c),
		"FNV-1a 64 of \"a\"");
	is_uint(hash_bytes(HASH_SEED, "foobar", 6),
		UINT64_C(0x85944171f73967e8), "FNV-1a 64 of \"foobar\"");
	is_uint(hash_bytes(HASH_SEED, "\xff", 2), UINT64_C(0x0a99a607b6f60bea),
		"FNV-1a 64 of bytes ff 00: unsigned bytes, NUL hashed");
	h = hash_bytes(HASH_SEED, "foo", 3);
	is_uint(hash_bytes(h, "bar", 3), hash_bytes(HASH_SEED, "foobar", 6),
		"hashing continues from a seed: foo then bar == foobar");
}

static void test_colliding(void)
{
	static struct item items[COLLIDING_ITEMS];
	struct hash_table table;
	uint32_t i;
	int insert_err = 0, find_err = 0, absent_err = 0, remove_err = 0;
	struct item stranger = { .key = 999999 };

	if (hash_table_init(&table) != 0) {
		bail_out("hash_table_init failed");
	}
	ok(table.count == 0 && table.mask + 1 >= 1 &&
		((table.mask + 1) & table.mask) == 0,
		"a new table is empty with a power-of-two bucket count");
	ok(lookup(&table, colliding_hash(1), 1) == NULL,
		"lookup in an empty table gives NULL");
	for (i = 0; i < COLLIDING_ITEMS; i++) {
		items[i].key = i;
		items[i].node.hash = colliding_hash(i);
		insert_err |= hash_table_insert(&table, &items[i].node) != 0;
	}
	ok(!insert_err && table.count == COLLIDING_ITEMS,
		"%d inserts over %d colliding hashes succeed, count right",
		COLLIDING_ITEMS, COLLIDING_HASHES);
	for (i = 0; i < COLLIDING_ITEMS; i++) {
		if (lookup(&table, colliding_hash(i), i) != &items[i] &&
				!find_err++) {
			diag("key %u not found", i);
		}
		/* Same key, another hash: the hash must be compared too. */
		if (lookup(&table, colliding_hash(i + 1), i) != NULL &&
				!absent_err++) {
			diag("key %u found under a wrong hash", i);
		}
	}
	ok(!find_err, "every colliding key is found by its own node");
	ok(!absent_err, "a key is not found under another hash of its chain");
	ok(lookup(&table, colliding_hash(COLLIDING_ITEMS),
			COLLIDING_ITEMS) == NULL,
		"an absent key sharing a hash is not found");
	/* Remove odd keys: nodes at the chain head, middle and tail. */
	for (i = 1; i < COLLIDING_ITEMS; i += 2) {
		hash_table_remove(&table, &items[i].node);
	}
	is_int(table.count, COLLIDING_ITEMS / 2,
		"removing odd keys halves count");
	for (i = 0; i < COLLIDING_ITEMS; i++) {
		struct item *want = i % 2 == 0 ? &items[i] : NULL;

		if (lookup(&table, colliding_hash(i), i) != want &&
				!remove_err++) {
			diag("key %u: %s after removing odd keys", i,
				want != NULL ? "lost" : "still found");
		}
	}
	ok(!remove_err, "even keys stay, odd keys are gone");
	stranger.node.hash = colliding_hash(stranger.key);
	hash_table_remove(&table, &stranger.node);
	is_int(table.count, COLLIDING_ITEMS / 2,
		"removing a node the table does not hold changes nothing");
	ok(lookup(&table, colliding_hash(0), 0) == &items[0],
		"...and loses no neighbour on its chain");
	hash_table_fini(&table);
	ok(table.buckets == NULL && table.count == 0,
		"fini releases the buckets");
}

static void test_growth(void)
{
	struct item *items = calloc(GROWTH_ITEMS, sizeof(*items));
	struct hash_table table;
	uint32_t i;
	uint32_t *order = NULL;
	size_t growths = 0;
	size_t prev_mask;
	int load_err = 0, keep_err = 0, find_err = 0, remove_err = 0;
	int shape_err = 0;

	if (items == NULL || hash_table_init(&table) != 0) {
		bail_out("out of memory");
	}
	prev_mask = table.mask;
	test_rng_seed(42);
	for (i = 0; i < GROWTH_ITEMS; i++) {
		/* Distinct, scattered keys: odd multipliers are bijections. */
		items[i].key = i * UINT32_C(2654435761);
		items[i].node.hash = spread_hash(items[i].key);
		hash_table_insert(&table, &items[i].node);
		items[i].present = 1;
		if (table.count > table.mask + 1 && !load_err++) {
			diag("after %u inserts: %zu entries in %zu buckets",
				i + 1, table.count, table.mask + 1);
		}
		if (table.mask != prev_mask) {
			uint32_t j;

			if (((table.mask + 1) & table.mask) != 0 ||
					table.mask + 1 != (prev_mask + 1) * 2) {
				shape_err++;
			}
			growths++;
			prev_mask = table.mask;
			/* Every entry so far must survive the rehash. */
			for (j = 0; j <= i; j++) {
				if (lookup(&table, items[j].node.hash,
						items[j].key) != &items[j] &&
						!keep_err++) {
					diag("growth to %zu buckets lost key "
						"%u", table.mask + 1,
						items[j].key);
				}
			}
		}
	}
	diag("%d entries, %zu growths, %zu buckets", GROWTH_ITEMS, growths,
		table.mask + 1);
	ok(growths >= 10, "the table grew (%zu times)", growths);
	ok(!shape_err, "each growth doubles a power-of-two bucket count");
	ok(!load_err, "the load factor never exceeds 1");
	ok(!keep_err, "every growth keeps every entry findable");
	is_int(table.count, GROWTH_ITEMS, "count after %d inserts",
		GROWTH_ITEMS);
	/* Remove in a random order, checking a sample as we go. */
	order = malloc(GROWTH_ITEMS * sizeof(*order));
	if (order == NULL) {
		bail_out("out of memory");
	}
	for (i = 0; i < GROWTH_ITEMS; i++) {
		order[i] = i;
	}
	for (i = GROWTH_ITEMS - 1; i > 0; i--) {
		uint32_t j = (uint32_t) (test_rng_next() % (i + 1));
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < GROWTH_ITEMS; i++) {
		struct item *it = &items[order[i]];
		struct item *probe = &items[order[(i * 7919u) % GROWTH_ITEMS]];

		hash_table_remove(&table, &it->node);
		it->present = 0;
		if (lookup(&table, it->node.hash, it->key) != NULL &&
				!remove_err++) {
			diag("key %u still found after removal", it->key);
		}
		if ((lookup(&table, probe->node.hash, probe->key) != NULL) !=
				probe->present && !find_err++) {
			diag("key %u: found %d, present %d", probe->key,
				!probe->present, probe->present);
		}
	}
	ok(!remove_err, "a removed key is no longer found");
	ok(!find_err, "removals leave the other keys findable");
	is_int(table.count, 0, "count is 0 after removing everything");
	hash_table_fini(&table);
	free(order);
	free(items);
}

int main(void)
{
	plan(6 + 11 + 8);
	test_fnv1a();
	test_colliding();
	test_growth();
	return exit_status();
}
