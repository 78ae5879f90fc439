/*
 * agent.h: the net-snmp AgentX subagent that serves the registry as the
 * KAMAILIO-SIP-SERVER-MIB registrar tables. Reads the registry under the
 * caller's lock; knows nothing of babeltrace2 or LTTng.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_AGENT_H
#define ULTRACE_SNMP_AGENT_H

#include <pthread.h>
#include <stdint.h>

#include "registry.h"

struct ultrace_snmp_options {
	/* AgentX master socket; NULL: net-snmp's default (/var/agentx/master). */
	const char *agentx_socket;
	/* Name for net-snmp's configuration and logs, e.g. "ultrace". */
	const char *name;
	/*
	 * Seconds between AgentX pings; a lost master is reconnected at
	 * that pace, and the tables re-registered (0: never reconnect).
	 */
	int ping_interval_s;
	/*
	 * Lookup-table rows are reaped this long after their creation
	 * (0: 60 s).
	 */
	unsigned int lookup_timeout_s;
	/*
	 * Base of the ultrace health scalars (doc/snmp.md), numeric dotted;
	 * NULL: ULTRACE_SNMP_HEALTH_OID_DEFAULT; "none": not served.
	 * Checked by ultrace_snmp_health_oid_check().
	 */
	const char *health_oid;
};

/*
 * NET-SNMP-MIB's netSnmpPlaypen (enterprises.8072.9999.9999), meant for
 * local use, then 7637: ultrace has no enterprise number of its own.
 */
#define ULTRACE_SNMP_HEALTH_OID_DEFAULT "1.3.6.1.4.1.8072.9999.9999.7637"
#define ULTRACE_SNMP_HEALTH_OID_NONE "none"

/* Values of the health group's sourceState (ultraceHealth.18). */
enum ultrace_snmp_source_state {
	ULTRACE_SNMP_SOURCE_UNKNOWN = 0,     /* no health callback */
	ULTRACE_SNMP_SOURCE_STARTING = 1,
	ULTRACE_SNMP_SOURCE_FOLLOWING = 2,
	ULTRACE_SNMP_SOURCE_RETRYING = 3,
	ULTRACE_SNMP_SOURCE_DONE = 4,
	ULTRACE_SNMP_SOURCE_FAILED = 5,
};

/*
 * What the health scalars serve that the registry does not hold: the
 * state of whatever feeds it (the trace follower in ultrace-consumerd).
 */
struct ultrace_snmp_health_extra {
	enum ultrace_snmp_source_state source_state;
	uint64_t malformed;        /* malformed events skipped */
	uint64_t reattachments;    /* times the source had to reattach */
	/* Event-to-registry lag; 0 when unknown. */
	int64_t lag_p50_ns;
	int64_t lag_p99_ns;
	int64_t lag_max_ns;
	int64_t last_lag_ns;
};

/*
 * What the agent serves. `lock` is held while a request reads `registry`
 * (each request holds it for microseconds: the writer never waits long).
 */
struct ultrace_snmp_source {
	const struct ultrace_registry *registry;
	pthread_mutex_t *lock;
	/*
	 * Optional (NULL: source state unknown, lag and malformed 0): fill
	 * `out`, called with `lock` held while a request reads the health
	 * scalars; must not block.
	 */
	void (*get_health_extra)(void *data,
			struct ultrace_snmp_health_extra *out);
	void *health_data;
};

/*
 * Whether `text` is a usable health_oid: NULL, "none", or a numeric OID
 * that ultrace_snmp_oid_parse() accepts, with room for object.instance,
 * and neither inside nor above the KAMAILIO-SIP-SERVER-MIB objects served.
 * 0, or -1 with *why set to a static sentence saying what is wrong.
 */
int ultrace_snmp_health_oid_check(const char *text, const char **why);

/* Connects to the master and registers every table. Returns 0 or -1. */
int ultrace_snmp_agent_init(const struct ultrace_snmp_options *options,
		const struct ultrace_snmp_source *source);

/*
 * Serve pending requests, waiting at most timeout_ms for one; runs
 * net-snmp's alarms (AgentX pings, reconnects, lookup-row reaping).
 * Never blocks longer than timeout_ms. Returns 0, or -1 on a select error.
 */
int ultrace_snmp_agent_poll(int timeout_ms);

/* Non-zero while the AgentX session to the master is up. */
int ultrace_snmp_agent_is_connected(void);

/* Values cut to the 255 octets an SnmpAdminString allows, so far. */
uint64_t ultrace_snmp_agent_truncated_values(void);

void ultrace_snmp_agent_shutdown(void);

#endif /* ULTRACE_SNMP_AGENT_H */
