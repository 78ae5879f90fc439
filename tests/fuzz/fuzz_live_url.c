/*
 * fuzz_live_url.c: the fuzzed bytes are an lttng-live URL given to
 * consumer/live_url.c. The parser must never crash; what it rejects gets a
 * sentence; what it accepts has parts within live_url.h's constraints and
 * formats back to the very same URL, which parses to the same parts.
 * No registry, no babeltrace2, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "live_url.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int self_test;

static void check_name(const char *name, size_t max, const char *what)
{
	size_t len = strnlen(name, max + 1);
	size_t i;

	FUZZ_CHECK(len >= 1 && len <= max, "%s has length %zu", what, len);
	for (i = 0; i < len; i++) {
		FUZZ_CHECK(name[i] > ' ' && name[i] < 0x7f && name[i] != '/',
			"%s holds octet 0x%02x", what,
			(unsigned int) (unsigned char) name[i]);
	}
}

static void check_host(const struct ultrace_live_url *u)
{
	unsigned char addr[16];
	size_t len = strnlen(u->host, ULTRACE_LIVE_URL_HOST_MAX + 1);
	size_t i;

	FUZZ_CHECK(len >= 1 && len <= ULTRACE_LIVE_URL_HOST_MAX,
		"host has length %zu", len);
	if (u->host_is_ipv6) {
		FUZZ_CHECK(inet_pton(AF_INET6, u->host, addr) == 1,
			"[%s] accepted but not IPv6", u->host);
		FUZZ_CHECK(u->family != ULTRACE_LIVE_URL_IPV4,
			"net4:// accepted an IPv6 address");
		return;
	}
	for (i = 0; i < len; i++) {
		char c = u->host[i];

		FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z') || c == '-' || c == '.',
			"host holds octet 0x%02x",
			(unsigned int) (unsigned char) c);
	}
	FUZZ_CHECK(u->host[0] != '.' && u->host[0] != '-' &&
		u->host[len - 1] != '.' && u->host[len - 1] != '-' &&
		strstr(u->host, "..") == NULL, "host %s has an empty or "
		"dashed label edge", u->host);
	if (strspn(u->host, "0123456789.") == len) {
		FUZZ_CHECK(inet_pton(AF_INET, u->host, addr) == 1,
			"numeric host %s is not IPv4", u->host);
		FUZZ_CHECK(u->family != ULTRACE_LIVE_URL_IPV6,
			"net6:// accepted an IPv4 address");
	}
}

static void check_accepted(const char *url, const struct ultrace_live_url *u)
{
	struct ultrace_live_url again;
	char buf[ULTRACE_LIVE_URL_MAX + 1];
	const char *why;
	int n;

	FUZZ_CHECK(u->family == ULTRACE_LIVE_URL_ANY ||
		u->family == ULTRACE_LIVE_URL_IPV4 ||
		u->family == ULTRACE_LIVE_URL_IPV6, "family %d", u->family);
	check_host(u);
	FUZZ_CHECK(u->port <= 65535, "port %u", u->port);
	if (u->has_session) {
		check_name(u->hostname, ULTRACE_LIVE_URL_HOSTNAME_MAX,
			"HOSTNAME");
		check_name(u->session, ULTRACE_LIVE_URL_SESSION_MAX, "SESSION");
	} else {
		FUZZ_CHECK(u->hostname[0] == '\0' && u->session[0] == '\0',
			"no session, yet names were kept");
	}
	n = ultrace_live_url_format(u, buf, sizeof(buf));
	FUZZ_CHECK(n >= 0 && (size_t) n == strlen(buf), "format gave %d", n);
	FUZZ_CHECK(strcmp(buf, url) == 0, "`%s` formats back as `%s`", url,
		buf);
	why = ultrace_live_url_parse(buf, &again);
	FUZZ_CHECK(why == NULL, "`%s` formatted, then rejected: %s", buf, why);
	FUZZ_CHECK(again.family == u->family && again.port == u->port &&
		again.host_is_ipv6 == u->host_is_ipv6 &&
		again.has_session == u->has_session &&
		strcmp(again.host, u->host) == 0 &&
		strcmp(again.hostname, u->hostname) == 0 &&
		strcmp(again.session, u->session) == 0,
		"`%s` parses to other parts the second time", buf);
	/* Too small a buffer is refused, never overrun. */
	FUZZ_CHECK(ultrace_live_url_format(u, buf, (size_t) n) == -1,
		"format fit %d octets in %d", n + 1, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	self_test = getenv("ULTRACE_FUZZ_SELF_TEST") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ultrace_live_url parts;
	const char *why;
	char *url;
	size_t len;

	FUZZ_CHECK(!self_test, "ULTRACE_FUZZ_SELF_TEST is set: failing on "
		"purpose");
	/* The URL is a C string: it ends at the first NUL. */
	url = malloc(size + 1);
	FUZZ_CHECK(url != NULL, "out of memory");
	memcpy(url, data, size);
	url[size] = '\0';
	len = strlen(url);
	why = ultrace_live_url_parse(url, &parts);
	if (why != NULL) {
		FUZZ_CHECK(why[0] != '\0' && strlen(why) < 200,
			"rejected without a sentence");
	} else {
		FUZZ_CHECK(len <= ULTRACE_LIVE_URL_MAX, "%zu-octet URL accepted",
			len);
		check_accepted(url, &parts);
	}
	free(url);
	return 0;
}
