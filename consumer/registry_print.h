/*
 * registry_print.h: the registry as text: contacts, users and counters in
 * table, CSV or JSON form. Reads the registry; no SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_REGISTRY_PRINT_H
#define ULTRACE_REGISTRY_PRINT_H

#include <stdio.h>

#include "loss_log.h"
#include "print_format.h"
#include "registry.h"

struct ultrace_print_options {
	enum ultrace_print_format format;
	/*
	 * Show consumer-assigned indexes (user_index, contact_index columns)
	 * and list rows in index order, as SNMP does; otherwise rows are in
	 * key order (domain, AOR, contact), which a producer can reproduce.
	 */
	int indexes;
};

/* Each returns 0, or -1 if memory ran out or the stream failed. */
int ultrace_registry_print_contacts(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_print_options *options);
int ultrace_registry_print_users(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_print_options *options);
/* `losses` (may be NULL): the tracer's discards stream by stream. */
int ultrace_registry_print_stats(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses,
		const struct ultrace_print_options *options);

#endif /* ULTRACE_REGISTRY_PRINT_H */
