/*
 * source.h: what every table and scalar of snmp/ serves from: the registry,
 * its lock, and the feeder's health callback. Plain C: no net-snmp, no
 * shell (AgentX or direct), nothing of babeltrace2 or LTTng.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_SOURCE_H
#define ULTRACE_SNMP_SOURCE_H

#include <pthread.h>
#include <stdint.h>

#include "registry.h"

/*
 * NET-SNMP-MIB's netSnmpPlaypen (enterprises.8072.9999.9999), meant for
 * local use, then 7637: ultrace has no enterprise number of its own.
 */
#define ULTRACE_SNMP_HEALTH_OID_DEFAULT "1.3.6.1.4.1.8072.9999.9999.7637"
#define ULTRACE_SNMP_HEALTH_OID_NONE "none"

/* Values of the health group's sourceState (ultraceHealth.18). */
enum ultrace_snmp_source_state {
	ULTRACE_SNMP_SOURCE_UNKNOWN = 0,     /* no health callback */
	ULTRACE_SNMP_SOURCE_STARTING = 1,
	ULTRACE_SNMP_SOURCE_FOLLOWING = 2,
	ULTRACE_SNMP_SOURCE_RETRYING = 3,
	ULTRACE_SNMP_SOURCE_DONE = 4,
	ULTRACE_SNMP_SOURCE_FAILED = 5,
};

/*
 * What the health scalars serve that the registry does not hold: the
 * state of whatever feeds it (the trace follower in ultrace-consumerd).
 */
struct ultrace_snmp_health_extra {
	enum ultrace_snmp_source_state source_state;
	uint64_t malformed;        /* malformed events skipped */
	uint64_t reattachments;    /* times the source had to reattach */
	/* Event-to-registry lag; 0 when unknown. */
	int64_t lag_p50_ns;
	int64_t lag_p99_ns;
	int64_t lag_max_ns;
	int64_t last_lag_ns;
};

/*
 * What the tables serve. `lock` is held while a request reads `registry`
 * (each handler call holds it for microseconds: the writer never waits
 * long).
 */
struct ultrace_snmp_source {
	const struct ultrace_registry *registry;
	pthread_mutex_t *lock;
	/*
	 * Optional (NULL: source state unknown, lag and malformed 0): fill
	 * `out`, called with `lock` held while a request reads the health
	 * scalars; must not block.
	 */
	void (*get_health_extra)(void *data,
			struct ultrace_snmp_health_extra *out);
	void *health_data;
};

#endif /* ULTRACE_SNMP_SOURCE_H */
