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
 * GPL, not LGPL like libultrace: it is built from Kamailio's GPL headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/sr_module.h"
#include "../../core/dprint.h"
#include "../../core/ip_addr.h"
#include "../../core/qvalue.h"
#include "../usrloc/usrloc.h"
#include "../usrloc/ul_callback.h"

#include <ultrace.h>

MODULE_VERSION

#ifndef ULTRACE_LIBULTRACE_NAME
#define ULTRACE_LIBULTRACE_NAME "libultrace.so.0"
#endif

static int mod_init(void);

/* Module parameters: empty means the default. */
static char *provider_path = "";   /* as $ULTRACE_PROVIDER */
static char *libultrace_path = ULTRACE_LIBULTRACE_NAME;

typedef void (*emit_f)(const struct ultrace_contact *c);
typedef int (*provider_load_f)(unsigned int flags, char *errbuf,
		size_t errlen);

/* Resolved once in mod_init (main process), inherited by every child. */
static emit_f emit_insert;
static emit_f emit_update;
static emit_f emit_delete;
static emit_f emit_expire;

static void *libultrace_handle;

static param_export_t params[] = {
	{"provider_path", PARAM_STRING, &provider_path},
	{"libultrace_path", PARAM_STRING, &libultrace_path},
	{0, 0, 0}
};

struct module_exports exports = {
	"ultrace",        /* module name */
	DEFAULT_DLFLAGS,  /* dlopen flags */
	0,                /* exported functions */
	params,           /* exported parameters */
	0,                /* RPC methods */
	0,                /* pseudo-variables */
	0,                /* response handler */
	mod_init,         /* module init */
	0,                /* per-child init */
	0                 /* module destroy */
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
	memset(&uc, 0, sizeof(uc));
	uc.domain = slice(c->domain);
	uc.aor = slice(c->aor);
	uc.contact = slice(&c->c);
	uc.received = slice(&c->received);
	uc.path = slice(&c->path);
	uc.user_agent = slice(&c->user_agent);
	uc.callid = slice(&c->callid);
	uc.ruid = slice(&c->ruid);
	uc.instance = slice(&c->instance);
	if (c->sock != NULL) {
		uc.socket = slice(&c->sock->sock_str);
	}
	uc.cseq = c->cseq;
	uc.q = c->q == Q_UNSPECIFIED ? ULTRACE_Q_UNSET : c->q;
	uc.expires = (int64_t) c->expires;
	uc.last_modified = (int64_t) c->last_modified;
	uc.flags = c->flags;
	uc.cflags = c->cflags;
	uc.methods = c->methods;
	uc.reg_id = c->reg_id;
	emit(&uc);
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
			resolve("ultrace_provider_load", (void **) &provider_load)) {
		goto end;
	}
	if (provider_load(ULTRACE_LOAD_ATFORK, errbuf, sizeof(errbuf)) != 0) {
		LM_ERR("%s\n", errbuf);
		goto end;
	}
	ret = 0;
end:
	if (ret != 0) {
		emit_insert = emit_update = emit_delete = emit_expire = NULL;
	}
	return ret;
}

/* After daemonize, before any fork: the one safe place to load LTTng. */
static int mod_init(void)
{
	bind_usrloc_t bind_usrloc;
	usrloc_api_t ul;
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
