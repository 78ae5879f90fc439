/*
 * agentx_shell.h: the AgentX subagent shell: the master's socket, pings,
 * connection state. Knows net-snmp's subagent role; no MIB table, no
 * registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_AGENTX_SHELL_H
#define ULTRACE_SNMP_AGENTX_SHELL_H

/*
 * Before init_agent(): the subagent role, the master's socket (NULL:
 * net-snmp's default) and the connection callbacks. 0 or -1.
 */
int ultrace_agentx_shell_prepare(const char *socket, int ping_interval_s);

/* After init_agent(), before init_snmp(): the ping interval it reset. */
void ultrace_agentx_shell_configure(void);

/* After init_snmp(): say if the master is not there yet. */
void ultrace_agentx_shell_started(void);

/* Non-zero while the session to the master is up (any thread). */
int ultrace_agentx_shell_is_connected(void);

void ultrace_agentx_shell_shutdown(void);

#endif /* ULTRACE_SNMP_AGENTX_SHELL_H */
