/*
 * registrar_scalars.h: the registrar scalars ultrace can serve:
 * kamailioSIPRegCurrentUsers, kamailioSIPRegUserLookupCounter and
 * kamailioSIPRegAcceptedRegistrations. Knows net-snmp and the registry's
 * statistics; nothing of babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_REGISTRAR_SCALARS_H
#define ULTRACE_SNMP_REGISTRAR_SCALARS_H

#include "source.h"

/* Register the three scalars; `source` is borrowed. 0 or -1. */
int init_ultrace_registrar_scalars(const struct ultrace_snmp_source *source);

#endif /* ULTRACE_SNMP_REGISTRAR_SCALARS_H */
