/*
 * sim.c: the simulated registrar's workers: per-thread contact slots, the
 * timer heap of refreshes and expiries, and the usrloc actions they emit.
 * Knows nothing of options, files or statedumps (loadgen.c, snapshot.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Actions done per hold of the state lock when running flat out. */
#define LG_BATCH_MAX 64u
/* A paced worker that falls this far behind forgets the backlog. */
#define LG_PACE_SLACK_NS LG_NSEC_PER_SEC
/* Longest sleep before looking at the stop flag again. */
#define LG_SLEEP_SLICE_NS (50 * 1000 * 1000LL)


static const char *const user_agents[] = {
	"Linphone/5.2.5 (belle-sip/5.2.5)",
	"Softphone \"X\", v2",
	"Zoiper rv2.10.20.2",
	"Acme \"Desk\" Phone, model 3 (fw 1.4)",
	"Grandstream GXP2170 1.0.11.3",
};

/* The first one is empty: a display name is often absent. */
static const char *const display_names[] = {
	"",
	"Alice",
	"\"Bob\", the builder",
	"Smith, John",
	"Zoë",
};

static const char edge_path[] = "<sip:edge1.example.net;lr>";
static const char socket_name[] = "udp:127.0.0.1:5060";

static const int32_t q_values[] = {
	ULTRACE_Q_UNSET, ULTRACE_Q_UNSET, 1000, 500, 100, 0,
};

#define LG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int64_t lg_now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t) ts.tv_sec * LG_NSEC_PER_SEC + ts.tv_nsec;
}

void lg_sleep_until(int64_t mono_ns)
{
	struct timespec ts = {
		.tv_sec = mono_ns / LG_NSEC_PER_SEC,
		.tv_nsec = mono_ns % LG_NSEC_PER_SEC,
	};
	int ret;

	do {
		ret = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	} while (ret == EINTR);
}

/* splitmix64: small, fast and good enough to pick actions and values. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (multiply-shift; the bias is below 2^-32). */
static uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return (uint64_t) (((unsigned __int128) rng_next(state) * n) >> 64);
}

static int rng_chance(uint64_t *state, double p)
{
	return (double) (rng_next(state) >> 11) * 0x1.0p-53 < p;
}

/* snprintf into a slot field; the formats are sized never to be cut. */
static uint8_t fmt_len(int ret, size_t size)
{
	if (ret < 0) {
		return 0;
	}
	return (uint8_t) ((size_t) ret < size ? (size_t) ret : size - 1);
}

/*
 * Building a slot's strings by hand: snprintf was half of the time spent
 * per event, and the generator must cost far less than the tracer.
 * Appends past the capacity are dropped (the fields are sized for them).
 */
struct lg_buf {
	char *s;
	size_t len;
	size_t cap;
};

static void buf_chars(struct lg_buf *b, const char *s, size_t n)
{
	if (n > b->cap - b->len) {
		n = b->cap - b->len;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

#define buf_lit(b, lit) buf_chars((b), (lit), sizeof(lit) - 1)

static void buf_dec(struct lg_buf *b, uint64_t v)
{
	char digits[20];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char) ('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_chars(b, digits + n, sizeof(digits) - n);
}

/* The low `width` hex digits of v, zero-padded; width 0: no padding. */
static void buf_hex(struct lg_buf *b, uint64_t v, unsigned int width)
{
	static const char hex[] = "0123456789abcdef";
	char digits[16];
	size_t n = sizeof(digits);

	do {
		digits[--n] = hex[v & 0xf];
		v >>= 4;
	} while (n > sizeof(digits) - width || (width == 0 && v != 0));
	buf_chars(b, digits + n, sizeof(digits) - n);
}

/* --- timer heap (min by time, lazy deletion) ---------------------------- */

static int heap_entry_valid(const struct lg_thread *t,
		const struct lg_heap_entry *e)
{
	const struct lg_slot *s = &t->slots[e->slot];

	return s->used && s->gen == e->gen;
}

static void heap_sift_down(struct lg_heap_entry *heap, size_t len, size_t i)
{
	struct lg_heap_entry e = heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= len) {
			break;
		}
		if (child + 1 < len && heap[child + 1].at_ns <
				heap[child].at_ns) {
			child++;
		}
		if (heap[child].at_ns >= e.at_ns) {
			break;
		}
		heap[i] = heap[child];
		i = child;
	}
	heap[i] = e;
}

/*
 * Drop stale entries and rebuild. Each held slot has exactly one valid
 * entry, so at most half of the capacity survives: this runs rarely.
 */
static void heap_compact(struct lg_thread *t)
{
	size_t i, len = 0;

	for (i = 0; i < t->heap_len; i++) {
		if (heap_entry_valid(t, &t->heap[i])) {
			t->heap[len++] = t->heap[i];
		}
	}
	t->heap_len = len;
	for (i = len / 2; i > 0; i--) {
		heap_sift_down(t->heap, len, i - 1);
	}
}

static void heap_push(struct lg_thread *t, int64_t at_ns, uint32_t slot,
		uint32_t gen)
{
	size_t i;

	if (t->heap_len == t->heap_cap) {
		heap_compact(t);
	}
	i = t->heap_len++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (t->heap[parent].at_ns <= at_ns) {
			break;
		}
		t->heap[i] = t->heap[parent];
		i = parent;
	}
	t->heap[i].at_ns = at_ns;
	t->heap[i].slot = slot;
	t->heap[i].gen = gen;
}

static void heap_pop(struct lg_thread *t)
{
	t->heap[0] = t->heap[--t->heap_len];
	if (t->heap_len > 0) {
		heap_sift_down(t->heap, t->heap_len, 0);
	}
}

/* --- contacts ---------------------------------------------------------- */

static uint32_t user_id(const struct lg_thread *t, uint32_t local)
{
	return local * t->run->cfg->threads + t->id;
}

void lg_thread_borrow_contact(const struct lg_thread *t, uint32_t slot,
		struct ultrace_contact *c)
{
	const struct lg_config *cfg = t->run->cfg;
	const struct lg_slot *s = &t->slots[slot];
	const struct lg_user *u = &t->users[slot / cfg->max_contacts];

	c->domain.s = cfg->domain;
	c->domain.len = cfg->domain_len;
	c->aor.s = u->aor;
	c->aor.len = u->aor_len;
	c->contact.s = s->uri;
	c->contact.len = s->uri_len;
	c->display_name = ultrace_str_from_cstr(display_names[s->display_name]);
	c->received.s = s->received;
	c->received.len = s->received_len;
	c->path.s = s->has_path ? edge_path : NULL;
	c->path.len = s->has_path ? sizeof(edge_path) - 1 : 0;
	c->user_agent = ultrace_str_from_cstr(user_agents[s->user_agent]);
	c->callid.s = s->callid;
	c->callid.len = s->callid_len;
	c->ruid.s = s->ruid;
	c->ruid.len = s->ruid_len;
	c->instance.s = s->instance;
	c->instance.len = s->instance_len;
	c->socket.s = socket_name;
	c->socket.len = sizeof(socket_name) - 1;
	c->cseq = s->cseq;
	c->q = s->q;
	c->expires = s->expires;
	c->last_modified = s->last_modified;
	c->flags = s->flags;
	c->cflags = s->cflags;
	c->methods = s->methods;
	c->reg_id = s->reg_id;
}

/* A new lifetime from now: whole seconds, as usrloc keeps them. */
static void slot_set_lifetime(struct lg_thread *t, struct lg_slot *s,
		int64_t now_ns)
{
	const struct lg_config *cfg = t->run->cfg;
	int64_t now_s = now_ns / LG_NSEC_PER_SEC;
	int64_t life = cfg->expires_min + (int64_t) rng_below(&t->rng,
		(uint64_t) (cfg->expires_max - cfg->expires_min + 1));

	/* The registrar grants no more than its max_expires, if any. */
	if (cfg->registrar.max_expires > 0 &&
			life > (int64_t) cfg->registrar.max_expires) {
		life = cfg->registrar.max_expires;
	}
	s->expires = now_s + life;
	s->last_modified = now_s;
}

/*
 * Expiring contacts fire when the clock reaches `expires`. Refreshing
 * ones re-register early, by up to half of what is left of the lifetime,
 * so a refresh is never due before now and never storms.
 */
static void slot_schedule(struct lg_thread *t, uint32_t slot, int64_t now_ns)
{
	struct lg_slot *s = &t->slots[slot];
	int64_t at_ns = s->expires * LG_NSEC_PER_SEC;

	if (!s->expiring) {
		int64_t left = at_ns - now_ns;

		if (left > 0) {
			at_ns -= (int64_t) rng_below(&t->rng,
				(uint64_t) left / 2 + 1);
		} else {
			at_ns = now_ns;
		}
	}
	heap_push(t, at_ns, slot, s->gen);
}

static void emit(struct lg_thread *t, uint32_t slot, enum lg_count kind)
{
	struct ultrace_contact c;

	/*
	 * Every action but a timer expiry is a REGISTER the registrar
	 * accepted; some others it rejects (--registrar-reject-ratio), drawn
	 * from a generator of their own so that the contacts do not depend
	 * on it.
	 */
	if (kind != LG_COUNT_EXPIRE && t->run->cfg->reject_ratio > 0 &&
			rng_chance(&t->reject_rng, t->run->cfg->reject_ratio)) {
		t->rejected++;
	}
	if ((t->run->cfg->lose_kinds & (1u << kind)) != 0 &&
			rng_chance(&t->rng, t->run->cfg->lose_ratio)) {
		/* Applied, never emitted: what a lost event looks like. */
		t->lost++;
		t->counts[kind]++;
		return;
	}
	lg_thread_borrow_contact(t, slot, &c);
	switch (kind) {
	case LG_COUNT_INSERT:
		ultrace_contact_insert(&c);
		break;
	case LG_COUNT_UPDATE:
	case LG_COUNT_REFRESH:
		ultrace_contact_update(&c);
		break;
	case LG_COUNT_DELETE:
		ultrace_contact_delete(&c);
		break;
	case LG_COUNT_EXPIRE:
		ultrace_contact_expire(&c);
		break;
	case LG_COUNT_NR:
		break;
	}
	t->counts[kind]++;
}

/* A NAT rebinding: the same binding seen from a new public address. */
static void slot_rebind(struct lg_thread *t, struct lg_slot *s)
{
	struct lg_buf b = { s->received, 0, sizeof(s->received) };

	buf_lit(&b, "sip:203.0.113.");
	buf_dec(&b, 1 + rng_below(&t->rng, 254));
	buf_lit(&b, ":");
	buf_dec(&b, 1024 + rng_below(&t->rng, 64000));
	s->received_len = (uint8_t) b.len;
}

static void contact_insert(struct lg_thread *t, uint32_t local, int64_t now_ns)
{
	const struct lg_config *cfg = t->run->cfg;
	uint32_t base = local * cfg->max_contacts;
	uint32_t slot = base;
	uint64_t serial = t->serial++;
	uint32_t user = user_id(t, local);
	struct lg_buf b;
	struct lg_slot *s;

	while (t->slots[slot].used) {
		slot++;
	}
	s = &t->slots[slot];
	s->used = 1;
	s->gen++;
	s->expiring = (uint8_t) rng_chance(&t->rng, cfg->expire_ratio);
	s->user_agent = (uint8_t) rng_below(&t->rng, LG_ARRAY_SIZE(user_agents));
	s->display_name = (uint8_t) rng_below(&t->rng,
		LG_ARRAY_SIZE(display_names));
	s->has_path = (uint8_t) rng_chance(&t->rng, 0.2);
	b = (struct lg_buf) { s->uri, 0, sizeof(s->uri) };
	buf_lit(&b, "sip:u");
	buf_dec(&b, user);
	buf_lit(&b, "@198.51.100.");
	buf_dec(&b, 1 + rng_below(&t->rng, 254));
	buf_lit(&b, ":");
	buf_dec(&b, 5060 + rng_below(&t->rng, 4000));
	buf_lit(&b, ";transport=udp;c=");
	buf_dec(&b, serial);
	s->uri_len = (uint8_t) b.len;
	b = (struct lg_buf) { s->callid, 0, sizeof(s->callid) };
	buf_hex(&b, rng_next(&t->rng), 16);
	buf_lit(&b, "-");
	buf_dec(&b, t->id);
	buf_lit(&b, "-");
	buf_dec(&b, serial);
	buf_lit(&b, "@loadgen");
	s->callid_len = (uint8_t) b.len;
	b = (struct lg_buf) { s->ruid, 0, sizeof(s->ruid) };
	buf_lit(&b, "uloc-");
	buf_hex(&b, t->id, 0);
	buf_lit(&b, "-");
	buf_hex(&b, serial, 0);
	s->ruid_len = (uint8_t) b.len;
	s->instance_len = 0;
	s->reg_id = 0;
	if (rng_chance(&t->rng, 0.3)) {
		uint64_t x = rng_next(&t->rng), y = rng_next(&t->rng);

		/* A version 4 UUID: "4" and "8" are its fixed nibbles. */
		b = (struct lg_buf) { s->instance, 0, sizeof(s->instance) };
		buf_lit(&b, "<urn:uuid:");
		buf_hex(&b, x >> 32, 8);
		buf_lit(&b, "-");
		buf_hex(&b, x >> 16, 4);
		buf_lit(&b, "-4");
		buf_hex(&b, x, 3);
		buf_lit(&b, "-8");
		buf_hex(&b, y >> 48, 3);
		buf_lit(&b, "-");
		buf_hex(&b, y, 12);
		buf_lit(&b, ">");
		s->instance_len = (uint8_t) b.len;
		s->reg_id = 1 + (uint32_t) rng_below(&t->rng, 2);
	}
	s->received_len = 0;
	if (rng_chance(&t->rng, 0.3)) {
		slot_rebind(t, s);
	}
	s->cseq = 1 + (int32_t) rng_below(&t->rng, 100000);
	s->q = q_values[rng_below(&t->rng, LG_ARRAY_SIZE(q_values))];
	s->flags = rng_chance(&t->rng, 0.5) ? 0 : 0x2;
	s->cflags = rng_chance(&t->rng, 0.8) ? 0 : 0x40;
	s->methods = rng_chance(&t->rng, 0.9) ? 0x1fff : 0xffffffffu;
	slot_set_lifetime(t, s, now_ns);
	t->users[local].contacts++;
	t->live++;
	slot_schedule(t, slot, now_ns);
	emit(t, slot, LG_COUNT_INSERT);
}

/* A REGISTER for a held binding: same URI and call-id, next CSeq. */
static void contact_update(struct lg_thread *t, uint32_t slot, int64_t now_ns,
		enum lg_count kind)
{
	struct lg_slot *s = &t->slots[slot];

	s->gen++;
	s->cseq++;
	if (kind == LG_COUNT_UPDATE) {
		if (rng_chance(&t->rng, 0.2)) {
			s->user_agent = (uint8_t) rng_below(&t->rng,
				LG_ARRAY_SIZE(user_agents));
		}
		if (rng_chance(&t->rng, 0.2)) {
			s->q = q_values[rng_below(&t->rng,
				LG_ARRAY_SIZE(q_values))];
		}
	}
	slot_set_lifetime(t, s, now_ns);
	slot_schedule(t, slot, now_ns);
	emit(t, slot, kind);
}

/* De-registration or expiry: the event carries the binding as it was. */
static void contact_remove(struct lg_thread *t, uint32_t slot,
		enum lg_count kind)
{
	struct lg_slot *s = &t->slots[slot];

	emit(t, slot, kind);
	s->used = 0;
	s->gen++;
	t->users[slot / t->run->cfg->max_contacts].contacts--;
	t->live--;
}

/* The n-th held slot of a user (n < its contact count). */
static uint32_t user_held_slot(const struct lg_thread *t, uint32_t local,
		uint32_t n)
{
	uint32_t slot = local * t->run->cfg->max_contacts;

	for (;; slot++) {
		if (t->slots[slot].used) {
			if (n == 0) {
				break;
			}
			n--;
		}
	}
	return slot;
}

/* Which action a weight draw `x` falls on, skipping insert if `no_insert`. */
static enum lg_mix mix_pick(const uint32_t *mix, uint64_t x, int no_insert)
{
	int k;

	for (k = no_insert ? 1 : 0; k < LG_MIX_NR - 1; k++) {
		if (x < mix[k]) {
			break;
		}
		x -= mix[k];
	}
	return (enum lg_mix) k;
}

static void random_action(struct lg_thread *t, int64_t now_ns)
{
	const uint32_t *mix = t->run->cfg->mix;
	uint32_t local = (uint32_t) rng_below(&t->rng, t->nusers);
	uint32_t held = t->users[local].contacts;
	uint64_t total = 0;
	uint32_t slot;
	enum lg_mix pick;
	int k;

	for (k = 0; k < LG_MIX_NR; k++) {
		total += mix[k];
	}
	if (held == 0) {
		pick = LG_MIX_INSERT;
	} else if (held >= t->run->cfg->max_contacts) {
		pick = total > mix[LG_MIX_INSERT] ?
			mix_pick(mix, rng_below(&t->rng,
				total - mix[LG_MIX_INSERT]), 1) :
			LG_MIX_REFRESH;
	} else {
		pick = mix_pick(mix, rng_below(&t->rng, total), 0);
	}
	if (pick == LG_MIX_INSERT) {
		contact_insert(t, local, now_ns);
		return;
	}
	slot = user_held_slot(t, local, (uint32_t) rng_below(&t->rng, held));
	switch (pick) {
	case LG_MIX_REBIND:
		slot_rebind(t, &t->slots[slot]);
		contact_update(t, slot, now_ns, LG_COUNT_UPDATE);
		break;
	case LG_MIX_UPDATE:
		contact_update(t, slot, now_ns, LG_COUNT_UPDATE);
		break;
	case LG_MIX_DELETE:
		contact_remove(t, slot, LG_COUNT_DELETE);
		break;
	case LG_MIX_EXPIRE:
		contact_remove(t, slot, LG_COUNT_EXPIRE);
		break;
	default:
		contact_update(t, slot, now_ns, LG_COUNT_REFRESH);
		break;
	}
}

/* One event: the earliest due timer if any, else a random REGISTER. */
static void one_action(struct lg_thread *t)
{
	int64_t now_ns = lg_now_ns(CLOCK_REALTIME);

	while (t->heap_len > 0 && t->heap[0].at_ns <= now_ns) {
		struct lg_heap_entry e = t->heap[0];

		heap_pop(t);
		if (!heap_entry_valid(t, &e)) {
			continue;
		}
		if (t->slots[e.slot].expiring) {
			contact_remove(t, e.slot, LG_COUNT_EXPIRE);
		} else {
			contact_update(t, e.slot, now_ns, LG_COUNT_REFRESH);
		}
		goto end;
	}
	random_action(t, now_ns);
end:
	return;
}

/*
 * Events this worker may emit next, at most `want`. Reservations are
 * handed out from one counter, so the workers emit exactly --events in
 * total: a reservation past the limit gets nothing and stops its worker.
 */
static uint32_t reserve_events(struct lg_run *run, uint32_t want)
{
	uint64_t limit = run->cfg->events;
	uint64_t first;
	uint32_t got = want;

	if (limit == 0) {
		goto end;
	}
	first = atomic_fetch_add(&run->reserved, want);
	if (first >= limit) {
		got = 0;
	} else if (limit - first < want) {
		got = (uint32_t) (limit - first);
	}
end:
	return got;
}

/* Sleep until a pacing deadline, waking early when told to stop. */
static void pace_sleep(struct lg_run *run, int64_t deadline_ns)
{
	for (;;) {
		int64_t now = lg_now_ns(CLOCK_MONOTONIC);

		if (now >= deadline_ns || atomic_load(&run->stop)) {
			break;
		}
		if (deadline_ns - now > LG_SLEEP_SLICE_NS) {
			lg_sleep_until(now + LG_SLEEP_SLICE_NS);
		} else {
			lg_sleep_until(deadline_ns);
		}
	}
}

void *lg_thread_main(void *arg)
{
	struct lg_thread *t = arg;
	struct lg_run *run = t->run;
	double rate = run->cfg->rate / run->cfg->threads;
	uint32_t batch = LG_BATCH_MAX;
	int64_t interval_ns = 0;
	int64_t deadline_ns = run->start_mono_ns;

	if (rate > 0) {
		/* About a thousand wake-ups a second, whatever the rate. */
		double per_ms = rate / 1000.0;

		batch = per_ms < 1.0 ? 1 : (per_ms > LG_BATCH_MAX ?
			LG_BATCH_MAX : (uint32_t) per_ms);
		interval_ns = (int64_t) (batch * 1e9 / rate);
	}
	while (!atomic_load_explicit(&run->stop, memory_order_relaxed)) {
		uint32_t i, n;
		int64_t now;

		if (lg_now_ns(CLOCK_MONOTONIC) >= run->end_mono_ns) {
			break;
		}
		n = reserve_events(run, batch);
		if (n == 0) {
			break;
		}
		pthread_rwlock_rdlock(&run->state_lock);
		for (i = 0; i < n; i++) {
			one_action(t);
		}
		pthread_rwlock_unlock(&run->state_lock);
		if (interval_ns == 0) {
			continue;
		}
		deadline_ns += interval_ns;
		now = lg_now_ns(CLOCK_MONOTONIC);
		if (now - deadline_ns > LG_PACE_SLACK_NS) {
			deadline_ns = now;
		}
		if (deadline_ns > run->end_mono_ns) {
			deadline_ns = run->end_mono_ns;
		}
		pace_sleep(run, deadline_ns);
	}
	t->finish_mono_ns = lg_now_ns(CLOCK_MONOTONIC);
	atomic_fetch_sub(&run->running, 1);
	return NULL;
}

struct lg_thread *lg_thread_create(struct lg_run *run, uint32_t id)
{
	const struct lg_config *cfg = run->cfg;
	struct lg_thread *t;
	size_t nslots;
	uint32_t i;

	/* Cache-line aligned: the counters of two workers never share one. */
	t = aligned_alloc(64, (sizeof(*t) + 63) / 64 * 64);
	if (t == NULL) {
		goto error;
	}
	memset(t, 0, sizeof(*t));
	t->run = run;
	t->id = id;
	t->nusers = (cfg->users - id + cfg->threads - 1) / cfg->threads;
	t->rng = cfg->seed + id;
	/* Scramble once so that neighbouring seeds start far apart. */
	t->rng = rng_next(&t->rng);
	t->reject_rng = ~t->rng;
	t->reject_rng = rng_next(&t->reject_rng);
	nslots = (size_t) t->nusers * cfg->max_contacts;
	t->heap_cap = 2 * nslots + 2;
	t->users = calloc(t->nusers, sizeof(*t->users));
	t->slots = calloc(nslots, sizeof(*t->slots));
	t->heap = calloc(t->heap_cap, sizeof(*t->heap));
	if (t->users == NULL || t->slots == NULL || t->heap == NULL) {
		goto error_free;
	}
	for (i = 0; i < t->nusers; i++) {
		struct lg_user *u = &t->users[i];
		int ret = snprintf(u->aor, sizeof(u->aor),
			"sip:user%u@example.net", user_id(t, i));

		u->aor_len = fmt_len(ret, sizeof(u->aor));
	}
	goto end;

error_free:
	lg_thread_destroy(t);
error:
	t = NULL;
end:
	return t;
}

void lg_thread_destroy(struct lg_thread *t)
{
	if (t == NULL) {
		return;
	}
	free(t->heap);
	free(t->slots);
	free(t->users);
	free(t);
}
