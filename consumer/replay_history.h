/*
 * replay_history.h: ultrace-replay --history: the registry's state every
 * STEP of a replay (users, contacts, what happened over the step, health),
 * recorded in the one pass of the replay graph through the engine's hooks
 * (apply_config.h), and printed as a table, CSV or JSON. Offline only (no
 * lock). Reads the registry; no babeltrace2, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_REPLAY_HISTORY_H
#define ULTRACE_REPLAY_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "apply_config.h"
#include "registry.h"

/*
 * The state at one instant: the counters are the registry's running
 * totals at that instant (a row's "over the step" figures are the
 * difference from the row before, ultrace_history_row_delta()).
 */
struct ultrace_history_row {
	int64_t time_ns;
	uint64_t users;
	uint64_t contacts;
	uint64_t inserts;            /* contact_insert events */
	uint64_t updates;            /* contact_update events */
	uint64_t refreshes;          /* contact_refresh events */
	uint64_t deletes;            /* contact_delete events */
	uint64_t expiries;           /* contact_expire events */
	uint64_t ttl_expired;        /* contacts our TTL removed */
	uint64_t dump_removed;       /* contacts a complete dump swept */
	uint64_t anomalies;          /* all kinds */
	uint64_t discarded_events;   /* reported by the tracer */
	uint64_t discarded_packets;
	enum ultrace_registry_health health;
	int64_t suspect_since_ns;    /* 0 while consistent */
	int64_t consistent_since_ns; /* the last return to consistent; 0 */
};

/* An interval of trace time. */
struct ultrace_time_span {
	int64_t begin_ns;
	int64_t end_ns;
};

struct ultrace_replay_history;

/*
 * A history of `registry` every `step_ns` (> 0), up to `at_ns` (INT64_MAX:
 * the end of the trace), the TTL at each row's instant with
 * `expiry_grace_s` (< 0: none) as ultrace-replay --at applies it. NULL
 * when memory ran out.
 */
struct ultrace_replay_history *ultrace_replay_history_create(
		struct ultrace_registry *registry, int64_t step_ns,
		int64_t at_ns, int64_t expiry_grace_s);
void ultrace_replay_history_destroy(struct ultrace_replay_history *history);

/*
 * Make the engine driven by `config` record the history: its hooks and
 * its first stop instant (the first event). Before the graph is created.
 */
void ultrace_replay_history_attach(struct ultrace_replay_history *history,
		struct ultrace_registry_sink_config *config);

/*
 * Once the graph has ended, before ultrace_replay_output_settle(): the
 * rows of the steps after the last event up to --at, and the last row
 * (at --at, or at the last event: then it is the state --stats prints).
 * 0, or -1 when memory ran out.
 */
int ultrace_replay_history_end(struct ultrace_replay_history *history);

size_t ultrace_replay_history_count(
		const struct ultrace_replay_history *history);
const struct ultrace_history_row *ultrace_replay_history_row(
		const struct ultrace_replay_history *history, size_t i);
/* Row i's counters over its step (from row i - 1; row 0: from nothing). */
struct ultrace_history_row ultrace_replay_history_row_delta(
		const struct ultrace_replay_history *history, size_t i);

/*
 * The time ranges of the tracer's loss reports (those with a clock),
 * overlapping ones merged, in trace order. (Should memory run out, a
 * range is merged into the one before: wider, never dropped.)
 */
size_t ultrace_replay_history_loss_count(
		const struct ultrace_replay_history *history);
const struct ultrace_time_span *ultrace_replay_history_loss(
		const struct ultrace_replay_history *history, size_t i);

/*
 * The intervals the registry was suspect, as the rows show them: from a
 * row's suspect_since to the consistent_since of the first row that is
 * consistent again (or a later episode's since), the last one open to
 * the last row. An episode that began and ended between two rows is not
 * seen. Writes at most `max` spans to `out`; returns how many there are.
 */
size_t ultrace_replay_history_suspect_spans(
		const struct ultrace_replay_history *history,
		struct ultrace_time_span *out, size_t max);

/*
 * The rows in `format` (enum ultrace_print_format): a table, CSV with a
 * header, or one JSON object (rows, loss ranges, suspect spans). 0, or -1
 * if writing failed.
 */
int ultrace_replay_history_print(FILE *out,
		const struct ultrace_replay_history *history, int format);

/*
 * Print to the file `path` (created or truncated; NULL: standard output)
 * and flush (close) it. 0, or -1 with `err` saying why.
 */
int ultrace_replay_history_write(const char *path,
		const struct ultrace_replay_history *history, int format,
		char *err, size_t errlen);

/* The step a time falls in: the greatest multiple of step_ns <= ns. */
int64_t ultrace_history_floor(int64_t ns, int64_t step_ns);

#endif /* ULTRACE_REPLAY_HISTORY_H */
