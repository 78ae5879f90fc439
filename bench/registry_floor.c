/*
 * registry_floor.c: what the registry alone costs per event, apart from
 * babeltrace2 and the decoding. The trace is read once (src.ctf.fs per
 * trace -> flt.utils.muxer -> a simple sink that decodes each event with
 * ultrace_event_decode(), as ultrace-replay's engine does, and deep-copies
 * it, its strings into an arena); then the whole array is applied to a
 * fresh registry R times by registry_floor_apply(): ultrace_registry_apply()
 * per event, in batches of ULTRACE_APPLY_BATCH_ITEMS with the TTL after
 * each, as apply_batch.c applies them; registry_floor_apply_prefetch()
 * also looks ahead as apply_batch.c does (ultrace_registry_lookahead:
 * the same hints, the same distances).
 * Each pass is timed with CLOCK_PROCESS_CPUTIME_ID. Both are functions of
 * their own so that `valgrind --tool=callgrind
 * --toggle-collect=registry_floor_apply` counts just the passes (and
 * callgrind_annotate --inclusive=yes tells the two apart). Benchmark only
 * (bench/run); not a test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <babeltrace2/babeltrace.h>

#include "apply_batch.h"
#include "event_decode.h"
#include "registry.h"
#include "registry_print.h"
#include "replay_graph.h"
#include "time_parse.h"
#include "trace_discovery.h"

#define EXIT_TRACE_ERROR 1
#define EXIT_USAGE 2
#define EXIT_NOMEM 3

/* Strings of the events, NUL-terminated, in chunks that never move. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t size;
	char data[];
};
#define ARENA_CHUNK (64u << 20)

/* apply_batch.c's hint distances, in events ahead. */

/* The trace, decoded: what registry_floor_apply() applies. */
struct floor_trace {
	struct ultrace_registry_event *events;
	size_t count;
	size_t capacity;
	struct arena_chunk *arena;
	uint64_t arena_bytes;
	uint64_t discarded;     /* tracer discard reports seen (not applied) */
	uint64_t ignored;       /* events of other providers */
};

struct loader {
	struct floor_trace *trace;
	struct ultrace_event_decoder *decoder;
	int failed;             /* EXIT_* when the sink stopped the graph */
	char error[1024];
};

/*
 * Apply `trace` to `registry`, TTL grace `grace_s` (< 0: none); return the
 * events that ran out of memory. The second with the registry's hints.
 */
uint64_t registry_floor_apply(struct ultrace_registry *registry,
		const struct floor_trace *trace, int64_t grace_s);
uint64_t registry_floor_apply_prefetch(struct ultrace_registry *registry,
		const struct floor_trace *trace, int64_t grace_s);

static char *arena_copy(struct floor_trace *t, struct ultrace_str s)
{
	struct arena_chunk *c = t->arena;
	char *p;

	if (c == NULL || c->size - c->used < s.len + 1) {
		size_t size = s.len + 1 > ARENA_CHUNK ? s.len + 1 : ARENA_CHUNK;

		c = malloc(sizeof(*c) + size);
		if (c == NULL) {
			return NULL;
		}
		c->next = t->arena;
		c->used = 0;
		c->size = size;
		t->arena = c;
	}
	p = c->data + c->used;
	if (s.len > 0) {
		memcpy(p, s.s, s.len);
	}
	p[s.len] = '\0';
	c->used += s.len + 1;
	t->arena_bytes += s.len + 1;
	return p;
}

static int copy_str(struct floor_trace *t, struct ultrace_str *s)
{
	char *p = arena_copy(t, *s);

	if (p == NULL) {
		return -1;
	}
	s->s = p;
	return 0;
}

/* Appends a deep copy of `ev`; -1 when memory ran out. */
static int trace_append(struct floor_trace *t,
		const struct ultrace_registry_event *ev)
{
	struct ultrace_registry_event *copy;
	struct ultrace_contact *c;

	if (t->count == t->capacity) {
		size_t cap = t->capacity ? t->capacity * 2 : 65536;
		void *p = realloc(t->events, cap * sizeof(*t->events));

		if (p == NULL) {
			return -1;
		}
		t->events = p;
		t->capacity = cap;
	}
	copy = &t->events[t->count];
	*copy = *ev;
	c = &copy->contact;
	if (ultrace_event_kind_has_contact(ev->kind) &&
			(copy_str(t, &c->domain) != 0 ||
			copy_str(t, &c->aor) != 0 ||
			copy_str(t, &c->contact) != 0 ||
			copy_str(t, &c->display_name) != 0 ||
			copy_str(t, &c->received) != 0 ||
			copy_str(t, &c->path) != 0 ||
			copy_str(t, &c->user_agent) != 0 ||
			copy_str(t, &c->callid) != 0 ||
			copy_str(t, &c->ruid) != 0 ||
			copy_str(t, &c->instance) != 0 ||
			copy_str(t, &c->socket) != 0)) {
		return -1;
	}
	t->count++;
	return 0;
}

static void trace_fini(struct floor_trace *t)
{
	while (t->arena != NULL) {
		struct arena_chunk *next = t->arena->next;

		free(t->arena);
		t->arena = next;
	}
	free(t->events);
}

static int load_message(struct loader *l, const bt_message *msg)
{
	struct ultrace_registry_event ev;
	char err[sizeof(l->error)];

	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		break;
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		l->trace->discarded++;
		return 0;
	default:
		return 0;
	}
	switch (ultrace_event_decode(l->decoder, msg, &ev, err, sizeof(err))) {
	case ULTRACE_DECODE_OK:
		break;
	case ULTRACE_DECODE_IGNORED:
		l->trace->ignored++;
		return 0;
	case ULTRACE_DECODE_MALFORMED:
		snprintf(l->error, sizeof(l->error), "%s", err);
		l->failed = EXIT_TRACE_ERROR;
		return -1;
	case ULTRACE_DECODE_NOMEM:
		snprintf(l->error, sizeof(l->error), "out of memory decoding "
			"an event");
		l->failed = EXIT_NOMEM;
		return -1;
	}
	if (trace_append(l->trace, &ev) != 0) {
		snprintf(l->error, sizeof(l->error), "out of memory copying "
			"event %zu", l->trace->count);
		l->failed = EXIT_NOMEM;
		return -1;
	}
	return 0;
}

static bt_graph_simple_sink_component_initialize_func_status loader_init(
		bt_message_iterator *iterator, void *data)
{
	(void) iterator;
	(void) data;
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_INITIALIZE_FUNC_STATUS_OK;
}

static bt_graph_simple_sink_component_consume_func_status loader_consume(
		bt_message_iterator *iterator, void *data)
{
	struct loader *l = data;
	bt_message_array_const msgs;
	uint64_t count = 0;
	uint64_t i;
	int ret = 0;

	switch (bt_message_iterator_next(iterator, &msgs, &count)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	for (i = 0; i < count; i++) {
		if (ret == 0) {
			ret = load_message(l, msgs[i]);
		}
		bt_message_put_ref(msgs[i]);
	}
	return ret == 0 ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK :
		BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
}

static const bt_plugin *find_plugin(const char *name, char *err,
		size_t errlen)
{
	const bt_plugin *plugin = NULL;

	if (bt_plugin_find(name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE,
			&plugin) != BT_PLUGIN_FIND_STATUS_OK) {
		snprintf(err, errlen, "babeltrace2 plugin `%s` not found", name);
		return NULL;
	}
	return plugin;
}

static bt_value *params_with_input(const char *input)
{
	bt_value *params = bt_value_map_create();
	bt_value *inputs = NULL;

	if (params == NULL || bt_value_map_insert_empty_array_entry(params,
			"inputs", &inputs) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
			bt_value_array_append_string_element(inputs, input) !=
			BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK) {
		bt_value_put_ref(params);
		return NULL;
	}
	return params;
}

/* src.ctf.fs per trace -> flt.utils.muxer -> the loader; NULL: err set. */
static bt_graph *loader_graph(const struct ultrace_trace_list *traces,
		struct loader *l, char *err, size_t errlen)
{
	bt_graph *graph = bt_graph_create(0);
	const bt_plugin *ctf = find_plugin("ctf", err, errlen);
	const bt_plugin *utils = ctf ? find_plugin("utils", err, errlen) : NULL;
	const bt_component_filter *muxer = NULL;
	const bt_component_sink *sink = NULL;
	size_t i;

	if (graph == NULL || utils == NULL) {
		if (graph == NULL) {
			snprintf(err, errlen, "cannot create a graph");
		}
		goto error;
	}
	if (bt_graph_add_filter_component(graph,
			bt_plugin_borrow_filter_component_class_by_name_const(
				utils, "muxer"), "muxer", NULL,
			BT_LOGGING_LEVEL_NONE, &muxer) !=
			BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		snprintf(err, errlen, "cannot create flt.utils.muxer");
		goto error;
	}
	for (i = 0; i < traces->count; i++) {
		bt_value *params = params_with_input(traces->paths[i]);
		const bt_component_source *src = NULL;
		char name[32];
		uint64_t p;

		snprintf(name, sizeof(name), "src-%zu", i);
		if (params == NULL || bt_graph_add_source_component(graph,
				bt_plugin_borrow_source_component_class_by_name_const(
					ctf, "fs"), name, params,
				BT_LOGGING_LEVEL_NONE, &src) !=
				BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
			bt_value_put_ref(params);
			snprintf(err, errlen, "cannot open trace %s",
				traces->paths[i]);
			goto error;
		}
		bt_value_put_ref(params);
		for (p = 0; p < bt_component_source_get_output_port_count(src);
				p++) {
			uint64_t in = bt_component_filter_get_input_port_count(
				muxer);

			if (bt_graph_connect_ports(graph,
					bt_component_source_borrow_output_port_by_index_const(
						src, p),
					bt_component_filter_borrow_input_port_by_index_const(
						muxer, in - 1), NULL) !=
					BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
				snprintf(err, errlen, "cannot connect %s to "
					"the muxer", traces->paths[i]);
				goto error;
			}
		}
	}
	if (bt_graph_add_simple_sink_component(graph, "floor", loader_init,
			loader_consume, NULL, l, &sink) !=
			BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
			bt_graph_connect_ports(graph,
				bt_component_filter_borrow_output_port_by_name_const(
					muxer, "out"),
				bt_component_sink_borrow_input_port_by_index_const(
					sink, 0), NULL) !=
			BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
		snprintf(err, errlen, "cannot add the loading sink");
		goto error;
	}
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	return graph;
error:
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	bt_graph_put_ref(graph);
	return NULL;
}

/* Reads every trace below `dir` into `t`; returns 0 or an EXIT_* status. */
static int load_trace(const char *dir, struct floor_trace *t)
{
	struct ultrace_trace_list traces = { NULL, 0 };
	struct loader l;
	bt_graph *graph = NULL;
	char err[4096];
	int ret = EXIT_TRACE_ERROR;

	memset(&l, 0, sizeof(l));
	l.trace = t;
	l.decoder = ultrace_event_decoder_create();
	if (l.decoder == NULL) {
		fprintf(stderr, "registry_floor: out of memory\n");
		return EXIT_NOMEM;
	}
	if (ultrace_trace_discover(dir, &traces, err, sizeof(err)) != 0) {
		fprintf(stderr, "registry_floor: %s\n", err);
		goto end;
	}
	err[0] = '\0';
	graph = loader_graph(&traces, &l, err, sizeof(err));
	if (graph == NULL) {
		size_t used = strlen(err);

		ultrace_bt_error_take(err + used, sizeof(err) - used);
		fprintf(stderr, "registry_floor: %s\n", err);
		goto end;
	}
	if (bt_graph_run(graph) != BT_GRAPH_RUN_STATUS_OK) {
		snprintf(err, sizeof(err), "%s: reading the trace failed%s%s",
			dir, l.error[0] ? ": " : "", l.error);
		ultrace_bt_error_take(err + strlen(err),
			sizeof(err) - strlen(err));
		fprintf(stderr, "registry_floor: %s\n", err);
		if (l.failed != 0) {
			ret = l.failed;
		}
		goto end;
	}
	ret = 0;
end:
	bt_graph_put_ref(graph);
	ultrace_event_decoder_destroy(l.decoder);
	ultrace_trace_list_fini(&traces);
	return ret;
}

/* The lookahead's view of one batch of the array. */
static const struct ultrace_registry_event *event_at(void *ctx, size_t i)
{
	return (const struct ultrace_registry_event *) ctx + i;
}

static inline __attribute__((always_inline)) uint64_t apply_all(
		struct ultrace_registry *registry,
		const struct floor_trace *trace, int64_t grace_s,
		const int prefetch)
{
	const struct ultrace_registry_event *ev = trace->events;
	struct ultrace_registry_lookahead lookahead;
	uint64_t nomem = 0;
	int64_t now_ns = 0;
	size_t start;
	size_t i;

	for (start = 0; start < trace->count;
			start += ULTRACE_APPLY_BATCH_ITEMS) {
		size_t end = trace->count - start > ULTRACE_APPLY_BATCH_ITEMS ?
			start + ULTRACE_APPLY_BATCH_ITEMS : trace->count;

		if (prefetch) {
			ultrace_registry_lookahead_start(&lookahead, registry,
				event_at, (void *) (ev + start), end - start);
		}
		for (i = start; i < end; i++) {
			struct ultrace_registry_hint hint;

			if (prefetch) {
				ultrace_registry_lookahead_step(&lookahead,
					i - start, &hint);
			}
			if (ultrace_registry_apply_hinted(registry, &ev[i],
					prefetch ? &hint : NULL) ==
					ULTRACE_REGISTRY_STATUS_NOMEM) {
				nomem++;
			}
			if (ev[i].time_ns > now_ns) {
				now_ns = ev[i].time_ns;
			}
		}
		if (grace_s >= 0 && now_ns > 0) {
			ultrace_registry_expire(registry,
				now_ns / 1000000000 - grace_s);
		}
	}
	return nomem;
}

__attribute__((noinline)) uint64_t registry_floor_apply(
		struct ultrace_registry *registry,
		const struct floor_trace *trace, int64_t grace_s)
{
	return apply_all(registry, trace, grace_s, 0);
}

__attribute__((noinline)) uint64_t registry_floor_apply_prefetch(
		struct ultrace_registry *registry,
		const struct floor_trace *trace, int64_t grace_s)
{
	return apply_all(registry, trace, grace_s, 1);
}

/* The counters as --stats prints them, into a new string (NULL: no memory). */
static char *stats_text(const struct ultrace_registry *registry)
{
	struct ultrace_print_options print = { ULTRACE_PRINT_CSV, 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL) {
		return NULL;
	}
	if (ultrace_registry_print_stats(f, registry, NULL, &print) != 0) {
		fclose(f);
		free(text);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a;
	double y = *(const double *) b;

	return (x > y) - (x < y);
}

static void usage(FILE *out)
{
	fprintf(out,
"Usage: registry_floor [OPTION]... TRACE_DIR\n"
"The registry's own cost per event: read the `ultrace` events of every\n"
"trace below TRACE_DIR once (babeltrace2, decoded as ultrace-replay does,\n"
"copied into memory), then apply them all to a fresh registry R times.\n"
"\n"
"  -r, --runs=R          passes, each on a fresh registry (default 5)\n"
"      --prefetch        give the registry the hints ultrace-replay gives it\n"
"                        (ultrace_registry_lookahead)\n"
"      --both            R passes without hints and R with, alternately\n"
"      --expiry-grace=S  TTL after each batch of %d events, as ultrace-replay\n"
"                        (default 120; `off`: none)\n"
"      --stats           then print the last pass's counters (without\n"
"                        hints, with --both) as\n"
"                        `ultrace-replay --stats --format csv` does\n"
"                        (without its per-stream loss rows)\n"
"  -h, --help            show this help and exit\n"
"\n"
"Prints one line per mode: `registry_floor events=N runs=R prefetch=0|1\n"
"ns_per_event=MEDIAN min=MIN max=MAX events_per_s=E wall_ns_per_event=W\n"
"load_s=L array_mib=A maxrss_mib=M discarded=D`: ns of CPU time\n"
"(CLOCK_PROCESS_CPUTIME_ID) per event applied, median and spread over\n"
"the R passes; wall: CLOCK_MONOTONIC, median; load: reading and copying\n"
"the trace; array: the copied events and their strings; maxrss: peak\n"
"resident memory of the process; discarded: tracer discard reports seen\n"
"(not applied: the counters then differ from ultrace-replay's). With\n"
"--both, the second line ends with `same_counters=yes` (or `no`): both\n"
"modes left the same counters.\n"
"`valgrind --tool=callgrind --toggle-collect='registry_floor_apply*'` counts\n"
"the passes' instructions alone (registry_floor_apply: no hints,\n"
"registry_floor_apply_prefetch: hints).\n"
"\n"
"Exit status: 0 success; 1 the trace cannot be read or holds malformed\n"
"ultrace events; 2 usage error; 3 memory ran out.\n",
		ULTRACE_APPLY_BATCH_ITEMS);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "prefetch", no_argument, NULL, 'P' },
		{ "both", no_argument, NULL, 'B' },
		{ "expiry-grace", required_argument, NULL, 'G' },
		{ "stats", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct floor_trace trace;
	struct ultrace_print_options print = { ULTRACE_PRINT_CSV, 0 };
	struct rusage usage_self;
	struct ultrace_registry *last[2] = { NULL, NULL };
	double *cpu[2] = { NULL, NULL };
	double *wall[2] = { NULL, NULL };
	int modes[2] = { 0, 1 };
	int nmodes = 1;
	int64_t grace_s = 120;
	unsigned long runs = 5;
	int m;
	int show_stats = 0;
	int64_t t0;
	double load_s;
	unsigned long r;
	int ret;
	int c;

	while ((c = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'r':
			errno = 0;
			runs = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '-' ||
					runs < 1 || runs > 1000) {
				fprintf(stderr, "registry_floor: --runs: `%s` "
					"is not a number from 1 to 1000\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'G':
			if (ultrace_grace_parse(optarg, &grace_s) != 0) {
				fprintf(stderr, "registry_floor: "
					"--expiry-grace: `%s` is not a number "
					"of seconds or `off`\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'S':
			show_stats = 1;
			break;
		case 'P':
			modes[0] = 1;
			nmodes = 1;
			break;
		case 'B':
			modes[0] = 0;
			nmodes = 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try `registry_floor --help`.\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "registry_floor: one TRACE_DIR expected\n"
			"Try `registry_floor --help`.\n");
		return EXIT_USAGE;
	}
	memset(&trace, 0, sizeof(trace));
	t0 = clock_ns(CLOCK_MONOTONIC);
	ret = load_trace(argv[optind], &trace);
	if (ret != 0) {
		goto end;
	}
	load_s = (double) (clock_ns(CLOCK_MONOTONIC) - t0) / 1e9;
	if (trace.count == 0) {
		fprintf(stderr, "registry_floor: %s: no ultrace event\n",
			argv[optind]);
		ret = EXIT_TRACE_ERROR;
		goto end;
	}
	for (m = 0; m < nmodes; m++) {
		cpu[m] = calloc(runs, sizeof(*cpu[m]));
		wall[m] = calloc(runs, sizeof(*wall[m]));
		if (cpu[m] == NULL || wall[m] == NULL) {
			ret = EXIT_NOMEM;
			goto end;
		}
	}
	/* With --both the modes alternate: the machine's drift hits both. */
	for (r = 0; r < runs; r++) {
		for (m = 0; m < nmodes; m++) {
			int64_t c0, w0;
			uint64_t nomem;

			ultrace_registry_destroy(last[m]);
			last[m] = ultrace_registry_create();
			if (last[m] == NULL) {
				ret = EXIT_NOMEM;
				goto end;
			}
			c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
			w0 = clock_ns(CLOCK_MONOTONIC);
			nomem = modes[m] ?
				registry_floor_apply_prefetch(last[m], &trace,
					grace_s) :
				registry_floor_apply(last[m], &trace, grace_s);
			wall[m][r] = (double) (clock_ns(CLOCK_MONOTONIC) - w0) /
				(double) trace.count;
			cpu[m][r] = (double) (clock_ns(
				CLOCK_PROCESS_CPUTIME_ID) - c0) /
				(double) trace.count;
			if (nomem > 0) {
				fprintf(stderr, "registry_floor: out of memory "
					"applying %" PRIu64 " event(s)\n",
					nomem);
				ret = EXIT_NOMEM;
				goto end;
			}
		}
	}
	getrusage(RUSAGE_SELF, &usage_self);
	for (m = 0; m < nmodes; m++) {
		double *cs = cpu[m];
		double *ws = wall[m];

		qsort(cs, runs, sizeof(*cs), cmp_double);
		qsort(ws, runs, sizeof(*ws), cmp_double);
		printf("registry_floor events=%zu runs=%lu prefetch=%d "
			"ns_per_event=%.1f min=%.1f max=%.1f events_per_s=%.0f "
			"wall_ns_per_event=%.1f load_s=%.2f array_mib=%.0f "
			"maxrss_mib=%.0f discarded=%" PRIu64, trace.count,
			runs, modes[m], cs[(runs - 1) / 2], cs[0], cs[runs - 1],
			1e9 / cs[(runs - 1) / 2], ws[(runs - 1) / 2], load_s,
			(double) (trace.count * sizeof(*trace.events) +
				trace.arena_bytes) / (1 << 20),
			(double) usage_self.ru_maxrss / 1024,
			trace.discarded);
		if (m == 1) {
			char *a = stats_text(last[0]);
			char *b = stats_text(last[1]);

			if (a == NULL || b == NULL) {
				ret = EXIT_NOMEM;
			}
			printf(" same_counters=%s", a != NULL && b != NULL &&
				strcmp(a, b) == 0 ? "yes" : "no");
			free(a);
			free(b);
		}
		printf("\n");
	}
	if (show_stats && ultrace_registry_print_stats(stdout, last[0], NULL,
			&print) != 0) {
		ret = EXIT_NOMEM;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "registry_floor: cannot write the output: "
			"%s\n", strerror(errno));
		ret = EXIT_NOMEM;
	}
end:
	for (m = 0; m < 2; m++) {
		ultrace_registry_destroy(last[m]);
		free(cpu[m]);
		free(wall[m]);
	}
	trace_fini(&trace);
	return ret;
}
