/*
 * table_walk.c: GET/GETNEXT arithmetic over (column, Unsigned32 index...)
 * instances, for tables served by raw handlers. No MIB table, no registry:
 * rows come from the caller's ordered lookups.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "table_walk.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "registration_store.h"

#define SUBID_MAX UINT32_MAX
/* The lowest 64-bit value a sign-extended negative 32-bit int becomes. */
#define SIGN_EXTENDED_MIN (~(oid) 0 << 31)

oid ultrace_table_walk_subid(oid subid)
{
	/*
	 * net-snmp 5.9's AgentX parser (agentx_parse_oid()) stores each
	 * 32-bit sub-identifier through an int: on LP64, 2^31..2^32-1
	 * arrive as 0xffffffff80000000... Undo it. Nothing larger than
	 * 2^32-1 can come over AgentX (or BER) otherwise.
	 */
	if (sizeof(oid) > 4 && subid >= SIGN_EXTENDED_MIN) {
		return subid & SUBID_MAX;
	}
	return subid;
}

/* Copy `name` with every sub-identifier repaired; NULL if too long. */
static const oid *fixed_name(const oid *name, size_t len, oid *buf)
{
	size_t i;

	if (len > MAX_OID_LEN) {
		return NULL;
	}
	for (i = 0; i < len; i++) {
		buf[i] = ultrace_table_walk_subid(name[i]);
	}
	return buf;
}

/*
 * Add one to the tuple index[0..len-1] read as a number, zeroing
 * index[len..count-1]: the first tuple after every tuple with that
 * prefix. Returns 0 if it overflows (no such tuple).
 */
static int index_increment(uint32_t *index, size_t len, size_t count)
{
	size_t i;

	while (len > 0) {
		len--;
		if (index[len] < SUBID_MAX) {
			index[len]++;
			for (i = len + 1; i < count; i++) {
				index[i] = 0;
			}
			return 1;
		}
	}
	return 0;
}

int ultrace_table_walk_next_bound(const struct ultrace_table_walk *walk,
		const oid *raw_name, size_t name_len, int inclusive,
		unsigned int *column, uint32_t *index)
{
	oid buf[MAX_OID_LEN];
	const oid *name = fixed_name(raw_name, name_len, buf);
	size_t count = walk->index_count;
	size_t common = name_len < walk->entry_len ? name_len : walk->entry_len;
	const oid *sub;
	size_t sub_len;
	unsigned int col;
	size_t i;
	int found = 1;

	memset(index, 0, count * sizeof(*index));
	if (name == NULL) {
		/* Longer than any OID net-snmp handles: past the table. */
		found = 0;
		goto end;
	}
	for (i = 0; i < common; i++) {
		if (name[i] != walk->entry[i]) {
			if (name[i] < walk->entry[i]) {
				goto first;
			}
			/* After the whole table. */
			found = 0;
			goto end;
		}
	}
	if (name_len <= walk->entry_len) {
		/* The entry OID or one of its prefixes. */
		goto first;
	}
	if (name[walk->entry_len] < walk->column_min) {
		/* Column 0, or a not-accessible index column. */
		goto first;
	}
	if (name[walk->entry_len] > walk->column_max) {
		found = 0;
		goto end;
	}
	col = (unsigned int) name[walk->entry_len];
	sub = name + walk->entry_len + 1;
	sub_len = name_len - walk->entry_len - 1;
	for (i = 0; i < count; i++) {
		if (i >= sub_len) {
			/* A partial index: its first completion follows it. */
			goto from;
		}
		if (sub[i] > SUBID_MAX) {
			/* No index component that large: skip the prefix. */
			if (!index_increment(index, i, count)) {
				goto next_column;
			}
			goto from;
		}
		index[i] = (uint32_t) sub[i];
	}
	if (sub_len == count && inclusive) {
		/* `name` is an instance and may be returned itself. */
		goto from;
	}
	if (!index_increment(index, count, count)) {
		goto next_column;
	}
	goto from;

next_column:
	if (col >= walk->column_max) {
		found = 0;
		goto end;
	}
	col++;
	memset(index, 0, count * sizeof(*index));
	goto from;
first:
	col = walk->column_min;
	memset(index, 0, count * sizeof(*index));
from:
	*column = col;
end:
	return found;
}

int ultrace_table_walk_parse(const struct ultrace_table_walk *walk,
		const oid *raw_name, size_t name_len, unsigned int *column,
		uint32_t *index)
{
	oid buf[MAX_OID_LEN];
	const oid *name = fixed_name(raw_name, name_len, buf);
	size_t i;

	if (name == NULL ||
			name_len != walk->entry_len + 1 + walk->index_count ||
			snmp_oid_compare(name, walk->entry_len, walk->entry,
				walk->entry_len) != 0) {
		return -1;
	}
	for (i = walk->entry_len; i < name_len; i++) {
		if (name[i] > SUBID_MAX) {
			return -1;
		}
	}
	*column = (unsigned int) name[walk->entry_len];
	for (i = 0; i < walk->index_count; i++) {
		index[i] = (uint32_t) name[walk->entry_len + 1 + i];
	}
	return 0;
}

/* Non-zero if `name` is under entry.column for an accessible column. */
static int names_column(const struct ultrace_table_walk *walk,
		const oid *name, size_t name_len)
{
	return name_len > walk->entry_len &&
		snmp_oid_compare(name, walk->entry_len, walk->entry,
			walk->entry_len) == 0 &&
		name[walk->entry_len] >= walk->column_min &&
		name[walk->entry_len] <= walk->column_max;
}

void ultrace_table_walk_get(const struct ultrace_table_walk *walk,
		void *data, netsnmp_request_info *requests)
{
	netsnmp_request_info *request;

	for (request = requests; request != NULL; request = request->next) {
		netsnmp_variable_list *var = request->requestvb;
		uint32_t index[ULTRACE_TABLE_MAX_INDEXES];
		unsigned int column;
		const void *row = NULL;

		if (request->processed) {
			continue;
		}
		if (!names_column(walk, var->name, var->name_length)) {
			snmp_set_var_typed_value(var, SNMP_NOSUCHOBJECT, NULL, 0);
			continue;
		}
		if (ultrace_table_walk_parse(walk, var->name,
				var->name_length, &column, index) == 0) {
			row = walk->borrow_row(data, index);
		}
		if (row == NULL) {
			snmp_set_var_typed_value(var, SNMP_NOSUCHINSTANCE, NULL,
				0);
			continue;
		}
		walk->serve(data, row, column, var);
	}
}

void ultrace_table_walk_getnext(const struct ultrace_table_walk *walk,
		void *data, netsnmp_request_info *requests)
{
	netsnmp_request_info *request;

	for (request = requests; request != NULL; request = request->next) {
		netsnmp_variable_list *var = request->requestvb;
		uint32_t index[ULTRACE_TABLE_MAX_INDEXES];
		uint32_t found[ULTRACE_TABLE_MAX_INDEXES];
		oid next[MAX_OID_LEN];
		unsigned int column;
		const void *row = NULL;
		size_t i;

		if (request->processed) {
			continue;
		}
		if (!ultrace_table_walk_next_bound(walk, var->name,
				var->name_length, request->inclusive, &column,
				index)) {
			/* Unanswered: the agent tries the next subtree. */
			continue;
		}
		for (; column <= walk->column_max; column++) {
			row = walk->borrow_row_ge(data, index, found);
			if (row != NULL) {
				break;
			}
			memset(index, 0, sizeof(index));
		}
		if (row == NULL) {
			continue;
		}
		memcpy(next, walk->entry, walk->entry_len * sizeof(oid));
		next[walk->entry_len] = column;
		for (i = 0; i < walk->index_count; i++) {
			next[walk->entry_len + 1 + i] = found[i];
		}
		snmp_set_var_objid(var, next,
			walk->entry_len + 1 + walk->index_count);
		walk->serve(data, row, column, var);
	}
}

static int table_ro_handler(netsnmp_mib_handler *handler,
		netsnmp_handler_registration *reginfo,
		netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	struct ultrace_table_ro *t = handler->myvoid;

	(void) reginfo;
	/* One lock hold for every varbind of the request. */
	pthread_mutex_lock(t->source.lock);
	switch (reqinfo->mode) {
	case MODE_GET:
		ultrace_table_walk_get(t->walk, &t->source, requests);
		break;
	case MODE_GETNEXT:
		ultrace_table_walk_getnext(t->walk, &t->source, requests);
		break;
	default:
		/* Read-only registration: net-snmp answers SETs itself. */
		break;
	}
	pthread_mutex_unlock(t->source.lock);
	return SNMP_ERR_NOERROR;
}

int ultrace_snmp_registration_set_context(netsnmp_handler_registration *reg,
		const char *context)
{
	if (context == NULL || context[0] == '\0') {
		return 0;
	}
	reg->contextName = strdup(context);
	if (reg->contextName == NULL) {
		netsnmp_handler_registration_free(reg);
		return -1;
	}
	return 0;
}

int ultrace_table_walk_register_ro_in(const char *name, const oid *table_oid,
		size_t table_oid_len, const struct ultrace_table_walk *walk,
		const struct ultrace_snmp_source *source, const char *context)
{
	struct ultrace_table_ro *slot = ultrace_snmp_store_alloc(sizeof(*slot));
	netsnmp_handler_registration *reg;

	if (slot == NULL) {
		return -1;
	}
	slot->walk = walk;
	slot->source = *source;
	reg = netsnmp_create_handler_registration(name, table_ro_handler,
		table_oid, table_oid_len, HANDLER_CAN_RONLY);
	if (reg == NULL) {
		return -1;
	}
	reg->handler->myvoid = slot;
	/* Both free `reg` on failure. */
	if (ultrace_snmp_registration_set_context(reg, context) != 0 ||
			netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		return -1;
	}
	return 0;
}
