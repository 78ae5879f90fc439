/*
 * contact_table.h: kamailioSIPContactTable (one row per contact binding),
 * served from the registry. Knows net-snmp and the registry API; nothing
 * of babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_CONTACT_TABLE_H
#define ULTRACE_SNMP_CONTACT_TABLE_H

#include "source.h"

/* Register the table's raw handler; `source` is borrowed. 0 or -1. */
/* In SNMP context `context` (NULL: the default one). */
int init_ultrace_contact_table(const struct ultrace_snmp_source *source,
		const char *context);

#endif /* ULTRACE_SNMP_CONTACT_TABLE_H */
