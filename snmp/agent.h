/*
 * agent.h: ultrace's SNMP agent: the tables of mib.h served through one or
 * both shells, an AgentX subagent of a master snmpd and a direct SNMP
 * listener (net-snmp's agent in the master role). Reads the registry under
 * the caller's lock; knows nothing of babeltrace2 or LTTng.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_AGENT_H
#define ULTRACE_SNMP_AGENT_H

#include <stdint.h>

#include "source.h"

struct ultrace_snmp_options {
	/* Name for net-snmp's configuration and logs, e.g. "ultrace". */
	const char *name;
	/* Non-zero: register the tables with an AgentX master. */
	int agentx;
	/* AgentX master socket; NULL: net-snmp's default (/var/agentx/master). */
	const char *agentx_socket;
	/*
	 * Seconds between AgentX pings; a lost master is reconnected at
	 * that pace, and the tables re-registered (0: never reconnect).
	 */
	int ping_interval_s;
	/*
	 * Serve SNMP directly on these net-snmp transport specs, comma
	 * separated ("udp:127.0.0.1:1161,udp6:[::1]:1161,tcp:..."); a spec
	 * without an address is on loopback. NULL: no direct listener.
	 * Checked by ultrace_snmp_listen_check().
	 */
	const char *listen;
	/*
	 * Access for the direct listener, in net-snmp's snmpd.conf syntax
	 * (rocommunity, rwcommunity, com2sec/group/view/access, createUser,
	 * rouser, rwuser, maxGetbulkResponses...). NULL: `rocommunity public`
	 * from loopback only.
	 */
	const char *config_file;
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
	/*
	 * A cluster's hosts: served as ultraceHostTable (under the health
	 * base, .30) in the default context. NULL: no host table.
	 */
	const struct ultrace_snmp_hosts *hosts;
};

/*
 * Whether `text` is a usable health_oid: NULL, "none", or a numeric OID
 * that ultrace_snmp_oid_parse() accepts, with room for object.instance,
 * and neither inside nor above the KAMAILIO-SIP-SERVER-MIB objects served.
 * 0, or -1 with *why set to a static sentence saying what is wrong.
 */
int ultrace_snmp_health_oid_check(const char *text, const char **why);

/*
 * Whether `text` is a usable listen list (see ultrace_snmp_options): 0,
 * or -1 with *why set to a static sentence saying what is wrong.
 */
int ultrace_snmp_listen_check(const char *text, const char **why);

/*
 * Start the shells the options ask for and register every table. Needs at
 * least one shell. Returns 0 or -1 (logged): a direct listener that cannot
 * bind, or a configuration file that cannot be read, is an error; a
 * missing AgentX master is not (it is retried).
 */
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

/*
 * Serve the tables, the registrar scalars and the health group in SNMP
 * context `context` too, from `source` (which must
 * outlive the agent): a v2c community mapped to it (snmpd.conf's
 * `com2sec -Cn CONTEXT`) or a v3 contextName reaches them; a subagent
 * registers them with its master in that context. From the agent's
 * thread, while it runs. 0, or -1 (logged).
 */
int ultrace_snmp_agent_add_context(const char *context,
		const struct ultrace_snmp_source *source);

void ultrace_snmp_agent_shutdown(void);

#endif /* ULTRACE_SNMP_AGENT_H */
