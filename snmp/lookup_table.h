/*
 * lookup_table.h: kamailioSIPRegUserLookupTable, the read-create table a
 * manager uses to find a user's index by URI (RowStatus createAndGo,
 * destroy, rows reaped after a timeout). Knows net-snmp and the registry
 * API; nothing of babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_LOOKUP_TABLE_H
#define ULTRACE_SNMP_LOOKUP_TABLE_H

#include "source.h"

/* At most this many rows at a time: resourceUnavailable past it. */
#define ULTRACE_LOOKUP_ROWS_MAX 1024

/*
 * Register the table's raw handler; `source` is borrowed. Rows are reaped
 * `timeout_s` seconds after their creation. 0 or -1.
 */
int init_ultrace_lookup_table(const struct ultrace_snmp_source *source,
		unsigned int timeout_s);

/*
 * Serve the table in SNMP context `context` too: its rows are the agent's,
 * one set for every context (their indexes come from the one
 * kamailioSIPRegUserLookupCounter); a row's user index is resolved, when
 * it is created, in the registry of the context the SET came in.
 */
int ultrace_lookup_table_add_context(const struct ultrace_snmp_source *source,
		const char *context);

/* Free every row and cancel their alarms (before snmp_shutdown()). */
void shutdown_ultrace_lookup_table(void);

#endif /* ULTRACE_SNMP_LOOKUP_TABLE_H */
