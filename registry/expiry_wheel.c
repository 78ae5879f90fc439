/*
 * expiry_wheel.c: one list per second modulo the wheel's size; nodes whose
 * second has come move to the due list. A node in a slot always has a key
 * above the cursor, a node on the due list one at or below it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "expiry_wheel.h"

#include <string.h>

void expiry_wheel_init(struct expiry_wheel *wheel)
{
	memset(wheel, 0, sizeof(*wheel));
	wheel->cursor = INT64_MIN;
}

static void link_at(struct expiry_wheel_node **head,
		struct expiry_wheel_node *node)
{
	node->next = *head;
	if (node->next != NULL) {
		node->next->pprev = &node->next;
	}
	node->pprev = head;
	*head = node;
}

static void unlink_node(struct expiry_wheel_node *node)
{
	*node->pprev = node->next;
	if (node->next != NULL) {
		node->next->pprev = node->pprev;
	}
	node->next = NULL;
	node->pprev = NULL;
}

static struct expiry_wheel_node **slot_of(struct expiry_wheel *wheel,
		int64_t key)
{
	return &wheel->slots[(uint64_t) key & (EXPIRY_WHEEL_SLOTS - 1)];
}

void expiry_wheel_insert(struct expiry_wheel *wheel,
		struct expiry_wheel_node *node)
{
	link_at(node->key <= wheel->cursor ? &wheel->due :
		slot_of(wheel, node->key), node);
	wheel->count++;
}

void expiry_wheel_remove(struct expiry_wheel *wheel,
		struct expiry_wheel_node *node)
{
	unlink_node(node);
	wheel->count--;
}

void expiry_wheel_requeue(struct expiry_wheel *wheel,
		struct expiry_wheel_node *node)
{
	unlink_node(node);
	link_at(node->key <= wheel->cursor ? &wheel->due :
		slot_of(wheel, node->key), node);
}

void expiry_wheel_move(struct expiry_wheel_node *old,
		struct expiry_wheel_node *fresh)
{
	*fresh->pprev = fresh;
	if (fresh->next != NULL) {
		fresh->next->pprev = &fresh->next;
	}
	old->next = NULL;
	old->pprev = NULL;
}

/* Move the nodes of one slot whose key is <= deadline to the due list. */
static void collect_slot(struct expiry_wheel *wheel,
		struct expiry_wheel_node **head, int64_t deadline)
{
	struct expiry_wheel_node *node = *head;

	while (node != NULL) {
		struct expiry_wheel_node *next = node->next;

		if (node->key <= deadline) {
			unlink_node(node);
			link_at(&wheel->due, node);
		}
		node = next;
	}
}

static void collect(struct expiry_wheel *wheel, int64_t deadline)
{
	int64_t t;

	if (deadline <= wheel->cursor) {
		return;
	}
	/* deadline > cursor: the unsigned difference cannot overflow. */
	if (wheel->cursor == INT64_MIN || (uint64_t) deadline -
			(uint64_t) wheel->cursor >= EXPIRY_WHEEL_SLOTS) {
		size_t i;

		for (i = 0; i < EXPIRY_WHEEL_SLOTS; i++) {
			collect_slot(wheel, &wheel->slots[i], deadline);
		}
	} else {
		for (t = wheel->cursor + 1; t <= deadline; t++) {
			collect_slot(wheel, slot_of(wheel, t), deadline);
		}
	}
	wheel->cursor = deadline;
}

struct expiry_wheel_node *expiry_wheel_next_due(struct expiry_wheel *wheel,
		int64_t deadline)
{
	struct expiry_wheel_node *node;

	collect(wheel, deadline);
	/* A deadline below the cursor: due nodes above it stay. */
	for (node = wheel->due; node != NULL; node = node->next) {
		if (node->key <= deadline) {
			return node;
		}
	}
	return NULL;
}
