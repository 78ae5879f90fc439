/*
 * registrar_scalars.h: every scalar of kamailioSIPRegCfg and
 * kamailioSIPRegStats: kamailioSIPRegCurrentUsers,
 * kamailioSIPRegUserLookupCounter, and the registrar's own figures
 * (MaxContactExpiryDuration, MaxUsers, DfltRegActiveInterval, Accepted-
 * and RejectedRegistrations). Knows net-snmp and the registry; nothing of
 * babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_REGISTRAR_SCALARS_H
#define ULTRACE_SNMP_REGISTRAR_SCALARS_H

#include "source.h"

/* Register the scalars; `source` is borrowed. 0 or -1. */
/* In SNMP context `context` (NULL: the default one). */
int init_ultrace_registrar_scalars(const struct ultrace_snmp_source *source,
		const char *context);

#endif /* ULTRACE_SNMP_REGISTRAR_SCALARS_H */
