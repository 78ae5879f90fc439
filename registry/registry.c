/*
 * registry.c: users and contacts, their indexes, and the rules that apply
 * trace events to them. No SNMP, no babeltrace2.
 *
 * Storage (doc/design.md, "Registry memory"): a contact is one allocation
 * holding its numbers and its nine strings inline; a user is one holding
 * its AOR; a domain is a slot shared by its users. A contact is hashed by
 * (domain, AOR, contact URI), so an event about a known contact costs one
 * lookup and touches the contact and its user only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "expiry_wheel.h"
#include "hash_table.h"
#include "index_tree.h"
#include "ultrace_hash.h"

/*
 * A contact's strings (domain/AOR are its user's): contact, display_name,
 * received, path, callid, ruid, instance are its own, inline; user_agent
 * and socket, which a registrar's contacts mostly share (a few sockets, a
 * few kinds of phone), are kept once each with a count of their users.
 */
#define CONTACT_STRING_FIELDS 9
#define INLINE_FIELDS 7
#define SHARED_FIELDS 2
/* A contact's strings, NULs included, take at most this many bytes. */
#define CONTACT_DATA_MAX UINT16_MAX

struct ultrace_registry_user {
	struct hash_node hnode;          /* by (domain, AOR) */
	uint32_t contact_count;
	struct index_tree_node tnode;    /* by user index */
	/* Contact-index order; first->prev is the last (a ring backwards). */
	struct ultrace_registry_contact *first;
	struct registry_domain *domain;  /* shared by its users */
	uint32_t next_contact_index;
	uint32_t aor_len;
	char aor[];                      /* NUL-terminated */
};

struct ultrace_registry_contact {
	struct hash_node hnode;          /* by (domain, AOR, contact URI) */
	uint32_t index;
	struct ultrace_registry_user *user;
	struct ultrace_registry_contact *prev;   /* the first's: the last */
	struct ultrace_registry_contact *next;
	/* key: `expires` (queued in the expiry wheel while > 0). */
	struct expiry_wheel_node enode;
	int64_t last_modified;
	int64_t changed_ns;              /* trace time of the last change */
	/*
	 * The dump generation when an event last set it: a dump's sweep
	 * spares what was listed or touched since the dump began.
	 */
	uint32_t mark;
	int32_t cseq;
	int32_t q;
	uint32_t flags;
	uint32_t cflags;
	uint32_t methods;
	uint32_t reg_id;
	struct shared_str *shared[SHARED_FIELDS]; /* NULL: empty */
	/*
	 * String i is data[start(i) .. end[i] - 1), NUL at end[i] - 1; data[]
	 * holds end[INLINE_FIELDS - 1] bytes.
	 */
	uint16_t end[INLINE_FIELDS];
	char data[];
};

/* A string several contacts hold, once. */
struct shared_str {
	struct hash_node hnode;
	uint32_t refs;
	uint32_t len;
	char s[];                        /* NUL-terminated */
};

/*
 * A distinct usrloc domain and the number of users it holds: the AOR
 * lookup tries the user hash once per domain (a registrar has 1-3). Its
 * slot number stays while it has users; its seed starts its users' hashes.
 */
struct registry_domain {
	uint64_t users;
	uint64_t seed;                   /* ultrace_hash_domain(name) */
	uint32_t slot;
	uint32_t len;
	char name[];
};

struct ultrace_registry {
	struct hash_table users;
	struct hash_table contacts;
	struct hash_table shared;        /* struct shared_str by content */
	struct index_tree user_tree;
	struct expiry_wheel expiry;      /* contacts by `expires` */
	int64_t ttl_deadline_s;          /* latest ultrace_registry_expire() */
	int64_t last_suspect_mark_ns;    /* latest mark_suspect instant */
	struct registry_domain **domains; /* by slot; NULL: a free slot */
	size_t domain_count;             /* slots in use or freed */
	size_t domain_alloc;
	uint32_t next_user_index;
	struct ultrace_registry_stats stats;
	/* The statedump in progress, if any. */
	int dump_active;
	int dump_tainted;                /* cannot sweep (out of memory) */
	uint64_t dump_id;
	uint32_t dump_generation;
	uint64_t dump_seen;
	int64_t dump_begin_ns;
	struct ultrace_registry_registrar registrar;
	struct ultrace_registry_observer observer;   /* zero: none */
};

/* What an event names: its domain (NULL: none yet) and hashes. */
struct contact_key {
	const struct registry_domain *domain;
	struct ultrace_str domain_name;
	struct ultrace_str aor;
	struct ultrace_str contact;
	uint64_t user_hash;
	uint64_t contact_hash;
};

static int str_eq(struct ultrace_str a, struct ultrace_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static struct ultrace_str str_or_empty(struct ultrace_str s)
{
	if (s.s == NULL) {
		s.s = "";
		s.len = 0;
	}
	return s;
}

static uint64_t user_hash(const struct registry_domain *domain,
		struct ultrace_str aor)
{
	return ultrace_hash_user(domain->seed, aor);
}

static uint64_t contact_hash(uint64_t user_hash, struct ultrace_str uri)
{
	return ultrace_hash_contact(user_hash, uri);
}

static struct ultrace_str user_aor(const struct ultrace_registry_user *user)
{
	struct ultrace_str s = { user->aor, user->aor_len };

	return s;
}

static struct ultrace_str contact_str(
		const struct ultrace_registry_contact *contact, int i)
{
	uint16_t start = i == 0 ? 0 : contact->end[i - 1];
	struct ultrace_str s = {
		contact->data + start, (size_t) (contact->end[i] - start - 1),
	};

	return s;
}

static int user_match(const struct hash_node *node, const void *key)
{
	const struct ultrace_registry_user *user = (const void *) node;
	const struct contact_key *k = key;

	return user->domain == k->domain && str_eq(user_aor(user), k->aor);
}

static int contact_match(const struct hash_node *node, const void *key)
{
	const struct ultrace_registry_contact *contact = (const void *) node;
	const struct contact_key *k = key;

	return str_eq(contact_str(contact, 0), k->contact) &&
		contact->user->domain == k->domain &&
		str_eq(user_aor(contact->user), k->aor);
}

struct ultrace_registry *ultrace_registry_create(void)
{
	struct ultrace_registry *registry = calloc(1, sizeof(*registry));

	if (registry == NULL) {
		goto error;
	}
	if (hash_table_init(&registry->users) != 0) {
		goto error_free;
	}
	/* Users are sought on a contact's first event only: longer chains. */
	registry->users.max_load = 2;
	if (hash_table_init(&registry->contacts) != 0) {
		goto error_users;
	}
	if (hash_table_init(&registry->shared) != 0) {
		hash_table_fini(&registry->contacts);
		goto error_users;
	}
	index_tree_init(&registry->user_tree);
	expiry_wheel_init(&registry->expiry);
	registry->next_user_index = 1;
	registry->stats.health = ULTRACE_REGISTRY_CONSISTENT;
	return registry;

error_users:
	hash_table_fini(&registry->users);
error_free:
	free(registry);
error:
	return NULL;
}

static struct ultrace_str shared_s(const struct shared_str *p)
{
	struct ultrace_str s = { "", 0 };

	if (p != NULL) {
		s.s = p->s;
		s.len = p->len;
	}
	return s;
}

static int shared_match(const struct hash_node *node, const void *key)
{
	return str_eq(shared_s((const struct shared_str *) node),
		*(const struct ultrace_str *) key);
}

/* One more holder of `s`: *out (NULL for ""). 0, or -1: no memory. */
static int shared_get(struct ultrace_registry *registry, struct ultrace_str s,
		struct shared_str **out)
{
	uint64_t hash;
	struct shared_str *p;

	*out = NULL;
	if (s.len == 0) {
		return 0;
	}
	hash = ultrace_hash_str(UINT64_C(0x2545f4914f6cdd1d), s);
	p = (struct shared_str *) hash_table_lookup(&registry->shared, hash,
		shared_match, &s);
	if (p == NULL) {
		if (s.len >= UINT32_MAX) {
			return -1;
		}
		p = malloc(sizeof(*p) + s.len + 1);
		if (p == NULL) {
			return -1;
		}
		memcpy(p->s, s.s, s.len);
		p->s[s.len] = '\0';
		p->len = (uint32_t) s.len;
		p->refs = 0;
		p->hnode.hash = (uint32_t) hash;
		hash_table_insert(&registry->shared, &p->hnode);
	}
	p->refs++;
	*out = p;
	return 0;
}

static void shared_put(struct ultrace_registry *registry, struct shared_str *p)
{
	if (p != NULL && --p->refs == 0) {
		hash_table_remove(&registry->shared, &p->hnode);
		free(p);
	}
}

static void contact_free(struct ultrace_registry *registry,
		struct ultrace_registry_contact *contact)
{
	int j;

	for (j = 0; j < SHARED_FIELDS; j++) {
		shared_put(registry, contact->shared[j]);
	}
	free(contact);
}

static void user_free(struct ultrace_registry *registry,
		struct ultrace_registry_user *user)
{
	struct ultrace_registry_contact *c = user->first;

	while (c != NULL) {
		struct ultrace_registry_contact *next = c->next;

		contact_free(registry, c);
		c = next;
	}
	free(user);
}

static struct ultrace_registry_user *user_of_tnode(
		const struct index_tree_node *node)
{
	if (node == NULL) {
		return NULL;
	}
	return (struct ultrace_registry_user *) ((char *) node -
		offsetof(struct ultrace_registry_user, tnode));
}

void ultrace_registry_destroy(struct ultrace_registry *registry)
{
	size_t b;

	if (registry == NULL) {
		return;
	}
	/* Every user is on one hash chain: free them there, no tree work. */
	for (b = 0; b <= registry->users.mask; b++) {
		struct hash_node *node = registry->users.buckets[b];

		while (node != NULL) {
			struct hash_node *next = node->next;

			user_free(registry, (struct ultrace_registry_user *) node);
			node = next;
		}
	}
	hash_table_fini(&registry->shared);
	hash_table_fini(&registry->contacts);
	hash_table_fini(&registry->users);
	while (registry->domain_count > 0) {
		free(registry->domains[--registry->domain_count]);
	}
	free(registry->domains);
	free(registry);
}

/* The domain named `domain` (already str_or_empty), or NULL. */
static struct registry_domain *find_domain(
		const struct ultrace_registry *registry,
		struct ultrace_str domain)
{
	size_t i;

	for (i = 0; i < registry->domain_count; i++) {
		struct registry_domain *d = registry->domains[i];

		if (d != NULL && d->len == domain.len &&
				memcmp(d->name, domain.s, domain.len) == 0) {
			return d;
		}
	}
	return NULL;
}

/* Count one more user of `domain`; it, or NULL (no memory). */
static struct registry_domain *domain_get_ref(
		struct ultrace_registry *registry, struct ultrace_str domain)
{
	struct registry_domain *d = find_domain(registry, domain);
	size_t i;

	if (d != NULL) {
		d->users++;
		return d;
	}
	if (domain.len >= UINT32_MAX) {
		return NULL;
	}
	for (i = 0; i < registry->domain_count; i++) {
		if (registry->domains[i] == NULL) {
			break;
		}
	}
	if (i == registry->domain_count &&
			registry->domain_count == registry->domain_alloc) {
		size_t alloc = registry->domain_alloc ?
			registry->domain_alloc * 2 : 4;
		struct registry_domain **domains;

		if (alloc >= UINT32_MAX) {
			return NULL;
		}
		domains = realloc(registry->domains, alloc * sizeof(*domains));
		if (domains == NULL) {
			return NULL;
		}
		registry->domains = domains;
		registry->domain_alloc = alloc;
	}
	d = malloc(sizeof(*d) + domain.len + 1);
	if (d == NULL) {
		return NULL;
	}
	memcpy(d->name, domain.s, domain.len);
	d->name[domain.len] = '\0';
	d->len = (uint32_t) domain.len;
	d->seed = ultrace_hash_domain(domain);
	d->users = 1;
	d->slot = (uint32_t) i;
	if (i == registry->domain_count) {
		registry->domain_count++;
	}
	registry->domains[i] = d;
	return d;
}

static void domain_put_ref(struct ultrace_registry *registry,
		struct registry_domain *d)
{
	if (--d->users > 0) {
		return;
	}
	registry->domains[d->slot] = NULL;
	free(d);
	while (registry->domain_count > 0 &&
			registry->domains[registry->domain_count - 1] == NULL) {
		registry->domain_count--;
	}
}

/* Fill the key of (domain, aor, contact): slot and hashes. */
static void key_init_hinted(const struct ultrace_registry *registry,
		struct contact_key *key, struct ultrace_str domain,
		struct ultrace_str aor, struct ultrace_str contact,
		const struct ultrace_registry_hint *hint)
{
	key->domain_name = str_or_empty(domain);
	key->aor = str_or_empty(aor);
	key->contact = str_or_empty(contact);
	key->domain = find_domain(registry, key->domain_name);
	if (key->domain == NULL) {
		return;
	}
	/* The hashes depend on the domain's slot and the event's strings. */
	if (hint != NULL && hint->domain == key->domain &&
			hint->slot == key->domain->slot) {
		key->user_hash = hint->user_hash;
		key->contact_hash = hint->contact_hash;
		return;
	}
	key->user_hash = user_hash(key->domain, key->aor);
	key->contact_hash = contact_hash(key->user_hash, key->contact);
}

static void key_init(const struct ultrace_registry *registry,
		struct contact_key *key, struct ultrace_str domain,
		struct ultrace_str aor, struct ultrace_str contact)
{
	key_init_hinted(registry, key, domain, aor, contact, NULL);
}

/* Once the key's domain exists (a new domain was just made). */
static void key_set_domain(struct contact_key *key,
		const struct registry_domain *domain)
{
	key->domain = domain;
	key->user_hash = user_hash(domain, key->aor);
	key->contact_hash = contact_hash(key->user_hash, key->contact);
}

static struct ultrace_registry_user *find_user(
		const struct ultrace_registry *registry,
		const struct contact_key *key)
{
	if (key->domain == NULL) {
		return NULL;
	}
	return (struct ultrace_registry_user *) hash_table_lookup(
		&registry->users, key->user_hash, user_match, key);
}

static struct ultrace_registry_contact *find_contact(
		const struct ultrace_registry *registry,
		const struct contact_key *key)
{
	if (key->domain == NULL) {
		return NULL;
	}
	return (struct ultrace_registry_contact *) hash_table_lookup(
		&registry->contacts, key->contact_hash, contact_match, key);
}

static struct ultrace_registry_user *user_create(
		struct ultrace_registry *registry, struct contact_key *key)
{
	struct ultrace_registry_user *user;
	struct registry_domain *domain;

	if (key->aor.len >= UINT32_MAX) {
		return NULL;
	}
	user = calloc(1, sizeof(*user) + key->aor.len + 1);
	if (user == NULL) {
		return NULL;
	}
	memcpy(user->aor, key->aor.s, key->aor.len);
	user->aor[key->aor.len] = '\0';
	user->aor_len = (uint32_t) key->aor.len;
	user->next_contact_index = 1;
	user->tnode.key = registry->next_user_index;
	domain = domain_get_ref(registry, key->domain_name);
	if (domain == NULL) {
		free(user);
		return NULL;
	}
	if (domain != key->domain) {
		key_set_domain(key, domain);
	}
	user->domain = domain;
	if (index_tree_insert(&registry->user_tree, &user->tnode) != 0) {
		/* Only after 2^32 users: the index space wrapped. */
		domain_put_ref(registry, domain);
		free(user);
		return NULL;
	}
	registry->next_user_index++;
	user->hnode.hash = (uint32_t) key->user_hash;
	hash_table_insert(&registry->users, &user->hnode);
	registry->stats.users++;
	registry->stats.users_created++;
	return user;
}

static void user_remove(struct ultrace_registry *registry,
		struct ultrace_registry_user *user)
{
	index_tree_remove(&registry->user_tree, &user->tnode);
	hash_table_remove(&registry->users, &user->hnode);
	domain_put_ref(registry, user->domain);
	registry->stats.users--;
	user_free(registry, user);
}

/* The event's nine contact strings: data[] order, then the shared ones. */
static void contact_inputs(const struct ultrace_contact *src,
		struct ultrace_str in[CONTACT_STRING_FIELDS])
{
	int i;

	in[0] = src->contact;
	in[1] = src->display_name;
	in[2] = src->received;
	in[3] = src->path;
	in[4] = src->callid;
	in[5] = src->ruid;
	in[6] = src->instance;
	in[7] = src->user_agent;
	in[8] = src->socket;
	for (i = 0; i < CONTACT_STRING_FIELDS; i++) {
		in[i] = str_or_empty(in[i]);
	}
}

/* Bytes data[] needs for `in` (NULs included), or 0 past the limit. */
static size_t contact_data_size(const struct ultrace_str in[])
{
	size_t total = 0;
	int i;

	for (i = 0; i < CONTACT_STRING_FIELDS; i++) {
		if (in[i].len >= CONTACT_DATA_MAX) {
			return 0;
		}
		if (i < INLINE_FIELDS) {
			total += in[i].len + 1;
		}
	}
	return total > CONTACT_DATA_MAX ? 0 : total;
}

/* Whether a slice points into the contact's own storage. */
static int contact_holds(const struct ultrace_registry_contact *contact,
		const struct ultrace_str in[])
{
	const char *lo = contact->data;
	const char *hi = contact->data + contact->end[INLINE_FIELDS - 1];
	int i;

	for (i = 0; i < INLINE_FIELDS; i++) {
		if (in[i].s + in[i].len > lo && in[i].s < hi) {
			return 1;
		}
	}
	return 0;
}

/*
 * Write the numbers and strings of `src` (data[] is big enough). Returns
 * 0, or -1 when memory ran out (the contact is unchanged).
 */
static int contact_write(struct ultrace_registry *registry,
		struct ultrace_registry_contact *contact,
		const struct ultrace_contact *src,
		const struct ultrace_str in[])
{
	struct shared_str *fresh[SHARED_FIELDS];
	uint16_t at = 0;
	int i;
	int j;

	for (j = 0; j < SHARED_FIELDS; j++) {
		fresh[j] = contact->shared[j];
		if (str_eq(shared_s(fresh[j]), in[INLINE_FIELDS + j])) {
			continue;
		}
		if (shared_get(registry, in[INLINE_FIELDS + j], &fresh[j]) != 0) {
			while (j-- > 0) {
				if (fresh[j] != contact->shared[j]) {
					shared_put(registry, fresh[j]);
				}
			}
			return -1;
		}
	}
	for (j = 0; j < SHARED_FIELDS; j++) {
		if (fresh[j] != contact->shared[j]) {
			shared_put(registry, contact->shared[j]);
			contact->shared[j] = fresh[j];
		}
	}
	for (i = 0; i < INLINE_FIELDS; i++) {
		memcpy(contact->data + at, in[i].s, in[i].len);
		at = (uint16_t) (at + in[i].len);
		contact->data[at++] = '\0';
		contact->end[i] = at;
	}
	contact->enode.key = src->expires;
	contact->last_modified = src->last_modified;
	contact->cseq = src->cseq;
	contact->q = src->q;
	contact->flags = src->flags;
	contact->cflags = src->cflags;
	contact->methods = src->methods;
	contact->reg_id = src->reg_id;
	return 0;
}

static struct ultrace_registry_contact *contact_alloc(size_t data_size)
{
	struct ultrace_registry_contact *contact =
		malloc(sizeof(*contact) + data_size);

	if (contact != NULL) {
		memset(contact, 0, sizeof(*contact));
		expiry_wheel_node_init(&contact->enode);
	}
	return contact;
}

static int contact_values_equal(
		const struct ultrace_registry_contact *contact,
		const struct ultrace_contact *b, const struct ultrace_str in[])
{
	int i;

	if (contact->enode.key != b->expires ||
			contact->last_modified != b->last_modified ||
			contact->cseq != b->cseq || contact->q != b->q ||
			contact->flags != b->flags ||
			contact->cflags != b->cflags ||
			contact->methods != b->methods ||
			contact->reg_id != b->reg_id) {
		return 0;
	}
	for (i = 0; i < INLINE_FIELDS; i++) {
		if (!str_eq(contact_str(contact, i), in[i])) {
			return 0;
		}
	}
	for (i = 0; i < SHARED_FIELDS; i++) {
		if (!str_eq(shared_s(contact->shared[i]),
				in[INLINE_FIELDS + i])) {
			return 0;
		}
	}
	return 1;
}

/* Keep the contact's place in the expiry wheel in step with its key. */
static void contact_track_expiry(struct ultrace_registry *registry,
		struct ultrace_registry_contact *contact)
{
	int queued = expiry_wheel_node_is_queued(&contact->enode);

	if (contact->enode.key <= 0) {
		/* Permanent (usrloc's 0) or unknown: never expires by TTL. */
		if (queued) {
			expiry_wheel_remove(&registry->expiry, &contact->enode);
		}
	} else if (queued) {
		expiry_wheel_requeue(&registry->expiry, &contact->enode);
	} else {
		expiry_wheel_insert(&registry->expiry, &contact->enode);
	}
}

/*
 * `fresh` (a copy of `old`'s header, bigger data[]) takes `old`'s place
 * everywhere a pointer to it is kept: hash chain, user list, expiry heap.
 */
static void contact_relocate(struct ultrace_registry *registry,
		struct ultrace_registry_contact *old,
		struct ultrace_registry_contact *fresh)
{
	struct ultrace_registry_user *user = old->user;

	hash_table_remove(&registry->contacts, &old->hnode);
	hash_table_insert(&registry->contacts, &fresh->hnode);
	if (user->first == old) {
		user->first = fresh;
	} else {
		old->prev->next = fresh;
	}
	if (old->next != NULL) {
		old->next->prev = fresh;
	} else {
		user->first->prev = fresh;
	}
	if (fresh->prev == old) {
		fresh->prev = fresh;             /* it was alone */
	}
	if (expiry_wheel_node_is_queued(&old->enode)) {
		expiry_wheel_move(&old->enode, &fresh->enode);
	}
	free(old);
}

/*
 * Overwrite a contact's values with `src`: in place when its strings fit
 * and are not its own, else in a new allocation that takes its place.
 * Returns the contact (maybe moved), or NULL when memory ran out (the
 * contact is unchanged).
 */
static struct ultrace_registry_contact *contact_update(
		struct ultrace_registry *registry,
		struct ultrace_registry_contact *contact,
		const struct ultrace_contact *src, const struct ultrace_str in[],
		size_t size)
{
	/* Strings that shrank leave their tail unused until a move. */
	if (size > contact->end[INLINE_FIELDS - 1] ||
			contact_holds(contact, in)) {
		struct ultrace_registry_contact *fresh = contact_alloc(size);

		if (fresh == NULL) {
			return NULL;
		}
		memcpy(fresh, contact, offsetof(struct ultrace_registry_contact,
			end));
		/* The shared strings' references move with the header. */
		if (contact_write(registry, fresh, src, in) != 0) {
			free(fresh);
			return NULL;
		}
		contact_relocate(registry, contact, fresh);
		contact = fresh;
	} else if (contact_write(registry, contact, src, in) != 0) {
		return NULL;
	}
	contact_track_expiry(registry, contact);
	return contact;
}

static struct ultrace_registry_contact *contact_create(
		struct ultrace_registry *registry,
		struct ultrace_registry_user *user,
		const struct contact_key *key,
		const struct ultrace_contact *values,
		const struct ultrace_str in[], size_t size)
{
	struct ultrace_registry_contact *contact = contact_alloc(size);

	if (contact == NULL) {
		return NULL;
	}
	contact->user = user;
	if (contact_write(registry, contact, values, in) != 0) {
		free(contact);
		return NULL;
	}
	contact_track_expiry(registry, contact);
	contact->index = user->next_contact_index++;
	contact->next = NULL;
	if (user->first == NULL) {
		user->first = contact;
	} else {
		contact->prev = user->first->prev;
		contact->prev->next = contact;
	}
	user->first->prev = contact;
	user->contact_count++;
	contact->hnode.hash = (uint32_t) key->contact_hash;
	hash_table_insert(&registry->contacts, &contact->hnode);
	registry->stats.contacts++;
	return contact;
}

static void contact_remove(struct ultrace_registry *registry,
		struct ultrace_registry_contact *contact)
{
	struct ultrace_registry_user *user = contact->user;

	if (registry->observer.removed != NULL) {
		registry->observer.removed(registry->observer.data, contact);
	}
	hash_table_remove(&registry->contacts, &contact->hnode);
	if (expiry_wheel_node_is_queued(&contact->enode)) {
		expiry_wheel_remove(&registry->expiry, &contact->enode);
	}
	if (user->first == contact) {
		user->first = contact->next;
		if (user->first != NULL) {
			user->first->prev = contact->prev;
		}
	} else {
		contact->prev->next = contact->next;
		if (contact->next != NULL) {
			contact->next->prev = contact->prev;
		} else {
			user->first->prev = contact->prev;
		}
	}
	user->contact_count--;
	registry->stats.contacts--;
	contact_free(registry, contact);
	if (user->contact_count == 0) {
		user_remove(registry, user);
	}
}

/*
 * Something may have been missed between since_ns and until_ns: only a
 * dump that begins after until_ns can vouch for the registry again.
 */
static void mark_suspect_range(struct ultrace_registry *registry,
		int64_t since_ns, int64_t until_ns,
		enum ultrace_suspect_reason reason)
{
	struct ultrace_registry_stats *st = &registry->stats;

	if (since_ns <= 0) {
		since_ns = st->last_event_ns;
	}
	if (until_ns < since_ns) {
		until_ns = since_ns;
	}
	if (st->health != ULTRACE_REGISTRY_SUSPECT) {
		st->health = ULTRACE_REGISTRY_SUSPECT;
		st->suspect_reason = reason;
		st->suspect_since_ns = since_ns;
	}
	if (until_ns > registry->last_suspect_mark_ns) {
		registry->last_suspect_mark_ns = until_ns;
	}
}

void ultrace_registry_mark_suspect(struct ultrace_registry *registry,
		int64_t since_ns, enum ultrace_suspect_reason reason)
{
	mark_suspect_range(registry, since_ns, since_ns, reason);
}

/* A complete dump that nothing put in doubt: the registry is the truth. */
static void mark_consistent(struct ultrace_registry *registry, int64_t at_ns)
{
	struct ultrace_registry_stats *st = &registry->stats;

	if (st->health == ULTRACE_REGISTRY_CONSISTENT) {
		return;
	}
	st->health = ULTRACE_REGISTRY_CONSISTENT;
	st->suspect_reason = ULTRACE_SUSPECT_NONE;
	st->suspect_since_ns = 0;
	st->consistent_since_ns = at_ns;
}

/* Anomalies that only a lost event (or a late start) explains. */
static int anomaly_implies_loss(enum ultrace_anomaly anomaly)
{
	switch (anomaly) {
	case ULTRACE_ANOMALY_INSERT_EXISTING:
	case ULTRACE_ANOMALY_UPDATE_UNKNOWN:
	case ULTRACE_ANOMALY_DELETE_UNKNOWN:
	case ULTRACE_ANOMALY_EXPIRE_UNKNOWN:
	case ULTRACE_ANOMALY_REFRESH_UNKNOWN:
	case ULTRACE_ANOMALY_REFRESH_MISMATCH:
		return 1;
	default:
		return 0;
	}
}

static void count_anomaly(struct ultrace_registry *registry,
		enum ultrace_anomaly anomaly)
{
	registry->stats.anomalies[anomaly]++;
	if (anomaly_implies_loss(anomaly)) {
		ultrace_registry_mark_suspect(registry,
			registry->stats.last_event_ns,
			ULTRACE_SUSPECT_ANOMALY);
	} else if (anomaly == ULTRACE_ANOMALY_DUMP_INCOMPLETE) {
		ultrace_registry_mark_suspect(registry,
			registry->stats.last_event_ns,
			ULTRACE_SUSPECT_DUMP_INCOMPLETE);
	}
}

/*
 * Create or overwrite a contact. `*created` says which happened, `*changed`
 * whether the values differ from what the registry held.
 */
static enum ultrace_registry_status upsert(struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		const struct ultrace_registry_hint *hint,
		struct ultrace_registry_contact **out, int *created,
		int *changed)
{
	const struct ultrace_contact *values = &event->contact;
	struct ultrace_str in[CONTACT_STRING_FIELDS];
	struct ultrace_registry_user *user;
	struct ultrace_registry_contact *contact;
	struct contact_key key;
	size_t size;
	int new_user = 0;

	*created = 0;
	*changed = 0;
	contact_inputs(values, in);
	size = contact_data_size(in);
	if (size == 0) {
		/* Strings no registrar sends (over 64 KiB in all). */
		count_anomaly(registry, ULTRACE_ANOMALY_INVALID);
		return ULTRACE_REGISTRY_STATUS_INVALID;
	}
	key_init_hinted(registry, &key, values->domain, values->aor,
		values->contact, hint);
	contact = find_contact(registry, &key);
	if (contact != NULL) {
		*changed = !contact_values_equal(contact, values, in);
		if (*changed) {
			contact = contact_update(registry, contact, values, in,
				size);
			if (contact == NULL) {
				return ULTRACE_REGISTRY_STATUS_NOMEM;
			}
		}
	} else {
		user = find_user(registry, &key);
		if (user == NULL) {
			user = user_create(registry, &key);
			if (user == NULL) {
				return ULTRACE_REGISTRY_STATUS_NOMEM;
			}
			new_user = 1;
		}
		contact = contact_create(registry, user, &key, values, in,
			size);
		if (contact == NULL) {
			if (new_user) {
				user_remove(registry, user);
			}
			return ULTRACE_REGISTRY_STATUS_NOMEM;
		}
		*created = 1;
		*changed = 1;
	}
	contact->mark = registry->dump_generation;
	*out = contact;
	if (*changed) {
		contact->changed_ns = event->time_ns;
	}
	if (*changed && registry->observer.changed != NULL) {
		registry->observer.changed(registry->observer.data, contact,
			event->time_ns);
	}
	return ULTRACE_REGISTRY_STATUS_OK;
}

static enum ultrace_registry_status apply_remove(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		const struct ultrace_registry_hint *hint,
		enum ultrace_anomaly unknown)
{
	const struct ultrace_contact *values = &event->contact;
	struct ultrace_registry_contact *contact;
	struct contact_key key;

	key_init_hinted(registry, &key, values->domain, values->aor,
		values->contact, hint);
	contact = find_contact(registry, &key);
	if (contact == NULL) {
		/*
		 * The TTL already removed it: the registrar's own timer came
		 * later than ours, nothing was lost.
		 */
		if (values->expires > 0 &&
				values->expires <= registry->ttl_deadline_s) {
			return ULTRACE_REGISTRY_STATUS_NOT_FOUND;
		}
		count_anomaly(registry, unknown);
		return ULTRACE_REGISTRY_STATUS_NOT_FOUND;
	}
	contact_remove(registry, contact);
	return ULTRACE_REGISTRY_STATUS_OK;
}

static enum ultrace_registry_status apply_upsert(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		const struct ultrace_registry_hint *hint,
		enum ultrace_anomaly if_exists, enum ultrace_anomaly if_new)
{
	struct ultrace_registry_contact *contact;
	int created;
	int changed;
	enum ultrace_registry_status status;

	status = upsert(registry, event, hint, &contact, &created, &changed);
	if (status == ULTRACE_REGISTRY_STATUS_OK) {
		if (created && if_new != ULTRACE_ANOMALY_COUNT) {
			count_anomaly(registry, if_new);
		} else if (!created && if_exists != ULTRACE_ANOMALY_COUNT) {
			count_anomaly(registry, if_exists);
		}
	}
	return status;
}

/* A compact refresh: the contact filed under the event's key. */
static int refresh_key_match(const struct hash_node *node, const void *key)
{
	return ultrace_registry_contact_get_key((const void *) node) ==
		*(const uint64_t *) key;
}

static enum ultrace_registry_status apply_refresh(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event)
{
	struct ultrace_registry_contact *contact;
	uint64_t key = event->refresh_key;

	contact = (struct ultrace_registry_contact *) hash_table_lookup(
		&registry->contacts, key, refresh_key_match, &key);
	if (contact == NULL) {
		count_anomaly(registry, ULTRACE_ANOMALY_REFRESH_UNKNOWN);
		return ULTRACE_REGISTRY_STATUS_NOT_FOUND;
	}
	if (ultrace_contact_check(key, ultrace_registry_contact_values(
			contact)) != event->refresh_check) {
		/*
		 * The producer refreshed values this row does not hold (an
		 * update was lost): keep the row as it is, for a dump to fix.
		 */
		count_anomaly(registry, ULTRACE_ANOMALY_REFRESH_MISMATCH);
		return ULTRACE_REGISTRY_STATUS_NOT_FOUND;
	}
	contact->cseq = event->contact.cseq;
	contact->last_modified = event->contact.last_modified;
	if (contact->enode.key != event->contact.expires) {
		contact->enode.key = event->contact.expires;
		contact_track_expiry(registry, contact);
	}
	contact->mark = registry->dump_generation;
	contact->changed_ns = event->time_ns;
	if (registry->observer.changed != NULL) {
		registry->observer.changed(registry->observer.data, contact,
			event->time_ns);
	}
	return ULTRACE_REGISTRY_STATUS_OK;
}

static void dump_begin(struct ultrace_registry *registry,
		const struct ultrace_registry_event *event)
{
	if (registry->dump_active) {
		/* The previous dump never ended: it cannot be trusted. */
		count_anomaly(registry, ULTRACE_ANOMALY_DUMP_INCOMPLETE);
	}
	registry->dump_active = 1;
	registry->dump_tainted = 0;
	registry->stats.dumps_begun++;
	registry->dump_id = event->dump_id;
	registry->dump_generation++;
	registry->dump_seen = 0;
	registry->dump_begin_ns = event->time_ns;
}

static enum ultrace_registry_status dump_contact(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		const struct ultrace_registry_hint *hint)
{
	struct ultrace_registry_contact *contact;
	int created;
	int changed;
	int in_dump = registry->dump_active &&
		registry->dump_id == event->dump_id;
	enum ultrace_registry_status status;

	if (!in_dump) {
		count_anomaly(registry, ULTRACE_ANOMALY_DUMP_STRAY);
	}
	/* Still the producer's state at that instant: apply it either way. */
	status = upsert(registry, event, hint, &contact, &created, &changed);
	if (status != ULTRACE_REGISTRY_STATUS_OK) {
		if (in_dump) {
			registry->dump_tainted = 1;
		}
		return status;
	}
	if (changed) {
		registry->stats.dump_repaired++;
	}
	if (in_dump) {
		registry->dump_seen++;
	}
	return status;
}

/* Remove what a complete dump did not list and nothing touched since. */
static void dump_sweep(struct ultrace_registry *registry)
{
	struct ultrace_registry_user *user =
		user_of_tnode(index_tree_first(&registry->user_tree));

	while (user != NULL) {
		struct ultrace_registry_user *next_user = user_of_tnode(
			index_tree_next(&registry->user_tree, &user->tnode));
		struct ultrace_registry_contact *c = user->first;

		while (c != NULL) {
			struct ultrace_registry_contact *next = c->next;

			if (c->mark != registry->dump_generation) {
				registry->stats.dump_removed++;
				/* May free `user`: next_user is already known. */
				contact_remove(registry, c);
			}
			c = next;
		}
		user = next_user;
	}
}

static void dump_end(struct ultrace_registry *registry,
		const struct ultrace_registry_event *event)
{
	if (!registry->dump_active || registry->dump_id != event->dump_id) {
		count_anomaly(registry, ULTRACE_ANOMALY_DUMP_STRAY);
		return;
	}
	registry->dump_active = 0;
	/*
	 * Every row the dump listed arrived: the sweep is sound even if the
	 * tracer discarded other events meanwhile (a lost event can only
	 * leave an error the next dump repairs), so it runs; but the
	 * registry is only declared consistent by a dump nothing doubted.
	 */
	if (registry->dump_tainted ||
			registry->dump_seen != event->dump_contacts) {
		count_anomaly(registry, ULTRACE_ANOMALY_DUMP_INCOMPLETE);
		return;
	}
	dump_sweep(registry);
	registry->stats.dumps_complete++;
	if (registry->last_suspect_mark_ns < registry->dump_begin_ns) {
		mark_consistent(registry, event->time_ns);
	}
}

/* The latest of each wins: the registrar's counters are cumulative. */
static void apply_registrar(struct ultrace_registry *registry,
		const struct ultrace_registry_event *event)
{
	struct ultrace_registry_registrar *r = &registry->registrar;

	if (event->kind == ULTRACE_EVENT_REGISTRAR_CONFIG) {
		r->has_settings = 1;
		r->settings = event->registrar.settings;
		r->settings_ns = event->time_ns;
	} else {
		r->has_counts = 1;
		r->counts = event->registrar.counts;
		r->counts_ns = event->time_ns;
	}
}

const struct ultrace_registry_registrar *ultrace_registry_borrow_registrar(
		const struct ultrace_registry *registry)
{
	return &registry->registrar;
}

int ultrace_event_kind_has_contact(enum ultrace_event_kind kind)
{
	return kind == ULTRACE_EVENT_CONTACT_INSERT ||
		kind == ULTRACE_EVENT_CONTACT_UPDATE ||
		kind == ULTRACE_EVENT_CONTACT_DELETE ||
		kind == ULTRACE_EVENT_CONTACT_EXPIRE ||
		kind == ULTRACE_EVENT_STATEDUMP_CONTACT;
}

enum ultrace_registry_status ultrace_registry_apply(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event)
{
	return ultrace_registry_apply_hinted(registry, event, NULL);
}

enum ultrace_registry_status ultrace_registry_apply_hinted(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		const struct ultrace_registry_hint *hint)
{
	enum ultrace_registry_status status = ULTRACE_REGISTRY_STATUS_OK;

	if ((unsigned int) event->kind >= ULTRACE_EVENT_KIND_COUNT) {
		count_anomaly(registry, ULTRACE_ANOMALY_INVALID);
		status = ULTRACE_REGISTRY_STATUS_INVALID;
		goto end;
	}
	registry->stats.events[event->kind]++;
	if (registry->stats.first_event_ns == 0) {
		registry->stats.first_event_ns = event->time_ns;
	}
	registry->stats.last_event_ns = event->time_ns;
	if (ultrace_event_kind_has_contact(event->kind)) {
		if (event->contact.aor.len == 0 ||
				event->contact.contact.len == 0 ||
				event->contact.aor.s == NULL ||
				event->contact.contact.s == NULL) {
			count_anomaly(registry, ULTRACE_ANOMALY_INVALID);
			status = ULTRACE_REGISTRY_STATUS_INVALID;
			goto end;
		}
		if (event->truncated != 0) {
			count_anomaly(registry, ULTRACE_ANOMALY_TRUNCATED);
		}
	}
	switch (event->kind) {
	case ULTRACE_EVENT_CONTACT_INSERT:
		status = apply_upsert(registry, event, hint,
			ULTRACE_ANOMALY_INSERT_EXISTING, ULTRACE_ANOMALY_COUNT);
		break;
	case ULTRACE_EVENT_CONTACT_UPDATE:
		status = apply_upsert(registry, event, hint,
			ULTRACE_ANOMALY_COUNT, ULTRACE_ANOMALY_UPDATE_UNKNOWN);
		break;
	case ULTRACE_EVENT_CONTACT_DELETE:
		status = apply_remove(registry, event, hint,
			ULTRACE_ANOMALY_DELETE_UNKNOWN);
		break;
	case ULTRACE_EVENT_CONTACT_EXPIRE:
		status = apply_remove(registry, event, hint,
			ULTRACE_ANOMALY_EXPIRE_UNKNOWN);
		break;
	case ULTRACE_EVENT_STATEDUMP_BEGIN:
		dump_begin(registry, event);
		break;
	case ULTRACE_EVENT_STATEDUMP_CONTACT:
		status = dump_contact(registry, event, hint);
		break;
	case ULTRACE_EVENT_STATEDUMP_END:
		dump_end(registry, event);
		break;
	case ULTRACE_EVENT_CONTACT_REFRESH:
		status = apply_refresh(registry, event);
		break;
	case ULTRACE_EVENT_REGISTRAR_CONFIG:
	case ULTRACE_EVENT_REGISTRAR_COUNTERS:
		apply_registrar(registry, event);
		break;
	case ULTRACE_EVENT_KIND_COUNT:
		break;
	}
end:
	return status;
}

/* The hint of a refresh: matches no domain, so no key trusts it. */
static const char refresh_hint;

static void hint_prepare(const struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		struct ultrace_registry_hint *hint)
{
	struct contact_key key;

	hint->domain = NULL;
	if (event != NULL && event->kind == ULTRACE_EVENT_CONTACT_REFRESH) {
		/* Only the prefetch: apply_refresh() needs no hashes. */
		hint->domain = &refresh_hint;
		hint->slot = UINT32_MAX;
		hint->user_hash = event->refresh_key;
		hint->contact_hash = event->refresh_key;
		__builtin_prefetch(&registry->contacts.buckets[
			event->refresh_key & registry->contacts.mask]);
		return;
	}
	if (event == NULL || !ultrace_event_kind_has_contact(event->kind)) {
		return;
	}
	key_init(registry, &key, event->contact.domain, event->contact.aor,
		event->contact.contact);
	if (key.domain == NULL) {
		return;
	}
	hint->domain = key.domain;
	hint->slot = key.domain->slot;
	hint->user_hash = key.user_hash;
	hint->contact_hash = key.contact_hash;
	__builtin_prefetch(&registry->contacts.buckets[key.contact_hash &
		registry->contacts.mask]);
	__builtin_prefetch(&registry->users.buckets[key.user_hash &
		registry->users.mask]);
}

static void hint_prefetch(const struct ultrace_registry *registry,
		const struct ultrace_registry_hint *hint)
{
	const struct hash_node *node;

	if (hint->domain == NULL) {
		return;
	}
	/* The tables may have grown meanwhile: a hint, never a fault. */
	node = registry->contacts.buckets[hint->contact_hash &
		registry->contacts.mask];
	if (node != NULL) {
		__builtin_prefetch(node);
		__builtin_prefetch((const char *) node + 64);
		__builtin_prefetch((const char *) node + 128);
	}
	node = registry->users.buckets[hint->user_hash & registry->users.mask];
	if (node != NULL) {
		__builtin_prefetch(node);
	}
}

/* The entries of the item half the lookahead ahead start loading. */
#define LOOKAHEAD_NEAR (ULTRACE_REGISTRY_LOOKAHEAD / 2)

static void lookahead_prepare(struct ultrace_registry_lookahead *la,
		size_t i)
{
	hint_prepare(la->registry, i < la->count ? la->at(la->ctx, i) : NULL,
		&la->ring[i % ULTRACE_REGISTRY_LOOKAHEAD]);
}

void ultrace_registry_lookahead_start(struct ultrace_registry_lookahead *la,
		const struct ultrace_registry *registry,
		ultrace_registry_event_at_fn at, void *ctx, size_t count)
{
	size_t i;

	la->registry = registry;
	la->at = at;
	la->ctx = ctx;
	la->count = count;
	for (i = 0; i < ULTRACE_REGISTRY_LOOKAHEAD; i++) {
		lookahead_prepare(la, i);
	}
}

const struct ultrace_registry_hint *ultrace_registry_lookahead_step(
		struct ultrace_registry_lookahead *la, size_t i,
		struct ultrace_registry_hint *hint)
{
	*hint = la->ring[i % ULTRACE_REGISTRY_LOOKAHEAD];
	hint_prefetch(la->registry,
		&la->ring[(i + LOOKAHEAD_NEAR) % ULTRACE_REGISTRY_LOOKAHEAD]);
	/* Item i's slot now serves the item a whole lookahead further. */
	lookahead_prepare(la, i + ULTRACE_REGISTRY_LOOKAHEAD);
	return hint;
}

void ultrace_registry_note_loss(struct ultrace_registry *registry,
		uint64_t events, uint64_t packets, int64_t begin_ns,
		int64_t end_ns)
{
	registry->stats.discarded_events += events;
	registry->stats.discarded_packets += packets;
	if (events > 0 || packets > 0) {
		mark_suspect_range(registry, begin_ns,
			end_ns > 0 ? end_ns : registry->stats.last_event_ns,
			ULTRACE_SUSPECT_DISCARDS);
	}
}

void ultrace_registry_note_discarded_events(struct ultrace_registry *registry,
		uint64_t count)
{
	ultrace_registry_note_loss(registry, count, 0, 0, 0);
}

void ultrace_registry_note_discarded_packets(
		struct ultrace_registry *registry, uint64_t count)
{
	ultrace_registry_note_loss(registry, 0, count, 0, 0);
}

uint64_t ultrace_registry_expire(struct ultrace_registry *registry,
		int64_t deadline_s)
{
	struct expiry_wheel_node *due;
	uint64_t removed = 0;

	if (deadline_s > registry->ttl_deadline_s) {
		registry->ttl_deadline_s = deadline_s;
	}
	while ((due = expiry_wheel_next_due(&registry->expiry,
			deadline_s)) != NULL) {
		struct ultrace_registry_contact *contact =
			(struct ultrace_registry_contact *) ((char *) due -
			offsetof(struct ultrace_registry_contact, enode));

		contact_remove(registry, contact);
		removed++;
	}
	registry->stats.ttl_expired += removed;
	return removed;
}

void ultrace_registry_set_observer(struct ultrace_registry *registry,
		const struct ultrace_registry_observer *observer)
{
	if (observer == NULL) {
		memset(&registry->observer, 0, sizeof(registry->observer));
	} else {
		registry->observer = *observer;
	}
}

enum ultrace_registry_status ultrace_registry_put_contact(
		struct ultrace_registry *registry,
		const struct ultrace_contact *values)
{
	struct ultrace_registry_event event;
	struct ultrace_registry_observer observer = registry->observer;
	struct ultrace_registry_contact *contact;
	enum ultrace_registry_status status;
	int created;
	int changed;

	if (values->aor.len == 0 || values->contact.len == 0 ||
			values->aor.s == NULL || values->contact.s == NULL) {
		return ULTRACE_REGISTRY_STATUS_INVALID;
	}
	memset(&event, 0, sizeof(event));
	event.kind = ULTRACE_EVENT_CONTACT_UPDATE;
	event.contact = *values;
	memset(&registry->observer, 0, sizeof(registry->observer));
	status = upsert(registry, &event, NULL, &contact, &created, &changed);
	registry->observer = observer;
	if (status == ULTRACE_REGISTRY_STATUS_INVALID) {
		/* upsert counted it: a derived registry counts no anomaly. */
		registry->stats.anomalies[ULTRACE_ANOMALY_INVALID]--;
	}
	return status;
}

enum ultrace_registry_status ultrace_registry_remove_contact(
		struct ultrace_registry *registry, struct ultrace_str domain,
		struct ultrace_str aor, struct ultrace_str uri)
{
	struct ultrace_registry_observer observer = registry->observer;
	struct ultrace_registry_contact *contact;
	struct contact_key key;

	key_init(registry, &key, domain, aor, uri);
	contact = find_contact(registry, &key);
	if (contact == NULL) {
		return ULTRACE_REGISTRY_STATUS_NOT_FOUND;
	}
	memset(&registry->observer, 0, sizeof(registry->observer));
	contact_remove(registry, contact);
	registry->observer = observer;
	return ULTRACE_REGISTRY_STATUS_OK;
}

int64_t ultrace_registry_contact_get_changed_ns(
		const struct ultrace_registry_contact *contact)
{
	return contact->changed_ns;
}

uint64_t ultrace_registry_contact_get_key(
		const struct ultrace_registry_contact *contact)
{
	const struct ultrace_registry_user *user = contact->user;

	return ultrace_hash_contact(ultrace_hash_user(user->domain->seed,
		user_aor(user)), contact_str(contact, 0));
}

const struct ultrace_registry_stats *ultrace_registry_borrow_stats(
		const struct ultrace_registry *registry)
{
	return &registry->stats;
}

const struct ultrace_registry_user *ultrace_registry_borrow_user(
		const struct ultrace_registry *registry,
		struct ultrace_str domain, struct ultrace_str aor)
{
	struct contact_key key;

	key_init(registry, &key, domain, aor, aor);
	return find_user(registry, &key);
}

const struct ultrace_registry_contact *ultrace_registry_borrow_contact(
		const struct ultrace_registry *registry,
		struct ultrace_str domain, struct ultrace_str aor,
		struct ultrace_str contact)
{
	struct contact_key key;

	key_init(registry, &key, domain, aor, contact);
	return find_contact(registry, &key);
}

const struct ultrace_registry_user *ultrace_registry_borrow_user_by_aor(
		const struct ultrace_registry *registry, struct ultrace_str aor)
{
	const struct ultrace_registry_user *best = NULL;
	struct contact_key key;
	size_t i;

	key.aor = str_or_empty(aor);
	for (i = 0; i < registry->domain_count; i++) {
		const struct ultrace_registry_user *user;

		if (registry->domains[i] == NULL) {
			continue;
		}
		key.domain = registry->domains[i];
		key.user_hash = user_hash(key.domain, key.aor);
		user = find_user(registry, &key);
		if (user != NULL && (best == NULL ||
				user->tnode.key < best->tnode.key)) {
			best = user;
		}
	}
	return best;
}

const struct ultrace_registry_user *ultrace_registry_borrow_user_by_index(
		const struct ultrace_registry *registry, uint32_t user_index)
{
	return user_of_tnode(index_tree_find(&registry->user_tree,
		user_index));
}

const struct ultrace_registry_user *ultrace_registry_borrow_user_ge(
		const struct ultrace_registry *registry, uint32_t user_index)
{
	return user_of_tnode(index_tree_find_ge(&registry->user_tree,
		user_index));
}

const struct ultrace_registry_user *ultrace_registry_borrow_next_user(
		const struct ultrace_registry *registry,
		const struct ultrace_registry_user *user)
{
	return user_of_tnode(index_tree_next(&registry->user_tree,
		&user->tnode));
}

const struct ultrace_registry_contact *ultrace_registry_borrow_contact_ge(
		const struct ultrace_registry *registry, uint32_t user_index,
		uint32_t contact_index)
{
	const struct ultrace_registry_user *user =
		ultrace_registry_borrow_user_ge(registry, user_index);

	while (user != NULL) {
		const struct ultrace_registry_contact *c = user->first;

		/* Only the user asked for is sought past contact_index. */
		if (user->tnode.key == user_index) {
			while (c != NULL && c->index < contact_index) {
				c = c->next;
			}
		}
		if (c != NULL) {
			return c;
		}
		user = ultrace_registry_borrow_next_user(registry, user);
	}
	return NULL;
}

uint32_t ultrace_registry_user_get_index(
		const struct ultrace_registry_user *user)
{
	return (uint32_t) user->tnode.key;
}

struct ultrace_str ultrace_registry_user_get_domain(
		const struct ultrace_registry_user *user)
{
	struct ultrace_str s = { user->domain->name, user->domain->len };

	return s;
}

struct ultrace_str ultrace_registry_user_get_aor(
		const struct ultrace_registry_user *user)
{
	return user_aor(user);
}

uint32_t ultrace_registry_user_get_contact_count(
		const struct ultrace_registry_user *user)
{
	return user->contact_count;
}

const struct ultrace_registry_contact *ultrace_registry_user_borrow_first_contact(
		const struct ultrace_registry_user *user)
{
	return user->first;
}

const struct ultrace_registry_contact *ultrace_registry_contact_borrow_next(
		const struct ultrace_registry_contact *contact)
{
	return contact->next;
}

uint32_t ultrace_registry_contact_get_index(
		const struct ultrace_registry_contact *contact)
{
	return contact->index;
}

const struct ultrace_registry_user *ultrace_registry_contact_borrow_user(
		const struct ultrace_registry_contact *contact)
{
	return contact->user;
}

const struct ultrace_contact *ultrace_registry_contact_get_values(
		const struct ultrace_registry_contact *contact,
		struct ultrace_contact *out)
{
	out->domain = ultrace_registry_user_get_domain(contact->user);
	out->aor = user_aor(contact->user);
	out->contact = contact_str(contact, 0);
	out->display_name = contact_str(contact, 1);
	out->received = contact_str(contact, 2);
	out->path = contact_str(contact, 3);
	out->callid = contact_str(contact, 4);
	out->ruid = contact_str(contact, 5);
	out->instance = contact_str(contact, 6);
	out->user_agent = shared_s(contact->shared[0]);
	out->socket = shared_s(contact->shared[1]);
	out->cseq = contact->cseq;
	out->q = contact->q;
	out->expires = contact->enode.key;
	out->last_modified = contact->last_modified;
	out->flags = contact->flags;
	out->cflags = contact->cflags;
	out->methods = contact->methods;
	out->reg_id = contact->reg_id;
	return out;
}


const char *ultrace_event_kind_name(enum ultrace_event_kind kind)
{
	static const char *const names[ULTRACE_EVENT_KIND_COUNT] = {
		"contact_insert", "contact_update", "contact_delete",
		"contact_expire", "statedump_begin", "statedump_contact",
		"statedump_end", "contact_refresh", "registrar_config",
		"registrar_counters",
	};

	return (unsigned int) kind < ULTRACE_EVENT_KIND_COUNT ?
		names[kind] : "unknown";
}

const char *ultrace_anomaly_name(enum ultrace_anomaly anomaly)
{
	static const char *const names[ULTRACE_ANOMALY_COUNT] = {
		"insert_existing", "update_unknown", "delete_unknown",
		"expire_unknown", "invalid", "dump_stray", "dump_incomplete",
		"truncated", "refresh_unknown", "refresh_mismatch",
	};

	return (unsigned int) anomaly < ULTRACE_ANOMALY_COUNT ?
		names[anomaly] : "unknown";
}

const char *ultrace_suspect_reason_name(enum ultrace_suspect_reason reason)
{
	static const char *const names[ULTRACE_SUSPECT_REASON_COUNT] = {
		"", "discards", "anomaly", "attach", "dump_incomplete",
	};

	return (unsigned int) reason < ULTRACE_SUSPECT_REASON_COUNT ?
		names[reason] : "unknown";
}

const char *ultrace_registry_health_name(enum ultrace_registry_health health)
{
	switch (health) {
	case ULTRACE_REGISTRY_CONSISTENT:
		return "consistent";
	case ULTRACE_REGISTRY_SUSPECT:
		return "suspect";
	}
	return "unknown";
}
