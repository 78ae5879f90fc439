/*
 * ultrace.h: the producer API a registrar calls from its usrloc callbacks.
 * Plain C, no LTTng macros: callers never include the provider header.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_H
#define ULTRACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A string slice: not necessarily NUL-terminated (Kamailio's `str`).
 * A NULL `s` or a zero `len` records an empty string.
 */
struct ultrace_str {
	const char *s;
	size_t len;
};

/*
 * Each string field is recorded up to this many bytes, and up to its first
 * NUL byte; a value cut either way has its field's bit set in the event's
 * `truncated` mask, so a consumer can count it instead of silently showing
 * a short value.
 */
#define ULTRACE_FIELD_MAX 1024

/* Bits of the `truncated` field, one per string field. */
enum ultrace_field_bit {
	ULTRACE_FIELD_DOMAIN = 1u << 0,
	ULTRACE_FIELD_AOR = 1u << 1,
	ULTRACE_FIELD_CONTACT = 1u << 2,
	ULTRACE_FIELD_DISPLAY_NAME = 1u << 3,
	ULTRACE_FIELD_RECEIVED = 1u << 4,
	ULTRACE_FIELD_PATH = 1u << 5,
	ULTRACE_FIELD_USER_AGENT = 1u << 6,
	ULTRACE_FIELD_CALLID = 1u << 7,
	ULTRACE_FIELD_RUID = 1u << 8,
	ULTRACE_FIELD_INSTANCE = 1u << 9,
	ULTRACE_FIELD_SOCKET = 1u << 10,
};

/* `q` value meaning "no q parameter" (Kamailio's Q_UNSPECIFIED). */
#define ULTRACE_Q_UNSET (-1)

/*
 * One usrloc contact, as the registrar holds it. Times are CLOCK_REALTIME
 * seconds (the clock LTTng stamps events with), `expires` absolute.
 */
struct ultrace_contact {
	struct ultrace_str domain;       /* usrloc table, e.g. "location" */
	struct ultrace_str aor;          /* address of record (user) */
	struct ultrace_str contact;      /* Contact URI */
	struct ultrace_str display_name; /* display name, if known */
	struct ultrace_str received;     /* source address if NATed */
	struct ultrace_str path;         /* Path header value */
	struct ultrace_str user_agent;
	struct ultrace_str callid;
	struct ultrace_str ruid;         /* usrloc record unique id */
	struct ultrace_str instance;     /* +sip.instance (RFC 5626) */
	struct ultrace_str socket;       /* local socket, "proto:ip:port" */
	int32_t cseq;
	int32_t q;                       /* thousandths, ULTRACE_Q_UNSET */
	int64_t expires;                 /* absolute, unix seconds */
	int64_t last_modified;           /* unix seconds */
	uint32_t flags;
	uint32_t cflags;
	uint32_t methods;
	uint32_t reg_id;
};

/*
 * Emit one event. Cheap when no session traces the `ultrace` provider
 * (a predicted branch); never blocks, allocates or locks: when the ring
 * buffer is full LTTng discards the event and reports the count.
 */
void ultrace_contact_insert(const struct ultrace_contact *c);
/*
 * A re-registration. When nothing but cseq, expires and last_modified
 * changed since the last full event recorded for the contact (the
 * process's memo says so), it records the compact contact_refresh event
 * instead of contact_update (doc/design.md, "Compact refreshes").
 */
void ultrace_contact_update(const struct ultrace_contact *c);
void ultrace_contact_delete(const struct ultrace_contact *c);
void ultrace_contact_expire(const struct ultrace_contact *c);

/*
 * A statedump is the producer's full state: begin, one statedump_contact
 * per contact, end with the number of contacts emitted. A consumer
 * removes contacts that a complete dump did not mention (see
 * doc/design.md). `dump_id` pairs the three kinds of events.
 */
void ultrace_statedump_begin(uint64_t dump_id);
void ultrace_statedump_contact(uint64_t dump_id, const struct ultrace_contact *c);
void ultrace_statedump_end(uint64_t dump_id, uint64_t contacts);

/*
 * Load the provider library (libultrace-provider.so, which links
 * liblttng-ust) so that events can be recorded: $ULTRACE_PROVIDER names
 * it, else the installed copy. Until it is loaded no LTTng code runs in
 * the process. ULTRACE_LOAD_ATFORK also registers LTTng-UST's fork
 * handlers, for servers that fork without exec after loading (Kamailio).
 * Returns 0, or -1 with a message in errbuf. Loading twice is harmless.
 */
#define ULTRACE_LOAD_ATFORK 0x1u
int ultrace_provider_load(unsigned int flags, char *errbuf, size_t errlen);

/*
 * Map the compact-refresh memo now (else on the first event): a server
 * that forks its workers calls it before forking, so that they share one
 * memo and a refresh handled by any worker can be compact. Its size is
 * $ULTRACE_MEMO_SLOTS (a power of two, default 2^20 slots of 8 bytes; 0
 * turns compact refreshes off). Returns 0, or -1 if it cannot be mapped
 * (events are then all full ones).
 */
int ultrace_memo_prepare(void);

/* Non-zero when a session currently records contact events. */
int ultrace_enabled(void);

/* Build a slice from a NUL-terminated string (NULL gives an empty one). */
struct ultrace_str ultrace_str_from_cstr(const char *s);

/*
 * The registrar's own figures, which no contact event carries: the
 * configuration KAMAILIO-SIP-SERVER-MIB's kamailioSIPRegCfg reports, and
 * its REGISTER counters. A registrar records both when it starts and in
 * every statedump (a consumer that attached late learns them there), and
 * the counters again every second or so, read from its own statistics:
 * nothing is recorded per request. A consumer keeps the latest of each.
 */
struct ultrace_registrar_settings {
	uint32_t max_expires;      /* longest lifetime granted, s; 0: no maximum */
	uint32_t max_users;        /* users (AORs) it accepts; 0: no maximum */
	uint32_t default_expires;  /* lifetime when a REGISTER asks none, s */
};

struct ultrace_registrar_counts {
	uint64_t accepted;         /* REGISTER requests accepted (200) */
	uint64_t rejected;         /* REGISTER requests rejected */
};

/* ultrace:registrar_config and ultrace:registrar_counters. */
void ultrace_registrar_config(const struct ultrace_registrar_settings *s);
void ultrace_registrar_counters(const struct ultrace_registrar_counts *n);

#ifdef __cplusplus
}
#endif

#endif /* ULTRACE_H */
