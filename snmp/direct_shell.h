/*
 * direct_shell.h: the direct SNMP shell: net-snmp's agent answering
 * GET/GETNEXT/GETBULK/SET on its own transports, with snmpd.conf-style
 * access control (VACM, USM). No MIB table, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_DIRECT_SHELL_H
#define ULTRACE_SNMP_DIRECT_SHELL_H

/*
 * Whether `text` is a usable list of transport specs (comma separated,
 * each at most 255 characters). 0, or -1 with *why set.
 */
int ultrace_direct_shell_listen_check(const char *text, const char **why);

/*
 * Before init_agent(): the access configuration to read (NULL: read-only
 * `public` from loopback). 0, or -1 (logged) if the file cannot be read.
 */
int ultrace_direct_shell_prepare(const char *config_file);

/* After init_agent(), before init_snmp(): the access-control tokens. */
void ultrace_direct_shell_configure(void);

/*
 * After init_snmp(): open every transport of `listen` (see
 * ultrace_snmp_options) and serve it. 0, or -1 (logged).
 */
int ultrace_direct_shell_listen(const char *app, const char *listen);

/* Close what ultrace_direct_shell_listen() opened. */
void ultrace_direct_shell_shutdown(void);

#endif /* ULTRACE_SNMP_DIRECT_SHELL_H */
