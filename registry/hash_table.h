/*
 * hash_table.h: an intrusive chained hash table, keyed by whatever the
 * caller hashes and compares. No SNMP, no babeltrace2, no registry logic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_HASH_TABLE_H
#define ULTRACE_HASH_TABLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A node keeps the low 32 bits of its hash (the table never has more
 * buckets than that): the 4 bytes after it are the holder's to use.
 */
struct hash_node {
	struct hash_node *next;
	uint32_t hash;
};

struct hash_table {
	struct hash_node **buckets;
	size_t mask;    /* bucket count - 1, a power of two minus one */
	size_t count;
	/* Entries per bucket before it doubles (1 after init; may be set). */
	size_t max_load;
};

/* Returns non-zero when `node` holds `key`. */
typedef int (*hash_match_fn)(const struct hash_node *node, const void *key);

int hash_table_init(struct hash_table *table);
void hash_table_fini(struct hash_table *table);

/* Insert a node whose `hash` field is set; the table never owns it.
 * Lookups pass the full hash; its low 32 bits must equal the node's. */
int hash_table_insert(struct hash_table *table, struct hash_node *node);
struct hash_node *hash_table_lookup(const struct hash_table *table,
		uint64_t hash, hash_match_fn match, const void *key);
void hash_table_remove(struct hash_table *table, struct hash_node *node);

/* 64-bit FNV-1a, continued from `seed` (start with HASH_SEED). */
#define HASH_SEED UINT64_C(0xcbf29ce484222325)
uint64_t hash_bytes(uint64_t seed, const void *data, size_t len);

#endif /* ULTRACE_HASH_TABLE_H */
