/*
 * table_walk.h: GET and GETNEXT for a conceptual table whose INDEX is one
 * or two Unsigned32, over a caller's ordered lookups (exact, >=). Knows
 * net-snmp's request lists; no MIB table, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_TABLE_WALK_H
#define ULTRACE_SNMP_TABLE_WALK_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "source.h"

#define ULTRACE_TABLE_MAX_INDEXES 2

struct ultrace_table_walk {
	/* table.entry, e.g. kamailioSIPContactEntry; borrowed. */
	const oid *entry;
	size_t entry_len;
	unsigned int index_count;        /* 1..ULTRACE_TABLE_MAX_INDEXES */
	unsigned int column_min;         /* the accessible columns */
	unsigned int column_max;
	/* The row at exactly `index`, or NULL. */
	const void *(*borrow_row)(void *data, const uint32_t *index);
	/*
	 * The first row whose index is >= `index` (tuple order), or NULL;
	 * writes that row's index to `found`.
	 */
	const void *(*borrow_row_ge)(void *data, const uint32_t *index,
			uint32_t *found);
	/* Set `var`'s type and value to `column` of `row`. */
	void (*serve)(void *data, const void *row, unsigned int column,
			netsnmp_variable_list *var);
};

/*
 * Where a GETNEXT from `name` resumes: the first instance at or after
 * (`*column`, `index`) in (column, index) order. `inclusive`: an instance
 * equal to `name` qualifies (net-snmp's request->inclusive). Handles any
 * OID: before the table, inside it with a partial index, an index part
 * above 2^32-1, a not-accessible column. Returns 1, or 0 if nothing in
 * the table follows `name`. Pure: no lookup is made.
 */
int ultrace_table_walk_next_bound(const struct ultrace_table_walk *walk,
		const oid *name, size_t name_len, int inclusive,
		unsigned int *column, uint32_t *index);

/*
 * Answer every unprocessed request of a GET (noSuchObject for an OID that
 * names no column, noSuchInstance for a missing row) or a GETNEXT (the
 * next instance, or the varbind left as it is, so that the agent moves
 * on to the next subtree). O(log n) per varbind given O(log n) lookups.
 */
void ultrace_table_walk_get(const struct ultrace_table_walk *walk,
		void *data, netsnmp_request_info *requests);
void ultrace_table_walk_getnext(const struct ultrace_table_walk *walk,
		void *data, netsnmp_request_info *requests);

/*
 * A sub-identifier as the manager sent it: net-snmp's AgentX parser
 * sign-extends 2^31..2^32-1 on 64-bit hosts; this undoes it. Every OID a
 * handler reads goes through it.
 */
oid ultrace_table_walk_subid(oid subid);

/*
 * Parse `name` as the instance entry.column.index: 0, or -1 if it names
 * none (wrong prefix or length, or a component above 2^32-1). `column`
 * is not checked against the accessible range.
 */
int ultrace_table_walk_parse(const struct ultrace_table_walk *walk,
		const oid *name, size_t name_len, unsigned int *column,
		uint32_t *index);

/* The pair a read-only table's handler serves from. */
struct ultrace_table_ro {
	const struct ultrace_table_walk *walk;
	struct ultrace_snmp_source source;
};

/*
 * A read-only table served entirely by `walk`: GET and GETNEXT (GETBULK
 * through net-snmp's bulk_to_next) under one hold of source->lock per
 * request, in SNMP context `context` (NULL or "": the default context);
 * the pair is kept in registration_store.h's memory.
 */
int ultrace_table_walk_register_ro_in(const char *name, const oid *table_oid,
		size_t table_oid_len, const struct ultrace_table_walk *walk,
		const struct ultrace_snmp_source *source, const char *context);

/*
 * Set `reg`'s context to `context` (NULL or "": leave the default).
 * 0, or -1 when memory ran out (`reg` is then freed).
 */
int ultrace_snmp_registration_set_context(netsnmp_handler_registration *reg,
		const char *context);

#endif /* ULTRACE_SNMP_TABLE_WALK_H */
