/*
 * cluster.h: every session of one lttng-relayd, followed at once: a
 * registrar cluster's hosts, each its own registry, and the merged view
 * (registry_merge.h). A thread asks the relay for its sessions every
 * few seconds (live_sessions.h), starts a trace follower for each new
 * one the filters let through, and marks those the relay no longer lists
 * as ended (their last state kept). Knows babeltrace2 through the
 * follower and the query; nothing of SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_CLUSTER_H
#define ULTRACE_CLUSTER_H

#include <pthread.h>
#include <stdint.h>

#include "registry.h"
#include "trace_follower.h"

/* Sessions followed at most (registry_merge.h's host limit). */
#define ULTRACE_CLUSTER_MEMBERS_MAX 64

struct ultrace_cluster_options {
	const char *relay_url;      /* net[4|6]://HOST[:PORT], no session */
	const char *hosts_glob;     /* fnmatch(3) on host names; NULL: any */
	const char *sessions_glob;  /* on session names; NULL: any */
	int discover_ms;            /* between two session queries */
	/* For every member's follower; its live_url is the member's. */
	struct ultrace_follower_options follow;
};

struct ultrace_cluster_member_info {
	uint32_t number;            /* 1, 2, ... in the order found */
	const char *hostname;
	const char *session;
	const char *context;        /* HOST, or HOST/SESSION for a host's
	                               second session and later */
	const char *url;
	struct ultrace_registry *registry;
	struct ultrace_follower *follower;
	int ended;                  /* the relay no longer lists it */
};

struct ultrace_cluster;

/* Starts the discovery thread; `lock` guards every registry. */
struct ultrace_cluster *ultrace_cluster_create(
		const struct ultrace_cluster_options *options,
		pthread_mutex_t *lock);

/* The merged view's registry (read under the lock). */
struct ultrace_registry *ultrace_cluster_borrow_merged(
		struct ultrace_cluster *cluster);

/* Members so far (any thread; never decreases). */
uint32_t ultrace_cluster_count(const struct ultrace_cluster *cluster);

/* Member `number` (1..count): 0 and *out, or -1. Lock held. */
int ultrace_cluster_get_member(const struct ultrace_cluster *cluster,
		uint32_t number, struct ultrace_cluster_member_info *out);

/*
 * The merged view's statistics: every member's counters summed, the
 * merged rows, suspect while a live member is (the earliest instant and
 * its reason). Lock held; valid until the next call.
 */
const struct ultrace_registry_stats *ultrace_cluster_borrow_stats(
		struct ultrace_cluster *cluster);
/* The registrar figures: counters summed, the first member's settings. */
const struct ultrace_registry_registrar *ultrace_cluster_borrow_registrar(
		struct ultrace_cluster *cluster);

/*
 * Work of the serving thread, called every loop (takes the lock): the
 * merged view's TTL for ended members, on the cluster's clock (the
 * newest member clock).
 */
void ultrace_cluster_tick(struct ultrace_cluster *cluster);

/* Non-zero while the last sessions query was answered. */
int ultrace_cluster_relay_answers(const struct ultrace_cluster *cluster);

/* Stops discovery and every follower; frees the registries. */
void ultrace_cluster_destroy(struct ultrace_cluster *cluster);

#endif
