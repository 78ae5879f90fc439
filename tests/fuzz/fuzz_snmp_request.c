/*
 * fuzz_snmp_request.c: the fuzzed bytes are one datagram as the direct
 * SNMP shell receives it. The agent (snmp/: the tables of a small
 * registry, the direct shell with tests/fuzz/snmp_request.conf) is set up
 * once and listens on a loopback UDP port of this process; each input is
 * sent to it from a client socket and served by the agent's own poll, then
 * a fixed valid GET must be answered with the registry's user count.
 * No babeltrace2, no trace, no AgentX.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "agent.h"
#include "fuzz_check.h"
#include "log.h"
#include "registry.h"
#include "snmp_ber.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define USERS 8
#define CONTACTS 2
/* The largest UDP payload over IPv4: longer inputs are cut to it. */
#define DATAGRAM_MAX 65507
/* Ports tried for the listener: the 3xxxx range of the test rules. */
#define PORT_BASE 30000
#define PORT_SPAN 10000
/* kamailioSIPRegCurrentUsers.0 */
#define CHECK_OID ".1.3.6.1.4.1.34352.3.1.2.1.5.4.0"
#define CHECK_ID_BASE 0x6e000000
/* Polls of the agent (10 ms each) the check GET may wait for. */
#define CHECK_POLLS 500

static struct ultrace_registry *registry;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int client = -1;
static int self_test;
static int verbose;
static uint32_t checks;
static uint8_t answer[DATAGRAM_MAX + 1];

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, strlen(s) };

	return r;
}

/* USERS x CONTACTS contacts; user 1's first URI is 300 octets long. */
static void fill(void)
{
	char aor[64];
	char uri[320];
	char name[64];
	int u;
	int c;

	for (u = 1; u <= USERS; u++) {
		for (c = 1; c <= CONTACTS; c++) {
			struct ultrace_registry_event ev;
			enum ultrace_registry_status st;

			sprintf(aor, "user%06d@example.com", u);
			if (u == 1 && c == 1) {
				memset(uri, 'h', 300);
				memcpy(uri, "sip:", 4);
				uri[300] = '\0';
			} else {
				sprintf(uri, "sip:user%06d@10.0.0.%d:%d", u, u,
					5060 + c);
			}
			sprintf(name, u == 3 ? "Zo\xc3\xab %d" : "User %d", c);
			memset(&ev, 0, sizeof(ev));
			ev.kind = ULTRACE_EVENT_CONTACT_INSERT;
			ev.time_ns = (INT64_C(1763890000) + u * 7 + c) *
				INT64_C(1000000000);
			ev.contact.domain = str("location");
			ev.contact.aor = str(aor);
			ev.contact.contact = str(uri);
			ev.contact.display_name = str(name);
			ev.contact.q = 500;
			ev.contact.last_modified = INT64_C(1763890000);
			ev.contact.expires = INT64_C(1763893600);
			ev.contact.cseq = 1;
			st = ultrace_registry_apply(registry, &ev);
			FUZZ_CHECK(st == ULTRACE_REGISTRY_STATUS_OK,
				"cannot insert user %d contact %d", u, c);
		}
	}
}

/* A port of the 3xxxx range nothing holds now (bound, then let go). */
static int free_port(void)
{
	int i;

	for (i = 0; i < 200; i++) {
		struct sockaddr_in a;
		int port = PORT_BASE + (int) (((unsigned int) getpid() * 7919u +
			(unsigned int) i * 104729u) % PORT_SPAN);
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		int taken;

		FUZZ_CHECK(fd >= 0, "socket: %s", strerror(errno));
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t) port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		taken = bind(fd, (struct sockaddr *) &a, sizeof(a)) != 0;
		close(fd);
		if (!taken) {
			return port;
		}
	}
	fuzz_fail("no free UDP port in %d-%d", PORT_BASE,
		PORT_BASE + PORT_SPAN - 1);
}

static void shutdown_all(void)
{
	if (client >= 0) {
		close(client);
		client = -1;
	}
	ultrace_snmp_agent_shutdown();
	ultrace_registry_destroy(registry);
	registry = NULL;
}

static void setup(void)
{
	static char config[4096];
	static char listen[64];
	struct ultrace_snmp_options options;
	struct ultrace_snmp_source source;
	struct sockaddr_in a;
	const char *srcdir = getenv("ULTRACE_SRCDIR");
	int port = free_port();

	if (srcdir == NULL) {
		srcdir = ULTRACE_FUZZ_SRCDIR;
	}
	snprintf(config, sizeof(config), "%s/tests/fuzz/snmp_request.conf",
		srcdir);
	snprintf(listen, sizeof(listen), "udp:127.0.0.1:%d", port);
	ultrace_log_init("fuzz_snmp_request", verbose ? ULTRACE_LOG_INFO :
		ULTRACE_LOG_WARNING);
	registry = ultrace_registry_create();
	FUZZ_CHECK(registry != NULL, "no registry");
	fill();
	memset(&options, 0, sizeof(options));
	options.name = "fuzz-snmp-request";
	options.listen = listen;
	options.config_file = config;
	options.lookup_timeout_s = 60;
	memset(&source, 0, sizeof(source));
	source.registry = registry;
	source.lock = &registry_lock;
	FUZZ_CHECK(ultrace_snmp_agent_init(&options, &source) == 0,
		"the agent did not start on %s with %s", listen, config);
	if (!verbose) {
		/* net-snmp says a line per bad packet: thousands a second. */
		snmp_disable_log();
		netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_EMERG);
	}
	client = socket(AF_INET, SOCK_DGRAM, 0);
	FUZZ_CHECK(client >= 0, "socket: %s", strerror(errno));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t) port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	FUZZ_CHECK(connect(client, (struct sockaddr *) &a, sizeof(a)) == 0,
		"connect: %s", strerror(errno));
	atexit(shutdown_all);
}

/* Whatever the agent answered so far: read and dropped. */
static void drain(void)
{
	while (recv(client, answer, sizeof(answer), MSG_DONTWAIT) >= 0) {
		continue;
	}
}

/*
 * The fixed GET: v2c, public, kamailioSIPRegCurrentUsers.0; its answer
 * must come (the agent's poll serving it) and hold Gauge32 USERS.
 */
static void check_get(void)
{
	uint32_t oid[SNMP_BER_OID_MAX];
	struct snmp_ber_varbind vb;
	struct snmp_ber m;
	int32_t id = CHECK_ID_BASE + (int32_t) (checks++ & 0xffffff);
	int n = snmp_ber_oid_parse(CHECK_OID, oid, SNMP_BER_OID_MAX);
	int i;

	memset(&vb, 0, sizeof(vb));
	vb.oid = oid;
	vb.oid_len = (size_t) n;
	snmp_ber_init(&m);
	FUZZ_CHECK(n > 0 && snmp_ber_request(&m, 1, "public", SNMP_BER_GET,
		id, 0, 0, &vb, 1) == 0, "cannot build the check GET");
	FUZZ_CHECK(send(client, m.data, m.len, 0) == (ssize_t) m.len,
		"cannot send the check GET: %s", strerror(errno));
	snmp_ber_free(&m);
	for (i = 0; i < CHECK_POLLS; i++) {
		struct snmp_ber_response r;
		uint64_t value;
		ssize_t got;

		ultrace_snmp_agent_poll(i == 0 ? 0 : 10);
		got = recv(client, answer, sizeof(answer), MSG_DONTWAIT);
		if (got < 0 || snmp_ber_read_response(answer, (size_t) got,
				&r) != 0 || r.request_id != id) {
			continue;
		}
		FUZZ_CHECK(r.error_status == 0 && r.varbinds == 1 &&
			r.type == SNMP_BER_GAUGE32 &&
			snmp_ber_read_unsigned(r.value, r.value_len,
				&value) == 0 && value == USERS,
			"the check GET was answered wrongly: error-status %ld, "
			"%zu varbinds, type 0x%02x", r.error_status, r.varbinds,
			r.type);
		return;
	}
	fuzz_fail("the agent did not answer the check GET after the input "
		"(%d polls)", CHECK_POLLS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	self_test = getenv("ULTRACE_FUZZ_SELF_TEST") != NULL;
	verbose = getenv("ULTRACE_FUZZ_VERBOSE") != NULL;
	if (registry == NULL) {
		setup();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ssize_t sent;
	int i;

	FUZZ_CHECK(!self_test, "ULTRACE_FUZZ_SELF_TEST is set: failing on "
		"purpose");
	drain();
	sent = send(client, data, size > DATAGRAM_MAX ? DATAGRAM_MAX : size,
		0);
	FUZZ_CHECK(sent >= 0, "cannot send the input: %s", strerror(errno));
	/*
	 * On loopback the datagram is queued before send() returns: one poll
	 * reads and serves it; a few more serve anything it left pending.
	 */
	for (i = 0; i < 4; i++) {
		ultrace_snmp_agent_poll(0);
	}
	if (verbose) {
		ssize_t got = recv(client, answer, sizeof(answer),
			MSG_DONTWAIT);

		fprintf(stderr, "fuzz_snmp_request: %zu octets in, %zd out\n",
			size, got);
	}
	drain();
	check_get();
	return 0;
}
