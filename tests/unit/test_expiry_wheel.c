/*
 * test_expiry_wheel.c: the expiry wheel hands out exactly the nodes whose
 * key is at or below a deadline, under random inserts, key changes,
 * removals, moves and deadlines (small steps, jumps of more than a turn,
 * deadlines going back), checked against a plain array. Wheel only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expiry_wheel.h"
#include "tap.h"
#include "test_rng.h"

#define NODES 2000
#define ROUNDS 30000

struct item {
	struct expiry_wheel_node node;
	int queued;                  /* the model's view */
};

static struct item *items[NODES];
static struct expiry_wheel wheel;
static int64_t deadline;

static int64_t random_key(void)
{
	/* Mostly within a turn ahead; some far ahead, some already due. */
	switch (test_rng_below(8)) {
	case 0:
		return deadline - (int64_t) test_rng_below(100);
	case 1:
		return deadline + (int64_t) test_rng_below(5 * EXPIRY_WHEEL_SLOTS);
	default:
		return deadline + 1 + (int64_t) test_rng_below(3600);
	}
}

/* Collect everything due by `d`: each must be queued with key <= d. */
static int drain(int64_t d, size_t *taken)
{
	struct expiry_wheel_node *n;
	int bad = 0;

	*taken = 0;
	while ((n = expiry_wheel_next_due(&wheel, d)) != NULL) {
		struct item *it = (struct item *) n;

		if (!it->queued || n->key > d) {
			bad++;
		}
		expiry_wheel_remove(&wheel, n);
		it->queued = 0;
		(*taken)++;
	}
	return bad;
}

static size_t model_due(int64_t d)
{
	size_t i;
	size_t due = 0;

	for (i = 0; i < NODES; i++) {
		if (items[i]->queued && items[i]->node.key <= d) {
			due++;
		}
	}
	return due;
}

int main(void)
{
	size_t i;
	int round;
	int bad = 0;
	int missed = 0;
	int count_wrong = 0;
	int moved = 0;
	size_t taken;

	plan(8);
	test_rng_seed(11);
	expiry_wheel_init(&wheel);
	deadline = 1700000000;
	for (i = 0; i < NODES; i++) {
		items[i] = calloc(1, sizeof(*items[i]));
		expiry_wheel_node_init(&items[i]->node);
	}
	ok(expiry_wheel_next_due(&wheel, INT64_MAX) == NULL,
		"an empty wheel has nothing due");

	for (round = 0; round < ROUNDS; round++) {
		struct item *it = items[test_rng_below(NODES)];

		switch (test_rng_below(10)) {
		case 0: case 1: case 2:
			if (!it->queued) {
				it->node.key = random_key();
				expiry_wheel_insert(&wheel, &it->node);
				it->queued = 1;
			}
			break;
		case 3: case 4:
			if (it->queued) {
				it->node.key = random_key();
				expiry_wheel_requeue(&wheel, &it->node);
			}
			break;
		case 5:
			if (it->queued) {
				expiry_wheel_remove(&wheel, &it->node);
				it->queued = 0;
			}
			break;
		case 6:
			if (it->queued) {
				/* The node moves in memory (a bigger copy). */
				struct item *fresh = malloc(sizeof(*fresh));

				memcpy(fresh, it, sizeof(*fresh));
				expiry_wheel_move(&it->node, &fresh->node);
				if (expiry_wheel_node_is_queued(&it->node)) {
					bad++;
				}
				for (i = 0; items[i] != it; i++) {
				}
				free(it);
				items[i] = fresh;
				moved++;
			}
			break;
		case 7: case 8: {
			/* Small steps, a jump past a turn, or a step back. */
			int64_t d = deadline;
			size_t expect;

			switch (test_rng_below(6)) {
			case 0:
				d += EXPIRY_WHEEL_SLOTS + (int64_t) test_rng_below(9000);
				break;
			case 1:
				d -= (int64_t) test_rng_below(50);
				break;
			default:
				d += (int64_t) test_rng_below(40);
			}
			expect = model_due(d);
			bad += drain(d, &taken);
			if (taken != expect) {
				missed++;
			}
			if (model_due(d) != 0) {
				missed++;
			}
			if (d > deadline) {
				deadline = d;
			}
			break;
		}
		default:
			break;
		}
		if (round % 500 == 0) {
			size_t queued = 0;

			for (i = 0; i < NODES; i++) {
				queued += (size_t) items[i]->queued;
			}
			if (queued != wheel.count) {
				count_wrong++;
			}
		}
	}
	is_int(bad, 0, "every node handed out was queued with key <= deadline");
	is_int(missed, 0, "every due node was handed out, none left behind");
	is_int(count_wrong, 0, "the wheel's count follows inserts and removals");
	ok(moved >= 5, "nodes moved in memory while queued (%d)", moved);
	bad += drain(INT64_MAX, &taken);
	is_int(bad, 0, "a final drain hands out only queued nodes");
	is_int(wheel.count, 0, "...and empties the wheel");
	for (i = 0; i < NODES; i++) {
		if (items[i]->queued) {
			bad++;
		}
		free(items[i]);
	}
	is_int(bad, 0, "no node the model holds queued was left");
	return exit_status();
}
