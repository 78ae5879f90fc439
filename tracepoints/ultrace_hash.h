/*
 * ultrace_hash.h: the hashes (and the array layout) producer and consumer
 * must agree on, for the
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
 * A hash of our own: 16 bytes at a time folded in with one 64x64->128-bit
 * multiply (the last 16 overlapping, a short tail loaded without a call,
 * the length in the last multiply); a final avalanche makes the low bits
 * (the bucket) depend on every byte. The check streams all its fields
 * through one state and one avalanche.
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

/*
 * The 1..7 bytes at p as one word, without reading past them and without
 * a call (a variable-length memcpy is one): two overlapping 4-byte loads,
 * or three single bytes. Which bytes a word holds is a function of n,
 * and the length is mixed in too, so no two slices are confused.
 */
static inline uint64_t ultrace_hash_tail(const unsigned char *p, size_t n)
{
	uint32_t a;
	uint32_t b;

	if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return ((uint64_t) a << 32) | b;
	}
	return ((uint64_t) p[0] << 16) | ((uint64_t) p[n >> 1] << 8) |
		p[n - 1];
}

#define ULTRACE_HASH_K1 UINT64_C(0xe7037ed1a0b428db)
#define ULTRACE_HASH_K2 UINT64_C(0x8ebc6af09c88c6e3)

/* 64 x 64 -> 128-bit product, its halves folded: 16 bytes a multiply. */
static inline uint64_t ultrace_hash_mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128) a * b;

	return (uint64_t) r ^ (uint64_t) (r >> 64);
}

static inline uint64_t ultrace_hash_load(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/*
 * Mix the slice `s` into the running state `h` (no final avalanche): 16
 * bytes per multiply, the last 16 (or 8..15) loaded overlapping what came
 * before, the length folded into the last multiply.
 */
static inline uint64_t ultrace_hash_absorb(uint64_t h, struct ultrace_str s)
{
	const unsigned char *p = (const unsigned char *) s.s;
	size_t n = s.s == NULL ? 0 : s.len;
	const unsigned char *end;
	uint64_t a;
	uint64_t b;

	if (n == 0) {
		/* No pointer arithmetic on a NULL slice (UBSan). */
		return ultrace_hash_mum(h ^ ULTRACE_HASH_K2, ULTRACE_HASH_K1);
	}
	end = p + n;
	if (n > 16) {
		while (end - p > 16) {
			h = ultrace_hash_mum(ultrace_hash_load(p) ^ h,
				ultrace_hash_load(p + 8) ^ ULTRACE_HASH_K1);
			p += 16;
		}
		a = ultrace_hash_load(end - 16);
		b = ultrace_hash_load(end - 8);
	} else if (n >= 8) {
		a = ultrace_hash_load(p);
		b = ultrace_hash_load(end - 8);
	} else {
		a = ultrace_hash_tail(p, n);
		b = 0;
	}
	return ultrace_hash_mum(a ^ h ^ ULTRACE_HASH_K2,
		b ^ ULTRACE_HASH_K1 ^ (uint64_t) n);
}

/* Hash of the slice `s` continued from `seed` (a NULL `s` is empty). */
static inline uint64_t ultrace_hash_str(uint64_t seed, struct ultrace_str s)
{
	return ultrace_hash_final(ultrace_hash_absorb(seed, s));
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

	h = ultrace_hash_absorb(h, c->display_name);
	h = ultrace_hash_absorb(h, c->received);
	h = ultrace_hash_absorb(h, c->path);
	h = ultrace_hash_absorb(h, c->user_agent);
	h = ultrace_hash_absorb(h, c->callid);
	h = ultrace_hash_absorb(h, c->ruid);
	h = ultrace_hash_absorb(h, c->instance);
	h = ultrace_hash_absorb(h, c->socket);
	h = ultrace_hash_mix(h, ((uint64_t) (uint32_t) c->q << 32) | c->flags);
	h = ultrace_hash_mix(h, ((uint64_t) c->cflags << 32) | c->methods);
	h = ultrace_hash_final(ultrace_hash_mix(h, c->reg_id));
	return h == 0 ? 1 : h;
}

/*
 * The elements of contact_refresh's one `refresh` array (uint64 each), in
 * this order: part of the trace format, like the hashes above.
 */
#define ULTRACE_REFRESH_KEY 0
#define ULTRACE_REFRESH_CHECK 1
#define ULTRACE_REFRESH_CSEQ 2          /* int32, sign-extended */
#define ULTRACE_REFRESH_EXPIRES 3       /* int64 */
#define ULTRACE_REFRESH_LAST_MODIFIED 4 /* int64 */
#define ULTRACE_REFRESH_COUNT 5

#endif /* ULTRACE_HASH_H */
