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
};

/*
 * What the agent serves. `lock` is held while a request reads `registry`
 * (each request holds it for microseconds: the writer never waits long).
 */
struct ultrace_snmp_source {
	const struct ultrace_registry *registry;
	pthread_mutex_t *lock;
};

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
