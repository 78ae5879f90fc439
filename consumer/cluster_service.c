/*
 * cluster_service.c: sources for snmp/ over a cluster's registries.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cluster_service.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

struct member_view {
	struct ultrace_cluster_service *svc;
	uint32_t number;
	struct ultrace_snmp_source source;
};

struct ultrace_cluster_service {
	struct ultrace_cluster *cluster;
	pthread_mutex_t *lock;
	struct ultrace_snmp_source merged;
	struct ultrace_snmp_hosts hosts;
	struct member_view members[ULTRACE_CLUSTER_MEMBERS_MAX];
	uint32_t served;            /* members with a context so far */
};

static enum ultrace_snmp_source_state snmp_state(
		enum ultrace_follower_state state)
{
	switch (state) {
	case ULTRACE_FOLLOWER_STARTING:
		return ULTRACE_SNMP_SOURCE_STARTING;
	case ULTRACE_FOLLOWER_FOLLOWING:
		return ULTRACE_SNMP_SOURCE_FOLLOWING;
	case ULTRACE_FOLLOWER_RETRYING:
		return ULTRACE_SNMP_SOURCE_RETRYING;
	case ULTRACE_FOLLOWER_DONE:
		return ULTRACE_SNMP_SOURCE_DONE;
	case ULTRACE_FOLLOWER_FAILED:
		return ULTRACE_SNMP_SOURCE_FAILED;
	}
	return ULTRACE_SNMP_SOURCE_UNKNOWN;
}

/* A member's health; an ended session reads done(4). Lock held. */
static void member_health(void *data, struct ultrace_snmp_health_extra *out)
{
	const struct member_view *v = data;
	struct ultrace_cluster_member_info info;
	struct ultrace_follower_health h;

	memset(out, 0, sizeof(*out));
	if (ultrace_cluster_get_member(v->svc->cluster, v->number,
			&info) != 0) {
		return;
	}
	ultrace_follower_get_health(info.follower, &h);
	out->source_state = info.ended ? ULTRACE_SNMP_SOURCE_DONE :
		snmp_state(h.state);
	out->malformed = h.malformed;
	out->reattachments = h.reattachments;
	out->lag_p50_ns = h.lag_p50_ns;
	out->lag_p99_ns = h.lag_p99_ns;
	out->lag_max_ns = h.lag_max_ns;
	out->last_lag_ns = h.last_lag_ns;
}

/*
 * The merged view's health: following while the relay answers, the
 * largest member lags, the members' counts summed. Lock held.
 */
static void merged_health(void *data, struct ultrace_snmp_health_extra *out)
{
	struct ultrace_cluster_service *svc = data;
	uint32_t n = ultrace_cluster_count(svc->cluster);
	uint32_t i;

	memset(out, 0, sizeof(*out));
	out->source_state = !ultrace_cluster_relay_answers(svc->cluster) ?
		ULTRACE_SNMP_SOURCE_RETRYING : n == 0 ?
		ULTRACE_SNMP_SOURCE_STARTING : ULTRACE_SNMP_SOURCE_FOLLOWING;
	for (i = 1; i <= n; i++) {
		struct ultrace_cluster_member_info info;
		struct ultrace_follower_health h;

		if (ultrace_cluster_get_member(svc->cluster, i, &info) != 0) {
			continue;
		}
		ultrace_follower_get_health(info.follower, &h);
		out->malformed += h.malformed;
		out->reattachments += h.reattachments;
		if (h.lag_p50_ns > out->lag_p50_ns) {
			out->lag_p50_ns = h.lag_p50_ns;
		}
		if (h.lag_p99_ns > out->lag_p99_ns) {
			out->lag_p99_ns = h.lag_p99_ns;
		}
		if (h.lag_max_ns > out->lag_max_ns) {
			out->lag_max_ns = h.lag_max_ns;
		}
		if (h.last_lag_ns > out->last_lag_ns) {
			out->last_lag_ns = h.last_lag_ns;
		}
	}
}

static const struct ultrace_registry_stats *merged_stats(void *data)
{
	return ultrace_cluster_borrow_stats(data);
}

static const struct ultrace_registry_registrar *merged_registrar(void *data)
{
	return ultrace_cluster_borrow_registrar(data);
}

static uint32_t host_count(void *data)
{
	struct ultrace_cluster_service *svc = data;

	return ultrace_cluster_count(svc->cluster);
}

static int host_get(void *data, uint32_t number, struct ultrace_snmp_host *out)
{
	struct ultrace_cluster_service *svc = data;
	struct ultrace_cluster_member_info info;
	struct ultrace_snmp_health_extra extra;
	const struct ultrace_registry_stats *st;
	int k;

	if (ultrace_cluster_get_member(svc->cluster, number, &info) != 0) {
		return -1;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->context, sizeof(out->context), "%s", info.context);
	snprintf(out->session, sizeof(out->session), "%s", info.session);
	member_health(&svc->members[number - 1], &extra);
	out->source_state = extra.source_state;
	out->ended = info.ended;
	out->lag_p99_ns = extra.lag_p99_ns;
	st = ultrace_registry_borrow_stats(info.registry);
	for (k = 0; k < ULTRACE_EVENT_KIND_COUNT; k++) {
		out->events += st->events[k];
	}
	out->discarded_events = st->discarded_events;
	out->users = st->users;
	out->contacts = st->contacts;
	out->health = st->health;
	out->last_event_ns = st->last_event_ns;
	return 0;
}

struct ultrace_cluster_service *ultrace_cluster_service_create(
		struct ultrace_cluster *cluster, pthread_mutex_t *lock)
{
	struct ultrace_cluster_service *svc = calloc(1, sizeof(*svc));
	uint32_t i;

	if (svc == NULL) {
		return NULL;
	}
	svc->cluster = cluster;
	svc->lock = lock;
	svc->merged.registry = ultrace_cluster_borrow_merged(cluster);
	svc->merged.lock = lock;
	svc->merged.get_health_extra = merged_health;
	svc->merged.health_data = svc;
	svc->merged.borrow_stats = merged_stats;
	svc->merged.borrow_registrar = merged_registrar;
	svc->merged.view_data = cluster;
	svc->hosts.count = host_count;
	svc->hosts.get = host_get;
	svc->hosts.data = svc;
	for (i = 0; i < ULTRACE_CLUSTER_MEMBERS_MAX; i++) {
		svc->members[i].svc = svc;
		svc->members[i].number = i + 1;
	}
	return svc;
}

void ultrace_cluster_service_destroy(struct ultrace_cluster_service *svc)
{
	free(svc);
}

const struct ultrace_snmp_source *ultrace_cluster_service_source(
		struct ultrace_cluster_service *svc)
{
	return &svc->merged;
}

const struct ultrace_snmp_hosts *ultrace_cluster_service_hosts(
		struct ultrace_cluster_service *svc)
{
	return &svc->hosts;
}

int ultrace_cluster_service_poll(struct ultrace_cluster_service *svc)
{
	uint32_t n = ultrace_cluster_count(svc->cluster);
	int ret = 0;

	while (svc->served < n) {
		struct member_view *v = &svc->members[svc->served];
		struct ultrace_cluster_member_info info;

		pthread_mutex_lock(svc->lock);
		ultrace_cluster_get_member(svc->cluster, v->number, &info);
		pthread_mutex_unlock(svc->lock);
		v->source.registry = info.registry;
		v->source.lock = svc->lock;
		v->source.get_health_extra = member_health;
		v->source.health_data = v;
		/*
		 * A failure leaves part of the context registered: a retry
		 * would only meet duplicates. The host stays in the merged
		 * view and the host table, without a context of its own.
		 */
		if (ultrace_snmp_agent_add_context(info.context,
				&v->source) != 0) {
			ULTRACE_ERR("cluster: host %s is not served in a "
				"context of its own", info.context);
			ret = -1;
		}
		svc->served++;
	}
	ultrace_cluster_tick(svc->cluster);
	return ret;
}

static void log_line(enum ultrace_log_level level, const char *what,
		const struct ultrace_registry_stats *st,
		const struct ultrace_snmp_health_extra *extra)
{
	uint64_t events = 0;
	int k;

	for (k = 0; k < ULTRACE_EVENT_KIND_COUNT; k++) {
		events += st->events[k];
	}
	ultrace_log(level, "%s: events %" PRIu64 ", users %" PRIu64
		", contacts %" PRIu64 ", tracer discarded %" PRIu64
		" events, lag p99 %.1f ms (since start), tables %s", what,
		events, st->users, st->contacts, st->discarded_events,
		extra->lag_p99_ns / 1e6,
		ultrace_registry_health_name(st->health));
}

void ultrace_cluster_service_log_stats(struct ultrace_cluster_service *svc,
		enum ultrace_log_level level)
{
	uint32_t n = ultrace_cluster_count(svc->cluster);
	struct ultrace_registry_stats st;
	struct ultrace_snmp_health_extra extra;
	uint32_t i;

	for (i = 1; i <= n; i++) {
		struct ultrace_cluster_member_info info;
		char what[400];

		pthread_mutex_lock(svc->lock);
		ultrace_cluster_get_member(svc->cluster, i, &info);
		st = *ultrace_registry_borrow_stats(info.registry);
		member_health(&svc->members[i - 1], &extra);
		snprintf(what, sizeof(what), "host %s%s", info.context,
			info.ended ? " (ended)" : "");
		pthread_mutex_unlock(svc->lock);
		log_line(level, what, &st, &extra);
	}
	pthread_mutex_lock(svc->lock);
	st = *ultrace_cluster_borrow_stats(svc->cluster);
	merged_health(svc, &extra);
	pthread_mutex_unlock(svc->lock);
	log_line(level, "merged", &st, &extra);
}
