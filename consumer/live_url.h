/*
 * live_url.h: the parts of an lttng-live URL, checked before babeltrace2
 * sees it. No SNMP, no babeltrace2, no sockets.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_LIVE_URL_H
#define ULTRACE_LIVE_URL_H

#include <stddef.h>

#define ULTRACE_LIVE_URL_HOST_MAX 253     /* a DNS name; bigger than IPs */
#define ULTRACE_LIVE_URL_HOSTNAME_MAX 64  /* HOST_NAME_MAX on Linux */
#define ULTRACE_LIVE_URL_SESSION_MAX 255  /* LTTng's session name limit */
#define ULTRACE_LIVE_URL_MAX 600          /* longer than any accepted URL */

enum ultrace_live_url_family {
	ULTRACE_LIVE_URL_ANY,   /* net:// */
	ULTRACE_LIVE_URL_IPV4,  /* net4:// */
	ULTRACE_LIVE_URL_IPV6,  /* net6:// */
};

struct ultrace_live_url {
	enum ultrace_live_url_family family;
	/* Without the brackets of an IPv6 literal. */
	char host[ULTRACE_LIVE_URL_HOST_MAX + 1];
	int host_is_ipv6;       /* the host was [IPV6] */
	unsigned int port;      /* 1..65535, or 0 if not given */
	int has_session;        /* /host/HOSTNAME/SESSION was given */
	char hostname[ULTRACE_LIVE_URL_HOSTNAME_MAX + 1];  /* "" if not */
	char session[ULTRACE_LIVE_URL_SESSION_MAX + 1];    /* "" if not */
};

/*
 * Accepts exactly net[4|6]://HOST[:PORT][/host/HOSTNAME/SESSION]:
 * HOST is a DNS name (labels of letters, digits and inner '-'), a dotted
 * IPv4 address, or an IPv6 address in brackets (not with net4://; net6://
 * takes no IPv4 address); PORT is decimal 1..65535 without leading zero;
 * HOSTNAME and SESSION are non-empty, at most 64 and 255 bytes, of
 * printable ASCII other than space and '/'. Nothing may follow.
 * Returns NULL and fills *out, or a static sentence saying what is wrong
 * (*out is then unspecified).
 */
const char *ultrace_live_url_parse(const char *url,
		struct ultrace_live_url *out);

/*
 * Writes the URL *u stands for into buf (NUL-terminated); parsing it gives
 * *u again. Returns its length, or -1 if it does not fit in size bytes.
 */
int ultrace_live_url_format(const struct ultrace_live_url *u, char *buf,
		size_t size);

#endif
