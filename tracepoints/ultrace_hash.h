/*
 * ultrace_hash.h: the hashes producer and consumer must agree on, for the
 * compact refresh event (doc/design.md, "Compact refreshes"):
 * - a contact's key, from (domain, AOR, contact URI): the registry files
 *   its contacts under exactly this hash, so a refresh finds its row from
 *   the key alone;
 * - its check, from the key and every field a refresh does not carry: a
 *   row whose check differs is not the contact the producer refreshed.
 * Header-only (static inline): libultrace and registry/ each compile it.
 * Changing anything here changes the trace format.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_HASH_H
#define ULTRACE_HASH_H

#include <stdint.h>
#include <string.h>

#include "ultrace.h"

/*
 * A word-at-a-time hash of our own: each 8-byte word is mixed in with a
 * multiply and a shift, the tail zero-padded, the length folded in last;
 * a final avalanche makes the low bits (the bucket) depend on every byte.
 */
#define ULTRACE_HASH_K UINT64_C(0x9e3779b97f4a7c15)
#define ULTRACE_HASH_DOMAIN_SEED UINT64_C(0x2d358dccaa6c78a5)
#define ULTRACE_HASH_CONTACT_SALT UINT64_C(0x94d049bb133111eb)

static inline uint64_t ultrace_hash_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= ULTRACE_HASH_K;
	return h ^ (h >> 32);
}

static inline uint64_t ultrace_hash_final(uint64_t h)
{
	h ^= h >> 29;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	return h ^ (h >> 31);
}

/* Hash of the slice `s` continued from `seed` (a NULL `s` is empty). */
static inline uint64_t ultrace_hash_str(uint64_t seed, struct ultrace_str s)
{
	const unsigned char *p = (const unsigned char *) s.s;
	size_t n = s.s == NULL ? 0 : s.len;
	size_t len = n;
	uint64_t h = seed;
	uint64_t v;

	while (n >= 8) {
		memcpy(&v, p, 8);
		h = ultrace_hash_mix(h, v);
		p += 8;
		n -= 8;
	}
	v = 0;
	if (n > 0) {
		memcpy(&v, p, n);
	}
	return ultrace_hash_final(ultrace_hash_mix(h, v ^ ((uint64_t) len << 56)));
}

/* The seed a domain's users hash from. */
static inline uint64_t ultrace_hash_domain(struct ultrace_str domain)
{
	return ultrace_hash_str(ULTRACE_HASH_DOMAIN_SEED, domain);
}

/* A user's hash from its domain's seed and its AOR. */
static inline uint64_t ultrace_hash_user(uint64_t domain_seed,
		struct ultrace_str aor)
{
	return ultrace_hash_str(domain_seed, aor);
}

/* A contact's key from its user's hash and its URI. */
static inline uint64_t ultrace_hash_contact(uint64_t user_hash,
		struct ultrace_str uri)
{
	return ultrace_hash_str(user_hash ^ ULTRACE_HASH_CONTACT_SALT, uri);
}

static inline uint64_t ultrace_contact_key(const struct ultrace_contact *c)
{
	return ultrace_hash_contact(ultrace_hash_user(
		ultrace_hash_domain(c->domain), c->aor), c->contact);
}

/*
 * The check of `c` under `key`: every field but cseq, expires and
 * last_modified (what a compact refresh carries). Never 0 (the producer's
 * memo uses 0 for "none").
 */
static inline uint64_t ultrace_contact_check(uint64_t key,
		const struct ultrace_contact *c)
{
	uint64_t h = key;

	h = ultrace_hash_str(h, c->display_name);
	h = ultrace_hash_str(h, c->received);
	h = ultrace_hash_str(h, c->path);
	h = ultrace_hash_str(h, c->user_agent);
	h = ultrace_hash_str(h, c->callid);
	h = ultrace_hash_str(h, c->ruid);
	h = ultrace_hash_str(h, c->instance);
	h = ultrace_hash_str(h, c->socket);
	h = ultrace_hash_mix(h, ((uint64_t) (uint32_t) c->q << 32) | c->flags);
	h = ultrace_hash_mix(h, ((uint64_t) c->cflags << 32) | c->methods);
	h = ultrace_hash_final(ultrace_hash_mix(h, c->reg_id));
	return h == 0 ? 1 : h;
}

#endif /* ULTRACE_HASH_H */
