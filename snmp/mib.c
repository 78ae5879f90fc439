/*
 * mib.c: registers every table and scalar of snmp/ (one file each) in the
 * agent tree, whichever shell serves them. No shell, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mib.h"

#include "admin_string.h"
#include "contact_table.h"
#include "health_scalars.h"
#include "host_table.h"
#include "log.h"
#include "lookup_table.h"
#include "registrar_scalars.h"
#include "registration_store.h"
#include "user_table.h"

int ultrace_snmp_mib_register(const struct ultrace_snmp_mib_options *options,
		const struct ultrace_snmp_source *source)
{
	if (init_ultrace_registrar_scalars(source, NULL) != 0) {
		ULTRACE_ERR("snmp: cannot register the registrar scalars");
		return -1;
	}
	if (init_ultrace_user_table(source, NULL) != 0) {
		ULTRACE_ERR("snmp: cannot register kamailioSIPRegUserTable");
		return -1;
	}
	if (init_ultrace_contact_table(source, NULL) != 0) {
		ULTRACE_ERR("snmp: cannot register kamailioSIPContactTable");
		return -1;
	}
	if (init_ultrace_lookup_table(source, options->lookup_timeout_s) !=
			0) {
		ULTRACE_ERR("snmp: cannot register "
			"kamailioSIPRegUserLookupTable");
		return -1;
	}
	/* Logs what is wrong with the base OID itself. */
	if (init_ultrace_health_scalars(source, options->health_oid) != 0) {
		return -1;
	}
	if (init_ultrace_host_table(source, options->hosts) != 0) {
		return -1;
	}
	return 0;
}

int ultrace_snmp_mib_add_context(const char *context,
		const struct ultrace_snmp_source *source)
{
	if (init_ultrace_registrar_scalars(source, context) != 0 ||
			init_ultrace_user_table(source, context) != 0 ||
			init_ultrace_contact_table(source, context) != 0 ||
			ultrace_lookup_table_add_context(source, context) != 0 ||
			ultrace_health_scalars_add_context(source, context) != 0) {
		ULTRACE_ERR("snmp: cannot register the tables in context %s",
			context);
		return -1;
	}
	ULTRACE_INFO("snmp: serving context %s", context);
	return 0;
}

int ultrace_snmp_mib_health_oid_check(const char *text, const char **why)
{
	return ultrace_health_scalars_oid_check(text, why);
}

uint64_t ultrace_snmp_mib_truncated_values(void)
{
	return ultrace_snmp_truncated_values();
}

void ultrace_snmp_mib_shutdown(void)
{
	shutdown_ultrace_lookup_table();
	ultrace_snmp_store_free_all();
}
