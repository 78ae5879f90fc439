/*
 * host_table.h: ultraceHostTable (H.30 under the health base): one row per
 * registrar host a cluster consumer follows, in the default context.
 * Knows net-snmp and source.h; nothing of babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_HOST_TABLE_H
#define ULTRACE_SNMP_HOST_TABLE_H

#include "source.h"

/* The sub-identifier of the table under the health base. */
#define ULTRACE_HOST_TABLE_ARC 30

enum ultrace_host_column {
	ULTRACE_HOST_COL_INDEX = 1,          /* not-accessible */
	ULTRACE_HOST_COL_CONTEXT = 2,        /* SnmpAdminString */
	ULTRACE_HOST_COL_SESSION = 3,        /* SnmpAdminString */
	ULTRACE_HOST_COL_SOURCE_STATE = 4,   /* INTEGER, as sourceState + ended(6) */
	ULTRACE_HOST_COL_EVENTS = 5,         /* Counter64 */
	ULTRACE_HOST_COL_DISCARDED = 6,      /* Counter64 */
	ULTRACE_HOST_COL_LAG_P99 = 7,        /* Gauge32, ms */
	ULTRACE_HOST_COL_USERS = 8,          /* Gauge32 */
	ULTRACE_HOST_COL_CONTACTS = 9,       /* Gauge32 */
	ULTRACE_HOST_COL_STATE = 10,         /* INTEGER consistent(1) suspect(2) */
	ULTRACE_HOST_COL_LAST_EVENT = 11,    /* DateAndTime */
	ULTRACE_HOST_COL_MIN = ULTRACE_HOST_COL_CONTEXT,
	ULTRACE_HOST_COL_MAX = ULTRACE_HOST_COL_LAST_EVENT,
};

/* sourceState's value for a host whose session the relay no longer lists. */
#define ULTRACE_HOST_SOURCE_ENDED 6

/*
 * Register the table under the health group's base (nothing when the
 * group is not served), in the default context. 0 or -1 (logged).
 */
int init_ultrace_host_table(const struct ultrace_snmp_source *source,
		const struct ultrace_snmp_hosts *hosts);

#endif
