/*
 * ipcbuf_model.c: Kamailio 5.6 snmpstats' interprocess buffer rebuilt for
 * the producer-cost baseline: q_malloc shared pool, futex locks, list.
 * Knows nothing of LTTng or SNMP.
 *
 * What is modelled, from the Kamailio 5.6.3 source:
 * - modules/snmpstats/interprocess_buffer.c: handleContactCallbacks()
 *   allocates a node and copies the AOR and the Contact (convertStrTo-
 *   CharString: shm_malloc(len + 1), memcpy, NUL) then appends the node
 *   under interprocessCBLock; consumeInterprocessBuffer() detaches the
 *   list under the same lock and shm_free()s the node and both strings.
 * - core/mem/q_malloc.c (the default "qm" shm manager, built as Debian's
 *   kamailio 5.6.3 is: MEM_JOIN_FREE, no DBG_QM_MALLOC): exact-size free
 *   buckets every 16 bytes up to 16 KiB, then power-of-two ones; malloc
 *   scans buckets upward from the size's own and splits; free joins the
 *   fragment with free neighbours (core parameter mem_join, 1 by default)
 *   and puts it back in its bucket. Every shm_malloc()/shm_free() holds
 *   the one shm lock.
 * - core/futexlock.h: the lock (FAST_LOCK, USE_FUTEX, ADAPTIVE_WAIT with
 *   1024 loops): cmpxchg, spin, then FUTEX_WAIT.
 * Left out, all in the baseline's favour: the file/function/line
 * arguments of a DBG_SR_MEMORY build, the drainer's table updates (executeInterprocessBuffer-
 * Cmd allocates too, under the same shm lock), and process boundaries
 * (threads here, processes in Kamailio: the same shared memory and locks).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ipcbuf_model.h"

#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* --- core/futexlock.h ------------------------------------------------ */

#define ADAPTIVE_WAIT_LOOPS 1024

typedef int futex_lock_t;

static void sys_futex(futex_lock_t *addr, int op, int val)
{
	syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static int cmpxchg(futex_lock_t *lock, int old, int new)
{
	__atomic_compare_exchange_n(lock, &old, new, 0, __ATOMIC_ACQUIRE,
		__ATOMIC_RELAXED);
	return old;
}

static void futex_get(futex_lock_t *lock)
{
	int i = ADAPTIVE_WAIT_LOOPS;
	int v;

retry:
	v = cmpxchg(lock, 0, 1);
	if (__builtin_expect(v == 0, 1)) {
		return;
	}
	if (v == 1 && i > 0) {
		i--;
		goto retry;
	}
	v = __atomic_exchange_n(lock, 2, __ATOMIC_ACQUIRE);
	while (v != 0) {
		sys_futex(lock, FUTEX_WAIT, 2);
		v = __atomic_exchange_n(lock, 2, __ATOMIC_ACQUIRE);
	}
}

static void futex_release(futex_lock_t *lock)
{
	if (__atomic_exchange_n(lock, 0, __ATOMIC_RELEASE) == 2) {
		sys_futex(lock, FUTEX_WAKE, 1);
	}
}

/* --- core/mem/q_malloc.c (non-debug) ---------------------------------- */

#define ROUNDTO 16UL
#define MIN_FRAG_SIZE ROUNDTO
#define QM_OPTIMIZE_FACTOR 14UL
#define QM_OPTIMIZE (1UL << QM_OPTIMIZE_FACTOR)
#define QM_HASH_SIZE (QM_OPTIMIZE / ROUNDTO + \
	(sizeof(long) * 8 - QM_OPTIMIZE_FACTOR) + 1)
#define ROUNDUP(s) (((s) + (ROUNDTO - 1)) & ~(ROUNDTO - 1))

struct qm_frag {
	unsigned long size;
	union {
		struct qm_frag *nxt_free;
		long is_free;
	} u;
};

struct qm_frag_end {
	unsigned long size;
	struct qm_frag *prev_free;
};

struct qm_frag_lnk {
	struct qm_frag head;
	struct qm_frag_end tail;
	unsigned long no;
};

#define FRAG_OVERHEAD (sizeof(struct qm_frag) + sizeof(struct qm_frag_end))
#define FRAG_END(f) ((struct qm_frag_end *) ((char *) (f) + \
	sizeof(struct qm_frag) + (f)->size))
#define FRAG_NEXT(f) ((struct qm_frag *) ((char *) (f) + \
	sizeof(struct qm_frag) + (f)->size + sizeof(struct qm_frag_end)))
#define PREV_FRAG_END(f) ((struct qm_frag_end *) ((char *) (f) - \
	sizeof(struct qm_frag_end)))
#define FRAG_PREV(f) ((struct qm_frag *) ((char *) PREV_FRAG_END(f) - \
	PREV_FRAG_END(f)->size - sizeof(struct qm_frag)))

struct qm_block {
	futex_lock_t lock;
	unsigned long size;
	unsigned long real_used;
	unsigned long used;
	unsigned long ffrags;
	int mem_join;
	struct qm_frag *first_frag;
	struct qm_frag_end *last_frag_end;
	struct qm_frag_lnk free_hash[QM_HASH_SIZE];
};

static unsigned long big_hash_idx(unsigned long s)
{
	return sizeof(long) * 8 - 1 - (unsigned long) __builtin_clzl(s);
}

static unsigned long get_hash(unsigned long s)
{
	if (s <= QM_OPTIMIZE) {
		return s / ROUNDTO;
	}
	return QM_OPTIMIZE / ROUNDTO + big_hash_idx(s) - QM_OPTIMIZE_FACTOR + 1;
}

static void qm_insert_free(struct qm_block *qm, struct qm_frag *frag)
{
	unsigned long hash = get_hash(frag->size);
	struct qm_frag *f;
	struct qm_frag *prev;

	for (f = qm->free_hash[hash].head.u.nxt_free;
			f != &qm->free_hash[hash].head; f = f->u.nxt_free) {
		if (frag->size <= f->size) {
			break;
		}
	}
	prev = FRAG_END(f)->prev_free;
	prev->u.nxt_free = frag;
	FRAG_END(frag)->prev_free = prev;
	frag->u.nxt_free = f;
	FRAG_END(f)->prev_free = frag;
	qm->free_hash[hash].no++;
	qm->ffrags++;
}

static void qm_detach_free(struct qm_frag *frag)
{
	struct qm_frag *prev = FRAG_END(frag)->prev_free;
	struct qm_frag *next = frag->u.nxt_free;

	prev->u.nxt_free = next;
	FRAG_END(next)->prev_free = prev;
}

static struct qm_block *qm_init(char *address, unsigned long size,
		int mem_join)
{
	struct qm_block *qm = (struct qm_block *) address;
	struct qm_frag *first;
	unsigned long h;
	char *start = address + ROUNDUP(sizeof(*qm));

	memset(qm, 0, sizeof(*qm));
	size = (size - ROUNDUP(sizeof(*qm))) & ~(ROUNDTO - 1);
	qm->size = size;
	qm->real_used = FRAG_OVERHEAD;
	qm->mem_join = mem_join;
	for (h = 0; h < QM_HASH_SIZE; h++) {
		qm->free_hash[h].head.u.nxt_free = &qm->free_hash[h].head;
		qm->free_hash[h].tail.prev_free = &qm->free_hash[h].head;
		qm->free_hash[h].head.size = 0;
		qm->free_hash[h].tail.size = 0;
	}
	first = (struct qm_frag *) start;
	first->size = size - FRAG_OVERHEAD;
	FRAG_END(first)->size = first->size;
	qm->first_frag = first;
	qm->last_frag_end = FRAG_END(first);
	qm_insert_free(qm, first);
	return qm;
}

static struct qm_frag *qm_find_free(struct qm_block *qm, unsigned long size,
		unsigned long *h)
{
	unsigned long hash;
	struct qm_frag *f;

	for (hash = get_hash(size); hash < QM_HASH_SIZE; hash++) {
		for (f = qm->free_hash[hash].head.u.nxt_free;
				f != &qm->free_hash[hash].head; f = f->u.nxt_free) {
			if (f->size >= size) {
				*h = hash;
				return f;
			}
		}
	}
	return NULL;
}

static void split_frag(struct qm_block *qm, struct qm_frag *f,
		unsigned long new_size)
{
	unsigned long rest = f->size - new_size;
	struct qm_frag *n;

	if (rest > FRAG_OVERHEAD + MIN_FRAG_SIZE) {
		f->size = new_size;
		FRAG_END(f)->size = new_size;
		n = FRAG_NEXT(f);
		n->size = rest - FRAG_OVERHEAD;
		FRAG_END(n)->size = n->size;
		qm->real_used += FRAG_OVERHEAD;
		qm_insert_free(qm, n);
	}
}

static void *qm_malloc(struct qm_block *qm, unsigned long size)
{
	struct qm_frag *f;
	unsigned long hash;

	if (size == 0) {
		size = 4;
	}
	size = ROUNDUP(size);
	if (size > qm->size - qm->real_used) {
		return NULL;
	}
	f = qm_find_free(qm, size, &hash);
	if (f == NULL) {
		return NULL;
	}
	qm_detach_free(f);
	f->u.is_free = 0;
	qm->free_hash[hash].no--;
	qm->ffrags--;
	split_frag(qm, f, size);
	qm->real_used += f->size;
	qm->used += f->size;
	return (char *) f + sizeof(struct qm_frag);
}

static void qm_free(struct qm_block *qm, void *p)
{
	struct qm_frag *f;
	struct qm_frag *next;
	struct qm_frag *prev;
	unsigned long size;

	if (p == NULL) {
		return;
	}
	f = (struct qm_frag *) ((char *) p - sizeof(struct qm_frag));
	if (f->u.is_free) {
		return;
	}
	size = f->size;
	qm->used -= size;
	qm->real_used -= size;
	if (qm->mem_join) {
		f->u.nxt_free = (void *) 0x1L;
		next = FRAG_NEXT(f);
		if ((char *) next < (char *) qm->last_frag_end &&
				next->u.is_free) {
			qm_detach_free(next);
			size += next->size + FRAG_OVERHEAD;
			qm->real_used -= FRAG_OVERHEAD;
			qm->free_hash[get_hash(next->size)].no--;
			qm->ffrags--;
		}
		if (f > qm->first_frag) {
			prev = FRAG_PREV(f);
			if (prev->u.is_free) {
				qm_detach_free(prev);
				size += prev->size + FRAG_OVERHEAD;
				qm->real_used -= FRAG_OVERHEAD;
				qm->free_hash[get_hash(prev->size)].no--;
				qm->ffrags--;
				f = prev;
			}
		}
		f->size = size;
		FRAG_END(f)->size = size;
	}
	qm_insert_free(qm, f);
}

/* shm_malloc()/shm_free(): the allocator under the one shm lock. */
static void *shm_malloc(struct qm_block *qm, unsigned long size)
{
	void *p;

	futex_get(&qm->lock);
	p = qm_malloc(qm, size);
	futex_release(&qm->lock);
	return p;
}

static void shm_free(struct qm_block *qm, void *p)
{
	futex_get(&qm->lock);
	qm_free(qm, p);
	futex_release(&qm->lock);
}

/* --- modules/snmpstats/interprocess_buffer.c --------------------------- */

struct ipc_node {
	char *string_name;
	char *string_contact;
	int callback_type;
	struct ipc_node *next;
	const void *contact_info;
};

struct ipcbuf_model {
	struct qm_block *shm;
	size_t pool_bytes;
	/* The front and end sentinels snmpstats keeps in shm. */
	struct ipc_node *front;
	struct ipc_node *end;
	futex_lock_t *cb_lock;
};

static char *copy_string(struct qm_block *shm, const char *s, size_t len)
{
	char *c = shm_malloc(shm, len + 1);

	if (c != NULL) {
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

struct ipcbuf_model *ipcbuf_model_create(size_t pool_bytes, int mem_join)
{
	struct ipcbuf_model *buf;
	void *pool;

	buf = calloc(1, sizeof(*buf));
	if (buf == NULL) {
		goto error;
	}
	pool = mmap(NULL, pool_bytes, PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pool == MAP_FAILED) {
		goto error;
	}
	buf->pool_bytes = pool_bytes;
	buf->shm = qm_init(pool, pool_bytes, mem_join);
	buf->front = shm_malloc(buf->shm, sizeof(*buf->front));
	buf->end = shm_malloc(buf->shm, sizeof(*buf->end));
	buf->cb_lock = shm_malloc(buf->shm, sizeof(*buf->cb_lock));
	if (buf->front == NULL || buf->end == NULL || buf->cb_lock == NULL) {
		goto error;
	}
	memset(buf->front, 0, sizeof(*buf->front));
	memset(buf->end, 0, sizeof(*buf->end));
	*buf->cb_lock = 0;
	return buf;
error:
	ipcbuf_model_destroy(buf);
	return NULL;
}

void ipcbuf_model_destroy(struct ipcbuf_model *buf)
{
	if (buf == NULL) {
		return;
	}
	if (buf->shm != NULL) {
		munmap(buf->shm, buf->pool_bytes);
	}
	free(buf);
}

int ipcbuf_model_contact_callback(struct ipcbuf_model *buf,
		const char *aor, size_t aor_len, const char *contact,
		size_t contact_len, int type)
{
	struct ipc_node *node;

	node = shm_malloc(buf->shm, sizeof(*node));
	if (node == NULL) {
		return -1;
	}
	/* snmpstats does not check these two either. */
	node->string_name = copy_string(buf->shm, aor, aor_len);
	node->string_contact = copy_string(buf->shm, contact, contact_len);
	node->contact_info = aor;
	node->callback_type = type;
	node->next = NULL;

	futex_get(buf->cb_lock);
	if (buf->front->next == NULL) {
		buf->front->next = node;
	} else {
		buf->end->next->next = node;
	}
	buf->end->next = node;
	futex_release(buf->cb_lock);
	return 0;
}

uint64_t ipcbuf_model_consume(struct ipcbuf_model *buf)
{
	struct ipc_node *cur;
	struct ipc_node *prev;
	uint64_t n = 0;

	/* Unlocked peek first, as snmpstats does. */
	if (__atomic_load_n(&buf->front->next, __ATOMIC_RELAXED) == NULL) {
		return 0;
	}
	futex_get(buf->cb_lock);
	cur = buf->front->next;
	buf->front->next = NULL;
	buf->end->next = NULL;
	futex_release(buf->cb_lock);
	while (cur != NULL) {
		prev = cur;
		cur = cur->next;
		shm_free(buf->shm, prev->string_name);
		shm_free(buf->shm, prev->string_contact);
		shm_free(buf->shm, prev);
		n++;
	}
	return n;
}

int ipcbuf_model_check(const struct ipcbuf_model *buf)
{
	const struct qm_block *qm = buf->shm;
	struct qm_frag *f;
	unsigned long used = 0;
	unsigned long free_frags = 0;
	unsigned long frags = 0;

	for (f = qm->first_frag; (char *) f < (char *) qm->last_frag_end;
			f = FRAG_NEXT(f)) {
		if (FRAG_END(f)->size != f->size) {
			return -1;
		}
		frags++;
		if (f->u.is_free) {
			free_frags++;
		} else {
			used += f->size;
		}
	}
	if ((char *) f != (char *) qm->last_frag_end +
			sizeof(struct qm_frag_end)) {
		return -1;
	}
	if (used != qm->used || free_frags != qm->ffrags ||
			qm->real_used != used + frags * FRAG_OVERHEAD) {
		return -1;
	}
	/* Drained: only the two sentinels and the lock are left. */
	if (buf->front->next != NULL || used != 2 * ROUNDUP(sizeof(
			struct ipc_node)) + ROUNDUP(sizeof(futex_lock_t))) {
		return -1;
	}
	return 0;
}
