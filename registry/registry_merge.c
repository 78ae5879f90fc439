/*
 * registry_merge.c: the merged view of several host registries. Each host
 * registry's observer tells the merge what changed; the merge keeps, per
 * distinct contact key, which hosts hold it, which host's values the
 * merged row shows and the time of that host's event, in an open-address
 * table (linear probing, backward-shift deletion), and writes the merged
 * registry with ultrace_registry_put_contact()/_remove_contact().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registry_merge.h"

#include <stdlib.h>
#include <string.h>

#define MERGE_INITIAL_SLOTS 1024u

/* What the merge knows of one distinct contact; key 0: a free slot. */
struct merge_entry {
	uint64_t key;
	uint64_t holders;          /* bit h: host h holds it */
	int64_t newest_ns;         /* the event the merged values come from */
	uint32_t source;           /* the host those values are from */
	uint32_t unused;
};

struct merge_host {
	struct ultrace_registry_merge *merge;
	struct ultrace_registry *registry;
	uint32_t index;
	int live;
};

struct ultrace_registry_merge {
	struct ultrace_registry *merged;
	struct merge_host hosts[ULTRACE_MERGE_HOSTS_MAX];
	uint32_t host_count;
	struct merge_entry *slots;
	size_t mask;               /* slots - 1 (a power of two) */
	size_t used;
	uint64_t shared;
	uint64_t replaced;
	uint64_t nomem;
	uint64_t dropped;          /* merged rows gone with their last holder */
};

/* Key 0 marks a free slot: the contact whose key is 0 is filed as 1. */
static uint64_t entry_key(uint64_t key)
{
	return key == 0 ? 1 : key;
}

static int popcount_over_one(uint64_t v)
{
	return (v & (v - 1)) != 0;
}

static struct merge_entry *entry_find(struct ultrace_registry_merge *m,
		uint64_t key)
{
	size_t i = (size_t) (key ^ (key >> 29)) & m->mask;

	while (m->slots[i].key != 0) {
		if (m->slots[i].key == key) {
			return &m->slots[i];
		}
		i = (i + 1) & m->mask;
	}
	return NULL;
}

static struct merge_entry *entry_place(struct merge_entry *slots, size_t mask,
		uint64_t key)
{
	size_t i = (size_t) (key ^ (key >> 29)) & mask;

	while (slots[i].key != 0 && slots[i].key != key) {
		i = (i + 1) & mask;
	}
	return &slots[i];
}

static int entries_grow(struct ultrace_registry_merge *m)
{
	size_t n = (m->mask + 1) * 2;
	struct merge_entry *slots = calloc(n, sizeof(*slots));
	size_t i;

	if (slots == NULL) {
		return -1;
	}
	for (i = 0; i <= m->mask; i++) {
		if (m->slots[i].key != 0) {
			*entry_place(slots, n - 1, m->slots[i].key) =
				m->slots[i];
		}
	}
	free(m->slots);
	m->slots = slots;
	m->mask = n - 1;
	return 0;
}

/* The entry of `key`, made (holders 0) if absent; NULL: no memory. */
static struct merge_entry *entry_get(struct ultrace_registry_merge *m,
		uint64_t key)
{
	struct merge_entry *e;

	if ((m->used + 1) * 2 > m->mask + 1 && entries_grow(m) != 0) {
		return NULL;
	}
	e = entry_place(m->slots, m->mask, key);
	if (e->key == 0) {
		memset(e, 0, sizeof(*e));
		e->key = key;
		m->used++;
	}
	return e;
}

/* Backward-shift deletion: no tombstones, probes stay short. */
static void entry_delete(struct ultrace_registry_merge *m,
		struct merge_entry *e)
{
	size_t hole = (size_t) (e - m->slots);
	size_t i = hole;

	for (;;) {
		size_t home;

		i = (i + 1) & m->mask;
		if (m->slots[i].key == 0) {
			break;
		}
		home = (size_t) (m->slots[i].key ^ (m->slots[i].key >> 29)) &
			m->mask;
		/* Move it back unless its home lies in (hole, i]. */
		if (((i - home) & m->mask) >= ((i - hole) & m->mask)) {
			m->slots[hole] = m->slots[i];
			hole = i;
		}
	}
	memset(&m->slots[hole], 0, sizeof(m->slots[hole]));
	m->used--;
}

static void put_values(struct ultrace_registry_merge *m,
		const struct ultrace_registry_contact *c)
{
	if (ultrace_registry_put_contact(m->merged,
			ultrace_registry_contact_values(c)) ==
			ULTRACE_REGISTRY_STATUS_NOMEM) {
		m->nomem++;
	}
}

static void host_changed(void *data, const struct ultrace_registry_contact *c,
		int64_t time_ns)
{
	struct merge_host *host = data;
	struct ultrace_registry_merge *m = host->merge;
	uint64_t bit = (uint64_t) 1 << host->index;
	struct merge_entry *e;
	uint64_t was;

	e = entry_get(m, entry_key(ultrace_registry_contact_get_key(c)));
	if (e == NULL) {
		m->nomem++;
		return;
	}
	was = e->holders;
	e->holders |= bit;
	if (!popcount_over_one(was) && popcount_over_one(e->holders)) {
		m->shared++;
	}
	/* The newest event wins; a tie goes to the host that changed it. */
	if (was != 0 && time_ns < e->newest_ns) {
		return;
	}
	if (was != 0 && e->source != host->index) {
		m->replaced++;
	}
	e->newest_ns = time_ns;
	e->source = host->index;
	put_values(m, c);
}

/*
 * Host `h` no longer holds the contact `c` (its registry's row, still
 * readable): the merged row goes with its last holder, or shows another
 * holder's values if it showed h's.
 */
static void drop_holder(struct ultrace_registry_merge *m, uint32_t h,
		const struct ultrace_registry_contact *c, struct merge_entry *e)
{
	const struct ultrace_registry_user *user =
		ultrace_registry_contact_borrow_user(c);
	const struct ultrace_contact *v = ultrace_registry_contact_values(c);
	uint64_t bit = (uint64_t) 1 << h;
	uint64_t left;

	if ((e->holders & bit) == 0) {
		return;
	}
	e->holders &= ~bit;
	if (popcount_over_one(e->holders | bit) &&
			!popcount_over_one(e->holders)) {
		m->shared--;
	}
	if (e->holders == 0) {
		m->dropped++;
		ultrace_registry_remove_contact(m->merged,
			ultrace_registry_user_get_domain(user),
			ultrace_registry_user_get_aor(user), v->contact);
		entry_delete(m, e);
		return;
	}
	if (e->source != h) {
		return;
	}
	{
		const struct ultrace_registry_contact *best = NULL;
		uint32_t best_host = 0;

		/* The newest of the remaining holders' rows. */
		for (left = e->holders; left != 0; left &= left - 1) {
			uint32_t other = (uint32_t) __builtin_ctzll(left);
			const struct ultrace_registry_contact *oc =
				ultrace_registry_borrow_contact(
					m->hosts[other].registry,
					ultrace_registry_user_get_domain(user),
					ultrace_registry_user_get_aor(user),
					v->contact);

			if (oc != NULL && (best == NULL ||
					ultrace_registry_contact_get_changed_ns(oc) >
					ultrace_registry_contact_get_changed_ns(best))) {
				best = oc;
				best_host = other;
			}
		}
		if (best != NULL) {
			e->source = best_host;
			e->newest_ns = ultrace_registry_contact_get_changed_ns(best);
			put_values(m, best);
		} else {
			/*
			 * The holders hold no such contact: another contact
			 * shares its 64-bit key (a hash collision). This one
			 * goes; the other is merged again when it changes.
			 */
			ultrace_registry_remove_contact(m->merged,
				ultrace_registry_user_get_domain(user),
				ultrace_registry_user_get_aor(user), v->contact);
			entry_delete(m, e);
		}
	}
}

static void host_removed(void *data, const struct ultrace_registry_contact *c)
{
	struct merge_host *host = data;
	struct ultrace_registry_merge *m = host->merge;
	struct merge_entry *e;

	e = entry_find(m, entry_key(ultrace_registry_contact_get_key(c)));
	if (e != NULL) {
		drop_holder(m, host->index, c, e);
	}
}

struct ultrace_registry_merge *ultrace_registry_merge_create(
		struct ultrace_registry *merged)
{
	struct ultrace_registry_merge *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		return NULL;
	}
	m->slots = calloc(MERGE_INITIAL_SLOTS, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return NULL;
	}
	m->mask = MERGE_INITIAL_SLOTS - 1;
	m->merged = merged;
	return m;
}

void ultrace_registry_merge_destroy(struct ultrace_registry_merge *m)
{
	uint32_t h;

	if (m == NULL) {
		return;
	}
	for (h = 0; h < m->host_count; h++) {
		ultrace_registry_set_observer(m->hosts[h].registry, NULL);
	}
	free(m->slots);
	free(m);
}

int ultrace_registry_merge_add_host(struct ultrace_registry_merge *m,
		struct ultrace_registry *registry)
{
	struct ultrace_registry_observer observer;
	struct merge_host *host;
	const struct ultrace_registry_contact *c;

	if (m->host_count >= ULTRACE_MERGE_HOSTS_MAX) {
		return -1;
	}
	host = &m->hosts[m->host_count];
	host->merge = m;
	host->registry = registry;
	host->index = m->host_count;
	host->live = 1;
	m->host_count++;
	for (c = ultrace_registry_borrow_contact_ge(registry, 0, 0); c != NULL;
			) {
		const struct ultrace_registry_contact *next =
			ultrace_registry_contact_borrow_next(c);

		host_changed(host, c,
			ultrace_registry_contact_get_changed_ns(c));
		if (next == NULL) {
			const struct ultrace_registry_user *u =
				ultrace_registry_borrow_next_user(registry,
					ultrace_registry_contact_borrow_user(c));

			next = u != NULL ?
				ultrace_registry_user_borrow_first_contact(u) :
				NULL;
		}
		c = next;
	}
	observer.changed = host_changed;
	observer.removed = host_removed;
	observer.data = host;
	ultrace_registry_set_observer(registry, &observer);
	return (int) host->index;
}

void ultrace_registry_merge_set_live(struct ultrace_registry_merge *m, int h,
		int live)
{
	struct merge_host *host;
	const struct ultrace_registry_user *u;

	if (h < 0 || (uint32_t) h >= m->host_count) {
		return;
	}
	host = &m->hosts[h];
	if (host->live || !live) {
		host->live = live != 0;
		return;
	}
	/*
	 * Back: what it still holds counts again (merge_expire may have
	 * dropped some while it was not live); newer values elsewhere win.
	 */
	host->live = 1;
	for (u = ultrace_registry_borrow_user_ge(host->registry, 0); u != NULL;
			u = ultrace_registry_borrow_next_user(host->registry, u)) {
		const struct ultrace_registry_contact *c;

		for (c = ultrace_registry_user_borrow_first_contact(u);
				c != NULL; c = ultrace_registry_contact_borrow_next(c)) {
			host_changed(host, c,
				ultrace_registry_contact_get_changed_ns(c));
		}
	}
}

uint64_t ultrace_registry_merge_expire(struct ultrace_registry_merge *m,
		int64_t deadline_s)
{
	uint64_t before = m->dropped;
	uint32_t h;

	for (h = 0; h < m->host_count; h++) {
		const struct ultrace_registry_user *u;

		if (m->hosts[h].live) {
			continue;
		}
		for (u = ultrace_registry_borrow_user_ge(m->hosts[h].registry,
				0); u != NULL; u = ultrace_registry_borrow_next_user(
				m->hosts[h].registry, u)) {
			const struct ultrace_registry_contact *c;

			for (c = ultrace_registry_user_borrow_first_contact(u);
					c != NULL;
					c = ultrace_registry_contact_borrow_next(c)) {
				const struct ultrace_contact *v =
					ultrace_registry_contact_values(c);
				struct merge_entry *e;

				if (v->expires <= 0 || v->expires > deadline_s) {
					continue;
				}
				e = entry_find(m, entry_key(
					ultrace_registry_contact_get_key(c)));
				if (e != NULL) {
					drop_holder(m, h, c, e);
				}
			}
		}
	}
	return m->dropped - before;
}

void ultrace_registry_merge_get_stats(const struct ultrace_registry_merge *m,
		struct ultrace_registry_merge_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->contacts = ultrace_registry_borrow_stats(m->merged)->contacts;
	out->shared = m->shared;
	out->replaced = m->replaced;
	out->nomem = m->nomem;
	out->bytes = sizeof(*m) + (m->mask + 1) * sizeof(struct merge_entry);
}
