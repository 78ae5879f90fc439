/*
 * direct_shell.c: the direct SNMP shell: net-snmp's agent on transports of
 * its own (UDP, TCP, v4 and v6), VACM and USM access read from a file in
 * snmpd.conf syntax. The tables do not know it exists; no registry, no
 * babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "direct_shell.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "log.h"

/* Every spec net-snmp accepts fits; a longer one is a mistake. */
#define SPEC_MAX 255
/* Transports opened at once; more is a mistake too. */
#define LISTEN_MAX 16
/* The largest UDP payload over IPv4. */
#define RESPONSE_MAX 65507

/*
 * agent/mibgroup/mibII/vacm_conf.c, compiled into libnetsnmpagent but its
 * header is not installed: the VACM tokens (rocommunity, rouser, view,
 * access...) and the access-control callbacks snmpd uses.
 */
void init_vacm_conf(void);

static int listen_socks[LISTEN_MAX];
static int listen_count;
static char *config_path;

/* The part of `spec` after a transport name net-snmp knows, or NULL. */
static const char *after_domain(const char *spec, int *ipv6)
{
	static const char *const v4[] = { "udp:", "tcp:", NULL };
	static const char *const v6[] = {
		"udp6:", "tcp6:", "udpv6:", "tcpv6:", "udpipv6:", "tcpipv6:",
		NULL,
	};
	size_t i;

	for (i = 0; v4[i] != NULL; i++) {
		if (strncasecmp(spec, v4[i], strlen(v4[i])) == 0) {
			*ipv6 = 0;
			return spec + strlen(v4[i]);
		}
	}
	for (i = 0; v6[i] != NULL; i++) {
		if (strncasecmp(spec, v6[i], strlen(v6[i])) == 0) {
			*ipv6 = 1;
			return spec + strlen(v6[i]);
		}
	}
	return NULL;
}

static int all_digits(const char *s)
{
	if (*s == '\0') {
		return 0;
	}
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char) *s)) {
			return 0;
		}
	}
	return 1;
}

/*
 * `spec` as net-snmp should open it: a bare port, or a transport and a
 * port, listens on loopback (net-snmp alone would take every interface).
 */
static void loopback_spec(const char *spec, char *out, size_t size)
{
	const char *rest;
	int ipv6 = 0;

	if (all_digits(spec)) {
		snprintf(out, size, "udp:127.0.0.1:%s", spec);
		return;
	}
	rest = after_domain(spec, &ipv6);
	if (rest != NULL && all_digits(rest)) {
		snprintf(out, size, "%.*s%s%s", (int) (rest - spec), spec,
			ipv6 ? "[::1]:" : "127.0.0.1:", rest);
		return;
	}
	snprintf(out, size, "%s", spec);
}

int ultrace_direct_shell_listen_check(const char *text, const char **why)
{
	const char *p = text;
	int count = 0;

	if (text == NULL || *text == '\0') {
		*why = "it is empty";
		return -1;
	}
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t) (end - p) : strlen(p);
		size_t i;

		if (len == 0) {
			*why = "it has an empty transport spec";
			return -1;
		}
		if (len > SPEC_MAX) {
			*why = "a transport spec is longer than 255 characters";
			return -1;
		}
		for (i = 0; i < len; i++) {
			if (isspace((unsigned char) p[i]) ||
					!isprint((unsigned char) p[i])) {
				*why = "a transport spec holds a space or "
					"a control character";
				return -1;
			}
		}
		if (++count > LISTEN_MAX) {
			*why = "it has more than 16 transport specs";
			return -1;
		}
		p += len;
		if (*p == ',') {
			p++;
			if (*p == '\0') {
				*why = "it ends with a comma";
				return -1;
			}
		}
	}
	return 0;
}

int ultrace_direct_shell_prepare(const char *config_file)
{
	/* Writable: net-snmp's prototype takes a char *; it copies them. */
	char ro4[] = "rocommunity public 127.0.0.1";
	char ro6[] = "rocommunity6 public ::1";
	FILE *f;

	/* Connections are not logged per request (snmpd's cost too). */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
		NETSNMP_DS_AGENT_DONT_LOG_TCPWRAPPERS_CONNECTS, 1);
	/*
	 * Responses fit a UDP datagram. net-snmp 5.9.3 sizes a v1/v2c response
	 * against this (default 2^31 - 1), not against the transport: a GET
	 * whose answer exceeded 65507 octets was lost in sendto, one log line
	 * per varbind, instead of answered tooBig; a GETBULK was not cut.
	 */
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MSG_SEND_MAX,
		RESPONSE_MAX);
	if (config_file == NULL) {
		netsnmp_config_remember(ro4);
		netsnmp_config_remember(ro6);
		return 0;
	}
	/* net-snmp splits its optional files at commas. */
	if (strchr(config_file, ',') != NULL) {
		ULTRACE_ERR("snmp: --snmp-config %s: a path with a comma is "
			"not supported", config_file);
		return -1;
	}
	f = fopen(config_file, "r");
	if (f == NULL) {
		ULTRACE_ERR("snmp: --snmp-config %s: %s", config_file,
			strerror(errno));
		return -1;
	}
	fclose(f);
	/* A leading '-' would mean something else to net-snmp. */
	config_path = malloc(strlen(config_file) + 3);
	if (config_path == NULL) {
		return -1;
	}
	sprintf(config_path, "%s%s", config_file[0] == '-' ? "./" : "",
		config_file);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
		NETSNMP_DS_LIB_OPTIONALCONFIG, config_path);
	return 0;
}

void ultrace_direct_shell_configure(void)
{
	init_vacm_conf();
}

int ultrace_direct_shell_listen(const char *app, const char *listen)
{
	const char *p = listen;

	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t) (end - p) : strlen(p);
		char spec[SPEC_MAX + 1];
		char open_spec[SPEC_MAX + 32];
		netsnmp_transport *t;

		snprintf(spec, sizeof(spec), "%.*s", (int) len, p);
		p += len;
		if (*p == ',') {
			p++;
		}
		loopback_spec(spec, open_spec, sizeof(open_spec));
		t = netsnmp_transport_open_server(app, open_spec);
		if (t == NULL) {
			ULTRACE_ERR("snmp: cannot listen on %s (%s)", spec,
				open_spec);
			return -1;
		}
		if (listen_count >= LISTEN_MAX) {
			netsnmp_transport_free(t);
			return -1;
		}
		/* The agent owns `t` from here on, also on failure. */
		if (netsnmp_register_agent_nsap(t) < 0) {
			ULTRACE_ERR("snmp: cannot serve %s", open_spec);
			return -1;
		}
		listen_socks[listen_count++] = t->sock;
		ULTRACE_NOTICE("snmp: serving SNMP on %s", open_spec);
	}
	return 0;
}

void ultrace_direct_shell_shutdown(void)
{
	while (listen_count > 0) {
		netsnmp_deregister_agent_nsap(listen_socks[--listen_count]);
	}
	free(config_path);
	config_path = NULL;
}
