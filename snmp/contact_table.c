/*
 * contact_table.c: registers and serves kamailioSIPContactTable and
 * nothing else: GET/GETNEXT by (user index, contact index) under the
 * registry lock. No babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "contact_table.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "admin_string.h"
#include "oids.h"
#include "snmp_values.h"
#include "table_walk.h"

static const oid contact_table_oid[] = { ULTRACE_OID_CONTACT_TABLE };
static const oid contact_entry_oid[] = {
	ULTRACE_OID_CONTACT_TABLE, ULTRACE_COLUMN_ENTRY,
};


static const void *contact_borrow_row_ge(void *data, const uint32_t *index,
		uint32_t *found)
{
	const struct ultrace_snmp_source *source = data;
	const struct ultrace_registry_contact *contact =
		ultrace_registry_borrow_contact_ge(source->registry, index[0],
			index[1]);

	if (contact != NULL) {
		found[0] = ultrace_registry_user_get_index(
			ultrace_registry_contact_borrow_user(contact));
		found[1] = ultrace_registry_contact_get_index(contact);
	}
	return contact;
}

static const void *contact_borrow_row(void *data, const uint32_t *index)
{
	uint32_t found[2];
	const void *row = contact_borrow_row_ge(data, index, found);

	if (row == NULL || found[0] != index[0] || found[1] != index[1]) {
		return NULL;
	}
	return row;
}

static void serve_date_and_time(netsnmp_variable_list *var, int64_t unix_s)
{
	uint8_t octets[ULTRACE_SNMP_DATE_AND_TIME_LEN];
	size_t len = ultrace_snmp_date_and_time(unix_s, octets);

	snmp_set_var_typed_value(var, ASN_OCTET_STR, octets, len);
}

static void contact_serve(void *data, const void *row, unsigned int column,
		netsnmp_variable_list *var)
{
	const struct ultrace_contact *values =
		ultrace_registry_contact_values(row);
	char preference[ULTRACE_SNMP_PREFERENCE_SIZE];
	size_t len;

	(void) data;
	switch (column) {
	case ULTRACE_CONTACT_COL_DISPLAY_NAME:
		/* The display name, as the MIB says (snmpstats: the URI). */
		ultrace_snmp_serve_admin_string(var, values->display_name.s,
			values->display_name.len);
		break;
	case ULTRACE_CONTACT_COL_URI:
		ultrace_snmp_serve_admin_string(var, values->contact.s,
			values->contact.len);
		break;
	case ULTRACE_CONTACT_COL_LAST_UPDATED:
		serve_date_and_time(var, values->last_modified);
		break;
	case ULTRACE_CONTACT_COL_EXPIRY:
		serve_date_and_time(var, values->expires);
		break;
	case ULTRACE_CONTACT_COL_PREFERENCE:
		len = ultrace_snmp_q_to_decimal(values->q, preference,
			sizeof(preference));
		snmp_set_var_typed_value(var, ASN_OCTET_STR, preference, len);
		break;
	default:
		snmp_set_var_typed_value(var, SNMP_NOSUCHOBJECT, NULL, 0);
		break;
	}
}

static const struct ultrace_table_walk contact_walk = {
	.entry = contact_entry_oid,
	.entry_len = OID_LENGTH(contact_entry_oid),
	.index_count = 2,
	.column_min = ULTRACE_CONTACT_COL_MIN,
	.column_max = ULTRACE_CONTACT_COL_MAX,
	.borrow_row = contact_borrow_row,
	.borrow_row_ge = contact_borrow_row_ge,
	.serve = contact_serve,
};

int init_ultrace_contact_table(const struct ultrace_snmp_source *source,
		const char *context)
{
	return ultrace_table_walk_register_ro_in("kamailioSIPContactTable", contact_table_oid,
		OID_LENGTH(contact_table_oid), &contact_walk, source, context);
}
