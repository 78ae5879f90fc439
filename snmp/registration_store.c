/*
 * registration_store.c: a list of blocks freed at shutdown.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registration_store.h"

#include <stdlib.h>

struct store_block {
	struct store_block *next;
	/* max_align_t: the caller's struct follows, aligned. */
	union {
		long double ld;
		void *p;
		long long ll;
	} data[];
};

static struct store_block *blocks;

void *ultrace_snmp_store_alloc(size_t size)
{
	struct store_block *b = calloc(1, sizeof(*b) + size);

	if (b == NULL) {
		return NULL;
	}
	b->next = blocks;
	blocks = b;
	return b->data;
}

void ultrace_snmp_store_free_all(void)
{
	while (blocks != NULL) {
		struct store_block *next = blocks->next;

		free(blocks);
		blocks = next;
	}
}
