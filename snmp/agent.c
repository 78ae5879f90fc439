/*
 * agent.c: the net-snmp AgentX subagent: session setup, the bounded poll
 * loop, connection state, shutdown; registers the tables and scalars of
 * the other files (the health group under its configured base). Knows
 * nothing of babeltrace2 or LTTng.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agent.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/library/large_fd_set.h>

#include "agent_internal.h"
#include "contact_table.h"
#include "health_scalars.h"
#include "log.h"
#include "lookup_table.h"
#include "registrar_scalars.h"
#include "snmp_values.h"
#include "user_table.h"

#define AGENT_DEFAULT_NAME "ultrace"

static char *agent_name;
static char *agent_socket;
static int agent_ping_s;
static int agent_running;
/* Read from any thread; written by the agent's own thread. */
static int agent_connected;
static uint64_t agent_truncated;

void ultrace_snmp_serve_admin_string(netsnmp_variable_list *var,
		const char *s, size_t len)
{
	size_t cut = ultrace_snmp_utf8_cut(s, len,
		ULTRACE_SNMP_ADMIN_STRING_MAX);

	if (cut < len) {
		__atomic_fetch_add(&agent_truncated, 1, __ATOMIC_RELAXED);
	}
	snmp_set_var_typed_value(var, ASN_OCTET_STR, s, cut);
}

uint64_t ultrace_snmp_agent_truncated_values(void)
{
	return __atomic_load_n(&agent_truncated, __ATOMIC_RELAXED);
}

int ultrace_snmp_agent_is_connected(void)
{
	return __atomic_load_n(&agent_connected, __ATOMIC_RELAXED);
}

/* The subagent opened its session to the master (at start or again). */
static int on_master_connected(int major, int minor, void *serverarg,
		void *clientarg)
{
	(void) major;
	(void) minor;
	(void) serverarg;
	(void) clientarg;
	__atomic_store_n(&agent_connected, 1, __ATOMIC_RELAXED);
	ULTRACE_NOTICE("snmp: connected to the AgentX master at %s",
		agent_socket != NULL ? agent_socket : "the default socket");
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
	__atomic_store_n(&agent_connected, 0, __ATOMIC_RELAXED);
	if (agent_ping_s > 0) {
		ULTRACE_WARN("snmp: lost the AgentX master; reconnecting "
			"every %d s", agent_ping_s);
	} else {
		ULTRACE_WARN("snmp: lost the AgentX master; not "
			"reconnecting (ping interval 0)");
	}
	return SNMPERR_SUCCESS;
}

static int register_everything(const struct ultrace_snmp_options *options,
		const struct ultrace_snmp_source *source)
{
	if (init_ultrace_registrar_scalars(source) != 0) {
		ULTRACE_ERR("snmp: cannot register the registrar scalars");
		return -1;
	}
	if (init_ultrace_user_table(source) != 0) {
		ULTRACE_ERR("snmp: cannot register kamailioSIPRegUserTable");
		return -1;
	}
	if (init_ultrace_contact_table(source) != 0) {
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
	return 0;
}

int ultrace_snmp_agent_init(const struct ultrace_snmp_options *options,
		const struct ultrace_snmp_source *source)
{
	/* Writable: net-snmp's prototype takes a char *; it copies it. */
	char mibs_none[] = "mibs :";
	netsnmp_log_handler *logh;
	int ret = -1;

	if (agent_running) {
		ULTRACE_ERR("snmp: the agent is already running");
		goto end;
	}
	agent_name = strdup(options->name != NULL ? options->name :
		AGENT_DEFAULT_NAME);
	agent_socket = options->agentx_socket != NULL ?
		strdup(options->agentx_socket) : NULL;
	if (agent_name == NULL || (options->agentx_socket != NULL &&
			agent_socket == NULL)) {
		goto error;
	}
	agent_ping_s = options->ping_interval_s;

	/* net-snmp's own messages: warnings and errors, on stderr. */
	snmp_disable_log();
	logh = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_STDERR,
		LOG_WARNING);
	if (logh == NULL) {
		goto error;
	}

	/* No configuration files, no persistent state: the options say all. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
		NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
		NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
		NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
		NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	/*
	 * Serving numeric OIDs needs no MIB file: load none (Debian's
	 * snmp.conf says the same, but we read no configuration file).
	 */
	netsnmp_config_remember(mibs_none);
	/* Our own messages say when the master comes and goes, once. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
		NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, 1);

	/* A subagent: the role must be set before init_agent(). */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
		NETSNMP_DS_AGENT_ROLE, 1);
	if (agent_socket != NULL) {
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
			NETSNMP_DS_AGENT_X_SOCKET, agent_socket);
	}
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
		SNMPD_CALLBACK_INDEX_START, on_master_connected, NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
		SNMPD_CALLBACK_INDEX_STOP, on_master_lost, NULL);
	SOCK_STARTUP;
	if (init_agent(agent_name) != 0) {
		ULTRACE_ERR("snmp: init_agent failed");
		goto error_agent;
	}
	/* init_agent() reset it to 15 s: set ours before init_snmp(). */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
		NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
		agent_ping_s > 0 ? agent_ping_s : 0);
	if (register_everything(options, source) != 0) {
		goto error_agent;
	}
	/* Connects to the master and registers the subtrees with it. */
	init_snmp(agent_name);
	agent_running = 1;
	if (!ultrace_snmp_agent_is_connected()) {
		ULTRACE_WARN("snmp: no AgentX master at %s yet%s",
			agent_socket != NULL ? agent_socket :
				"the default socket",
			agent_ping_s > 0 ? "; will retry" :
				" (ping interval 0: no retry)");
	}
	ret = 0;
	goto end;

error_agent:
	shutdown_ultrace_lookup_table();
	snmp_shutdown(agent_name);
	shutdown_agent();
	SOCK_CLEANUP;
error:
	free(agent_name);
	agent_name = NULL;
	free(agent_socket);
	agent_socket = NULL;
end:
	return ret;
}

int ultrace_snmp_agent_poll(int timeout_ms)
{
	netsnmp_large_fd_set readfds;
	struct timeval timeout;
	int numfds = 0;
	int block = 0;
	int count;
	int ret = 0;

	if (!agent_running) {
		return -1;
	}
	if (timeout_ms < 0) {
		timeout_ms = 0;
	}
	timeout.tv_sec = timeout_ms / 1000;
	timeout.tv_usec = (timeout_ms % 1000) * 1000;
	netsnmp_large_fd_set_init(&readfds, FD_SETSIZE);
	/* block = 0: net-snmp may only shorten our timeout (next alarm). */
	snmp_select_info2(&numfds, &readfds, &timeout, &block);
	count = netsnmp_large_fd_set_select(numfds, &readfds, NULL, NULL,
		&timeout);
	if (count > 0) {
		snmp_read2(&readfds);
	} else if (count == 0) {
		snmp_timeout();
	} else if (errno != EINTR) {
		ULTRACE_ERR("snmp: select: %s", strerror(errno));
		ret = -1;
	}
	/* Alarms only run here (init_agent set ALARM_DONT_USE_SIG). */
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	netsnmp_large_fd_set_cleanup(&readfds);
	return ret;
}

void ultrace_snmp_agent_shutdown(void)
{
	if (!agent_running) {
		return;
	}
	shutdown_ultrace_lookup_table();
	/* Closes the AgentX session, clears callbacks, alarms, logging. */
	snmp_shutdown(agent_name);
	shutdown_agent();
	SOCK_CLEANUP;
	__atomic_store_n(&agent_connected, 0, __ATOMIC_RELAXED);
	agent_running = 0;
	free(agent_name);
	agent_name = NULL;
	free(agent_socket);
	agent_socket = NULL;
}
