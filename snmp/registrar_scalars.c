/*
 * registrar_scalars.c: registers and serves the kamailioSIPRegCfg and
 * kamailioSIPRegStats scalars the trace can answer, and nothing else.
 * The others (max expiry, max users, default interval, rejected
 * registrations) are not in the trace and stay unregistered.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registrar_scalars.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "oids.h"

static const oid current_users_oid[] = { ULTRACE_OID_REG_CURRENT_USERS };
static const oid lookup_counter_oid[] = {
	ULTRACE_OID_REG_USER_LOOKUP_COUNTER,
};
static const oid accepted_oid[] = {
	ULTRACE_OID_REG_ACCEPTED_REGISTRATIONS,
};

static struct ultrace_snmp_source scalar_source;

/*
 * kamailioSIPRegUserLookupCounter: one more on every read, so that each
 * client gets its own lookup-table index. From 1 like snmpstats' (which
 * pre-increments), skipping 0 (not a valid row index) when it wraps.
 */
static uint32_t lookup_counter;

static int current_users_handler(netsnmp_mib_handler *handler,
		netsnmp_handler_registration *reginfo,
		netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	struct ultrace_snmp_source *source = handler->myvoid;
	u_long users;

	(void) reginfo;
	if (reqinfo->mode != MODE_GET) {
		return SNMP_ERR_NOERROR;
	}
	pthread_mutex_lock(source->lock);
	users = (u_long) ultrace_registry_borrow_stats(source->registry)->users;
	pthread_mutex_unlock(source->lock);
	/* Gauge32 latches at its maximum. */
	if (users > UINT32_MAX) {
		users = UINT32_MAX;
	}
	snmp_set_var_typed_value(requests->requestvb, ASN_GAUGE,
		(const u_char *) &users, sizeof(users));
	return SNMP_ERR_NOERROR;
}

static int accepted_handler(netsnmp_mib_handler *handler,
		netsnmp_handler_registration *reginfo,
		netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	struct ultrace_snmp_source *source = handler->myvoid;
	const struct ultrace_registry_stats *stats;
	uint64_t events;
	u_long value;

	(void) reginfo;
	if (reqinfo->mode != MODE_GET) {
		return SNMP_ERR_NOERROR;
	}
	pthread_mutex_lock(source->lock);
	stats = ultrace_registry_borrow_stats(source->registry);
	/*
	 * The registrar counts accepted REGISTER requests; the trace shows
	 * the contact changes they made: one per inserted, refreshed or
	 * removed binding (doc/snmp.md).
	 */
	events = stats->events[ULTRACE_EVENT_CONTACT_INSERT] +
		stats->events[ULTRACE_EVENT_CONTACT_UPDATE] +
		stats->events[ULTRACE_EVENT_CONTACT_REFRESH] +
		stats->events[ULTRACE_EVENT_CONTACT_DELETE];
	pthread_mutex_unlock(source->lock);
	value = (u_long) (uint32_t) events;   /* Counter32 wraps */
	snmp_set_var_typed_value(requests->requestvb, ASN_COUNTER,
		(const u_char *) &value, sizeof(value));
	return SNMP_ERR_NOERROR;
}

static int lookup_counter_handler(netsnmp_mib_handler *handler,
		netsnmp_handler_registration *reginfo,
		netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	u_long value;

	(void) handler;
	(void) reginfo;
	/* The scalar helper turns a GETNEXT that lands here into a GET. */
	if (reqinfo->mode != MODE_GET) {
		return SNMP_ERR_NOERROR;
	}
	if (++lookup_counter == 0) {
		lookup_counter = 1;
	}
	value = lookup_counter;
	snmp_set_var_typed_value(requests->requestvb, ASN_COUNTER,
		(const u_char *) &value, sizeof(value));
	return SNMP_ERR_NOERROR;
}

static int register_scalar(const char *name, Netsnmp_Node_Handler *fn,
		const oid *object, size_t object_len)
{
	netsnmp_handler_registration *reg;
	int ret = -1;

	reg = netsnmp_create_handler_registration(name, fn, object,
		object_len, HANDLER_CAN_RONLY);
	if (reg == NULL) {
		goto end;
	}
	reg->handler->myvoid = &scalar_source;
	/* Adds the .0 instance; frees `reg` on failure. */
	if (netsnmp_register_read_only_scalar(reg) != MIB_REGISTERED_OK) {
		goto end;
	}
	ret = 0;
end:
	return ret;
}

int init_ultrace_registrar_scalars(const struct ultrace_snmp_source *source)
{
	int ret = -1;

	scalar_source = *source;
	if (register_scalar("kamailioSIPRegCurrentUsers",
			current_users_handler, current_users_oid,
			OID_LENGTH(current_users_oid)) != 0) {
		goto end;
	}
	if (register_scalar("kamailioSIPRegUserLookupCounter",
			lookup_counter_handler, lookup_counter_oid,
			OID_LENGTH(lookup_counter_oid)) != 0) {
		goto end;
	}
	if (register_scalar("kamailioSIPRegAcceptedRegistrations",
			accepted_handler, accepted_oid,
			OID_LENGTH(accepted_oid)) != 0) {
		goto end;
	}
	ret = 0;
end:
	return ret;
}
