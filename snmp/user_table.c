/*
 * user_table.c: registers and serves kamailioSIPRegUserTable and nothing
 * else: GET/GETNEXT by user index under the registry lock. No babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "user_table.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "admin_string.h"
#include "oids.h"
#include "table_walk.h"

static const oid user_table_oid[] = { ULTRACE_OID_REG_USER_TABLE };
static const oid user_entry_oid[] = {
	ULTRACE_OID_REG_USER_TABLE, ULTRACE_COLUMN_ENTRY,
};


static const void *user_borrow_row(void *data, const uint32_t *index)
{
	const struct ultrace_snmp_source *source = data;

	return ultrace_registry_borrow_user_by_index(source->registry,
		index[0]);
}

static const void *user_borrow_row_ge(void *data, const uint32_t *index,
		uint32_t *found)
{
	const struct ultrace_snmp_source *source = data;
	const struct ultrace_registry_user *user =
		ultrace_registry_borrow_user_ge(source->registry, index[0]);

	if (user != NULL) {
		found[0] = ultrace_registry_user_get_index(user);
	}
	return user;
}

static void user_serve(void *data, const void *row, unsigned int column,
		netsnmp_variable_list *var)
{
	const struct ultrace_registry_user *user = row;
	struct ultrace_str aor;
	u_long zero = 0;

	(void) data;
	switch (column) {
	case ULTRACE_USER_COL_URI:
		aor = ultrace_registry_user_get_aor(user);
		ultrace_snmp_serve_admin_string(var, aor.s, aor.len);
		break;
	case ULTRACE_USER_COL_AUTH_FAILURES:
		/* The trace carries no authentication outcome. */
		snmp_set_var_typed_value(var, ASN_COUNTER,
			(const u_char *) &zero, sizeof(zero));
		break;
	default:
		snmp_set_var_typed_value(var, SNMP_NOSUCHOBJECT, NULL, 0);
		break;
	}
}

static const struct ultrace_table_walk user_walk = {
	.entry = user_entry_oid,
	.entry_len = OID_LENGTH(user_entry_oid),
	.index_count = 1,
	.column_min = ULTRACE_USER_COL_MIN,
	.column_max = ULTRACE_USER_COL_MAX,
	.borrow_row = user_borrow_row,
	.borrow_row_ge = user_borrow_row_ge,
	.serve = user_serve,
};

int init_ultrace_user_table(const struct ultrace_snmp_source *source,
		const char *context)
{
	return ultrace_table_walk_register_ro_in("kamailioSIPRegUserTable", user_table_oid,
		OID_LENGTH(user_table_oid), &user_walk, source, context);
}
