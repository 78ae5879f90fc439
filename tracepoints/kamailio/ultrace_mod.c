/*
 * ultrace_mod.c: Kamailio module `ultrace`, one usrloc callback that emits
 * every contact insert/update/delete/expire through libultrace.
 * Knows Kamailio and ultrace.h only: no LTTng header, no LTTng library.
 *
 * libultrace and the provider are dlopen'ed in mod_init, which Kamailio
 * runs after daemonize() closed fds 3..31: loading LTTng-UST earlier
 * (linking it, LD_PRELOAD) loses its sessiond sockets. The provider is
 * loaded with ULTRACE_LOAD_ATFORK so each forked child registers with the
 * session daemon itself, and a session created later still sees it.
 *
 * The statedump (RPC ultrace.statedump, or every statedump_interval
 * seconds in a timer process of its own) walks usrloc's in-memory tables
 * one hash slot at a time, under that slot's lock only, and pauses
 * statedump_pause_ms after every statedump_batch contacts with no lock
 * held, so no SIP worker waits long for a slot.
 *
 * The registrar's own figures (its configuration and REGISTER counters,
 * from the registrar module's statistics) are recorded once at start, in
 * every statedump, and every registrar_interval seconds from the core's
 * timer process: never on a SIP worker's path.
 *
 * GPL, not LGPL like libultrace: it is built from Kamailio's GPL headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/sr_module.h"
#include "../../core/dprint.h"
#include "../../core/ip_addr.h"
#include "../../core/qvalue.h"
#include "../../core/locking.h"
#include "../../core/mem/shm_mem.h"
#include "../../core/rpc.h"
#include "../../core/rpc_lookup.h"
#include "../../core/timer_proc.h"
#include "../../core/pt.h"
#include "../../core/counters.h"
#include "../../core/timer.h"
#include "../usrloc/usrloc.h"
#include "../usrloc/ul_callback.h"
#include "../usrloc/udomain.h"
#include "../usrloc/hslot.h"

#include <ultrace.h>

MODULE_VERSION

#ifndef ULTRACE_LIBULTRACE_NAME
#define ULTRACE_LIBULTRACE_NAME "libultrace.so.0"
#endif

static int mod_init(void);
static int child_init(int rank);
static void mod_destroy(void);

/* Module parameters: empty means the default. */
static char *provider_path = "";   /* as $ULTRACE_PROVIDER */
static char *libultrace_path = ULTRACE_LIBULTRACE_NAME;
/* usrloc tables to dump, comma-separated (usrloc keeps no public list). */
static char *statedump_domains = "location";
static int statedump_batch = 1000;      /* contacts between two pauses */
static int statedump_pause_ms = 1;      /* pause with no lock held */
static int statedump_interval = 0;      /* seconds, 0: RPC only */
/* seconds between two registrar_counters; 0: at start and in dumps only */
static int registrar_interval = 1;

typedef void (*emit_f)(const struct ultrace_contact *c);
typedef int (*provider_load_f)(unsigned int flags, char *errbuf,
		size_t errlen);

/* Resolved once in mod_init (main process), inherited by every child. */
static emit_f emit_insert;
static emit_f emit_update;
static emit_f emit_delete;
static emit_f emit_expire;

typedef void (*dump_begin_f)(uint64_t dump_id);
typedef void (*dump_contact_f)(uint64_t dump_id,
		const struct ultrace_contact *c);
typedef void (*dump_end_f)(uint64_t dump_id, uint64_t contacts);

static dump_begin_f dump_begin;
static dump_contact_f dump_contact;
static dump_end_f dump_end;

typedef void (*registrar_config_f)(
		const struct ultrace_registrar_settings *s);
typedef void (*registrar_counters_f)(const struct ultrace_registrar_counts *n);

static registrar_config_f emit_registrar_config;
static registrar_counters_f emit_registrar_counters;

static usrloc_api_t ul;

/*
 * Next dump id, in shm: the RPC processes and the timer process share it.
 * Seeded from the start time (seconds << 20) so that a restarted server
 * does not reuse the ids of its previous run.
 */
static uint64_t *next_dump_id;
/* One dump at a time: interleaved dumps would confuse a consumer. */
static gen_lock_t *dump_lock;

static void *libultrace_handle;

static param_export_t params[] = {
	{"provider_path", PARAM_STRING, &provider_path},
	{"libultrace_path", PARAM_STRING, &libultrace_path},
	{"statedump_domains", PARAM_STRING, &statedump_domains},
	{"statedump_batch", PARAM_INT, &statedump_batch},
	{"statedump_pause_ms", PARAM_INT, &statedump_pause_ms},
	{"statedump_interval", PARAM_INT, &statedump_interval},
	{"registrar_interval", PARAM_INT, &registrar_interval},
	{0, 0, 0}
};

static void rpc_statedump(rpc_t *rpc, void *ctx);

static const char *rpc_statedump_doc[] = {
	"Emit a statedump of every usrloc contact (statedump_begin, one "
	"statedump_contact per contact, statedump_end); returns the dump id "
	"and the number of contacts",
	0
};

static rpc_export_t rpc_cmds[] = {
	{"ultrace.statedump", rpc_statedump, rpc_statedump_doc, 0},
	{0, 0, 0, 0}
};

struct module_exports exports = {
	"ultrace",        /* module name */
	DEFAULT_DLFLAGS,  /* dlopen flags */
	0,                /* exported functions */
	params,           /* exported parameters */
	rpc_cmds,         /* RPC methods */
	0,                /* pseudo-variables */
	0,                /* response handler */
	mod_init,         /* module init */
	child_init,       /* per-child init */
	mod_destroy       /* module destroy */
};

static inline struct ultrace_str slice(const str *s)
{
	struct ultrace_str out = {NULL, 0};

	if (s != NULL && s->s != NULL && s->len > 0) {
		out.s = s->s;
		out.len = (size_t) s->len;
	}
	return out;
}

/*
 * The one place a ucontact_t becomes an ultrace_contact: events and
 * statedumps carry the same fields. Borrows the contact's strings.
 */
static void fill_contact(struct ultrace_contact *uc, const ucontact_t *c)
{
	memset(uc, 0, sizeof(*uc));
	uc->domain = slice(c->domain);
	uc->aor = slice(c->aor);
	uc->contact = slice(&c->c);
	uc->received = slice(&c->received);
	uc->path = slice(&c->path);
	uc->user_agent = slice(&c->user_agent);
	uc->callid = slice(&c->callid);
	uc->ruid = slice(&c->ruid);
	uc->instance = slice(&c->instance);
	if (c->sock != NULL) {
		uc->socket = slice(&c->sock->sock_str);
	}
	uc->cseq = c->cseq;
	uc->q = c->q == Q_UNSPECIFIED ? ULTRACE_Q_UNSET : c->q;
	uc->expires = (int64_t) c->expires;
	uc->last_modified = (int64_t) c->last_modified;
	uc->flags = c->flags;
	uc->cflags = c->cflags;
	uc->methods = c->methods;
	uc->reg_id = c->reg_id;
}

/*
 * Runs inside usrloc with the domain slot locked: only stack and the
 * contact's own memory, no allocation, no lock, no shm.
 */
static void contact_cb(ucontact_t *c, int type, void *param)
{
	struct ultrace_contact uc;
	emit_f emit;

	(void) param;
	switch (type) {
	case UL_CONTACT_INSERT:
		emit = emit_insert;
		break;
	case UL_CONTACT_UPDATE:
		emit = emit_update;
		break;
	case UL_CONTACT_DELETE:
		emit = emit_delete;
		break;
	case UL_CONTACT_EXPIRE:
		emit = emit_expire;
		break;
	default:
		emit = NULL;
		break;
	}
	if (emit == NULL || c == NULL) {
		return;
	}
	fill_contact(&uc, c);
	emit(&uc);
}

static void dump_pause(void)
{
	struct timespec ts;

	if (statedump_pause_ms <= 0) {
		sched_yield();
		return;
	}
	ts.tv_sec = statedump_pause_ms / 1000;
	ts.tv_nsec = (long) (statedump_pause_ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/*
 * One usrloc table, one hash slot at a time under that slot's lock only
 * (what usrloc's own timer and ul.dump do). A pause falls between slots,
 * when at least statedump_batch contacts were emitted since the last one:
 * a record's contacts can only be walked with its slot locked.
 */
static uint64_t dump_domain(udomain_t *d, uint64_t id, int *since_pause)
{
	struct ultrace_contact uc;
	urecord_t *r;
	ucontact_t *c;
	uint64_t n = 0;
	int i;

	for (i = 0; i < d->size; i++) {
		rec_lock_get(&d->table[i].rlock);
		for (r = d->table[i].first; r != NULL; r = r->next) {
			for (c = r->contacts; c != NULL; c = c->next) {
				fill_contact(&uc, c);
				dump_contact(id, &uc);
				n++;
				(*since_pause)++;
			}
		}
		rec_lock_release(&d->table[i].rlock);
		if (*since_pause >= statedump_batch) {
			dump_pause();
			*since_pause = 0;
		}
	}
	return n;
}

/*
 * The registrar module's statistics: the ones snmpstats serves for the same
 * MIB objects and `kamcmd stats.get_statistics registrar:` shows. Counter
 * handles are looked up on first use in each process that records them
 * (registrar may be loaded after this module); 0: not yet, -1: no
 * registrar.
 */
static struct {
	int state;
	counter_handle_t accepted;
	counter_handle_t rejected;
	counter_handle_t max_expires;
	counter_handle_t default_expire;
} reg_stats;

static int registrar_stats_found(void)
{
	if (reg_stats.state == 0) {
		reg_stats.state = counter_lookup(&reg_stats.accepted,
				"registrar", "accepted_regs") == 0 &&
			counter_lookup(&reg_stats.rejected, "registrar",
				"rejected_regs") == 0 &&
			counter_lookup(&reg_stats.max_expires, "registrar",
				"max_expires") == 0 &&
			counter_lookup(&reg_stats.default_expire, "registrar",
				"default_expire") == 0 ? 1 : -1;
		if (reg_stats.state < 0) {
			LM_WARN("no registrar statistics (registrar not "
				"loaded?): its configuration and REGISTER "
				"counters are not traced\n");
		}
	}
	return reg_stats.state > 0;
}

/* 0 if there is no registrar (or no libultrace) to record. */
static int registrar_read(struct ultrace_registrar_settings *s,
		struct ultrace_registrar_counts *n)
{
	if (emit_registrar_config == NULL || !registrar_stats_found()) {
		return 0;
	}
	s->max_expires = (uint32_t) counter_get_val(reg_stats.max_expires);
	/* Kamailio's registrar has no limit on users. */
	s->max_users = 0;
	s->default_expires =
		(uint32_t) counter_get_val(reg_stats.default_expire);
	n->accepted = (uint64_t) counter_get_val(reg_stats.accepted);
	n->rejected = (uint64_t) counter_get_val(reg_stats.rejected);
	return 1;
}

/* Both events: at start and in every statedump. */
static void registrar_emit(void)
{
	struct ultrace_registrar_settings s;
	struct ultrace_registrar_counts n;

	if (registrar_read(&s, &n)) {
		emit_registrar_config(&s);
		emit_registrar_counters(&n);
	}
}

/*
 * Every registrar_interval seconds in the core's timer process: the
 * counters, and the configuration again when it differs from what this
 * process last recorded (a cfg.set at run time, or the first tick).
 */
static void registrar_timer(unsigned int ticks, void *param)
{
	static struct ultrace_registrar_settings last;
	static int have_last;
	struct ultrace_registrar_settings s;
	struct ultrace_registrar_counts n;

	(void) ticks;
	(void) param;
	if (!registrar_read(&s, &n)) {
		return;
	}
	if (!have_last || memcmp(&s, &last, sizeof(s)) != 0) {
		emit_registrar_config(&s);
		last = s;
		have_last = 1;
	}
	emit_registrar_counters(&n);
}

/*
 * Emit a complete statedump of the tables named by statedump_domains.
 * Returns 0 with the dump's id and size, -1 if none could be taken
 * (message in errbuf).
 */
static int statedump_run(uint64_t *id_out, uint64_t *count_out,
		char *errbuf, size_t errlen)
{
	char name[128];
	const char *p, *end;
	udomain_t *d;
	uint64_t id, n = 0;
	int since_pause = 0;
	int ret = -1;
	size_t len;

	if (dump_begin == NULL || next_dump_id == NULL) {
		snprintf(errbuf, errlen, "libultrace not loaded");
		goto end;
	}
	if (ul.db_mode == DB_ONLY) {
		snprintf(errbuf, errlen,
			"usrloc db_mode 3 (DB_ONLY) keeps no contacts in memory");
		goto end;
	}
	if (lock_try(dump_lock) != 0) {
		snprintf(errbuf, errlen, "a statedump is already running");
		goto end;
	}
	id = __atomic_fetch_add(next_dump_id, 1, __ATOMIC_SEQ_CST);
	dump_begin(id);
	/* A consumer that attached late learns the registrar's figures here. */
	registrar_emit();
	for (p = statedump_domains; p != NULL && *p != '\0'; p = end) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t) (end - p) : strlen(p);
		if (end != NULL) {
			end++;
		}
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
			len--;
		}
		if (len == 0 || len >= sizeof(name)) {
			continue;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (ul.get_udomain(name, &d) != 0 || d == NULL) {
			LM_WARN("statedump: no usrloc table '%s'\n", name);
			continue;
		}
		n += dump_domain(d, id, &since_pause);
	}
	dump_end(id, n);
	lock_release(dump_lock);
	*id_out = id;
	*count_out = n;
	ret = 0;
end:
	return ret;
}

/*
 * Runs synchronously in the ctl process that took the command: other RPCs
 * on that process wait until the dump ends (about statedump_pause_ms per
 * statedump_batch contacts plus the emit time).
 */
static void rpc_statedump(rpc_t *rpc, void *ctx)
{
	char errbuf[128];
	char idbuf[24];
	uint64_t id, n;
	void *h;

	if (statedump_run(&id, &n, errbuf, sizeof(errbuf)) != 0) {
		rpc->fault(ctx, 500, "%s", errbuf);
		return;
	}
	snprintf(idbuf, sizeof(idbuf), "%llu", (unsigned long long) id);
	if (rpc->add(ctx, "{", &h) < 0) {
		return;
	}
	rpc->struct_add(h, "su", "id", idbuf, "contacts", (unsigned int) n);
}

static void statedump_timer(unsigned int ticks, void *param)
{
	char errbuf[128];
	uint64_t id, n;

	(void) ticks;
	(void) param;
	if (statedump_run(&id, &n, errbuf, sizeof(errbuf)) != 0) {
		LM_DBG("periodic statedump skipped: %s\n", errbuf);
		return;
	}
	LM_DBG("statedump %llu: %llu contacts\n", (unsigned long long) id,
		(unsigned long long) n);
}

static int resolve(const char *name, void **out)
{
	*out = dlsym(libultrace_handle, name);
	if (*out == NULL) {
		LM_ERR("%s not found in %s: %s\n", name, libultrace_path,
			dlerror());
		return -1;
	}
	return 0;
}

static int load_libultrace(void)
{
	provider_load_f provider_load;
	int (*memo_prepare)(void);
	char errbuf[512];
	int ret = -1;

	if (provider_path != NULL && provider_path[0] != '\0' &&
			setenv("ULTRACE_PROVIDER", provider_path, 1) != 0) {
		LM_ERR("cannot set ULTRACE_PROVIDER\n");
		goto end;
	}
	libultrace_handle = dlopen(libultrace_path, RTLD_NOW | RTLD_LOCAL);
	if (libultrace_handle == NULL) {
		LM_ERR("cannot load %s: %s\n", libultrace_path, dlerror());
		goto end;
	}
	if (resolve("ultrace_contact_insert", (void **) &emit_insert) ||
			resolve("ultrace_contact_update", (void **) &emit_update) ||
			resolve("ultrace_contact_delete", (void **) &emit_delete) ||
			resolve("ultrace_contact_expire", (void **) &emit_expire) ||
			resolve("ultrace_statedump_begin", (void **) &dump_begin) ||
			resolve("ultrace_statedump_contact", (void **) &dump_contact) ||
			resolve("ultrace_statedump_end", (void **) &dump_end) ||
			resolve("ultrace_provider_load", (void **) &provider_load)) {
		goto end;
	}
	if (provider_load(ULTRACE_LOAD_ATFORK, errbuf, sizeof(errbuf)) != 0) {
		LM_ERR("%s\n", errbuf);
		goto end;
	}
	/*
	 * One memo for all the children forked after this, so that a refresh
	 * any worker handles can be the compact event.
	 */
	if (resolve("ultrace_memo_prepare", (void **) &memo_prepare) ||
			memo_prepare() != 0) {
		LM_WARN("no shared refresh memo: refreshes are recorded as "
			"full updates\n");
	}
	if (resolve("ultrace_registrar_config",
				(void **) &emit_registrar_config) ||
			resolve("ultrace_registrar_counters",
				(void **) &emit_registrar_counters)) {
		goto end;
	}
	ret = 0;
end:
	if (ret != 0) {
		emit_registrar_config = NULL;
		emit_registrar_counters = NULL;
		emit_insert = emit_update = emit_delete = emit_expire = NULL;
		dump_begin = NULL;
		dump_contact = NULL;
		dump_end = NULL;
	}
	return ret;
}

/* After daemonize, before any fork: the one safe place to load LTTng. */
static int mod_init(void)
{
	bind_usrloc_t bind_usrloc;
	int ret = -1;

	bind_usrloc = (bind_usrloc_t) find_export("ul_bind_usrloc", 1, 0);
	if (bind_usrloc == NULL) {
		LM_ERR("usrloc not loaded: load it before ultrace\n");
		goto end;
	}
	if (bind_usrloc(&ul) < 0) {
		LM_ERR("cannot bind usrloc\n");
		goto end;
	}
	if (statedump_batch <= 0 || statedump_pause_ms < 0 ||
			statedump_interval < 0) {
		LM_ERR("statedump_batch must be > 0, statedump_pause_ms and "
			"statedump_interval >= 0\n");
		goto end;
	}
	next_dump_id = shm_malloc(sizeof(*next_dump_id));
	dump_lock = lock_alloc();
	if (next_dump_id == NULL || dump_lock == NULL ||
			lock_init(dump_lock) == NULL) {
		LM_ERR("out of shared memory\n");
		goto end;
	}
	*next_dump_id = (uint64_t) time(NULL) << 20;
	if (statedump_interval > 0 && register_basic_timers(1) != 0) {
		LM_ERR("cannot register the statedump timer process\n");
		goto end;
	}
	if (registrar_interval < 0) {
		LM_ERR("registrar_interval must be >= 0\n");
		goto end;
	}
	if (registrar_interval > 0 && register_timer(registrar_timer, NULL,
			(unsigned int) registrar_interval) < 0) {
		LM_ERR("cannot register the registrar counters timer\n");
		goto end;
	}
	if (load_libultrace() != 0) {
		goto end;
	}
	if (ul.register_ulcb(UL_CONTACT_INSERT | UL_CONTACT_UPDATE |
			UL_CONTACT_DELETE | UL_CONTACT_EXPIRE,
			contact_cb, NULL) < 0) {
		LM_ERR("cannot register usrloc contact callback\n");
		goto end;
	}
	LM_INFO("tracing usrloc contacts through %s\n", libultrace_path);
	ret = 0;
end:
	return ret;
}

/*
 * The periodic statedump gets a timer process of its own (forked by main);
 * the registrar's figures are recorded once at start.
 */
static int child_init(int rank)
{
	int ret = 0;

	/*
	 * At start, in one process: the first SIP worker, right after
	 * registrar's own child_init (modules initialise in load order) set
	 * its configuration statistics.
	 */
	if (rank == PROC_SIPINIT) {
		registrar_emit();
	}
	if (rank != PROC_MAIN || statedump_interval <= 0) {
		goto end;
	}
	if (fork_basic_timer(PROC_TIMER, "ultrace statedump", 1,
			statedump_timer, NULL, statedump_interval) < 0) {
		LM_ERR("cannot fork the statedump timer process\n");
		ret = -1;
	}
end:
	return ret;
}

static void mod_destroy(void)
{
	if (dump_lock != NULL) {
		lock_destroy(dump_lock);
		lock_dealloc(dump_lock);
		dump_lock = NULL;
	}
	if (next_dump_id != NULL) {
		shm_free(next_dump_id);
		next_dump_id = NULL;
	}
}
