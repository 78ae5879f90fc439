/*
 * registrar_scalars.c: registers and serves the kamailioSIPRegCfg and
 * kamailioSIPRegStats scalars: the users the registry holds, the lookup
 * counter, and the registrar's own figures (its configuration and its
 * REGISTER counters, from its registrar_config and registrar_counters
 * events) with the MIB's meaning. Nothing of babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registrar_scalars.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "oids.h"
#include "registration_store.h"
#include "table_walk.h"

static const oid current_users_oid[] = { ULTRACE_OID_REG_CURRENT_USERS };
static const oid lookup_counter_oid[] = {
	ULTRACE_OID_REG_USER_LOOKUP_COUNTER,
};
static const oid max_expiry_oid[] = {
	ULTRACE_OID_REG_MAX_CONTACT_EXPIRY_DURATION,
};
static const oid max_users_oid[] = { ULTRACE_OID_REG_MAX_USERS };
static const oid dflt_interval_oid[] = {
	ULTRACE_OID_REG_DFLT_REG_ACTIVE_INTERVAL,
};
static const oid accepted_oid[] = {
	ULTRACE_OID_REG_ACCEPTED_REGISTRATIONS,
};
static const oid rejected_oid[] = {
	ULTRACE_OID_REG_REJECTED_REGISTRATIONS,
};

/* The configuration's (registrar_config), then the counters'. */
enum figure {
	FIGURE_MAX_EXPIRES,
	FIGURE_MAX_USERS,
	FIGURE_DEFAULT_EXPIRES,
	FIGURE_ACCEPTED,
	FIGURE_REJECTED,
};

/* A scalar that serves one of the registrar's figures. */
struct figure_object {
	const char *name;
	const oid *object;
	size_t object_len;
	enum figure figure;
};

static struct figure_object figure_objects[] = {
	{ "kamailioSIPRegMaxContactExpiryDuration", max_expiry_oid,
		OID_LENGTH(max_expiry_oid), FIGURE_MAX_EXPIRES },
	{ "kamailioSIPRegMaxUsers", max_users_oid,
		OID_LENGTH(max_users_oid), FIGURE_MAX_USERS },
	{ "kamailioSIPRegDfltRegActiveInterval", dflt_interval_oid,
		OID_LENGTH(dflt_interval_oid), FIGURE_DEFAULT_EXPIRES },
	{ "kamailioSIPRegAcceptedRegistrations", accepted_oid,
		OID_LENGTH(accepted_oid), FIGURE_ACCEPTED },
	{ "kamailioSIPRegRejectedRegistrations", rejected_oid,
		OID_LENGTH(rejected_oid), FIGURE_REJECTED },
};

/* A figure scalar's handler data, one per figure and context. */
struct figure_reg {
	const struct figure_object *object;
	const struct ultrace_snmp_source *source;
};

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
	users = (u_long) ultrace_snmp_source_stats(source)->users;
	pthread_mutex_unlock(source->lock);
	/* Gauge32 latches at its maximum. */
	if (users > UINT32_MAX) {
		users = UINT32_MAX;
	}
	snmp_set_var_typed_value(requests->requestvb, ASN_GAUGE,
		(const u_char *) &users, sizeof(users));
	return SNMP_ERR_NOERROR;
}

/*
 * A registrar's maximum of 0 is no maximum (Kamailio's max_expires 0 turns
 * the check off): the MIB's value for that is the largest Unsigned32, since
 * a limit of 0 would grant no registration at all.
 */
static u_long maximum(uint32_t registrar_value)
{
	return registrar_value == 0 ? UINT32_MAX : registrar_value;
}

/* The figure's value and type; 0 while the registrar has not said it. */
static int figure_get(const struct ultrace_registry_registrar *r,
		enum figure figure, u_long *value, u_char *type)
{
	int known = figure < FIGURE_ACCEPTED ? r->has_settings : r->has_counts;

	*type = figure < FIGURE_ACCEPTED ? ASN_UNSIGNED : ASN_COUNTER;
	switch (figure) {
	case FIGURE_MAX_EXPIRES:
		*value = maximum(r->settings.max_expires);
		break;
	case FIGURE_MAX_USERS:
		*value = maximum(r->settings.max_users);
		break;
	case FIGURE_DEFAULT_EXPIRES:
		*value = r->settings.default_expires;
		break;
	/*
	 * The registrar's own REGISTER counts, as the MIB defines them (a
	 * REGISTER adding two bindings is one); Counter32 wraps.
	 */
	case FIGURE_ACCEPTED:
		*value = (uint32_t) r->counts.accepted;
		break;
	case FIGURE_REJECTED:
		*value = (uint32_t) r->counts.rejected;
		break;
	}
	return known;
}

/*
 * Until the registrar's event came (a consumer attached to a running
 * registrar waits for its next statedump, or counters event), the object
 * has no instance: noSuchInstance, and a walk goes past it.
 */
static int figure_handler(netsnmp_mib_handler *handler,
		netsnmp_handler_registration *reginfo,
		netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	const struct figure_reg *f = handler->myvoid;
	const struct figure_object *object = f->object;
	u_long value;
	u_char type;
	int known;

	(void) reginfo;
	if (reqinfo->mode != MODE_GET) {
		return SNMP_ERR_NOERROR;
	}
	pthread_mutex_lock(f->source->lock);
	known = figure_get(ultrace_snmp_source_registrar(f->source),
		object->figure, &value, &type);
	pthread_mutex_unlock(f->source->lock);
	if (!known) {
		netsnmp_set_request_error(reqinfo, requests,
			SNMP_NOSUCHINSTANCE);
		return SNMP_ERR_NOERROR;
	}
	snmp_set_var_typed_value(requests->requestvb, type,
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
		const oid *object, size_t object_len, void *data,
		const char *context)
{
	netsnmp_handler_registration *reg;
	int ret = -1;

	reg = netsnmp_create_handler_registration(name, fn, object,
		object_len, HANDLER_CAN_RONLY);
	if (reg == NULL) {
		goto end;
	}
	reg->handler->myvoid = data;
	if (ultrace_snmp_registration_set_context(reg, context) != 0) {
		goto end;
	}
	/* Adds the .0 instance; frees `reg` on failure. */
	if (netsnmp_register_read_only_scalar(reg) != MIB_REGISTERED_OK) {
		goto end;
	}
	ret = 0;
end:
	return ret;
}

int init_ultrace_registrar_scalars(const struct ultrace_snmp_source *source,
		const char *context)
{
	struct ultrace_snmp_source *src = ultrace_snmp_store_alloc(
		sizeof(*src));
	size_t i;

	if (src == NULL) {
		return -1;
	}
	*src = *source;
	if (register_scalar("kamailioSIPRegCurrentUsers",
			current_users_handler, current_users_oid,
			OID_LENGTH(current_users_oid), src, context) != 0) {
		return -1;
	}
	if (register_scalar("kamailioSIPRegUserLookupCounter",
			lookup_counter_handler, lookup_counter_oid,
			OID_LENGTH(lookup_counter_oid), src, context) != 0) {
		return -1;
	}
	for (i = 0; i < sizeof(figure_objects) / sizeof(figure_objects[0]);
			i++) {
		struct figure_reg *f = ultrace_snmp_store_alloc(sizeof(*f));

		if (f == NULL) {
			return -1;
		}
		f->object = &figure_objects[i];
		f->source = src;
		if (register_scalar(figure_objects[i].name, figure_handler,
				figure_objects[i].object,
				figure_objects[i].object_len, f, context) != 0) {
			return -1;
		}
	}
	return 0;
}
