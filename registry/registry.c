/*
 * registry.c: users and contacts, their indexes, and the rules that apply
 * trace events to them. No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "expiry_heap.h"
#include "hash_table.h"
#include "index_tree.h"

#define CONTACT_STRING_FIELDS 9

struct ultrace_registry_user {
	struct hash_node hnode;          /* by (domain, AOR) */
	struct index_tree_node tnode;    /* by user index */
	char *blob;                      /* "domain\0aor\0" */
	struct ultrace_str domain;
	struct ultrace_str aor;
	struct ultrace_registry_contact *first;  /* contact-index order */
	struct ultrace_registry_contact *last;
	uint32_t contact_count;
	uint32_t next_contact_index;
};

struct ultrace_registry_contact {
	struct hash_node hnode;          /* by (user, contact URI) */
	struct ultrace_registry_user *user;
	struct ultrace_registry_contact *prev;
	struct ultrace_registry_contact *next;
	uint32_t index;
	char *blob;                      /* the string fields, NUL-separated */
	struct ultrace_contact values;   /* domain/aor point into the user */
	int64_t last_event_ns;
	uint64_t dump_mark;              /* generation of the last dump */
	struct expiry_heap_node enode;   /* by expires, while > 0 */
};

/*
 * A distinct usrloc domain and the number of users it holds: the AOR
 * lookup tries the user hash once per domain (a registrar has 1-3).
 */
struct registry_domain {
	char *name;
	size_t len;
	uint64_t users;
};

struct ultrace_registry {
	struct hash_table users;
	struct hash_table contacts;
	struct index_tree user_tree;
	struct expiry_heap expiry;       /* contacts by `expires` */
	int64_t ttl_deadline_s;          /* latest ultrace_registry_expire() */
	int64_t last_suspect_mark_ns;    /* latest mark_suspect instant */
	struct registry_domain *domains;
	size_t domain_count;
	size_t domain_alloc;
	uint32_t next_user_index;
	struct ultrace_registry_stats stats;
	/* The statedump in progress, if any. */
	int dump_active;
	int dump_tainted;                /* cannot sweep (out of memory) */
	uint64_t dump_id;
	uint64_t dump_generation;
	uint64_t dump_seen;
	int64_t dump_begin_ns;
};

struct user_key {
	struct ultrace_str domain;
	struct ultrace_str aor;
};

struct contact_key {
	const struct ultrace_registry_user *user;
	struct ultrace_str contact;
};

static int str_eq(struct ultrace_str a, struct ultrace_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static uint64_t user_hash(struct ultrace_str domain, struct ultrace_str aor)
{
	uint64_t h = hash_bytes(HASH_SEED, domain.s, domain.len);

	/* A separator byte: ("ab","c") and ("a","bc") must differ. */
	h = hash_bytes(h, "", 1);
	return hash_bytes(h, aor.s, aor.len);
}

static uint64_t contact_hash(const struct ultrace_registry_user *user,
		struct ultrace_str contact)
{
	uint32_t index = (uint32_t) user->tnode.key;
	uint64_t h = hash_bytes(HASH_SEED, &index, sizeof(index));

	return hash_bytes(h, contact.s, contact.len);
}

static int user_match(const struct hash_node *node, const void *key)
{
	const struct ultrace_registry_user *user = (const void *) node;
	const struct user_key *k = key;

	return str_eq(user->aor, k->aor) && str_eq(user->domain, k->domain);
}

static int contact_match(const struct hash_node *node, const void *key)
{
	const struct ultrace_registry_contact *contact = (const void *) node;
	const struct contact_key *k = key;

	return contact->user == k->user &&
		str_eq(contact->values.contact, k->contact);
}

static struct ultrace_str str_or_empty(struct ultrace_str s)
{
	if (s.s == NULL) {
		s.s = "";
		s.len = 0;
	}
	return s;
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
	if (hash_table_init(&registry->contacts) != 0) {
		goto error_users;
	}
	index_tree_init(&registry->user_tree);
	expiry_heap_init(&registry->expiry);
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

static void contact_free(struct ultrace_registry_contact *contact)
{
	free(contact->blob);
	free(contact);
}

static void user_free(struct ultrace_registry_user *user)
{
	struct ultrace_registry_contact *c = user->first;

	while (c != NULL) {
		struct ultrace_registry_contact *next = c->next;

		contact_free(c);
		c = next;
	}
	free(user->blob);
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
	struct index_tree_node *node;

	if (registry == NULL) {
		return;
	}
	/* Detach users one by one: the tree has no post-order iterator. */
	while ((node = index_tree_first(&registry->user_tree)) != NULL) {
		index_tree_remove(&registry->user_tree, node);
		user_free(user_of_tnode(node));
	}
	expiry_heap_fini(&registry->expiry);
	hash_table_fini(&registry->contacts);
	hash_table_fini(&registry->users);
	while (registry->domain_count > 0) {
		free(registry->domains[--registry->domain_count].name);
	}
	free(registry->domains);
	free(registry);
}

static struct registry_domain *find_domain(
		const struct ultrace_registry *registry,
		struct ultrace_str domain)
{
	size_t i;

	for (i = 0; i < registry->domain_count; i++) {
		struct registry_domain *d = &registry->domains[i];
		struct ultrace_str name = { d->name, d->len };

		if (str_eq(name, domain)) {
			return d;
		}
	}
	return NULL;
}

/* Count one more user of `domain` (already str_or_empty). 0 or -1. */
static int domain_get_ref(struct ultrace_registry *registry,
		struct ultrace_str domain)
{
	struct registry_domain *d = find_domain(registry, domain);
	char *name;

	if (d != NULL) {
		d->users++;
		return 0;
	}
	if (registry->domain_count == registry->domain_alloc) {
		size_t alloc = registry->domain_alloc ?
			registry->domain_alloc * 2 : 4;
		struct registry_domain *domains = realloc(registry->domains,
			alloc * sizeof(*domains));

		if (domains == NULL) {
			return -1;
		}
		registry->domains = domains;
		registry->domain_alloc = alloc;
	}
	name = malloc(domain.len + 1);
	if (name == NULL) {
		return -1;
	}
	memcpy(name, domain.s, domain.len);
	name[domain.len] = '\0';
	d = &registry->domains[registry->domain_count++];
	d->name = name;
	d->len = domain.len;
	d->users = 1;
	return 0;
}

static void domain_put_ref(struct ultrace_registry *registry,
		struct ultrace_str domain)
{
	struct registry_domain *d = find_domain(registry, domain);

	if (d == NULL || --d->users > 0) {
		return;
	}
	free(d->name);
	/* Order does not matter: move the last entry into the hole. */
	*d = registry->domains[--registry->domain_count];
}

static struct ultrace_registry_user *find_user(
		const struct ultrace_registry *registry,
		struct ultrace_str domain, struct ultrace_str aor)
{
	struct user_key key = { str_or_empty(domain), str_or_empty(aor) };

	return (struct ultrace_registry_user *) hash_table_lookup(
		&registry->users, user_hash(key.domain, key.aor), user_match,
		&key);
}

static struct ultrace_registry_contact *find_contact(
		const struct ultrace_registry *registry,
		const struct ultrace_registry_user *user,
		struct ultrace_str uri)
{
	struct contact_key key = { user, str_or_empty(uri) };

	return (struct ultrace_registry_contact *) hash_table_lookup(
		&registry->contacts, contact_hash(user, key.contact),
		contact_match, &key);
}

static struct ultrace_registry_user *user_create(
		struct ultrace_registry *registry, struct ultrace_str domain,
		struct ultrace_str aor)
{
	struct ultrace_registry_user *user = calloc(1, sizeof(*user));

	domain = str_or_empty(domain);
	aor = str_or_empty(aor);
	if (user == NULL) {
		goto error;
	}
	user->blob = malloc(domain.len + aor.len + 2);
	if (user->blob == NULL) {
		goto error;
	}
	memcpy(user->blob, domain.s, domain.len);
	user->blob[domain.len] = '\0';
	memcpy(user->blob + domain.len + 1, aor.s, aor.len);
	user->blob[domain.len + 1 + aor.len] = '\0';
	user->domain.s = user->blob;
	user->domain.len = domain.len;
	user->aor.s = user->blob + domain.len + 1;
	user->aor.len = aor.len;
	user->next_contact_index = 1;
	user->tnode.key = registry->next_user_index;
	if (domain_get_ref(registry, user->domain) != 0) {
		goto error;
	}
	if (index_tree_insert(&registry->user_tree, &user->tnode) != 0) {
		/* Only after 2^32 users: the index space wrapped. */
		domain_put_ref(registry, user->domain);
		goto error;
	}
	registry->next_user_index++;
	user->hnode.hash = user_hash(user->domain, user->aor);
	hash_table_insert(&registry->users, &user->hnode);
	registry->stats.users++;
	registry->stats.users_created++;
	return user;

error:
	if (user != NULL) {
		free(user->blob);
	}
	free(user);
	return NULL;
}

static void user_remove(struct ultrace_registry *registry,
		struct ultrace_registry_user *user)
{
	index_tree_remove(&registry->user_tree, &user->tnode);
	hash_table_remove(&registry->users, &user->hnode);
	domain_put_ref(registry, user->domain);
	registry->stats.users--;
	user_free(user);
}

/*
 * Copy every string field of `src` into one new blob of `contact`. One
 * allocation per change of a contact, on the consumer's path only: the
 * event's strings die with its babeltrace2 message, and one blob (not
 * nine strings) keeps that to a single malloc/free pair.
 */
static int contact_set_values(struct ultrace_registry_contact *contact,
		const struct ultrace_contact *src)
{
	struct ultrace_str in[CONTACT_STRING_FIELDS] = {
		src->contact, src->display_name, src->received, src->path,
		src->user_agent, src->callid, src->ruid, src->instance,
		src->socket,
	};
	struct ultrace_str out[CONTACT_STRING_FIELDS];
	size_t total = 0;
	char *blob;
	char *p;
	int i;

	for (i = 0; i < CONTACT_STRING_FIELDS; i++) {
		in[i] = str_or_empty(in[i]);
		total += in[i].len + 1;
	}
	blob = malloc(total);
	if (blob == NULL) {
		return -1;
	}
	p = blob;
	for (i = 0; i < CONTACT_STRING_FIELDS; i++) {
		memcpy(p, in[i].s, in[i].len);
		p[in[i].len] = '\0';
		out[i].s = p;
		out[i].len = in[i].len;
		p += in[i].len + 1;
	}
	free(contact->blob);
	contact->blob = blob;
	contact->values = *src;
	contact->values.domain = contact->user->domain;
	contact->values.aor = contact->user->aor;
	contact->values.contact = out[0];
	contact->values.display_name = out[1];
	contact->values.received = out[2];
	contact->values.path = out[3];
	contact->values.user_agent = out[4];
	contact->values.callid = out[5];
	contact->values.ruid = out[6];
	contact->values.instance = out[7];
	contact->values.socket = out[8];
	return 0;
}

static int contact_values_equal(const struct ultrace_contact *a,
		const struct ultrace_contact *b)
{
	return str_eq(str_or_empty(a->contact), str_or_empty(b->contact)) &&
		str_eq(str_or_empty(a->display_name),
			str_or_empty(b->display_name)) &&
		str_eq(str_or_empty(a->received), str_or_empty(b->received)) &&
		str_eq(str_or_empty(a->path), str_or_empty(b->path)) &&
		str_eq(str_or_empty(a->user_agent),
			str_or_empty(b->user_agent)) &&
		str_eq(str_or_empty(a->callid), str_or_empty(b->callid)) &&
		str_eq(str_or_empty(a->ruid), str_or_empty(b->ruid)) &&
		str_eq(str_or_empty(a->instance), str_or_empty(b->instance)) &&
		str_eq(str_or_empty(a->socket), str_or_empty(b->socket)) &&
		a->cseq == b->cseq && a->q == b->q &&
		a->expires == b->expires &&
		a->last_modified == b->last_modified &&
		a->flags == b->flags && a->cflags == b->cflags &&
		a->methods == b->methods && a->reg_id == b->reg_id;
}

/* Keep the contact's place in the expiry heap in step with `expires`. */
static int contact_track_expiry(struct ultrace_registry *registry,
		struct ultrace_registry_contact *contact)
{
	int64_t expires = contact->values.expires;
	int queued = expiry_heap_node_is_queued(&contact->enode);

	if (expires <= 0) {
		/* Permanent (usrloc's 0) or unknown: never expires by TTL. */
		if (queued) {
			expiry_heap_remove(&registry->expiry, &contact->enode);
		}
		return 0;
	}
	if (queued) {
		expiry_heap_update(&registry->expiry, &contact->enode,
			expires);
		return 0;
	}
	return expiry_heap_push(&registry->expiry, &contact->enode, expires);
}

static struct ultrace_registry_contact *contact_create(
		struct ultrace_registry *registry,
		struct ultrace_registry_user *user,
		const struct ultrace_contact *values)
{
	struct ultrace_registry_contact *contact = calloc(1, sizeof(*contact));

	if (contact == NULL) {
		goto error;
	}
	contact->user = user;
	expiry_heap_node_init(&contact->enode);
	if (contact_set_values(contact, values) != 0) {
		goto error;
	}
	if (contact_track_expiry(registry, contact) != 0) {
		free(contact->blob);
		goto error;
	}
	contact->index = user->next_contact_index++;
	contact->prev = user->last;
	if (user->last != NULL) {
		user->last->next = contact;
	} else {
		user->first = contact;
	}
	user->last = contact;
	user->contact_count++;
	contact->hnode.hash = contact_hash(user, contact->values.contact);
	hash_table_insert(&registry->contacts, &contact->hnode);
	registry->stats.contacts++;
	return contact;

error:
	free(contact);
	return NULL;
}

static void contact_remove(struct ultrace_registry *registry,
		struct ultrace_registry_contact *contact)
{
	struct ultrace_registry_user *user = contact->user;

	hash_table_remove(&registry->contacts, &contact->hnode);
	if (expiry_heap_node_is_queued(&contact->enode)) {
		expiry_heap_remove(&registry->expiry, &contact->enode);
	}
	if (contact->prev != NULL) {
		contact->prev->next = contact->next;
	} else {
		user->first = contact->next;
	}
	if (contact->next != NULL) {
		contact->next->prev = contact->prev;
	} else {
		user->last = contact->prev;
	}
	user->contact_count--;
	registry->stats.contacts--;
	contact_free(contact);
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
		struct ultrace_registry_contact **out, int *created,
		int *changed)
{
	const struct ultrace_contact *values = &event->contact;
	struct ultrace_registry_user *user;
	struct ultrace_registry_contact *contact = NULL;
	int new_user = 0;

	*created = 0;
	*changed = 0;
	user = find_user(registry, values->domain, values->aor);
	if (user != NULL) {
		contact = find_contact(registry, user, values->contact);
	}
	if (contact != NULL) {
		*changed = !contact_values_equal(&contact->values, values);
		if (*changed && (contact_set_values(contact, values) != 0 ||
				contact_track_expiry(registry, contact) != 0)) {
			return ULTRACE_REGISTRY_STATUS_NOMEM;
		}
	} else {
		if (user == NULL) {
			user = user_create(registry, values->domain,
				values->aor);
			if (user == NULL) {
				return ULTRACE_REGISTRY_STATUS_NOMEM;
			}
			new_user = 1;
		}
		contact = contact_create(registry, user, values);
		if (contact == NULL) {
			if (new_user) {
				user_remove(registry, user);
			}
			return ULTRACE_REGISTRY_STATUS_NOMEM;
		}
		*created = 1;
		*changed = 1;
	}
	contact->last_event_ns = event->time_ns;
	*out = contact;
	return ULTRACE_REGISTRY_STATUS_OK;
}

static enum ultrace_registry_status apply_remove(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		enum ultrace_anomaly unknown)
{
	const struct ultrace_contact *values = &event->contact;
	struct ultrace_registry_user *user;
	struct ultrace_registry_contact *contact = NULL;

	user = find_user(registry, values->domain, values->aor);
	if (user != NULL) {
		contact = find_contact(registry, user, values->contact);
	}
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
		enum ultrace_anomaly if_exists, enum ultrace_anomaly if_new)
{
	struct ultrace_registry_contact *contact;
	int created;
	int changed;
	enum ultrace_registry_status status;

	status = upsert(registry, event, &contact, &created, &changed);
	if (status == ULTRACE_REGISTRY_STATUS_OK) {
		if (created && if_new != ULTRACE_ANOMALY_COUNT) {
			count_anomaly(registry, if_new);
		} else if (!created && if_exists != ULTRACE_ANOMALY_COUNT) {
			count_anomaly(registry, if_exists);
		}
	}
	return status;
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
		const struct ultrace_registry_event *event)
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
	status = upsert(registry, event, &contact, &created, &changed);
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
		contact->dump_mark = registry->dump_generation;
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

			if (c->dump_mark != registry->dump_generation &&
					c->last_event_ns <
						registry->dump_begin_ns) {
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
		status = apply_upsert(registry, event,
			ULTRACE_ANOMALY_INSERT_EXISTING, ULTRACE_ANOMALY_COUNT);
		break;
	case ULTRACE_EVENT_CONTACT_UPDATE:
		status = apply_upsert(registry, event, ULTRACE_ANOMALY_COUNT,
			ULTRACE_ANOMALY_UPDATE_UNKNOWN);
		break;
	case ULTRACE_EVENT_CONTACT_DELETE:
		status = apply_remove(registry, event,
			ULTRACE_ANOMALY_DELETE_UNKNOWN);
		break;
	case ULTRACE_EVENT_CONTACT_EXPIRE:
		status = apply_remove(registry, event,
			ULTRACE_ANOMALY_EXPIRE_UNKNOWN);
		break;
	case ULTRACE_EVENT_STATEDUMP_BEGIN:
		dump_begin(registry, event);
		break;
	case ULTRACE_EVENT_STATEDUMP_CONTACT:
		status = dump_contact(registry, event);
		break;
	case ULTRACE_EVENT_STATEDUMP_END:
		dump_end(registry, event);
		break;
	case ULTRACE_EVENT_KIND_COUNT:
		break;
	}
end:
	return status;
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
	struct expiry_heap_node *top;
	uint64_t removed = 0;

	if (deadline_s > registry->ttl_deadline_s) {
		registry->ttl_deadline_s = deadline_s;
	}
	while ((top = expiry_heap_top(&registry->expiry)) != NULL &&
			top->key <= deadline_s) {
		struct ultrace_registry_contact *contact =
			(struct ultrace_registry_contact *) ((char *) top -
			offsetof(struct ultrace_registry_contact, enode));

		contact_remove(registry, contact);
		removed++;
	}
	registry->stats.ttl_expired += removed;
	return removed;
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
	return find_user(registry, domain, aor);
}

const struct ultrace_registry_contact *ultrace_registry_borrow_contact(
		const struct ultrace_registry *registry,
		struct ultrace_str domain, struct ultrace_str aor,
		struct ultrace_str contact)
{
	const struct ultrace_registry_user *user =
		find_user(registry, domain, aor);

	return user == NULL ? NULL : find_contact(registry, user, contact);
}

const struct ultrace_registry_user *ultrace_registry_borrow_user_by_aor(
		const struct ultrace_registry *registry, struct ultrace_str aor)
{
	const struct ultrace_registry_user *best = NULL;
	size_t i;

	for (i = 0; i < registry->domain_count; i++) {
		struct ultrace_str domain = {
			registry->domains[i].name, registry->domains[i].len,
		};
		const struct ultrace_registry_user *user =
			find_user(registry, domain, aor);

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
	return user->domain;
}

struct ultrace_str ultrace_registry_user_get_aor(
		const struct ultrace_registry_user *user)
{
	return user->aor;
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

const struct ultrace_contact *ultrace_registry_contact_borrow_values(
		const struct ultrace_registry_contact *contact)
{
	return &contact->values;
}

int64_t ultrace_registry_contact_get_last_event_ns(
		const struct ultrace_registry_contact *contact)
{
	return contact->last_event_ns;
}

const char *ultrace_event_kind_name(enum ultrace_event_kind kind)
{
	static const char *const names[ULTRACE_EVENT_KIND_COUNT] = {
		"contact_insert", "contact_update", "contact_delete",
		"contact_expire", "statedump_begin", "statedump_contact",
		"statedump_end",
	};

	return (unsigned int) kind < ULTRACE_EVENT_KIND_COUNT ?
		names[kind] : "unknown";
}

const char *ultrace_anomaly_name(enum ultrace_anomaly anomaly)
{
	static const char *const names[ULTRACE_ANOMALY_COUNT] = {
		"insert_existing", "update_unknown", "delete_unknown",
		"expire_unknown", "invalid", "dump_stray", "dump_incomplete",
		"truncated",
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
