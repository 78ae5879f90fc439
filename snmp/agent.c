/*
 * agent.c: ultrace's SNMP agent: net-snmp's library set up once, the
 * shells the options ask for (agentx_shell.c, direct_shell.c), the tables
 * of mib.c, the bounded poll loop, shutdown. Knows nothing of babeltrace2
 * or LTTng; the tables know nothing of it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agent.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "agentx_shell.h"
#include "direct_shell.h"
#include "log.h"
#include "mib.h"

#define AGENT_DEFAULT_NAME "ultrace"

static char *agent_name;
static int agent_running;
static int agent_agentx;
static int agent_direct;

uint64_t ultrace_snmp_agent_truncated_values(void)
{
	return ultrace_snmp_mib_truncated_values();
}

int ultrace_snmp_agent_is_connected(void)
{
	return agent_agentx && ultrace_agentx_shell_is_connected();
}

int ultrace_snmp_health_oid_check(const char *text, const char **why)
{
	return ultrace_snmp_mib_health_oid_check(text, why);
}

int ultrace_snmp_listen_check(const char *text, const char **why)
{
	return ultrace_direct_shell_listen_check(text, why);
}

/* net-snmp's library as ultrace wants it, before either shell. */
static int library_setup(void)
{
	/* Writable: net-snmp's prototype takes a char *; it copies it. */
	char mibs_none[] = "mibs :";
	netsnmp_log_handler *logh;

	/* net-snmp's own messages: warnings and errors, on stderr. */
	snmp_disable_log();
	logh = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_STDERR,
		LOG_WARNING);
	if (logh == NULL) {
		return -1;
	}
	/*
	 * No system configuration files, no persistent state: the options
	 * (and --snmp-config, read as net-snmp's "optional" file) say all.
	 * DONT_PERSIST_STATE is what keeps net-snmp from reading
	 * /etc/snmp/ultrace.conf and /var/lib/snmp.
	 */
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
	return 0;
}

int ultrace_snmp_agent_init(const struct ultrace_snmp_options *options,
		const struct ultrace_snmp_source *source)
{
	struct ultrace_snmp_mib_options mib;
	const char *why;
	int ret = -1;

	if (agent_running) {
		ULTRACE_ERR("snmp: the agent is already running");
		goto end;
	}
	agent_agentx = options->agentx != 0;
	agent_direct = options->listen != NULL;
	if (!agent_agentx && !agent_direct) {
		ULTRACE_ERR("snmp: neither AgentX nor a direct listener asked "
			"for: nothing would be served");
		goto end;
	}
	if (agent_direct &&
			ultrace_snmp_listen_check(options->listen, &why) != 0) {
		ULTRACE_ERR("snmp: listen `%s`: %s", options->listen, why);
		goto end;
	}
	agent_name = strdup(options->name != NULL ? options->name :
		AGENT_DEFAULT_NAME);
	if (agent_name == NULL || library_setup() != 0) {
		goto error;
	}
	/*
	 * The role is chosen once, before init_agent(): a subagent when
	 * AgentX is wanted (the direct listener then serves the same tree
	 * beside it), else net-snmp's default, the master role.
	 */
	if (agent_agentx && ultrace_agentx_shell_prepare(
			options->agentx_socket, options->ping_interval_s) != 0) {
		goto error;
	}
	if (agent_direct &&
			ultrace_direct_shell_prepare(options->config_file) != 0) {
		goto error;
	}
	SOCK_STARTUP;
	if (init_agent(agent_name) != 0) {
		ULTRACE_ERR("snmp: init_agent failed");
		goto error_agent;
	}
	if (agent_agentx) {
		ultrace_agentx_shell_configure();
	}
	if (agent_direct) {
		ultrace_direct_shell_configure();
	}
	mib.lookup_timeout_s = options->lookup_timeout_s;
	mib.health_oid = options->health_oid;
	mib.hosts = options->hosts;
	if (ultrace_snmp_mib_register(&mib, source) != 0) {
		goto error_agent;
	}
	/*
	 * Reads the access configuration; a subagent connects to the
	 * master and registers the subtrees with it.
	 */
	init_snmp(agent_name);
	agent_running = 1;
	if (agent_direct &&
			ultrace_direct_shell_listen(agent_name,
				options->listen) != 0) {
		ultrace_snmp_agent_shutdown();
		goto end;
	}
	if (agent_agentx) {
		ultrace_agentx_shell_started();
	}
	ret = 0;
	goto end;

error_agent:
	ultrace_snmp_mib_shutdown();
	snmp_shutdown(agent_name);
	shutdown_agent();
	SOCK_CLEANUP;
error:
	ultrace_direct_shell_shutdown();
	ultrace_agentx_shell_shutdown();
	free(agent_name);
	agent_name = NULL;
end:
	return ret;
}

/*
 * After serving a request, how long the loop keeps polling (without
 * sleeping) for the next one before it blocks. A master on another CPU
 * then finds this thread awake, so neither side pays for waking the other
 * from idle: on a 2-vCPU KVM guest that wake-up was ~80% of an AgentX
 * round trip. sched_yield() between polls leaves the CPU to a master that
 * shares ours. ULTRACE_SNMP_SPIN_US overrides it (0: never spin).
 */
#define AGENT_SPIN_US_DEFAULT 200
/*
 * Descriptor rounds one call serves before it returns to the caller's
 * loop. One AgentX request takes three: the master's socket, then
 * net-snmp's internal callback pipes, both ways.
 */
#define AGENT_ROUNDS_MAX 32

static long agent_spin_us = -1;

static int64_t agent_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * One select over net-snmp's descriptors (`timeout` may only be shortened:
 * next alarm), then reads what is ready. Returns select's count.
 */
static int agent_select_and_read(netsnmp_large_fd_set *readfds,
		struct timeval *timeout)
{
	int numfds = 0;
	int block = 0;
	int count;

	NETSNMP_LARGE_FD_ZERO(readfds);
	/* block = 0: net-snmp may only shorten our timeout (next alarm). */
	snmp_select_info2(&numfds, readfds, timeout, &block);
	count = netsnmp_large_fd_set_select(numfds, readfds, NULL, NULL,
		timeout);
	if (count > 0) {
		snmp_read2(readfds);
	}
	return count;
}

/* Select without waiting: 0 if nothing is ready. */
static int agent_poll_now(netsnmp_large_fd_set *readfds)
{
	struct timeval zero = { 0, 0 };

	return agent_select_and_read(readfds, &zero);
}

int ultrace_snmp_agent_poll(int timeout_ms)
{
	netsnmp_large_fd_set readfds;
	struct timeval timeout;
	int64_t spin_end;
	int rounds = 0;
	int count;
	int ret = 0;

	if (!agent_running) {
		return -1;
	}
	if (agent_spin_us < 0) {
		const char *env = getenv("ULTRACE_SNMP_SPIN_US");

		agent_spin_us = env != NULL ? atol(env) : AGENT_SPIN_US_DEFAULT;
		if (agent_spin_us < 0) {
			agent_spin_us = 0;
		}
	}
	if (timeout_ms < 0) {
		timeout_ms = 0;
	}
	timeout.tv_sec = timeout_ms / 1000;
	timeout.tv_usec = (timeout_ms % 1000) * 1000;
	netsnmp_large_fd_set_init(&readfds, FD_SETSIZE);
	count = agent_select_and_read(&readfds, &timeout);
	if (count == 0) {
		snmp_timeout();
	}
	/*
	 * Serve what that made ready (the same request's callback pipes, the
	 * next request), then spin for the next one; alarms and delegated
	 * requests are checked once a call, not once a round.
	 */
	while (count > 0 && ++rounds < AGENT_ROUNDS_MAX) {
		count = agent_poll_now(&readfds);
		if (count != 0 || agent_spin_us == 0) {
			continue;
		}
		spin_end = agent_now_us() + agent_spin_us;
		do {
			sched_yield();
			count = agent_poll_now(&readfds);
		} while (count == 0 && agent_now_us() < spin_end);
	}
	if (count < 0 && errno != EINTR) {
		ULTRACE_ERR("snmp: select: %s", strerror(errno));
		ret = -1;
	}
	/* Alarms only run here (init_agent set ALARM_DONT_USE_SIG). */
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	netsnmp_large_fd_set_cleanup(&readfds);
	return ret;
}

int ultrace_snmp_agent_add_context(const char *context,
		const struct ultrace_snmp_source *source)
{
	if (!agent_running) {
		ULTRACE_ERR("snmp: no agent to serve context %s", context);
		return -1;
	}
	return ultrace_snmp_mib_add_context(context, source);
}

void ultrace_snmp_agent_shutdown(void)
{
	if (!agent_running) {
		return;
	}
	ultrace_snmp_mib_shutdown();
	ultrace_direct_shell_shutdown();
	/* Closes every session, clears callbacks, alarms, logging. */
	snmp_shutdown(agent_name);
	shutdown_agent();
	SOCK_CLEANUP;
	ultrace_agentx_shell_shutdown();
	agent_running = 0;
	free(agent_name);
	agent_name = NULL;
}
