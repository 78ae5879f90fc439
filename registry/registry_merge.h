/*
 * registry_merge.h: a cluster's merged view. Several registries, one per
 * host (registrar node), each fed its host's events; one more registry,
 * the merged one, kept equal to their union: a contact is in the merged
 * view while at least one host holds it, with the values of the host
 * whose event on it is the newest. Contacts are the same contact when
 * they have the same key, (domain, AOR, contact URI): a replicated usrloc
 * (DMQ, or a shared database) sends the same contact, with the same ruid,
 * from every node. Users follow from contacts, as in any registry.
 * Knows only the registry API: no SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_REGISTRY_MERGE_H
#define ULTRACE_REGISTRY_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* Hosts one merge follows at most (a bit each). */
#define ULTRACE_MERGE_HOSTS_MAX 64

struct ultrace_registry_merge;

/* A merge writing into `merged` (which it does not own); NULL: no memory. */
struct ultrace_registry_merge *ultrace_registry_merge_create(
		struct ultrace_registry *merged);
/* Detaches from every host registry; the merged registry stays. */
void ultrace_registry_merge_destroy(struct ultrace_registry_merge *merge);

/*
 * Follow `host` (empty, or not: what it holds is merged now) as host
 * number 0..ULTRACE_MERGE_HOSTS_MAX-1, returned; -1 when full or out of
 * memory. Sets the host registry's observer: from now on, every change
 * applied to it (under the same lock as the merged registry's readers)
 * is merged.
 */
int ultrace_registry_merge_add_host(struct ultrace_registry_merge *merge,
		struct ultrace_registry *host);

/*
 * Whether host `h` still counts: a host whose session ended keeps its
 * registry (its last state: nothing advances its clock, so its own TTL
 * stops) but, once `live` is 0, ultrace_registry_merge_expire() takes its
 * contacts out of the merged view as their expiry passes, unless another
 * host holds them. Hosts are live when added.
 */
void ultrace_registry_merge_set_live(struct ultrace_registry_merge *merge,
		int h, int live);

/*
 * The TTL of the hosts that are not live, at `deadline_s` (unix seconds,
 * the cluster's clock minus the grace): each of their contacts whose
 * `expires` is set and <= deadline_s stops counting for them (a live
 * host's own TTL removes its contacts, and the merge follows). O(contacts
 * of the hosts not live) per call: call it when the deadline moved on.
 * Returns how many merged contacts left.
 */
uint64_t ultrace_registry_merge_expire(struct ultrace_registry_merge *merge,
		int64_t deadline_s);

struct ultrace_registry_merge_stats {
	uint64_t contacts;      /* distinct contacts, as the merged registry */
	uint64_t shared;        /* held by two hosts or more */
	uint64_t replaced;      /* merged values replaced by a newer host's */
	uint64_t nomem;         /* changes not merged: out of memory */
	size_t bytes;           /* the merge's own memory (not the registries') */
};

void ultrace_registry_merge_get_stats(
		const struct ultrace_registry_merge *merge,
		struct ultrace_registry_merge_stats *out);

#endif /* ULTRACE_REGISTRY_MERGE_H */
