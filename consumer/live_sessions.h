/*
 * live_sessions.h: the sessions an lttng-relayd serves to live viewers,
 * asked with babeltrace2's `sessions` query on src.ctf.lttng-live (what
 * `babeltrace2 --input-format=lttng-live net://RELAYD` lists). Knows
 * babeltrace2; nothing of the registry or SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_LIVE_SESSIONS_H
#define ULTRACE_LIVE_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "live_url.h"

struct ultrace_live_session {
	char url[ULTRACE_LIVE_URL_MAX + 1];   /* net://RELAYD/host/H/S */
	char hostname[ULTRACE_LIVE_URL_HOSTNAME_MAX + 1];
	char session[ULTRACE_LIVE_URL_SESSION_MAX + 1];
	uint64_t stream_count;
	uint64_t client_count;                /* viewers attached */
	uint64_t timer_us;                    /* the session's live timer */
};

struct ultrace_live_session_list {
	struct ultrace_live_session *items;
	size_t count;
};

/*
 * Ask the relay daemon at `relay_url` (net://HOST[:PORT]) for its
 * sessions. 0 and fills *out (free with _fini), or -1 with `err` saying
 * why (relayd unreachable, an answer babeltrace2 could not parse...).
 * Blocks while babeltrace2 talks to the relay (connect and one request)
 * unless `interrupter` is set.
 */
struct bt_interrupter;

/* `interrupter` (NULL: none), once set, makes a blocked query return. */
int ultrace_live_sessions_query(const char *relay_url,
		struct bt_interrupter *interrupter,
		struct ultrace_live_session_list *out, char *err, size_t errlen);

void ultrace_live_session_list_fini(struct ultrace_live_session_list *list);

#endif /* ULTRACE_LIVE_SESSIONS_H */
