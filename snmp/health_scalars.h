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

#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "source.h"

/*
 * Whether `text` is a usable health base: NULL, "none", or a numeric OID
 * that ultrace_snmp_oid_parse() accepts, with room for object.instance,
 * and neither inside nor above the KAMAILIO-SIP-SERVER-MIB objects served.
 * 0, or -1 with *why set to a static sentence saying what is wrong.
 */
int ultrace_health_scalars_oid_check(const char *text, const char **why);

/*
 * Register the group under `base_oid` (ultrace_snmp_mib_options.health_oid:
 * NULL the default, "none" nothing at all); `source` is copied. 0, or -1
 * (logged) if the OID is refused or net-snmp cannot register it.
 */
int init_ultrace_health_scalars(const struct ultrace_snmp_source *source,
		const char *base_oid);

/*
 * Serve the group in SNMP context `context` too, from `source`, under the
 * base init_ultrace_health_scalars() took (nothing if it served none).
 */
int ultrace_health_scalars_add_context(
		const struct ultrace_snmp_source *source, const char *context);

/* The base in use (*base set), or 0 when the group is not served. */
size_t ultrace_health_scalars_base(const oid **base);

#endif /* ULTRACE_SNMP_HEALTH_SCALARS_H */
