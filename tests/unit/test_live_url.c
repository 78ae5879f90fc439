/*
 * test_live_url.c: lttng-live URLs are split into their parts, or refused
 * with the reason, before babeltrace2 sees them (consumer/live_url.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>

#include "live_url.h"
#include "tap.h"

static void accepts(const char *url, enum ultrace_live_url_family family,
		const char *host, unsigned int port, const char *hostname,
		const char *session)
{
	struct ultrace_live_url u;
	char back[ULTRACE_LIVE_URL_MAX + 1];
	const char *why = ultrace_live_url_parse(url, &u);
	int good;

	good = why == NULL && u.family == family &&
		strcmp(u.host, host) == 0 && u.port == port &&
		u.has_session == (session != NULL) &&
		strcmp(u.hostname, hostname ? hostname : "") == 0 &&
		strcmp(u.session, session ? session : "") == 0 &&
		ultrace_live_url_format(&u, back, sizeof(back)) >= 0 &&
		strcmp(back, url) == 0;
	ok(good, "accepts %s", url);
	if (!good) {
		diag("why: %s; host `%s` port %u hostname `%s` session `%s`",
			why ? why : "(accepted)", u.host, u.port, u.hostname,
			u.session);
	}
}

static void rejects(const char *url, const char *reason_part)
{
	struct ultrace_live_url u;
	const char *why = ultrace_live_url_parse(url, &u);

	ok(why != NULL && strstr(why, reason_part) != NULL,
		"rejects `%s`: %s", url, reason_part);
	if (why == NULL || strstr(why, reason_part) == NULL) {
		diag("got: %s", why ? why : "(accepted)");
	}
}

static void long_names(void)
{
	char url[ULTRACE_LIVE_URL_MAX * 2];
	char name[300];
	char label[70];

	memset(name, 'h', 64);
	name[64] = '\0';
	snprintf(url, sizeof(url), "net://r/host/%s/s", name);
	accepts(url, ULTRACE_LIVE_URL_ANY, "r", 0, name, "s");
	memset(name, 'h', 65);
	name[65] = '\0';
	snprintf(url, sizeof(url), "net://r/host/%s/s", name);
	rejects(url, "HOSTNAME is longer than 64");

	memset(name, 's', 255);
	name[255] = '\0';
	snprintf(url, sizeof(url), "net://r/host/h/%s", name);
	accepts(url, ULTRACE_LIVE_URL_ANY, "r", 0, "h", name);
	memset(name, 's', 256);
	name[256] = '\0';
	snprintf(url, sizeof(url), "net://r/host/h/%s", name);
	rejects(url, "SESSION is longer than 255");

	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(url, sizeof(url), "net://%s.%s.%s.%s", label, label, label,
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij");
	/* 3 x 63 + 62 + 3 dots = 254 > 253 */
	rejects(url, "longer than 253");
	snprintf(url, sizeof(url), "net://%s.%s.%s.%s", label, label, label,
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi");
	accepts(url, ULTRACE_LIVE_URL_ANY, url + 6, 0, NULL, NULL);
	label[62] = 'a';
	snprintf(url, sizeof(url), "net://%sa.b", label);
	rejects(url, "longer than 63");

	memset(url, 'x', sizeof(url) - 1);
	url[sizeof(url) - 1] = '\0';
	memcpy(url, "net://", 6);
	rejects(url, "too long");
}

static void format_bounds(void)
{
	struct ultrace_live_url u;
	char buf[64];
	int n;

	ultrace_live_url_parse("net6://[::1]:80/host/h/s", &u);
	n = ultrace_live_url_format(&u, buf, sizeof(buf));
	ok(n == 24 && strcmp(buf, "net6://[::1]:80/host/h/s") == 0,
		"format gives the URL back and its length");
	ok(ultrace_live_url_format(&u, buf, 24) == -1,
		"format refuses a buffer one octet short");
	ok(ultrace_live_url_format(&u, buf, 25) == 24,
		"format fits a buffer of exactly the length + 1");
}

int main(void)
{
	plan(71);
	accepts("net://127.0.0.1/host/myhost/kam", ULTRACE_LIVE_URL_ANY,
		"127.0.0.1", 0, "myhost", "kam");
	accepts("net://127.0.0.1:5344/host/myhost/kam", ULTRACE_LIVE_URL_ANY,
		"127.0.0.1", 5344, "myhost", "kam");
	accepts("net4://10.1.2.3:1/host/a/b", ULTRACE_LIVE_URL_IPV4,
		"10.1.2.3", 1, "a", "b");
	accepts("net6://[::1]:65535/host/a/b", ULTRACE_LIVE_URL_IPV6, "::1",
		65535, "a", "b");
	accepts("net://[2001:db8::7]/host/h/s", ULTRACE_LIVE_URL_ANY,
		"2001:db8::7", 0, "h", "s");
	accepts("net6://[::ffff:192.0.2.1]/host/h/s", ULTRACE_LIVE_URL_IPV6,
		"::ffff:192.0.2.1", 0, "h", "s");
	accepts("net://relay-1.example.com/host/web.example.com/reg_2026-12",
		ULTRACE_LIVE_URL_ANY, "relay-1.example.com", 0,
		"web.example.com", "reg_2026-12");
	accepts("net6://relay.example.com/host/h/s", ULTRACE_LIVE_URL_IPV6,
		"relay.example.com", 0, "h", "s");
	accepts("net://LocalHost/host/H/S", ULTRACE_LIVE_URL_ANY, "LocalHost",
		0, "H", "S");
	accepts("net://h/host/a:b@c/s%20t~!", ULTRACE_LIVE_URL_ANY, "h", 0,
		"a:b@c", "s%20t~!");
	/* Without /host/H/S: the whole relayd (refused by consumerd). */
	accepts("net://127.0.0.1", ULTRACE_LIVE_URL_ANY, "127.0.0.1", 0, NULL,
		NULL);
	accepts("net://127.0.0.1:18342", ULTRACE_LIVE_URL_ANY, "127.0.0.1",
		18342, NULL, NULL);
	accepts("net6://[::1]:5344", ULTRACE_LIVE_URL_IPV6, "::1", 5344, NULL,
		NULL);

	rejects("", "does not start with");
	rejects("net:/h/host/a/b", "does not start with");
	rejects("NET://h/host/a/b", "does not start with");
	rejects("tcp://h/host/a/b", "does not start with");
	rejects("net5://h/host/a/b", "does not start with");
	rejects("net://", "host is missing");
	rejects("net:///host/a/b", "host is missing");
	rejects("net://:5344/host/a/b", "host is missing");
	rejects("net://h:/host/a/b", "not followed by a port");
	rejects("net://h:0/host/a/b", "port is 0");
	rejects("net://h:05344/host/a/b", "leading zero");
	rejects("net://h:65536/host/a/b", "above 65535");
	rejects("net://h:999999/host/a/b", "above 65535");
	rejects("net://h:-1/host/a/b", "not followed by a port");
	rejects("net://h:+80/host/a/b", "not followed by a port");
	rejects("net://h:80x/host/a/b", "not followed by /host/");
	rejects("net://h:80:81", "not followed by /host/");
	rejects("net://[::1/host/a/b", "no closing");
	rejects("net://[]/host/a/b", "empty or too long");
	rejects("net://[::g]/host/a/b", "not an IPv6 address");
	rejects("net://[127.0.0.1]/host/a/b", "not an IPv6 address");
	rejects("net://[::1%eth0]/host/a/b", "not an IPv6 address");
	rejects("net4://[::1]/host/a/b", "net4:// cannot take an IPv6");
	rejects("net6://127.0.0.1/host/a/b", "net6:// cannot take an IPv4");
	rejects("net://::1/host/a/b", "host is missing");
	rejects("net://256.0.0.1/host/a/b", "not a dotted IPv4");
	rejects("net://1.2.3/host/a/b", "not a dotted IPv4");
	rejects("net://1.2.3.4.5/host/a/b", "not a dotted IPv4");
	rejects("net://a..b/host/x/y", "label is empty");
	rejects("net://a./host/x/y", "label is empty");
	rejects("net://-a/host/x/y", "starts with '-'");
	rejects("net://a-/host/x/y", "ends with '-'");
	rejects("net://a_b/host/x/y", "neither a letter");
	rejects("net://user@h/host/x/y", "neither a letter");
	rejects("net://h/", "not followed by /host/");
	rejects("net://h/host", "not followed by /host/");
	rejects("net://h/hosts/a/b", "not followed by /host/");
	rejects("net://h/host/", "HOSTNAME of /host/HOSTNAME/SESSION is empty");
	rejects("net://h/host//s", "HOSTNAME of /host/HOSTNAME/SESSION is empty");
	rejects("net://h/host/a", "not followed by /SESSION");
	rejects("net://h/host/a/", "SESSION of /host/HOSTNAME/SESSION is empty");
	rejects("net://h/host/a/b/", "something follows");
	rejects("net://h/host/a/b/c", "something follows");
	rejects("net://h/host/a b/c", "HOSTNAME holds a space");
	rejects("net://h/host/a/b\tc", "SESSION holds a space");
	rejects("net://h/host/a/b\xc3\xa9", "SESSION holds a space");
	rejects("net://h/host/a/b\x7f", "SESSION holds a space");
	long_names();
	format_bounds();
	return exit_status();
}
