/*
 * hash_table.c: intrusive chained hash table, grown by doubling at its load
 * factor (1 unless the holder sets another) so lookups stay O(1) on
 * average.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "hash_table.h"

#include <stdlib.h>

#define HASH_INITIAL_BUCKETS 64

int hash_table_init(struct hash_table *table)
{
	int ret = -1;

	table->buckets = calloc(HASH_INITIAL_BUCKETS, sizeof(*table->buckets));
	if (table->buckets == NULL) {
		goto end;
	}
	table->mask = HASH_INITIAL_BUCKETS - 1;
	table->count = 0;
	table->max_load = 1;
	ret = 0;
end:
	return ret;
}

void hash_table_fini(struct hash_table *table)
{
	free(table->buckets);
	table->buckets = NULL;
	table->count = 0;
}

static int grow(struct hash_table *table)
{
	size_t new_size = (table->mask + 1) * 2;
	struct hash_node **buckets;
	size_t i;
	int ret = -1;

	/* Nodes keep 32 bits of their hash: no more buckets than that. */
	if (new_size > (size_t) UINT32_MAX) {
		goto end;
	}
	buckets = calloc(new_size, sizeof(*buckets));
	if (buckets == NULL) {
		goto end;
	}
	for (i = 0; i <= table->mask; i++) {
		struct hash_node *node = table->buckets[i];

		while (node != NULL) {
			struct hash_node *next = node->next;
			size_t b = node->hash & (new_size - 1);

			node->next = buckets[b];
			buckets[b] = node;
			node = next;
		}
	}
	free(table->buckets);
	table->buckets = buckets;
	table->mask = new_size - 1;
	ret = 0;
end:
	return ret;
}

int hash_table_insert(struct hash_table *table, struct hash_node *node)
{
	size_t b;
	int ret = 0;

	/*
	 * A failed grow keeps the table valid, only longer chains: the insert
	 * still succeeds, so a memory squeeze never loses an entry.
	 */
	if (table->count >= (table->mask + 1) * table->max_load) {
		(void) grow(table);
	}
	b = node->hash & table->mask;
	node->next = table->buckets[b];
	table->buckets[b] = node;
	table->count++;
	return ret;
}

struct hash_node *hash_table_lookup(const struct hash_table *table,
		uint64_t hash, hash_match_fn match, const void *key)
{
	struct hash_node *node = table->buckets[hash & table->mask];

	while (node != NULL) {
		if (node->hash == (uint32_t) hash && match(node, key)) {
			break;
		}
		node = node->next;
	}
	return node;
}

void hash_table_remove(struct hash_table *table, struct hash_node *node)
{
	struct hash_node **link = &table->buckets[node->hash & table->mask];

	while (*link != NULL) {
		if (*link == node) {
			*link = node->next;
			node->next = NULL;
			table->count--;
			break;
		}
		link = &(*link)->next;
	}
}

uint64_t hash_bytes(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}
