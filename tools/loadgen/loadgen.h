/*
 * loadgen.h: what the parts of ultrace-loadgen share: the run settings, the
 * per-thread simulated usrloc state, and the entry points of each part.
 * Producer side only: no babeltrace2, no SNMP, no registry code.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_LOADGEN_H
#define ULTRACE_LOADGEN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ultrace.h"

#define LG_NSEC_PER_SEC 1000000000LL

/* Limits on the options; they keep slot indexes within 32 bits. */
#define LG_MAX_USERS 10000000u
#define LG_MAX_CONTACTS 64u
#define LG_MAX_THREADS 256u
#define LG_MAX_DOMAIN_LEN 64u
#define LG_MAX_EXPIRES (10LL * 365 * 24 * 3600)

/* The random actions a worker picks from, weighted by --mix. */
enum lg_mix {
	LG_MIX_INSERT,              /* a new binding */
	LG_MIX_REFRESH,             /* re-REGISTER: CSeq, expires only */
	LG_MIX_REBIND,              /* NAT rebinding: a new received */
	LG_MIX_UPDATE,              /* re-REGISTER that may change UA or q */
	LG_MIX_DELETE,              /* de-registration (Expires: 0) */
	LG_MIX_EXPIRE,              /* the registrar's timer removes it */
	LG_MIX_NR,
};

/* Run settings, fixed once the options are parsed. */
struct lg_config {
	uint32_t mix[LG_MIX_NR];    /* weights; their sum > 0 */
	uint32_t users;
	uint32_t max_contacts;      /* K: contacts a user may hold at once */
	uint32_t threads;
	double rate;                /* events/s over all threads; 0: no limit */
	int64_t duration_ns;        /* 0: no time limit */
	uint64_t events;            /* 0: no event limit */
	uint64_t seed;
	const char *domain;
	size_t domain_len;
	int64_t expires_min;        /* registration lifetime, seconds */
	int64_t expires_max;
	double expire_ratio;        /* share of contacts that never refresh */
	/* Fault injection: events of these kinds (bit 1 << enum lg_count)
	 * are applied but, with probability lose_ratio, not emitted. */
	unsigned int lose_kinds;
	double lose_ratio;
	/*
	 * The simulated registrar's own figures (registrar_config): a
	 * max_expires above 0 also cuts the lifetimes it grants.
	 */
	struct ultrace_registrar_settings registrar;
	double reject_ratio;        /* REGISTERs also rejected, per accepted */
	int no_registrar;           /* --no-registrar: contact events only */
};

/*
 * One contact slot. The strings a contact picks from fixed variant lists
 * are stored as indexes; the ones made up per contact live in the slot,
 * so a run allocates nothing per event.
 */
struct lg_slot {
	uint32_t gen;               /* bumped on every change: heap validity */
	uint8_t used;
	uint8_t expiring;           /* never refreshed: removed by its timer */
	uint8_t user_agent;         /* index into the user-agent variants */
	uint8_t display_name;       /* index into the display-name variants */
	uint8_t has_path;
	uint8_t uri_len;
	uint8_t callid_len;
	uint8_t ruid_len;
	uint8_t instance_len;
	uint8_t received_len;
	int32_t cseq;
	int32_t q;
	int64_t expires;
	int64_t last_modified;
	uint32_t flags;
	uint32_t cflags;
	uint32_t methods;
	uint32_t reg_id;
	char uri[96];
	char callid[64];
	char ruid[40];
	char instance[56];
	char received[40];
};

/* A user (AOR); its K slots are slots[local_index * K ...]. */
struct lg_user {
	uint8_t contacts;
	uint8_t aor_len;
	char aor[38];
};

/* A scheduled refresh or expiry; stale once `gen` differs from the slot's. */
struct lg_heap_entry {
	int64_t at_ns;              /* CLOCK_REALTIME */
	uint32_t slot;
	uint32_t gen;
};

enum lg_count {
	LG_COUNT_INSERT,
	LG_COUNT_UPDATE,            /* re-registrations that may change fields
	                               (rebindings included) */
	LG_COUNT_REFRESH,           /* refreshes: contact_update too */
	LG_COUNT_DELETE,
	LG_COUNT_EXPIRE,
	LG_COUNT_NR,
};

struct lg_run;

/* A worker: owns users u with u % threads == id, so it needs no per-user lock. */
struct lg_thread {
	struct lg_run *run;
	uint32_t id;
	uint32_t nusers;
	uint64_t rng;
	uint64_t serial;            /* makes contact URIs and call-ids unique */
	uint64_t live;              /* contacts held */
	struct lg_user *users;
	struct lg_slot *slots;      /* nusers * max_contacts */
	struct lg_heap_entry *heap;
	size_t heap_len;
	size_t heap_cap;
	uint64_t counts[LG_COUNT_NR];
	uint64_t lost;              /* events --lose kept from the tracer */
	uint64_t rejected;          /* REGISTERs the registrar rejected */
	uint64_t reject_rng;        /* decides them, apart from the workload */
	int64_t finish_mono_ns;     /* when the worker stopped */
	pthread_t pthread;
	int started;
};

struct lg_run {
	const struct lg_config *cfg;
	struct lg_thread **threads;
	/*
	 * Workers hold it for reading while they change their state and emit
	 * the event; a snapshot or a statedump holds it for writing, so it
	 * sees every thread between two events.
	 */
	pthread_rwlock_t state_lock;
	atomic_uint_fast64_t reserved;  /* events handed out against --events */
	atomic_int stop;
	atomic_uint running;            /* workers not yet finished */
	int64_t start_mono_ns;
	int64_t end_mono_ns;            /* start + duration, or INT64_MAX */
	/* registrar_config and registrar_counters emitted (main thread) */
	uint64_t registrar_events[2];
};

/* sim.c: time helpers. */
int64_t lg_now_ns(clockid_t clock);
void lg_sleep_until(int64_t mono_ns);

/* sim.c: a worker's state; NULL when memory is short. */
struct lg_thread *lg_thread_create(struct lg_run *run, uint32_t id);
void lg_thread_destroy(struct lg_thread *t);
/* pthread entry point; the argument is a struct lg_thread. */
void *lg_thread_main(void *arg);
/* A view of a held slot; its slices borrow the slot's and the user's. */
void lg_thread_borrow_contact(const struct lg_thread *t, uint32_t slot,
		struct ultrace_contact *c);

/* snapshot.c: the state at an instant, with 2 ms quiet on both sides. */
int lg_snapshot_truth(struct lg_run *run, const char *path, int write_ts);
/* snapshot.c: a full statedump; returns the number of contacts dumped. */
uint64_t lg_snapshot_statedump(struct lg_run *run, uint64_t dump_id);
/*
 * snapshot.c: a rolling (anti-entropy) statedump, spread over time: each
 * step emits the next `slots` slots under the state lock, so workers run
 * between steps; a step with no dump active begins one.
 */
struct lg_rolling_dump {
	int active;
	uint64_t id;
	uint32_t thread;            /* cursor: thread, then slot in it */
	size_t slot;
	uint64_t count;             /* contacts emitted so far */
};
/* Returns 1 when this step ended the dump (its count in d->count). */
int lg_snapshot_rolling_step(struct lg_run *run, struct lg_rolling_dump *d,
		uint64_t *dump_id, size_t slots);
/* snapshot.c: slots over all threads (users x max contacts). */
size_t lg_snapshot_total_slots(const struct lg_run *run);
/* snapshot.c: contacts held over all threads. */
uint64_t lg_snapshot_count(const struct lg_run *run);
/*
 * snapshot.c: the simulated registrar's REGISTER counts, over all threads
 * (accepted: every contact event but an expiry); the workers must be
 * still (state lock held for writing, or stopped).
 */
void lg_snapshot_registrar_counts(const struct lg_run *run,
		struct ultrace_registrar_counts *n);
/*
 * snapshot.c: emit registrar_counters, and registrar_config first when
 * `with_config`, between two events of every worker.
 */
void lg_snapshot_registrar(struct lg_run *run, int with_config);

#endif /* ULTRACE_LOADGEN_H */
