/*
 * cluster_service.h: a cluster (cluster.h) served over SNMP: the merged
 * view in the default context, each member in its own context (added as
 * members appear), the host table, and the periodic log lines. Joins
 * consumer/ and snmp/ as ultrace-consumerd does; no table code.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_CLUSTER_SERVICE_H
#define ULTRACE_CLUSTER_SERVICE_H

#include "cluster.h"
#include "log.h"
#include "source.h"

struct ultrace_cluster_service;

/* For `cluster`, whose registries `lock` guards; NULL: no memory. */
struct ultrace_cluster_service *ultrace_cluster_service_create(
		struct ultrace_cluster *cluster, pthread_mutex_t *lock);
void ultrace_cluster_service_destroy(struct ultrace_cluster_service *svc);

/* What the default context serves: the merged view. */
const struct ultrace_snmp_source *ultrace_cluster_service_source(
		struct ultrace_cluster_service *svc);
/* The host table's rows. */
const struct ultrace_snmp_hosts *ultrace_cluster_service_hosts(
		struct ultrace_cluster_service *svc);

/*
 * From the agent's thread, every loop: serve the members found since the
 * last call in their contexts, and run the cluster's tick. 0, or -1 when
 * a context could not be registered (logged; that host keeps no context
 * of its own, the others go on).
 */
int ultrace_cluster_service_poll(struct ultrace_cluster_service *svc);

/* One log line per member and one for the merged view. */
void ultrace_cluster_service_log_stats(struct ultrace_cluster_service *svc,
		enum ultrace_log_level level);

#endif
