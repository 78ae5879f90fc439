/*
 * test_table_walk.c: GET/GETNEXT over (column, Unsigned32 index...) on a
 * small fake table: every GETNEXT from a random OID (before, inside or
 * after the table, partial indexes, components above 2^32-1) must match
 * a brute-force search of the sorted instances. No agent, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table_walk.h"
#include "tap.h"
#include "test_rng.h"

#define RANDOM_OIDS 20000
#define MAX_INSTANCES 256

static const oid entry_oid[] = { 1, 3, 6, 1, 4, 1, 34352, 3, 1, 2, 1, 5, 7, 1 };
#define ENTRY_LEN (sizeof(entry_oid) / sizeof(entry_oid[0]))
#define COL_MIN 2
#define COL_MAX 6

/* The fake rows, sorted by (user, contact). */
static const uint32_t fake_rows[][2] = {
	{ 1, 1 }, { 1, 3 }, { 2, 2 }, { 5, 1 }, { 5, UINT32_MAX },
	{ 70000, 4 }, { UINT32_C(0x80000000), 2 }, { UINT32_MAX, 1 },
	{ UINT32_MAX, UINT32_MAX },
};
#define ROWS (sizeof(fake_rows) / sizeof(fake_rows[0]))

static int pair_cmp(const uint32_t *a, const uint32_t *b)
{
	if (a[0] != b[0]) {
		return a[0] < b[0] ? -1 : 1;
	}
	if (a[1] != b[1]) {
		return a[1] < b[1] ? -1 : 1;
	}
	return 0;
}

static const void *fake_borrow_row(void *data, const uint32_t *index)
{
	size_t i;

	(void) data;
	for (i = 0; i < ROWS; i++) {
		if (pair_cmp(fake_rows[i], index) == 0) {
			return fake_rows[i];
		}
	}
	return NULL;
}

static const void *fake_borrow_row_ge(void *data, const uint32_t *index,
		uint32_t *found)
{
	size_t i;

	(void) data;
	for (i = 0; i < ROWS; i++) {
		if (pair_cmp(fake_rows[i], index) >= 0) {
			found[0] = fake_rows[i][0];
			found[1] = fake_rows[i][1];
			return fake_rows[i];
		}
	}
	return NULL;
}

static void fake_serve(void *data, const void *row, unsigned int column,
		netsnmp_variable_list *var)
{
	long value = (long) column * 1000 + (long) (((const uint32_t *) row -
		&fake_rows[0][0]) / 2);

	(void) data;
	snmp_set_var_typed_value(var, ASN_INTEGER, (const u_char *) &value,
		sizeof(value));
}

static const struct ultrace_table_walk walk = {
	.entry = entry_oid,
	.entry_len = ENTRY_LEN,
	.index_count = 2,
	.column_min = COL_MIN,
	.column_max = COL_MAX,
	.borrow_row = fake_borrow_row,
	.borrow_row_ge = fake_borrow_row_ge,
	.serve = fake_serve,
};

struct instance {
	oid name[ENTRY_LEN + 3];
};

static struct instance instances[MAX_INSTANCES];
static size_t instance_count;

static void build_instances(void)
{
	unsigned int col;
	size_t i;

	for (col = COL_MIN; col <= COL_MAX; col++) {
		for (i = 0; i < ROWS; i++) {
			oid *name = instances[instance_count++].name;

			memcpy(name, entry_oid, sizeof(entry_oid));
			name[ENTRY_LEN] = col;
			name[ENTRY_LEN + 1] = fake_rows[i][0];
			name[ENTRY_LEN + 2] = fake_rows[i][1];
		}
	}
}

/*
 * The first instance > name (>= if inclusive), by brute force, once
 * every sub-identifier is read as the agent reads it (sign extension of
 * 32-bit AgentX sub-identifiers undone).
 */
static const struct instance *expected_next(const oid *raw, size_t len,
		int inclusive)
{
	oid name[MAX_OID_LEN];
	size_t i;

	for (i = 0; i < len; i++) {
		name[i] = ultrace_table_walk_subid(raw[i]);
	}

	for (i = 0; i < instance_count; i++) {
		int c = snmp_oid_compare(instances[i].name, ENTRY_LEN + 3,
			name, len);

		if (c > 0 || (c == 0 && inclusive)) {
			return &instances[i];
		}
	}
	return NULL;
}

/* Run one GETNEXT; returns 1 if answered, with the answer in `out`. */
static int getnext(const oid *name, size_t len, int inclusive, oid *out,
		size_t *out_len)
{
	netsnmp_variable_list *var = calloc(1, sizeof(*var));
	netsnmp_request_info request;
	int answered;

	memset(&request, 0, sizeof(request));
	snmp_set_var_objid(var, name, len);
	var->type = ASN_NULL;
	request.requestvb = var;
	request.inclusive = inclusive;
	ultrace_table_walk_getnext(&walk, NULL, &request);
	answered = var->type != ASN_NULL;
	if (answered) {
		memcpy(out, var->name, var->name_length * sizeof(oid));
		*out_len = var->name_length;
	}
	snmp_free_var(var);
	return answered;
}

static int get_type(const oid *name, size_t len)
{
	netsnmp_variable_list *var = calloc(1, sizeof(*var));
	netsnmp_request_info request;
	int type;

	memset(&request, 0, sizeof(request));
	snmp_set_var_objid(var, name, len);
	var->type = ASN_NULL;
	request.requestvb = var;
	ultrace_table_walk_get(&walk, NULL, &request);
	type = var->type;
	snmp_free_var(var);
	return type;
}

static size_t random_name(oid *name)
{
	static const oid interesting[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 70000, UINT32_MAX - 1, UINT32_MAX,
		(oid) UINT32_MAX + 1, (oid) UINT64_MAX, 0x7fffffff,
		0x80000000, 0x80000001, ~(oid) 0 << 31,
		(~(oid) 0 << 31) + 1,
	};
	size_t n = sizeof(interesting) / sizeof(interesting[0]);
	size_t prefix = ENTRY_LEN - test_rng_next() % 3;
	size_t extra = test_rng_next() % 6;
	size_t len = 0;
	size_t i;

	if (test_rng_next() % 4 == 0) {
		/* Anywhere: keep a random part of the entry, then noise. */
		prefix = test_rng_next() % (ENTRY_LEN + 1);
	}
	memcpy(name, entry_oid, prefix * sizeof(oid));
	len = prefix;
	if (prefix < ENTRY_LEN && test_rng_next() % 2 == 0) {
		/* Diverge from the table: before or after it. */
		name[len++] = entry_oid[prefix] + (test_rng_next() % 2 ? 1 : -1);
	}
	for (i = 0; i < extra; i++) {
		name[len++] = interesting[test_rng_next() % n];
	}
	return len;
}

static void test_random_getnext(void)
{
	oid name[ENTRY_LEN + 8];
	oid got[MAX_OID_LEN];
	size_t got_len;
	int failures = 0;
	int i;

	for (i = 0; i < RANDOM_OIDS; i++) {
		size_t len = random_name(name);
		int inclusive = (int) (test_rng_next() % 2);
		const struct instance *want = expected_next(name, len,
			inclusive);
		int answered = getnext(name, len, inclusive, got, &got_len);
		int good = want == NULL ? !answered : answered &&
			snmp_oid_compare(got, got_len, want->name,
				ENTRY_LEN + 3) == 0;

		if (!good && failures++ < 5) {
			char buf[512];

			snprint_objid(buf, sizeof(buf), name, len);
			diag("GETNEXT%s from %s: %s", inclusive ?
				" (inclusive)" : "", buf, answered ?
				"answered wrongly" : "left unanswered");
		}
	}
	is_int(failures, 0, "%d random GETNEXTs agree with brute force",
		RANDOM_OIDS);
}

static void test_full_walk(void)
{
	oid name[MAX_OID_LEN];
	size_t len = ENTRY_LEN - 1;
	size_t steps = 0;
	int in_order = 1;

	/* From the table OID itself, as snmpwalk starts. */
	memcpy(name, entry_oid, len * sizeof(oid));
	while (getnext(name, len, 0, name, &len)) {
		if (steps >= instance_count || snmp_oid_compare(name, len,
				instances[steps].name, ENTRY_LEN + 3) != 0) {
			in_order = 0;
			break;
		}
		steps++;
	}
	ok(in_order && steps == instance_count,
		"a walk visits all %zu instances in order (%zu)",
		instance_count, steps);
}

static void test_get(void)
{
	oid name[ENTRY_LEN + 4];

	memcpy(name, entry_oid, sizeof(entry_oid));
	name[ENTRY_LEN] = 3;
	name[ENTRY_LEN + 1] = 5;
	name[ENTRY_LEN + 2] = UINT32_MAX;
	is_int(get_type(name, ENTRY_LEN + 3), ASN_INTEGER,
		"GET of an instance answers");
	name[ENTRY_LEN + 2] = 2;
	is_int(get_type(name, ENTRY_LEN + 3), SNMP_NOSUCHINSTANCE,
		"GET of a missing row: noSuchInstance");
	is_int(get_type(name, ENTRY_LEN + 2), SNMP_NOSUCHINSTANCE,
		"GET of a partial index: noSuchInstance");
	name[ENTRY_LEN + 2] = (oid) UINT32_MAX + 1;
	is_int(get_type(name, ENTRY_LEN + 3), SNMP_NOSUCHINSTANCE,
		"GET of an index above 2^32-1: noSuchInstance");
	name[ENTRY_LEN] = 1;
	name[ENTRY_LEN + 2] = 1;
	is_int(get_type(name, ENTRY_LEN + 3), SNMP_NOSUCHOBJECT,
		"GET of the not-accessible index column: noSuchObject");
	name[ENTRY_LEN] = 7;
	is_int(get_type(name, ENTRY_LEN + 3), SNMP_NOSUCHOBJECT,
		"GET past the last column: noSuchObject");
	is_int(get_type(entry_oid, ENTRY_LEN), SNMP_NOSUCHOBJECT,
		"GET of the entry OID: noSuchObject");
}

static void test_sign_extension(void)
{
	oid name[ENTRY_LEN + 3];
	oid got[MAX_OID_LEN];
	size_t got_len = 0;

	is_uint(ultrace_table_walk_subid(~(oid) 0 << 31), 0x80000000u,
		"a sign-extended 2^31 is read as 2^31");
	is_uint(ultrace_table_walk_subid(~(oid) 0), UINT32_MAX,
		"a sign-extended -1 is read as 2^32-1");
	is_uint(ultrace_table_walk_subid((oid) UINT32_MAX + 1),
		(uintmax_t) UINT32_MAX + 1, "2^32 stays above the range");
	/* What the AgentX parser hands over for user index 2^31. */
	memcpy(name, entry_oid, sizeof(entry_oid));
	name[ENTRY_LEN] = 3;
	name[ENTRY_LEN + 1] = 70000;
	name[ENTRY_LEN + 2] = 4;
	ok(getnext(name, ENTRY_LEN + 3, 0, got, &got_len) &&
		got_len == ENTRY_LEN + 3 && got[ENTRY_LEN + 1] == 0x80000000u &&
		got[ENTRY_LEN + 2] == 2, "GETNEXT crosses into user 2^31");
	name[ENTRY_LEN + 1] = ~(oid) 0 << 31;
	name[ENTRY_LEN + 2] = 2;
	ok(getnext(name, ENTRY_LEN + 3, 0, got, &got_len) &&
		got[ENTRY_LEN + 1] == UINT32_MAX && got[ENTRY_LEN + 2] == 1,
		"GETNEXT from a sign-extended user 2^31 goes on to 2^32-1");
	is_int(get_type(name, ENTRY_LEN + 3), ASN_INTEGER,
		"GET of a sign-extended user 2^31 finds the row");
}

static void test_bound(void)
{
	oid name[ENTRY_LEN + 4];
	unsigned int column = 0;
	uint32_t index[2] = { 9, 9 };

	memcpy(name, entry_oid, sizeof(entry_oid));
	name[ENTRY_LEN] = 2;
	name[ENTRY_LEN + 1] = UINT32_MAX;
	name[ENTRY_LEN + 2] = UINT32_MAX;
	ok(ultrace_table_walk_next_bound(&walk, name, ENTRY_LEN + 3, 0,
		&column, index) == 1 && column == 3 && index[0] == 0 &&
		index[1] == 0, "after (2^32-1, 2^32-1) comes the next column");
	name[ENTRY_LEN] = COL_MAX;
	ok(ultrace_table_walk_next_bound(&walk, name, ENTRY_LEN + 3, 0,
		&column, index) == 0, "after the last instance of the last "
		"column: nothing");
	name[ENTRY_LEN + 1] = 4;
	name[ENTRY_LEN + 2] = (oid) UINT32_MAX + 5;
	ok(ultrace_table_walk_next_bound(&walk, name, ENTRY_LEN + 3, 0,
		&column, index) == 1 && column == COL_MAX && index[0] == 5 &&
		index[1] == 0, "a contact index above 2^32-1 skips to the "
		"next user");
}

int main(void)
{
	test_rng_seed(7);
	plan(18);
	build_instances();
	test_bound();
	test_sign_extension();
	test_get();
	test_full_walk();
	test_random_getnext();
	return exit_status();
}
