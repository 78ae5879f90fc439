/*
 * host_table.c: registers and serves ultraceHostTable: the hosts of a
 * cluster consumer, numbered from 1 in the order they were found.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "host_table.h"

#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "admin_string.h"
#include "health_scalars.h"
#include "log.h"
#include "table_walk.h"
#include "varbind_set.h"

static oid host_table_oid[MAX_OID_LEN];
static oid host_entry_oid[MAX_OID_LEN];
static struct ultrace_snmp_hosts host_list;
static struct ultrace_table_walk host_walk;
/* The row being served: one request at a time, under the lock. */
static struct ultrace_snmp_host host_row;

static const void *host_borrow_row(void *data, const uint32_t *index)
{
	(void) data;
	if (index[0] == 0 || index[0] > host_list.count(host_list.data) ||
			host_list.get(host_list.data, index[0], &host_row) != 0) {
		return NULL;
	}
	return &host_row;
}

static const void *host_borrow_row_ge(void *data, const uint32_t *index,
		uint32_t *found)
{
	uint32_t n = host_list.count(host_list.data);
	uint32_t i = index[0] == 0 ? 1 : index[0];

	(void) data;
	for (; i <= n && i != 0; i++) {
		if (host_list.get(host_list.data, i, &host_row) == 0) {
			found[0] = i;
			return &host_row;
		}
	}
	return NULL;
}

static void host_serve(void *data, const void *ptr, unsigned int column,
		netsnmp_variable_list *var)
{
	const struct ultrace_snmp_host *h = ptr;

	(void) data;
	switch (column) {
	case ULTRACE_HOST_COL_CONTEXT:
		ultrace_snmp_serve_admin_string(var, h->context,
			strlen(h->context));
		break;
	case ULTRACE_HOST_COL_SESSION:
		ultrace_snmp_serve_admin_string(var, h->session,
			strlen(h->session));
		break;
	case ULTRACE_HOST_COL_SOURCE_STATE:
		ultrace_snmp_set_integer(var, h->ended ?
			ULTRACE_HOST_SOURCE_ENDED : (long) h->source_state);
		break;
	case ULTRACE_HOST_COL_EVENTS:
		ultrace_snmp_set_counter64(var, h->events);
		break;
	case ULTRACE_HOST_COL_DISCARDED:
		ultrace_snmp_set_counter64(var, h->discarded_events);
		break;
	case ULTRACE_HOST_COL_LAG_P99:
		ultrace_snmp_set_lag_ms(var, h->lag_p99_ns);
		break;
	case ULTRACE_HOST_COL_USERS:
		ultrace_snmp_set_gauge(var, h->users);
		break;
	case ULTRACE_HOST_COL_CONTACTS:
		ultrace_snmp_set_gauge(var, h->contacts);
		break;
	case ULTRACE_HOST_COL_STATE:
		ultrace_snmp_set_integer(var,
			h->health == ULTRACE_REGISTRY_SUSPECT ?
			ULTRACE_REGISTRY_SUSPECT : ULTRACE_REGISTRY_CONSISTENT);
		break;
	case ULTRACE_HOST_COL_LAST_EVENT:
		ultrace_snmp_set_time_ns(var, h->last_event_ns);
		break;
	default:
		snmp_set_var_typed_value(var, SNMP_NOSUCHOBJECT, NULL, 0);
		break;
	}
}

int init_ultrace_host_table(const struct ultrace_snmp_source *source,
		const struct ultrace_snmp_hosts *hosts)
{
	const oid *base;
	size_t len = ultrace_health_scalars_base(&base);

	if (len == 0 || hosts == NULL) {
		return 0;
	}
	if (len + 2 > MAX_OID_LEN - 2) {
		ULTRACE_ERR("snmp: the health base is too long for the host "
			"table");
		return -1;
	}
	host_list = *hosts;
	memcpy(host_table_oid, base, len * sizeof(oid));
	host_table_oid[len] = ULTRACE_HOST_TABLE_ARC;
	memcpy(host_entry_oid, host_table_oid, (len + 1) * sizeof(oid));
	host_entry_oid[len + 1] = 1;
	host_walk.entry = host_entry_oid;
	host_walk.entry_len = len + 2;
	host_walk.index_count = 1;
	host_walk.column_min = ULTRACE_HOST_COL_MIN;
	host_walk.column_max = ULTRACE_HOST_COL_MAX;
	host_walk.borrow_row = host_borrow_row;
	host_walk.borrow_row_ge = host_borrow_row_ge;
	host_walk.serve = host_serve;
	if (ultrace_table_walk_register_ro_in("ultraceHostTable",
			host_table_oid, len + 1, &host_walk, source, NULL) != 0) {
		ULTRACE_ERR("snmp: cannot register the host table");
		return -1;
	}
	return 0;
}
