/*
 * health_scalars.c: registers and serves ultrace's health scalars
 * (oids.h, enum ultrace_health_object) under a base OID chosen at init,
 * and nothing else. Values come from the registry's statistics and the
 * source's callback, read under the registry lock. No babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "health_scalars.h"

#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "admin_string.h"
#include "log.h"
#include "oids.h"
#include "snmp_values.h"
#include "table_walk.h"
#include "varbind_set.h"

/* Room under the base for object.instance. */
#define HEALTH_BASE_MAX (MAX_OID_LEN - 2)

static const oid kamailio_objects[] = { ULTRACE_OID_SIP_SERVER_OBJECTS };

static oid health_base[HEALTH_BASE_MAX];
static struct ultrace_table_walk health_walk;

/*
 * The group is served as a table of one row whose index is 0: instance
 * base.N.0 is "column" N of that row, so table_walk's GET and GETNEXT
 * (every edge case, the AgentX sub-identifier repair, one lock hold per
 * request) serve scalars too.
 */
static const void *health_borrow_row(void *data, const uint32_t *index)
{
	return index[0] == 0 ? data : NULL;
}

static const void *health_borrow_row_ge(void *data, const uint32_t *index,
		uint32_t *found)
{
	if (index[0] != 0) {
		return NULL;
	}
	found[0] = 0;
	return data;
}

static void get_extra(const struct ultrace_snmp_source *source,
		struct ultrace_snmp_health_extra *extra)
{
	memset(extra, 0, sizeof(*extra));
	extra->source_state = ULTRACE_SNMP_SOURCE_UNKNOWN;
	if (source->get_health_extra != NULL) {
		source->get_health_extra(source->health_data, extra);
	}
}

static uint64_t sum(const uint64_t *values, size_t count)
{
	uint64_t total = 0;
	size_t i;

	/* Modulo 2^64, as Counter64 wraps. */
	for (i = 0; i < count; i++) {
		total += values[i];
	}
	return total;
}

static void health_serve(void *data, const void *row, unsigned int column,
		netsnmp_variable_list *var)
{
	const struct ultrace_snmp_source *source = data;
	const struct ultrace_registry_stats *st =
		ultrace_snmp_source_stats(source);
	int suspect = st->health == ULTRACE_REGISTRY_SUSPECT;
	struct ultrace_snmp_health_extra extra;

	(void) row;
	switch (column) {
	case ULTRACE_HEALTH_EVENTS_APPLIED:
		ultrace_snmp_set_counter64(var, sum(st->events, ULTRACE_EVENT_KIND_COUNT));
		break;
	case ULTRACE_HEALTH_EVENTS_DISCARDED:
		ultrace_snmp_set_counter64(var, st->discarded_events);
		break;
	case ULTRACE_HEALTH_PACKETS_DISCARDED:
		ultrace_snmp_set_counter64(var, st->discarded_packets);
		break;
	case ULTRACE_HEALTH_ANOMALIES:
		ultrace_snmp_set_counter64(var, sum(st->anomalies, ULTRACE_ANOMALY_COUNT));
		break;
	case ULTRACE_HEALTH_LAST_EVENT_TIME:
		ultrace_snmp_set_time_ns(var, st->last_event_ns);
		break;
	case ULTRACE_HEALTH_LAG_P50:
		get_extra(source, &extra);
		ultrace_snmp_set_lag_ms(var, extra.lag_p50_ns);
		break;
	case ULTRACE_HEALTH_LAG_P99:
		get_extra(source, &extra);
		ultrace_snmp_set_lag_ms(var, extra.lag_p99_ns);
		break;
	case ULTRACE_HEALTH_LAG_MAX:
		get_extra(source, &extra);
		ultrace_snmp_set_lag_ms(var, extra.lag_max_ns);
		break;
	case ULTRACE_HEALTH_STATEDUMPS_COMPLETE:
		ultrace_snmp_set_counter64(var, st->dumps_complete);
		break;
	case ULTRACE_HEALTH_STATE:
		ultrace_snmp_set_integer(var, suspect ? ULTRACE_REGISTRY_SUSPECT :
			ULTRACE_REGISTRY_CONSISTENT);
		break;
	case ULTRACE_HEALTH_SUSPECT_SINCE:
		ultrace_snmp_set_time_ns(var, suspect ? st->suspect_since_ns : 0);
		break;
	case ULTRACE_HEALTH_SUSPECT_REASON:
		ultrace_snmp_set_string(var, suspect ?
			ultrace_suspect_reason_name(st->suspect_reason) : "");
		break;
	case ULTRACE_HEALTH_TTL_EXPIRED:
		ultrace_snmp_set_counter64(var, st->ttl_expired);
		break;
	case ULTRACE_HEALTH_TRUNCATED_VALUES:
		ultrace_snmp_set_counter64(var, ultrace_snmp_truncated_values());
		break;
	case ULTRACE_HEALTH_DUMP_REPAIRED:
		ultrace_snmp_set_counter64(var, st->dump_repaired);
		break;
	case ULTRACE_HEALTH_DUMP_REMOVED:
		ultrace_snmp_set_counter64(var, st->dump_removed);
		break;
	case ULTRACE_HEALTH_MALFORMED_EVENTS:
		get_extra(source, &extra);
		ultrace_snmp_set_counter64(var, extra.malformed);
		break;
	case ULTRACE_HEALTH_SOURCE_STATE:
		get_extra(source, &extra);
		ultrace_snmp_set_integer(var, (long) extra.source_state);
		break;
	case ULTRACE_HEALTH_USERS:
		ultrace_snmp_set_gauge(var, st->users);
		break;
	case ULTRACE_HEALTH_CONTACTS:
		ultrace_snmp_set_gauge(var, st->contacts);
		break;
	case ULTRACE_HEALTH_REATTACHMENTS:
		get_extra(source, &extra);
		ultrace_snmp_set_counter64(var, extra.reattachments);
		break;
	case ULTRACE_HEALTH_LAG_LAST:
		get_extra(source, &extra);
		ultrace_snmp_set_lag_ms(var, extra.last_lag_ns);
		break;
	default:
		snmp_set_var_typed_value(var, SNMP_NOSUCHOBJECT, NULL, 0);
		break;
	}
}

/* Non-zero if one of `a`, `b` is a prefix of (or equals) the other. */
static int oids_nest(const oid *a, size_t a_len, const oid *b, size_t b_len)
{
	size_t n = a_len < b_len ? a_len : b_len;

	return snmp_oid_compare(a, n, b, n) == 0;
}

/* Parse and check `text` into `base`; its length, or 0 with *why set. */
static size_t parse_base(const char *text, oid *base, const char **why)
{
	uint32_t subids[HEALTH_BASE_MAX];
	size_t len = ultrace_snmp_oid_parse(text, subids, HEALTH_BASE_MAX,
		why);
	size_t i;

	if (len == 0) {
		goto end;
	}
	for (i = 0; i < len; i++) {
		base[i] = subids[i];
	}
	if (oids_nest(base, len, kamailio_objects,
			OID_LENGTH(kamailio_objects))) {
		*why = "it overlaps the KAMAILIO-SIP-SERVER-MIB objects "
			"(.1.3.6.1.4.1.34352.3.1.2.1) ultrace serves";
		len = 0;
	}
end:
	return len;
}

int ultrace_health_scalars_oid_check(const char *text, const char **why)
{
	oid base[HEALTH_BASE_MAX];

	/* NULL: the default, which is usable. */
	if (text == NULL ||
			strcmp(text, ULTRACE_SNMP_HEALTH_OID_NONE) == 0) {
		return 0;
	}
	return parse_base(text, base, why) > 0 ? 0 : -1;
}

int init_ultrace_health_scalars(const struct ultrace_snmp_source *source,
		const char *base_oid)
{
	const char *why = NULL;
	size_t len;

	if (base_oid == NULL) {
		base_oid = ULTRACE_SNMP_HEALTH_OID_DEFAULT;
	}
	if (strcmp(base_oid, ULTRACE_SNMP_HEALTH_OID_NONE) == 0) {
		ULTRACE_INFO("snmp: health scalars not served (health OID "
			"none)");
		return 0;
	}
	len = parse_base(base_oid, health_base, &why);
	if (len == 0) {
		ULTRACE_ERR("snmp: health OID `%s`: %s", base_oid, why);
		return -1;
	}
	health_walk.entry = health_base;
	health_walk.entry_len = len;
	health_walk.index_count = 1;
	health_walk.column_min = ULTRACE_HEALTH_MIN;
	health_walk.column_max = ULTRACE_HEALTH_MAX;
	health_walk.borrow_row = health_borrow_row;
	health_walk.borrow_row_ge = health_borrow_row_ge;
	health_walk.serve = health_serve;
	if (ultrace_table_walk_register_ro_in("ultraceHealth", health_base,
			len, &health_walk, source, NULL) != 0) {
		ULTRACE_ERR("snmp: cannot register the health scalars under "
			"%s", base_oid);
		return -1;
	}
	ULTRACE_INFO("snmp: health scalars under %s", base_oid);
	return 0;
}

int ultrace_health_scalars_add_context(
		const struct ultrace_snmp_source *source, const char *context)
{
	if (health_walk.entry == NULL) {
		return 0;
	}
	if (ultrace_table_walk_register_ro_in("ultraceHealth", health_base,
			health_walk.entry_len, &health_walk, source, context) !=
			0) {
		ULTRACE_ERR("snmp: cannot register the health scalars in "
			"context %s", context);
		return -1;
	}
	return 0;
}

size_t ultrace_health_scalars_base(const oid **base)
{
	*base = health_base;
	return health_walk.entry == NULL ? 0 : health_walk.entry_len;
}
