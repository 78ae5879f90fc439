/*
 * registry.h: the consumer's in-memory usrloc model: users (AORs) and their
 * contacts, with the indexes SNMP serves. No SNMP, no babeltrace2: the
 * replay engine feeds it events, snmp/ and the output formats read it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_REGISTRY_H
#define ULTRACE_REGISTRY_H

#include <stdint.h>

#include "ultrace.h"

enum ultrace_registry_status {
	ULTRACE_REGISTRY_STATUS_OK = 0,
	/* The event named a contact the registry does not hold. */
	ULTRACE_REGISTRY_STATUS_NOT_FOUND = 1,
	/* The event cannot be applied (empty AOR or contact URI). */
	ULTRACE_REGISTRY_STATUS_INVALID = -1,
	ULTRACE_REGISTRY_STATUS_NOMEM = -12,
};

enum ultrace_event_kind {
	ULTRACE_EVENT_CONTACT_INSERT,
	ULTRACE_EVENT_CONTACT_UPDATE,
	ULTRACE_EVENT_CONTACT_DELETE,
	ULTRACE_EVENT_CONTACT_EXPIRE,
	ULTRACE_EVENT_STATEDUMP_BEGIN,
	ULTRACE_EVENT_STATEDUMP_CONTACT,
	ULTRACE_EVENT_STATEDUMP_END,
	/*
	 * A compact update (contact_refresh): the contact's key and check
	 * (tracepoints/ultrace_hash.h) and its new cseq, expires and
	 * last_modified, nothing else (doc/design.md, "Compact refreshes").
	 */
	ULTRACE_EVENT_CONTACT_REFRESH,
	/* The registrar's figures (ultrace.h): `registrar` below. */
	ULTRACE_EVENT_REGISTRAR_CONFIG,
	ULTRACE_EVENT_REGISTRAR_COUNTERS,
	ULTRACE_EVENT_KIND_COUNT,
};

/* Things a correct, lossless trace never shows; each is counted. */
enum ultrace_anomaly {
	ULTRACE_ANOMALY_INSERT_EXISTING,  /* applied as an update */
	ULTRACE_ANOMALY_UPDATE_UNKNOWN,   /* applied as an insert */
	ULTRACE_ANOMALY_DELETE_UNKNOWN,   /* ignored */
	ULTRACE_ANOMALY_EXPIRE_UNKNOWN,   /* ignored */
	ULTRACE_ANOMALY_INVALID,          /* empty AOR/contact, or strings
	                                     over 64 KiB in all: ignored */
	ULTRACE_ANOMALY_DUMP_STRAY,       /* dump event outside its dump */
	ULTRACE_ANOMALY_DUMP_INCOMPLETE,  /* dump ended without a sweep */
	ULTRACE_ANOMALY_TRUNCATED,        /* producer cut a string field */
	ULTRACE_ANOMALY_REFRESH_UNKNOWN,  /* refresh of no contact held:
	                                     ignored */
	ULTRACE_ANOMALY_REFRESH_MISMATCH, /* refresh of a contact whose other
	                                     fields differ: ignored */
	ULTRACE_ANOMALY_COUNT,
};

/*
 * Whether the registry can be trusted to equal the producer's state.
 * It turns SUSPECT when something may have been missed (tracer discards,
 * an anomaly only a lost event explains, a consumer attaching to a session
 * already running or reattaching after a gap) and CONSISTENT again at the
 * end of a complete statedump that began after the last such mark and saw
 * no discard while it ran.
 */
enum ultrace_registry_health {
	ULTRACE_REGISTRY_CONSISTENT = 1,
	ULTRACE_REGISTRY_SUSPECT = 2,
};

enum ultrace_suspect_reason {
	ULTRACE_SUSPECT_NONE = 0,
	ULTRACE_SUSPECT_DISCARDS,        /* the tracer discarded events */
	ULTRACE_SUSPECT_ANOMALY,         /* an event only a loss explains */
	ULTRACE_SUSPECT_ATTACH,          /* attached late, or after a gap */
	ULTRACE_SUSPECT_DUMP_INCOMPLETE, /* a statedump lost some of its rows */
	ULTRACE_SUSPECT_REASON_COUNT,
};

/* One decoded trace event, as the replay engine hands it over. */
struct ultrace_registry_event {
	enum ultrace_event_kind kind;
	int64_t time_ns;             /* trace time, ns since the epoch */
	uint64_t dump_id;            /* statedump events */
	uint64_t dump_contacts;      /* statedump_end */
	uint32_t truncated;          /* contact events: cut field bits */
	/* contact_refresh: only cseq, expires, last_modified of `contact` */
	uint64_t refresh_key;
	uint64_t refresh_check;
	struct ultrace_contact contact; /* contact events; slices borrowed */
	/* registrar_config: `settings`; registrar_counters: `counts` */
	struct {
		struct ultrace_registrar_settings settings;
		struct ultrace_registrar_counts counts;
	} registrar;
};

struct ultrace_registry_stats {
	uint64_t events[ULTRACE_EVENT_KIND_COUNT]; /* received, by kind */
	uint64_t anomalies[ULTRACE_ANOMALY_COUNT];
	uint64_t discarded_events;   /* reported by the tracer */
	uint64_t discarded_packets;
	uint64_t dumps_complete;
	uint64_t dump_removed;       /* contacts a complete dump removed */
	uint64_t dump_repaired;      /* contacts a dump created or changed */
	uint64_t users;              /* current rows */
	uint64_t contacts;
	uint64_t users_created;      /* over the registry's life */
	int64_t first_event_ns;      /* 0 before any event */
	int64_t last_event_ns;
	uint64_t dumps_begun;
	uint64_t ttl_expired;        /* contacts removed by their `expires` */
	enum ultrace_registry_health health;
	enum ultrace_suspect_reason suspect_reason;  /* the first one */
	int64_t suspect_since_ns;    /* 0 while CONSISTENT */
	int64_t consistent_since_ns; /* last return to CONSISTENT; 0: never left */
};

struct ultrace_registry;
struct ultrace_registry_user;
struct ultrace_registry_contact;

struct ultrace_registry *ultrace_registry_create(void);
void ultrace_registry_destroy(struct ultrace_registry *registry);

/*
 * Apply one event. Semantics (doc/design.md, "Apply rules"):
 * - insert of a known contact updates it (anomaly INSERT_EXISTING);
 * - update of an unknown contact inserts it (UPDATE_UNKNOWN): the
 *   registrar holds it, the insert was lost;
 * - delete/expire of an unknown contact is ignored (counted);
 * - a refresh sets cseq, expires and last_modified of the contact filed
 *   under its key whose check it matches; with no contact under the key
 *   (REFRESH_UNKNOWN) or one whose check differs (REFRESH_MISMATCH) it is
 *   ignored: counted, the registry SUSPECT until a dump repairs the row;
 * - a user row exists while it has at least one contact;
 * - statedump_end of a complete dump (matching begin, the announced number
 *   of contacts seen) removes every contact
 *   that the dump did not list and no event touched since its begin.
 * Returns OK, NOT_FOUND (counted, state unchanged), INVALID or NOMEM.
 */
enum ultrace_registry_status ultrace_registry_apply(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event);

/*
 * For a caller about to apply a run of events: what looking an event's
 * contact up needs, worked out a few events ahead, so that the memory it
 * will touch is loading meanwhile (ULTRACE_REGISTRY_LOOKAHEAD events
 * ahead the keys, and the hash buckets start loading; half as far the
 * entries there). A hint never changes what is applied: one that no
 * longer fits (the event's domain changed meanwhile) is ignored; none
 * (NULL) is allowed.
 */
struct ultrace_registry_hint {
	const void *domain;          /* the registry's; NULL: no hint */
	uint32_t slot;
	uint64_t user_hash;
	uint64_t contact_hash;
};

#define ULTRACE_REGISTRY_LOOKAHEAD 8

/* Item i of the caller's run: an event, or NULL (nothing to look up). */
typedef const struct ultrace_registry_event *(*ultrace_registry_event_at_fn)(
		void *ctx, size_t i);

struct ultrace_registry_lookahead {
	const struct ultrace_registry *registry;
	ultrace_registry_event_at_fn at;
	void *ctx;
	size_t count;
	struct ultrace_registry_hint ring[ULTRACE_REGISTRY_LOOKAHEAD];
};

/* Look ahead over the items 0 .. count - 1 that at(ctx, i) gives. */
void ultrace_registry_lookahead_start(struct ultrace_registry_lookahead *la,
		const struct ultrace_registry *registry,
		ultrace_registry_event_at_fn at, void *ctx, size_t count);
/*
 * Just before applying item i (0, 1, 2... in order): its hint, in *hint
 * (returned); meanwhile what the items ahead will touch starts loading.
 */
const struct ultrace_registry_hint *ultrace_registry_lookahead_step(
		struct ultrace_registry_lookahead *la, size_t i,
		struct ultrace_registry_hint *hint);

enum ultrace_registry_status ultrace_registry_apply_hinted(
		struct ultrace_registry *registry,
		const struct ultrace_registry_event *event,
		const struct ultrace_registry_hint *hint);

/*
 * The tracer discarded events or packets: counted; the registry turns
 * SUSPECT and a dump running meanwhile cannot make it CONSISTENT again.
 */
void ultrace_registry_note_discarded_events(struct ultrace_registry *registry,
		uint64_t count);
void ultrace_registry_note_discarded_packets(
		struct ultrace_registry *registry, uint64_t count);
/*
 * The same, with the trace-time range the tracer gives for the loss (0 when
 * unknown: the last event's time stands in). A statedump that began after
 * `end_ns` repairs such a loss and may declare the registry consistent;
 * one that began before cannot.
 */
void ultrace_registry_note_loss(struct ultrace_registry *registry,
		uint64_t events, uint64_t packets, int64_t begin_ns,
		int64_t end_ns);

/*
 * Something may have been missed at `since_ns` (trace time): the registry
 * turns SUSPECT (keeping the earlier instant and reason if already so).
 */
void ultrace_registry_mark_suspect(struct ultrace_registry *registry,
		int64_t since_ns, enum ultrace_suspect_reason reason);

/*
 * TTL: remove every contact whose `expires` (unix seconds) is set (> 0)
 * and <= deadline_s, as the registrar's own timer would; the caller picks
 * the clock and the grace (deadline = now - grace). Counted in
 * stats.ttl_expired; an expire event for such a contact arriving later is
 * not an anomaly. O(k + s) for k contacts removed and s seconds the
 * deadline moved on since the last call (at most a turn of the expiry
 * wheel, 4096). Returns k.
 */
uint64_t ultrace_registry_expire(struct ultrace_registry *registry,
		int64_t deadline_s);

const struct ultrace_registry_stats *ultrace_registry_borrow_stats(
		const struct ultrace_registry *registry);

/*
 * Lookups. Users are keyed by (domain, AOR), contacts by (domain, AOR,
 * contact URI): O(1) on average. Indexes follow Kamailio's snmpstats:
 * a user gets the next user index (from 1, never reused while the registry
 * lives) when its first contact arrives; each contact gets the user's next
 * contact index (from 1, never reused while the user row lives). A user
 * whose last contact goes loses its row; if it registers again it gets a
 * new user index.
 */
const struct ultrace_registry_user *ultrace_registry_borrow_user(
		const struct ultrace_registry *registry,
		struct ultrace_str domain, struct ultrace_str aor);
const struct ultrace_registry_contact *ultrace_registry_borrow_contact(
		const struct ultrace_registry *registry,
		struct ultrace_str domain, struct ultrace_str aor,
		struct ultrace_str contact);
/*
 * The lowest-index user whose AOR is `aor`, in any domain, or NULL: one
 * hash lookup per distinct domain the registry holds (a registrar has a
 * few), never a scan of the users. For SNMP's URI-to-index lookup table.
 */
const struct ultrace_registry_user *ultrace_registry_borrow_user_by_aor(
		const struct ultrace_registry *registry, struct ultrace_str aor);

/* Ordered access by index, O(log n): the GET/GETNEXT primitives. */
const struct ultrace_registry_user *ultrace_registry_borrow_user_by_index(
		const struct ultrace_registry *registry, uint32_t user_index);
/* First user whose index is >= user_index, or NULL. */
const struct ultrace_registry_user *ultrace_registry_borrow_user_ge(
		const struct ultrace_registry *registry, uint32_t user_index);
const struct ultrace_registry_user *ultrace_registry_borrow_next_user(
		const struct ultrace_registry *registry,
		const struct ultrace_registry_user *user);
/* First contact (by (user index, contact index)) >= the given pair. */
const struct ultrace_registry_contact *ultrace_registry_borrow_contact_ge(
		const struct ultrace_registry *registry, uint32_t user_index,
		uint32_t contact_index);

uint32_t ultrace_registry_user_get_index(
		const struct ultrace_registry_user *user);
struct ultrace_str ultrace_registry_user_get_domain(
		const struct ultrace_registry_user *user);
struct ultrace_str ultrace_registry_user_get_aor(
		const struct ultrace_registry_user *user);
uint32_t ultrace_registry_user_get_contact_count(
		const struct ultrace_registry_user *user);
/* The user's contacts in contact-index order. */
const struct ultrace_registry_contact *ultrace_registry_user_borrow_first_contact(
		const struct ultrace_registry_user *user);
const struct ultrace_registry_contact *ultrace_registry_contact_borrow_next(
		const struct ultrace_registry_contact *contact);

uint32_t ultrace_registry_contact_get_index(
		const struct ultrace_registry_contact *contact);
const struct ultrace_registry_user *ultrace_registry_contact_borrow_user(
		const struct ultrace_registry_contact *contact);
/*
 * All fields, written into `out` (returned): the string slices point into
 * the registry, are NUL-terminated and live until the contact changes.
 * The registry keeps a contact compactly, not as a struct ultrace_contact.
 */
const struct ultrace_contact *ultrace_registry_contact_get_values(
		const struct ultrace_registry_contact *contact,
		struct ultrace_contact *out);
/* The same into a temporary that lives until the end of the block. */
#define ultrace_registry_contact_values(contact) \
	ultrace_registry_contact_get_values((contact), \
		&(struct ultrace_contact) { .cseq = 0 })

/*
 * The registrar's own figures: the latest registrar_config and
 * registrar_counters events applied (a registrar that restarts counts
 * from 0 again: so does this). Nothing else changes them; until the first
 * of each arrives, has_settings / has_counts is 0.
 */
struct ultrace_registry_registrar {
	int has_settings;
	int has_counts;
	struct ultrace_registrar_settings settings;
	struct ultrace_registrar_counts counts;
	int64_t settings_ns;         /* trace time of the event that set them */
	int64_t counts_ns;
};

const struct ultrace_registry_registrar *ultrace_registry_borrow_registrar(
		const struct ultrace_registry *registry);

/*
 * An observer of a registry's contacts (registry_merge.c builds a
 * cluster's merged view with one per host registry). `changed` runs after
 * a contact was created or its values changed (by any event; `time_ns` is
 * the event's), `removed` just before a contact goes (delete, expire,
 * TTL, a dump's sweep), while its values can still be read. Both run
 * inside the call that changed the registry, under the caller's lock;
 * they must not change this registry. NULL (the default): none.
 */
struct ultrace_registry_observer {
	void (*changed)(void *data, const struct ultrace_registry_contact *c,
			int64_t time_ns);
	void (*removed)(void *data, const struct ultrace_registry_contact *c);
	void *data;
};

void ultrace_registry_set_observer(struct ultrace_registry *registry,
		const struct ultrace_registry_observer *observer);

/*
 * Set a contact to `values` (created if the registry has none under its
 * domain, AOR and URI), or remove it: a derived registry's writes (the
 * merged view), not events: no event or anomaly is counted and the
 * observer is not told. put: OK, INVALID (empty AOR/URI, strings over
 * 64 KiB) or NOMEM; remove: OK or NOT_FOUND.
 */
enum ultrace_registry_status ultrace_registry_put_contact(
		struct ultrace_registry *registry,
		const struct ultrace_contact *values);
enum ultrace_registry_status ultrace_registry_remove_contact(
		struct ultrace_registry *registry, struct ultrace_str domain,
		struct ultrace_str aor, struct ultrace_str contact);

/* Trace time of the event that last changed the contact's values. */
int64_t ultrace_registry_contact_get_changed_ns(
		const struct ultrace_registry_contact *contact);

/* The key a contact is filed under (tracepoints/ultrace_hash.h). */
uint64_t ultrace_registry_contact_get_key(
		const struct ultrace_registry_contact *contact);

const char *ultrace_event_kind_name(enum ultrace_event_kind kind);
/* Non-zero for the kinds that carry contact fields (and need AOR, URI). */
int ultrace_event_kind_has_contact(enum ultrace_event_kind kind);
const char *ultrace_anomaly_name(enum ultrace_anomaly anomaly);
const char *ultrace_suspect_reason_name(enum ultrace_suspect_reason reason);
const char *ultrace_registry_health_name(enum ultrace_registry_health health);

#endif /* ULTRACE_REGISTRY_H */
