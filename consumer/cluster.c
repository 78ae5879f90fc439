/*
 * cluster.c: the discovery thread and the members it starts. Members are
 * only ever added (a session that ends keeps its member, its registry and
 * its SNMP context, marked ended; if it comes back, its follower, which
 * waits for a session of that name, reattaches by itself).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cluster.h"

#include <fnmatch.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <babeltrace2/babeltrace.h>

#include "live_sessions.h"
#include "live_url.h"
#include "log.h"
#include "registry_merge.h"

#define DEFAULT_DISCOVER_MS 2000

struct member {
	uint32_t number;
	char hostname[ULTRACE_LIVE_URL_HOSTNAME_MAX + 1];
	char session[ULTRACE_LIVE_URL_SESSION_MAX + 1];
	char context[ULTRACE_LIVE_URL_HOSTNAME_MAX +
		ULTRACE_LIVE_URL_SESSION_MAX + 2];
	char url[ULTRACE_LIVE_URL_MAX + 1];
	struct ultrace_registry *registry;
	struct ultrace_follower *follower;
	int merge_host;
	int ended;                  /* under the lock */
	int listed;                 /* discovery thread only */
};

struct ultrace_cluster {
	struct ultrace_cluster_options options;
	char *relay_url;
	char *hosts_glob;
	char *sessions_glob;
	pthread_mutex_t *lock;
	pthread_t thread;
	atomic_int stop;
	atomic_int relay_answers;
	atomic_uint count;
	struct member *members[ULTRACE_CLUSTER_MEMBERS_MAX];
	struct ultrace_registry *merged;
	struct ultrace_registry_merge *merge;
	/* Set by destroy: a query blocked on the relay returns. */
	bt_interrupter *interrupter;
	int64_t merge_deadline_s;   /* the last merged TTL deadline */
	int warned_full;
	/* What the borrow functions return (under the lock). */
	struct ultrace_registry_stats stats;
	struct ultrace_registry_registrar registrar;
};

static void nap(struct ultrace_cluster *c, int ms)
{
	while (ms > 0 && !atomic_load(&c->stop)) {
		int step = ms < 100 ? ms : 100;
		struct timespec ts = { 0, (long) step * 1000000L };

		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static int wanted(const struct ultrace_cluster *c,
		const struct ultrace_live_session *s)
{
	return (c->hosts_glob == NULL ||
			fnmatch(c->hosts_glob, s->hostname, 0) == 0) &&
		(c->sessions_glob == NULL ||
			fnmatch(c->sessions_glob, s->session, 0) == 0);
}

static struct member *find_member(struct ultrace_cluster *c,
		const struct ultrace_live_session *s)
{
	uint32_t n = atomic_load(&c->count);
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(c->members[i]->hostname, s->hostname) == 0 &&
				strcmp(c->members[i]->session, s->session) == 0) {
			return c->members[i];
		}
	}
	return NULL;
}

static int host_known(struct ultrace_cluster *c, const char *hostname)
{
	uint32_t n = atomic_load(&c->count);
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(c->members[i]->hostname, hostname) == 0) {
			return 1;
		}
	}
	return 0;
}

static void member_free(struct member *m)
{
	if (m == NULL) {
		return;
	}
	ultrace_follower_destroy(m->follower);
	ultrace_registry_destroy(m->registry);
	free(m);
}

/* A new session: its registry, merged, and its follower. */
static void add_member(struct ultrace_cluster *c,
		const struct ultrace_live_session *s)
{
	uint32_t n = atomic_load(&c->count);
	struct ultrace_follower_options follow = c->options.follow;
	struct member *m;

	if (n >= ULTRACE_CLUSTER_MEMBERS_MAX) {
		if (!c->warned_full) {
			ULTRACE_WARN("cluster: already following %u sessions: "
				"not following %s/%s (narrow with --hosts or "
				"--sessions)", (unsigned int) n, s->hostname,
				s->session);
			c->warned_full = 1;
		}
		return;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		ULTRACE_ERR("cluster: out of memory for %s/%s", s->hostname,
			s->session);
		return;
	}
	m->number = n + 1;
	snprintf(m->hostname, sizeof(m->hostname), "%s", s->hostname);
	snprintf(m->session, sizeof(m->session), "%s", s->session);
	snprintf(m->url, sizeof(m->url), "%s", s->url);
	if (host_known(c, s->hostname)) {
		snprintf(m->context, sizeof(m->context), "%s/%s",
			s->hostname, s->session);
	} else {
		snprintf(m->context, sizeof(m->context), "%s", s->hostname);
	}
	m->listed = 1;
	m->registry = ultrace_registry_create();
	if (m->registry == NULL) {
		ULTRACE_ERR("cluster: out of memory for %s/%s", s->hostname,
			s->session);
		free(m);
		return;
	}
	follow.live_url = m->url;
	follow.trace_dir = NULL;
	/* Ends are told by the relay's listing; the follower waits. */
	follow.on_end = ULTRACE_ON_END_RETRY;
	m->follower = ultrace_follower_create(&follow, m->registry, c->lock);
	if (m->follower == NULL) {
		ULTRACE_ERR("cluster: cannot start following %s", m->url);
		member_free(m);
		return;
	}
	/* What it applied meanwhile is merged now, the rest as it comes. */
	pthread_mutex_lock(c->lock);
	m->merge_host = ultrace_registry_merge_add_host(c->merge, m->registry);
	pthread_mutex_unlock(c->lock);
	if (m->merge_host < 0) {
		ULTRACE_ERR("cluster: cannot merge %s/%s", s->hostname,
			s->session);
		member_free(m);
		return;
	}
	c->members[n] = m;
	atomic_store(&c->count, n + 1);
	ULTRACE_NOTICE("cluster: following host %s session %s (%s), served "
		"in SNMP context %s", m->hostname, m->session, m->url,
		m->context);
}

static void set_ended(struct ultrace_cluster *c, struct member *m, int ended)
{
	pthread_mutex_lock(c->lock);
	if (m->ended != ended) {
		m->ended = ended;
		ultrace_registry_merge_set_live(c->merge, m->merge_host, !ended);
		pthread_mutex_unlock(c->lock);
		if (ended) {
			ULTRACE_NOTICE("cluster: session %s of host %s ended: "
				"serving its last state (context %s)",
				m->session, m->hostname, m->context);
		} else {
			ULTRACE_NOTICE("cluster: session %s of host %s is back",
				m->session, m->hostname);
		}
		return;
	}
	pthread_mutex_unlock(c->lock);
}

static void discover_once(struct ultrace_cluster *c)
{
	struct ultrace_live_session_list list;
	char err[2048];
	uint32_t n;
	uint32_t i;
	size_t k;

	if (ultrace_live_sessions_query(c->relay_url, c->interrupter, &list,
			err, sizeof(err)) != 0) {
		if (atomic_load(&c->stop)) {
			return;
		}
		if (atomic_exchange(&c->relay_answers, 0)) {
			ULTRACE_WARN("cluster: %s; serving the last state, "
				"asking again every %d ms", err,
				c->options.discover_ms);
		}
		return;
	}
	if (!atomic_exchange(&c->relay_answers, 1)) {
		ULTRACE_INFO("cluster: the relay daemon at %s lists %zu "
			"sessions", c->relay_url, list.count);
	}
	n = atomic_load(&c->count);
	for (i = 0; i < n; i++) {
		c->members[i]->listed = 0;
	}
	for (k = 0; k < list.count; k++) {
		struct member *m;

		if (!wanted(c, &list.items[k])) {
			continue;
		}
		m = find_member(c, &list.items[k]);
		if (m != NULL) {
			m->listed = 1;
		} else {
			add_member(c, &list.items[k]);
		}
	}
	n = atomic_load(&c->count);
	for (i = 0; i < n; i++) {
		set_ended(c, c->members[i], !c->members[i]->listed);
	}
	ultrace_live_session_list_fini(&list);
}

static void *discovery_main(void *arg)
{
	struct ultrace_cluster *c = arg;

	while (!atomic_load(&c->stop)) {
		discover_once(c);
		nap(c, c->options.discover_ms);
	}
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct ultrace_cluster *ultrace_cluster_create(
		const struct ultrace_cluster_options *options,
		pthread_mutex_t *lock)
{
	struct ultrace_cluster *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		return NULL;
	}
	c->options = *options;
	if (c->options.discover_ms <= 0) {
		c->options.discover_ms = DEFAULT_DISCOVER_MS;
	}
	c->relay_url = strdup(options->relay_url);
	c->hosts_glob = dup_or_null(options->hosts_glob);
	c->sessions_glob = dup_or_null(options->sessions_glob);
	c->lock = lock;
	c->merged = ultrace_registry_create();
	c->merge = c->merged != NULL ?
		ultrace_registry_merge_create(c->merged) : NULL;
	c->interrupter = bt_interrupter_create();
	atomic_init(&c->stop, 0);
	atomic_init(&c->relay_answers, 1);
	atomic_init(&c->count, 0);
	if (c->relay_url == NULL || c->merge == NULL || c->interrupter == NULL ||
			(options->hosts_glob != NULL && c->hosts_glob == NULL) ||
			(options->sessions_glob != NULL &&
			 c->sessions_glob == NULL) ||
			pthread_create(&c->thread, NULL, discovery_main, c) != 0) {
		ultrace_registry_merge_destroy(c->merge);
		ultrace_registry_destroy(c->merged);
		bt_interrupter_put_ref(c->interrupter);
		free(c->relay_url);
		free(c->hosts_glob);
		free(c->sessions_glob);
		free(c);
		return NULL;
	}
	return c;
}

struct ultrace_registry *ultrace_cluster_borrow_merged(
		struct ultrace_cluster *c)
{
	return c->merged;
}

uint32_t ultrace_cluster_count(const struct ultrace_cluster *c)
{
	return atomic_load(&((struct ultrace_cluster *) c)->count);
}

int ultrace_cluster_get_member(const struct ultrace_cluster *c,
		uint32_t number, struct ultrace_cluster_member_info *out)
{
	const struct member *m;

	if (number == 0 || number > ultrace_cluster_count(c)) {
		return -1;
	}
	m = c->members[number - 1];
	out->number = m->number;
	out->hostname = m->hostname;
	out->session = m->session;
	out->context = m->context;
	out->url = m->url;
	out->registry = m->registry;
	out->follower = m->follower;
	out->ended = m->ended;
	return 0;
}

const struct ultrace_registry_stats *ultrace_cluster_borrow_stats(
		struct ultrace_cluster *c)
{
	struct ultrace_registry_stats *out = &c->stats;
	const struct ultrace_registry_stats *mst =
		ultrace_registry_borrow_stats(c->merged);
	uint32_t n = ultrace_cluster_count(c);
	uint32_t i;
	int k;

	memset(out, 0, sizeof(*out));
	out->health = ULTRACE_REGISTRY_CONSISTENT;
	for (i = 0; i < n; i++) {
		const struct member *m = c->members[i];
		const struct ultrace_registry_stats *st =
			ultrace_registry_borrow_stats(m->registry);

		for (k = 0; k < ULTRACE_EVENT_KIND_COUNT; k++) {
			out->events[k] += st->events[k];
		}
		for (k = 0; k < ULTRACE_ANOMALY_COUNT; k++) {
			out->anomalies[k] += st->anomalies[k];
		}
		out->discarded_events += st->discarded_events;
		out->discarded_packets += st->discarded_packets;
		out->dumps_complete += st->dumps_complete;
		out->dumps_begun += st->dumps_begun;
		out->dump_removed += st->dump_removed;
		out->dump_repaired += st->dump_repaired;
		out->ttl_expired += st->ttl_expired;
		out->users_created += st->users_created;
		if (st->first_event_ns != 0 && (out->first_event_ns == 0 ||
				st->first_event_ns < out->first_event_ns)) {
			out->first_event_ns = st->first_event_ns;
		}
		if (st->last_event_ns > out->last_event_ns) {
			out->last_event_ns = st->last_event_ns;
		}
		if (!m->ended && st->health == ULTRACE_REGISTRY_SUSPECT &&
				(out->health != ULTRACE_REGISTRY_SUSPECT ||
				 st->suspect_since_ns < out->suspect_since_ns)) {
			out->health = ULTRACE_REGISTRY_SUSPECT;
			out->suspect_since_ns = st->suspect_since_ns;
			out->suspect_reason = st->suspect_reason;
		}
		if (st->consistent_since_ns > out->consistent_since_ns) {
			out->consistent_since_ns = st->consistent_since_ns;
		}
	}
	out->users = mst->users;
	out->contacts = mst->contacts;
	return out;
}

const struct ultrace_registry_registrar *ultrace_cluster_borrow_registrar(
		struct ultrace_cluster *c)
{
	struct ultrace_registry_registrar *out = &c->registrar;
	uint32_t n = ultrace_cluster_count(c);
	uint32_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		const struct ultrace_registry_registrar *r =
			ultrace_registry_borrow_registrar(
				c->members[i]->registry);

		if (r->has_settings && !out->has_settings) {
			out->has_settings = 1;
			out->settings = r->settings;
			out->settings_ns = r->settings_ns;
		}
		if (r->has_counts) {
			out->has_counts = 1;
			out->counts.accepted += r->counts.accepted;
			out->counts.rejected += r->counts.rejected;
			if (r->counts_ns > out->counts_ns) {
				out->counts_ns = r->counts_ns;
			}
		}
	}
	return out;
}

void ultrace_cluster_tick(struct ultrace_cluster *c)
{
	uint32_t n = ultrace_cluster_count(c);
	int64_t now_ns = 0;
	int64_t deadline_s;
	int any_ended = 0;
	uint32_t i;

	if (c->options.follow.expiry_grace_s < 0 || n == 0) {
		return;
	}
	pthread_mutex_lock(c->lock);
	for (i = 0; i < n; i++) {
		int64_t t = ultrace_follower_trace_now_ns(
			c->members[i]->follower);

		if (t > now_ns) {
			now_ns = t;
		}
		any_ended |= c->members[i]->ended;
	}
	deadline_s = now_ns / 1000000000 - c->options.follow.expiry_grace_s;
	if (any_ended && now_ns > 0 && deadline_s > c->merge_deadline_s) {
		uint64_t gone = ultrace_registry_merge_expire(c->merge,
			deadline_s);

		c->merge_deadline_s = deadline_s;
		if (gone > 0) {
			ULTRACE_INFO("cluster: %llu contacts of ended sessions "
				"left the merged view (expired)",
				(unsigned long long) gone);
		}
	}
	pthread_mutex_unlock(c->lock);
}

int ultrace_cluster_relay_answers(const struct ultrace_cluster *c)
{
	return atomic_load(&((struct ultrace_cluster *) c)->relay_answers);
}

void ultrace_cluster_destroy(struct ultrace_cluster *c)
{
	uint32_t n;
	uint32_t i;

	if (c == NULL) {
		return;
	}
	atomic_store(&c->stop, 1);
	bt_interrupter_set(c->interrupter);
	pthread_join(c->thread, NULL);
	bt_interrupter_put_ref(c->interrupter);
	n = ultrace_cluster_count(c);
	/* Followers first: none applies (and merges) any more. */
	for (i = 0; i < n; i++) {
		ultrace_follower_destroy(c->members[i]->follower);
		c->members[i]->follower = NULL;
	}
	ultrace_registry_merge_destroy(c->merge);
	for (i = 0; i < n; i++) {
		member_free(c->members[i]);
	}
	ultrace_registry_destroy(c->merged);
	free(c->relay_url);
	free(c->hosts_glob);
	free(c->sessions_glob);
	free(c);
}
