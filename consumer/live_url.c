/*
 * live_url.c: a strict parser of lttng-live URLs, so that a malformed one
 * is a usage error here instead of a babeltrace2 crash. Knows nothing of
 * relayd sessions, babeltrace2 or name resolution.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "live_url.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define IPV6_TEXT_MAX 45  /* INET6_ADDRSTRLEN - 1 */
#define LABEL_MAX 63

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Printable ASCII other than space and '/'. */
static int is_name_char(char c)
{
	return c > ' ' && c < 0x7f && c != '/';
}

/* Only digits and dots: meant as an IPv4 address, which must be one. */
static int looks_numeric(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!is_digit(*s) && *s != '.') {
			return 0;
		}
	}
	return 1;
}

static const char *check_dns_name(const char *s)
{
	size_t label = 0;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-') {
				return "a host name label is empty or ends with '-'";
			}
			label = 0;
			continue;
		}
		if (!is_alnum(*p) && *p != '-') {
			return "the host holds a character that is neither a letter, "
				"a digit, '-' nor '.'";
		}
		if (label == 0 && *p == '-') {
			return "a host name label starts with '-'";
		}
		if (++label > LABEL_MAX) {
			return "a host name label is longer than 63 characters";
		}
	}
	if (label == 0 || p[-1] == '-') {
		return "a host name label is empty or ends with '-'";
	}
	return NULL;
}

/* *pp at the host; leaves it after the host. */
static const char *parse_host(const char **pp, struct ultrace_live_url *out)
{
	unsigned char addr[16];
	const char *p = *pp;
	const char *end;
	const char *why;
	size_t len;

	if (*p == '[') {
		end = strchr(p + 1, ']');
		if (end == NULL) {
			return "the IPv6 address has no closing ']'";
		}
		len = (size_t) (end - p - 1);
		if (len == 0 || len > IPV6_TEXT_MAX) {
			return "the IPv6 address in brackets is empty or too long";
		}
		memcpy(out->host, p + 1, len);
		out->host[len] = '\0';
		if (inet_pton(AF_INET6, out->host, addr) != 1) {
			return "the address in brackets is not an IPv6 address";
		}
		if (out->family == ULTRACE_LIVE_URL_IPV4) {
			return "net4:// cannot take an IPv6 address";
		}
		out->host_is_ipv6 = 1;
		*pp = end + 1;
		return NULL;
	}
	len = strcspn(p, ":/");
	if (len == 0) {
		return "the host is missing";
	}
	if (len > ULTRACE_LIVE_URL_HOST_MAX) {
		return "the host is longer than 253 characters";
	}
	memcpy(out->host, p, len);
	out->host[len] = '\0';
	if (looks_numeric(out->host)) {
		if (inet_pton(AF_INET, out->host, addr) != 1) {
			return "the host is not a dotted IPv4 address";
		}
		if (out->family == ULTRACE_LIVE_URL_IPV6) {
			return "net6:// cannot take an IPv4 address";
		}
	} else {
		why = check_dns_name(out->host);
		if (why != NULL) {
			return why;
		}
	}
	*pp = p + len;
	return NULL;
}

/* *pp after the ':'; leaves it after the digits. */
static const char *parse_port(const char **pp, struct ultrace_live_url *out)
{
	const char *p = *pp;
	unsigned int port = 0;
	int digits = 0;

	if (*p == '0') {
		return "the port is 0 or has a leading zero";
	}
	for (; is_digit(*p); p++) {
		if (++digits > 5) {
			return "the port is above 65535";
		}
		port = port * 10 + (unsigned int) (*p - '0');
	}
	if (digits == 0) {
		return "':' is not followed by a port number";
	}
	if (port > 65535) {
		return "the port is above 65535";
	}
	out->port = port;
	*pp = p;
	return NULL;
}

/* Copies a name ending at '/' or NUL; leaves *pp at that end. */
static const char *parse_name(const char **pp, char *dst, size_t max,
		const char *empty, const char *too_long, const char *bad)
{
	const char *p = *pp;
	size_t len = 0;

	for (; *p != '\0' && *p != '/'; p++) {
		if (!is_name_char(*p)) {
			return bad;
		}
		if (++len > max) {
			return too_long;
		}
	}
	if (len == 0) {
		return empty;
	}
	memcpy(dst, *pp, len);
	dst[len] = '\0';
	*pp = p;
	return NULL;
}

const char *ultrace_live_url_parse(const char *url,
		struct ultrace_live_url *out)
{
	static const struct {
		const char *prefix;
		enum ultrace_live_url_family family;
	} schemes[] = {
		{ "net://", ULTRACE_LIVE_URL_ANY },
		{ "net4://", ULTRACE_LIVE_URL_IPV4 },
		{ "net6://", ULTRACE_LIVE_URL_IPV6 },
	};
	const char *p = NULL;
	const char *why;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (strnlen(url, ULTRACE_LIVE_URL_MAX + 1) > ULTRACE_LIVE_URL_MAX) {
		return "the URL is too long";
	}
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strncmp(url, schemes[i].prefix,
				strlen(schemes[i].prefix)) == 0) {
			p = url + strlen(schemes[i].prefix);
			out->family = schemes[i].family;
			break;
		}
	}
	if (p == NULL) {
		return "the URL does not start with net://, net4:// or net6://";
	}
	why = parse_host(&p, out);
	if (why != NULL) {
		return why;
	}
	if (*p == ':') {
		p++;
		why = parse_port(&p, out);
		if (why != NULL) {
			return why;
		}
	}
	if (*p == '\0') {
		return NULL;
	}
	if (strncmp(p, "/host/", 6) != 0) {
		return "the host[:port] is not followed by /host/HOSTNAME/SESSION";
	}
	p += 6;
	why = parse_name(&p, out->hostname, ULTRACE_LIVE_URL_HOSTNAME_MAX,
		"the HOSTNAME of /host/HOSTNAME/SESSION is empty",
		"the HOSTNAME is longer than 64 bytes",
		"the HOSTNAME holds a space, a control or a non-ASCII byte");
	if (why != NULL) {
		return why;
	}
	if (*p != '/') {
		return "/host/HOSTNAME is not followed by /SESSION";
	}
	p++;
	why = parse_name(&p, out->session, ULTRACE_LIVE_URL_SESSION_MAX,
		"the SESSION of /host/HOSTNAME/SESSION is empty",
		"the SESSION is longer than 255 bytes",
		"the SESSION holds a space, a control or a non-ASCII byte");
	if (why != NULL) {
		return why;
	}
	if (*p != '\0') {
		return "something follows /host/HOSTNAME/SESSION";
	}
	out->has_session = 1;
	return NULL;
}

int ultrace_live_url_format(const struct ultrace_live_url *u, char *buf,
		size_t size)
{
	static const char *const prefixes[] = {
		[ULTRACE_LIVE_URL_ANY] = "net://",
		[ULTRACE_LIVE_URL_IPV4] = "net4://",
		[ULTRACE_LIVE_URL_IPV6] = "net6://",
	};
	char port[16] = "";
	int n;

	if ((unsigned int) u->family >= sizeof(prefixes) / sizeof(prefixes[0])) {
		return -1;
	}
	if (u->port != 0) {
		snprintf(port, sizeof(port), ":%u", u->port);
	}
	n = snprintf(buf, size, "%s%s%s%s%s%s%s%s%s", prefixes[u->family],
		u->host_is_ipv6 ? "[" : "", u->host,
		u->host_is_ipv6 ? "]" : "", port,
		u->has_session ? "/host/" : "", u->has_session ? u->hostname : "",
		u->has_session ? "/" : "", u->has_session ? u->session : "");
	if (n < 0 || (size_t) n >= size) {
		return -1;
	}
	return n;
}
