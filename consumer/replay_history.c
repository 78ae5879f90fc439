/*
 * replay_history.c: the state every STEP of a replay, taken through the
 * engine's hooks as the one pass goes, and its printing. Reads the
 * registry; no babeltrace2, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "replay_history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output_file.h"
#include "print_format.h"
#include "time_parse.h"

#define NS_PER_S INT64_C(1000000000)

struct ultrace_replay_history {
	struct ultrace_registry *registry;
	int64_t step_ns;
	int64_t at_ns;               /* INT64_MAX: to the end */
	int64_t expiry_grace_s;      /* < 0: no TTL */
	int started;                 /* the first event came */
	int64_t next_ns;             /* the next row's instant */
	struct ultrace_apply_hooks hooks;

	struct ultrace_history_row *rows;
	size_t count;
	size_t alloc;

	struct ultrace_time_span *losses;
	size_t loss_count;
	size_t loss_alloc;
};

int64_t ultrace_history_floor(int64_t ns, int64_t step_ns)
{
	int64_t rem = ns % step_ns;

	/* C's % truncates toward zero: before the epoch, round down too. */
	if (rem < 0) {
		rem += step_ns;
	}
	return ns - rem;
}

/* The row after `ns`; INT64_MAX once past the last representable one. */
static int64_t next_row_ns(int64_t ns, int64_t step_ns)
{
	return ns > INT64_MAX - step_ns ? INT64_MAX : ns + step_ns;
}

/* Grow `*array` (of `size`-byte items) to hold one more. 0, or -1. */
static int reserve(void **array, size_t *alloc, size_t count, size_t size)
{
	size_t want;
	void *grown;

	if (count < *alloc) {
		return 0;
	}
	want = *alloc == 0 ? 64 : *alloc * 2;
	grown = realloc(*array, want * size);
	if (grown == NULL) {
		return -1;
	}
	*array = grown;
	*alloc = want;
	return 0;
}

/*
 * Append the state at `ns`; with `ttl`, first remove what had expired by
 * then, exactly as ultrace_replay_output_settle() does for --at. 0, or -1
 * when memory ran out.
 */
static int record_row(struct ultrace_replay_history *history, int64_t ns,
		int ttl)
{
	const struct ultrace_registry_stats *st;
	struct ultrace_history_row *row;
	int k;

	if (reserve((void **) &history->rows, &history->alloc, history->count,
			sizeof(*history->rows)) != 0) {
		return -1;
	}
	if (ttl && history->expiry_grace_s >= 0) {
		ultrace_registry_expire(history->registry,
			ns / NS_PER_S - history->expiry_grace_s);
	}
	st = ultrace_registry_borrow_stats(history->registry);
	row = &history->rows[history->count++];
	memset(row, 0, sizeof(*row));
	row->time_ns = ns;
	row->users = st->users;
	row->contacts = st->contacts;
	row->inserts = st->events[ULTRACE_EVENT_CONTACT_INSERT];
	row->updates = st->events[ULTRACE_EVENT_CONTACT_UPDATE];
	row->refreshes = st->events[ULTRACE_EVENT_CONTACT_REFRESH];
	row->deletes = st->events[ULTRACE_EVENT_CONTACT_DELETE];
	row->expiries = st->events[ULTRACE_EVENT_CONTACT_EXPIRE];
	row->ttl_expired = st->ttl_expired;
	row->dump_removed = st->dump_removed;
	for (k = 0; k < ULTRACE_ANOMALY_COUNT; k++) {
		row->anomalies += st->anomalies[k];
	}
	row->discarded_events = st->discarded_events;
	row->discarded_packets = st->discarded_packets;
	row->health = st->health;
	row->suspect_since_ns = st->suspect_since_ns;
	row->consistent_since_ns = st->consistent_since_ns;
	return 0;
}

/* Rows for every step instant before `limit_ns`. 0, or -1 (memory). */
static int record_rows_before(struct ultrace_replay_history *history,
		int64_t limit_ns)
{
	while (history->next_ns < limit_ns) {
		if (record_row(history, history->next_ns, 1) != 0) {
			return -1;
		}
		if (history->next_ns == INT64_MAX) {
			break;
		}
		history->next_ns = next_row_ns(history->next_ns,
			history->step_ns);
	}
	return 0;
}

/*
 * The engine's passed_stop hook: a message stamped `ns` came, all before
 * it applied. Each step instant before it gets its row, as `--at` that
 * instant would print it; then the replay goes on to the next instant.
 */
static int history_passed(void *data,
		struct ultrace_registry_sink_config *config, int64_t ns)
{
	struct ultrace_replay_history *history = data;
	int64_t limit_ns = ns < history->at_ns ? ns : history->at_ns;

	if (!history->started) {
		history->started = 1;
		history->next_ns = ultrace_history_floor(ns, history->step_ns);
	}
	if (record_rows_before(history, limit_ns) != 0) {
		snprintf(config->error, sizeof(config->error),
			"out of memory recording the history");
		return -1;
	}
	if (ns > history->at_ns) {
		return 0;
	}
	config->stop_after_ns = history->next_ns < history->at_ns ?
		history->next_ns : history->at_ns;
	return 1;
}

/* The engine's loss hook (applying thread): keep the report's range. */
static void history_loss(void *data, int packets, uint64_t count,
		int64_t begin_ns, int64_t end_ns)
{
	struct ultrace_replay_history *history = data;
	struct ultrace_time_span *last;

	(void) packets;
	(void) count;
	if (begin_ns == 0 && end_ns == 0) {
		return;          /* a stream without a clock: no range */
	}
	if (end_ns < begin_ns) {
		end_ns = begin_ns;
	}
	last = history->loss_count > 0 ?
		&history->losses[history->loss_count - 1] : NULL;
	if (last != NULL && begin_ns <= last->end_ns) {
		if (end_ns > last->end_ns) {
			last->end_ns = end_ns;
		}
		if (begin_ns < last->begin_ns) {
			last->begin_ns = begin_ns;
		}
		return;
	}
	if (reserve((void **) &history->losses, &history->loss_alloc,
			history->loss_count, sizeof(*history->losses)) != 0) {
		if (last != NULL) {
			/* Wider rather than lost. */
			last->end_ns = end_ns > last->end_ns ? end_ns :
				last->end_ns;
		}
		return;
	}
	history->losses[history->loss_count].begin_ns = begin_ns;
	history->losses[history->loss_count].end_ns = end_ns;
	history->loss_count++;
}

struct ultrace_replay_history *ultrace_replay_history_create(
		struct ultrace_registry *registry, int64_t step_ns,
		int64_t at_ns, int64_t expiry_grace_s)
{
	struct ultrace_replay_history *history;

	if (step_ns <= 0) {
		return NULL;
	}
	history = calloc(1, sizeof(*history));
	if (history == NULL) {
		return NULL;
	}
	history->registry = registry;
	history->step_ns = step_ns;
	history->at_ns = at_ns;
	history->expiry_grace_s = expiry_grace_s;
	history->hooks.passed_stop = history_passed;
	history->hooks.loss = history_loss;
	history->hooks.data = history;
	return history;
}

void ultrace_replay_history_destroy(struct ultrace_replay_history *history)
{
	if (history == NULL) {
		return;
	}
	free(history->rows);
	free(history->losses);
	free(history);
}

void ultrace_replay_history_attach(struct ultrace_replay_history *history,
		struct ultrace_registry_sink_config *config)
{
	config->hooks = &history->hooks;
	/* The first event passes it: it sets the first row's instant. */
	config->stop_after_ns = INT64_MIN;
}

int ultrace_replay_history_end(struct ultrace_replay_history *history)
{
	int64_t end_ns;

	if (history->at_ns != INT64_MAX) {
		end_ns = history->at_ns;
	} else {
		end_ns = ultrace_registry_borrow_stats(
			history->registry)->last_event_ns;
	}
	if (!history->started) {
		if (history->at_ns == INT64_MAX) {
			return 0;    /* no event: no row */
		}
		/* No event before --at: only its row. */
		history->started = 1;
		history->next_ns = end_ns;
	}
	/*
	 * With --at past the last event, the steps up to it: the same state,
	 * less what expired meanwhile.
	 */
	if (record_rows_before(history, end_ns) != 0) {
		return -1;
	}
	/* At the last event the state is the end's, TTL as the replay ran it. */
	return record_row(history, end_ns, history->at_ns != INT64_MAX);
}

size_t ultrace_replay_history_count(
		const struct ultrace_replay_history *history)
{
	return history->count;
}

const struct ultrace_history_row *ultrace_replay_history_row(
		const struct ultrace_replay_history *history, size_t i)
{
	return i < history->count ? &history->rows[i] : NULL;
}

struct ultrace_history_row ultrace_replay_history_row_delta(
		const struct ultrace_replay_history *history, size_t i)
{
	struct ultrace_history_row d = history->rows[i];
	const struct ultrace_history_row *p;

	if (i == 0) {
		return d;
	}
	p = &history->rows[i - 1];
	d.inserts -= p->inserts;
	d.updates -= p->updates;
	d.refreshes -= p->refreshes;
	d.deletes -= p->deletes;
	d.expiries -= p->expiries;
	d.ttl_expired -= p->ttl_expired;
	d.dump_removed -= p->dump_removed;
	d.anomalies -= p->anomalies;
	/* Modulo 2^64, as the registry sums them (live +N/-N revisions). */
	d.discarded_events -= p->discarded_events;
	d.discarded_packets -= p->discarded_packets;
	return d;
}

size_t ultrace_replay_history_loss_count(
		const struct ultrace_replay_history *history)
{
	return history->loss_count;
}

const struct ultrace_time_span *ultrace_replay_history_loss(
		const struct ultrace_replay_history *history, size_t i)
{
	return i < history->loss_count ? &history->losses[i] : NULL;
}

size_t ultrace_replay_history_suspect_spans(
		const struct ultrace_replay_history *history,
		struct ultrace_time_span *out, size_t max)
{
	struct ultrace_time_span open = { 0, 0 };
	int is_open = 0;
	size_t n = 0;
	size_t i;

#define EMIT(b, e) do { \
		if (n < max) { \
			out[n].begin_ns = (b); \
			out[n].end_ns = (e) < (b) ? (b) : (e); \
		} \
		n++; \
	} while (0)

	for (i = 0; i < history->count; i++) {
		const struct ultrace_history_row *row = &history->rows[i];

		if (row->health == ULTRACE_REGISTRY_SUSPECT) {
			int64_t since = row->suspect_since_ns != 0 ?
				row->suspect_since_ns : row->time_ns;

			if (is_open && since != open.begin_ns) {
				/* Confirmed, then suspect again, between rows. */
				EMIT(open.begin_ns, row->consistent_since_ns >
					open.begin_ns ?
					row->consistent_since_ns : since);
				is_open = 0;
			}
			if (!is_open) {
				open.begin_ns = since;
				is_open = 1;
			}
		} else if (is_open) {
			EMIT(open.begin_ns, row->consistent_since_ns != 0 ?
				row->consistent_since_ns : row->time_ns);
			is_open = 0;
		}
	}
	if (is_open) {
		EMIT(open.begin_ns, history->rows[history->count - 1].time_ns);
	}
#undef EMIT
	return n;
}

/* The columns, in order; the table's widths are the names'. */
static const char *const columns[] = {
	"time", "users", "contacts", "inserts", "updates", "refreshes",
	"deletes", "expiries", "ttl_expired", "dump_removed", "anomalies",
	"discarded_events", "discarded_packets", "health", "suspect_since",
};
#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))
/* The counters of a row, in column order from "users" on. */
#define NUMBERS 12

static void row_numbers(const struct ultrace_history_row *d, uint64_t *v)
{
	v[0] = d->users;
	v[1] = d->contacts;
	v[2] = d->inserts;
	v[3] = d->updates;
	v[4] = d->refreshes;
	v[5] = d->deletes;
	v[6] = d->expiries;
	v[7] = d->ttl_expired;
	v[8] = d->dump_removed;
	v[9] = d->anomalies;
	v[10] = d->discarded_events;
	v[11] = d->discarded_packets;
}

static void print_header(FILE *out, int format)
{
	size_t c;

	for (c = 0; c < COLUMN_COUNT; c++) {
		if (format == ULTRACE_PRINT_CSV) {
			fprintf(out, "%s%s", c ? "," : "", columns[c]);
			if (c == 0) {
				fputs(",time_ns", out);
			}
		} else {
			fprintf(out, c == 0 ? "%-30s" : " %s", columns[c]);
		}
	}
	fputc('\n', out);
}

static void print_row(FILE *out, const struct ultrace_replay_history *history,
		size_t i, int format)
{
	struct ultrace_history_row d =
		ultrace_replay_history_row_delta(history, i);
	uint64_t v[NUMBERS];
	char when[40];
	char since[40] = "-";
	const char *health = ultrace_registry_health_name(d.health);
	size_t c;

	ultrace_time_format_ns(d.time_ns, when, sizeof(when));
	if (d.suspect_since_ns != 0) {
		ultrace_time_format_ns(d.suspect_since_ns, since,
			sizeof(since));
	}
	row_numbers(&d, v);
	switch (format) {
	case ULTRACE_PRINT_CSV:
		fprintf(out, "%s,%" PRId64, when, d.time_ns);
		for (c = 0; c < NUMBERS; c++) {
			fprintf(out, ",%" PRIu64, v[c]);
		}
		fprintf(out, ",%s,%s\n", health, since);
		break;
	case ULTRACE_PRINT_JSON:
		fprintf(out, "%s{\"time\":\"%s\",\"time_ns\":%" PRId64,
			i ? "," : "", when, d.time_ns);
		for (c = 0; c < NUMBERS; c++) {
			fprintf(out, ",\"%s\":%" PRIu64, columns[c + 1], v[c]);
		}
		fprintf(out, ",\"health\":\"%s\",\"suspect_since\":\"%s\"}",
			health, since);
		break;
	default:
		fprintf(out, "%-30s", when);
		for (c = 0; c < NUMBERS; c++) {
			fprintf(out, " %*" PRIu64, (int) strlen(columns[c + 1]),
				v[c]);
		}
		fprintf(out, " %-*s %s\n", (int) strlen("health"), health,
			since);
		break;
	}
}

static void print_span_json(FILE *out, const struct ultrace_time_span *s,
		int first)
{
	char b[40];
	char e[40];

	ultrace_time_format_ns(s->begin_ns, b, sizeof(b));
	ultrace_time_format_ns(s->end_ns, e, sizeof(e));
	fprintf(out, "%s{\"begin\":\"%s\",\"end\":\"%s\"}", first ? "" : ",",
		b, e);
}

static int print_json(FILE *out, const struct ultrace_replay_history *history)
{
	struct ultrace_time_span *spans = NULL;
	size_t n;
	size_t i;

	fprintf(out, "{\"step_ns\":%" PRId64 ",\"rows\":[", history->step_ns);
	for (i = 0; i < history->count; i++) {
		print_row(out, history, i, ULTRACE_PRINT_JSON);
	}
	fputs("],\"discard_ranges\":[", out);
	for (i = 0; i < history->loss_count; i++) {
		print_span_json(out, &history->losses[i], i == 0);
	}
	fputs("],\"suspect\":[", out);
	n = ultrace_replay_history_suspect_spans(history, NULL, 0);
	if (n > 0) {
		spans = calloc(n, sizeof(*spans));
		if (spans == NULL) {
			errno = ENOMEM;
			return -1;
		}
		ultrace_replay_history_suspect_spans(history, spans, n);
	}
	for (i = 0; i < n; i++) {
		print_span_json(out, &spans[i], i == 0);
	}
	free(spans);
	fputs("]}\n", out);
	return 0;
}

int ultrace_replay_history_print(FILE *out,
		const struct ultrace_replay_history *history, int format)
{
	size_t i;

	if (format == ULTRACE_PRINT_JSON) {
		return print_json(out, history) != 0 || ferror(out) ? -1 : 0;
	}
	print_header(out, format);
	for (i = 0; i < history->count; i++) {
		print_row(out, history, i, format);
	}
	return ferror(out) ? -1 : 0;
}

/* ultrace_replay_history_print()'s arguments, for one print function. */
struct history_args {
	const struct ultrace_replay_history *history;
	int format;
};

static int print_history(FILE *out, const void *data)
{
	const struct history_args *a = data;

	return ultrace_replay_history_print(out, a->history, a->format);
}

int ultrace_replay_history_write(const char *path,
		const struct ultrace_replay_history *history, int format,
		char *err, size_t errlen)
{
	struct history_args args = { history, format };

	return ultrace_output_file_write(path, print_history, &args,
		"history", err, errlen);
}
