/*
 * registration_store.h: memory that lives as long as net-snmp's
 * registrations of ultrace's objects (a handler's data, one per object
 * and context), freed together at shutdown. No net-snmp, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_REGISTRATION_STORE_H
#define ULTRACE_SNMP_REGISTRATION_STORE_H

#include <stddef.h>

/* `size` zeroed bytes kept until ultrace_snmp_store_free_all(); or NULL. */
void *ultrace_snmp_store_alloc(size_t size);
void ultrace_snmp_store_free_all(void);

#endif
