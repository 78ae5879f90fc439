/*
 * provider_load.c: loads libultrace-provider.so at run time, so that a
 * process that never traces never runs LTTng-UST (threads, sockets, shm).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ultrace.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ULTRACE_PROVIDER_PATH
#define ULTRACE_PROVIDER_PATH "libultrace-provider.so"
#endif

static void *provider_handle;
static int atfork_done;

/* LTTng-UST's fork hooks, found in the provider's liblttng-ust. */
static void (*ust_before_fork)(sigset_t *);
static void (*ust_after_fork_parent)(sigset_t *);
static void (*ust_after_fork_child)(sigset_t *);
/* Signals are blocked by before_fork and restored by the after hooks. */
static sigset_t fork_sigset;

static void before_fork(void)
{
	ust_before_fork(&fork_sigset);
}

static void after_fork_parent(void)
{
	ust_after_fork_parent(&fork_sigset);
}

static void after_fork_child(void)
{
	ust_after_fork_child(&fork_sigset);
}

static int register_atfork(void *handle, char *errbuf, size_t errlen)
{
	int ret = -1;

	*(void **) &ust_before_fork = dlsym(handle, "lttng_ust_before_fork");
	*(void **) &ust_after_fork_parent =
		dlsym(handle, "lttng_ust_after_fork_parent");
	*(void **) &ust_after_fork_child =
		dlsym(handle, "lttng_ust_after_fork_child");
	if (!ust_before_fork || !ust_after_fork_parent ||
			!ust_after_fork_child) {
		snprintf(errbuf, errlen,
			"liblttng-ust fork hooks not found: %s", dlerror());
		goto end;
	}
	if (pthread_atfork(before_fork, after_fork_parent,
			after_fork_child) != 0) {
		snprintf(errbuf, errlen, "pthread_atfork failed");
		goto end;
	}
	atfork_done = 1;
	ret = 0;
end:
	return ret;
}

int ultrace_provider_load(unsigned int flags, char *errbuf, size_t errlen)
{
	const char *path = getenv("ULTRACE_PROVIDER");
	int ret = -1;

	if (path == NULL || path[0] == '\0') {
		path = ULTRACE_PROVIDER_PATH;
	}
	if (provider_handle == NULL) {
		provider_handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
		if (provider_handle == NULL) {
			snprintf(errbuf, errlen, "cannot load %s: %s", path,
				dlerror());
			goto end;
		}
	}
	if ((flags & ULTRACE_LOAD_ATFORK) && !atfork_done) {
		if (register_atfork(provider_handle, errbuf, errlen) != 0) {
			goto end;
		}
	}
	ret = 0;
end:
	return ret;
}
