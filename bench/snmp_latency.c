/*
 * snmp_latency.c: round-trip time of single SNMP GET or GETNEXT requests,
 * one varbind each, repeated; prints per OID the median and spread in us.
 * Benchmark only (bench/run): a net-snmp client, nothing of ultrace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a;
	double y = *(const double *) b;

	return (x > y) - (x < y);
}

/* COUNT requests of one OID; 0 and the sorted times, or -1 on error. */
static int measure(netsnmp_session *ss, int pdu_type, const char *name,
		double *t, unsigned int count)
{
	oid o[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;
	netsnmp_pdu *pdu;
	netsnmp_pdu *response = NULL;
	unsigned int i;
	double t0;
	int status;

	if (read_objid(name, o, &len) == 0) {
		fprintf(stderr, "snmp_latency: bad OID %s\n", name);
		return -1;
	}
	for (i = 0; i < count; i++) {
		pdu = snmp_pdu_create(pdu_type);
		snmp_add_null_var(pdu, o, len);
		t0 = now_us();
		status = snmp_synch_response(ss, pdu, &response);
		t[i] = now_us() - t0;
		if (status != STAT_SUCCESS || response == NULL ||
				response->errstat != SNMP_ERR_NOERROR ||
				response->variables == NULL ||
				response->variables->type == SNMP_NOSUCHOBJECT ||
				response->variables->type == SNMP_NOSUCHINSTANCE ||
				response->variables->type == SNMP_ENDOFMIBVIEW) {
			fprintf(stderr, "snmp_latency: no value for %s\n", name);
			if (response != NULL) {
				snmp_free_pdu(response);
			}
			return -1;
		}
		snmp_free_pdu(response);
		response = NULL;
	}
	qsort(t, count, sizeof(*t), cmp_double);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "getnext", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	netsnmp_session session;
	netsnmp_session *ss = NULL;
	const char *peer = "127.0.0.1:161";
	unsigned int count = 1000;
	int pdu_type = SNMP_MSG_GET;
	double *t = NULL;
	int ret = 1;
	int c;

	while ((c = getopt_long(argc, argv, "p:c:n", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			peer = optarg;
			break;
		case 'c':
			count = (unsigned int) strtoul(optarg, NULL, 10);
			break;
		case 'n':
			pdu_type = SNMP_MSG_GETNEXT;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || count == 0) {
		goto usage;
	}
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
		NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
	setenv("MIBS", "", 1);
	init_snmp("snmp_latency");
	snmp_sess_init(&session);
	session.peername = (char *) peer;
	session.version = SNMP_VERSION_2c;
	session.community = (u_char *) "public";
	session.community_len = strlen("public");
	session.timeout = 5000000;
	session.retries = 0;
	ss = snmp_open(&session);
	if (ss == NULL) {
		snmp_perror("snmp_latency");
		goto end;
	}
	t = calloc(count, sizeof(*t));
	if (t == NULL) {
		goto end;
	}
	/* One line per OID: OID median min max, in microseconds. */
	for (; optind < argc; optind++) {
		if (measure(ss, pdu_type, argv[optind], t, count) != 0) {
			goto end;
		}
		printf("%s %.0f %.0f %.0f\n", argv[optind], t[count / 2],
			t[0], t[count - 1]);
	}
	ret = 0;
	goto end;
usage:
	fprintf(stderr, "usage: %s [--peer HOST:PORT] [--count N] "
		"[--getnext] OID...\n", argv[0]);
	ret = 2;
end:
	free(t);
	if (ss != NULL) {
		snmp_close(ss);
	}
	return ret;
}
