/*
 * mib.h: every table and scalar ultrace serves, registered in net-snmp's
 * agent tree in one call. Knows the MIB files of snmp/; nothing of the
 * shell that carries requests (AgentX or direct SNMP) or of babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_MIB_H
#define ULTRACE_SNMP_MIB_H

#include "source.h"

struct ultrace_snmp_mib_options {
	/*
	 * Lookup-table rows are reaped this long after their creation
	 * (0: 60 s).
	 */
	unsigned int lookup_timeout_s;
	/*
	 * Base of the ultrace health scalars (doc/snmp.md), numeric dotted;
	 * NULL: ULTRACE_SNMP_HEALTH_OID_DEFAULT; "none": not served.
	 * Checked by ultrace_snmp_mib_health_oid_check().
	 */
	const char *health_oid;
	/* A cluster's hosts for ultraceHostTable; NULL: no host table. */
	const struct ultrace_snmp_hosts *hosts;
};

/*
 * Register the registrar scalars, the user, contact and lookup tables and
 * the health group; `source` must outlive the registrations. Call after
 * init_agent(), before init_snmp(). 0, or -1 (logged).
 */
int ultrace_snmp_mib_register(const struct ultrace_snmp_mib_options *options,
		const struct ultrace_snmp_source *source);

/*
 * Serve the registrar scalars, the user, contact and lookup tables and the
 * health group in SNMP context `context` too, from `source` (which must
 * outlive the registrations; lookup_table.h says how its rows are shared).
 * Call from the agent's thread, at any time after ultrace_snmp_mib_register().
 * 0, or -1 (logged).
 */
int ultrace_snmp_mib_add_context(const char *context,
		const struct ultrace_snmp_source *source);

/* Whether `text` is a usable health base: see health_scalars.h. */
int ultrace_snmp_mib_health_oid_check(const char *text, const char **why);

/* Values cut to the 255 octets an SnmpAdminString allows, so far. */
uint64_t ultrace_snmp_mib_truncated_values(void);

/* Free what the tables hold beyond net-snmp (before snmp_shutdown()). */
void ultrace_snmp_mib_shutdown(void);

#endif /* ULTRACE_SNMP_MIB_H */
