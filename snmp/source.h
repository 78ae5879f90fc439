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
	/*
	 * Optional (NULL: the registry's own): the statistics and the
	 * registrar's figures to serve, for a view whose registry is derived
	 * (a cluster's merged view: its counters are its hosts' summed).
	 * Called with `lock` held; the result lives until it is released.
	 */
	const struct ultrace_registry_stats *(*borrow_stats)(void *data);
	const struct ultrace_registry_registrar *(*borrow_registrar)(
			void *data);
	void *view_data;
};

static inline const struct ultrace_registry_stats *ultrace_snmp_source_stats(
		const struct ultrace_snmp_source *source)
{
	return source->borrow_stats != NULL ?
		source->borrow_stats(source->view_data) :
		ultrace_registry_borrow_stats(source->registry);
}

static inline const struct ultrace_registry_registrar *
ultrace_snmp_source_registrar(const struct ultrace_snmp_source *source)
{
	return source->borrow_registrar != NULL ?
		source->borrow_registrar(source->view_data) :
		ultrace_registry_borrow_registrar(source->registry);
}

/* What the host table (ultraceHostTable, H.30) shows of one host. */
struct ultrace_snmp_host {
	char context[328];         /* its SNMP context: HOST or HOST/SESSION */
	char session[256];
	enum ultrace_snmp_source_state source_state;
	int ended;                 /* the relay no longer lists its session */
	uint64_t events;
	uint64_t discarded_events;
	int64_t lag_p99_ns;
	uint64_t users;
	uint64_t contacts;
	enum ultrace_registry_health health;
	int64_t last_event_ns;
};

/*
 * A cluster's hosts, for the host table: `count` of them, numbered from
 * 1, never renumbered. Both called with the registry lock held.
 */
struct ultrace_snmp_hosts {
	uint32_t (*count)(void *data);
	int (*get)(void *data, uint32_t number, struct ultrace_snmp_host *out);
	void *data;
};

#endif /* ULTRACE_SNMP_SOURCE_H */
