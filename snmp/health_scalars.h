/*
 * health_scalars.h: ultrace's own health group, scalars base.N.0 under a
 * configurable base: what the consumer applied and lost, whether the
 * tables can be trusted, how late they are. Knows net-snmp and the
 * registry's statistics; nothing of babeltrace2 or LTTng.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_HEALTH_SCALARS_H
#define ULTRACE_SNMP_HEALTH_SCALARS_H

#include "agent.h"

/*
 * Register the group under `base_oid` (ultrace_snmp_options.health_oid:
 * NULL the default, "none" nothing at all); `source` is copied. 0, or -1
 * (logged) if the OID is refused or net-snmp cannot register it.
 */
int init_ultrace_health_scalars(const struct ultrace_snmp_source *source,
		const char *base_oid);

#endif /* ULTRACE_SNMP_HEALTH_SCALARS_H */
