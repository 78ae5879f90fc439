/*
 * agentx_shell.c: the AgentX subagent shell: role, master socket, pings,
 * the connection's coming and going. The tables do not know it exists;
 * no registry, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agentx_shell.h"

#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "log.h"

static char *agentx_socket;
static int agentx_ping_s;
/* Read from any thread; written by the agent's own thread. */
static int agentx_connected;

int ultrace_agentx_shell_is_connected(void)
{
	return __atomic_load_n(&agentx_connected, __ATOMIC_RELAXED);
}

static const char *socket_name(void)
{
	return agentx_socket != NULL ? agentx_socket : "the default socket";
}

/* The subagent opened its session to the master (at start or again). */
static int on_master_connected(int major, int minor, void *serverarg,
		void *clientarg)
{
	(void) major;
	(void) minor;
	(void) serverarg;
	(void) clientarg;
	__atomic_store_n(&agentx_connected, 1, __ATOMIC_RELAXED);
	ULTRACE_NOTICE("snmp: connected to the AgentX master at %s",
		socket_name());
	return SNMPERR_SUCCESS;
}

/* The master went away; net-snmp retries at each ping interval. */
static int on_master_lost(int major, int minor, void *serverarg,
		void *clientarg)
{
	(void) major;
	(void) minor;
	(void) serverarg;
	(void) clientarg;
	__atomic_store_n(&agentx_connected, 0, __ATOMIC_RELAXED);
	if (agentx_ping_s > 0) {
		ULTRACE_WARN("snmp: lost the AgentX master; reconnecting "
			"every %d s", agentx_ping_s);
	} else {
		ULTRACE_WARN("snmp: lost the AgentX master; not "
			"reconnecting (ping interval 0)");
	}
	return SNMPERR_SUCCESS;
}

int ultrace_agentx_shell_prepare(const char *socket, int ping_interval_s)
{
	if (socket != NULL) {
		agentx_socket = strdup(socket);
		if (agentx_socket == NULL) {
			return -1;
		}
	}
	agentx_ping_s = ping_interval_s > 0 ? ping_interval_s : 0;
	/* Our own messages say when the master comes and goes, once. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
		NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, 1);
	/* A subagent: the role must be set before init_agent(). */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
		NETSNMP_DS_AGENT_ROLE, 1);
	if (agentx_socket != NULL) {
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
			NETSNMP_DS_AGENT_X_SOCKET, agentx_socket);
	}
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
		SNMPD_CALLBACK_INDEX_START, on_master_connected, NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
		SNMPD_CALLBACK_INDEX_STOP, on_master_lost, NULL);
	return 0;
}

void ultrace_agentx_shell_configure(void)
{
	/* init_agent() reset it to 15 s: set ours before init_snmp(). */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
		NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, agentx_ping_s);
}

void ultrace_agentx_shell_started(void)
{
	if (!ultrace_agentx_shell_is_connected()) {
		ULTRACE_WARN("snmp: no AgentX master at %s yet%s",
			socket_name(), agentx_ping_s > 0 ? "; will retry" :
				" (ping interval 0: no retry)");
	}
}

void ultrace_agentx_shell_shutdown(void)
{
	__atomic_store_n(&agentx_connected, 0, __ATOMIC_RELAXED);
	free(agentx_socket);
	agentx_socket = NULL;
}
