/*
 * replay_main.c: ultrace-replay, the offline tool: rebuilds the registrar's
 * user/contact tables from a recorded trace, at its end or at an instant.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "history_plot.h"
#include "log.h"
#include "loss_log.h"
#include "registry.h"
#include "registry_sink.h"
#include "replay_graph.h"
#include "replay_history.h"
#include "registry_merge.h"
#include "replay_output.h"
#include "size_parse.h"
#include "time_parse.h"
#include "trace_discovery.h"
#include "trace_host.h"

#define EXIT_TRACE_ERROR 1
#define EXIT_USAGE 2
#define EXIT_OUTPUT_ERROR 3

struct replay_options {
	const char *trace_dir;    /* the first; all of them: */
	char **trace_dirs;
	size_t trace_dir_count;
	const char *host;         /* --host: only this host's traces */
	const char *output_file;
	uint64_t memory_limit;	/* bytes of address space; 0: none */
	int keep_going;
	int verbosity;
	/* What is printed once the trace is read, and the state's instant. */
	struct ultrace_replay_output output;
	/* --history STEP (0: none), --plot FILE, --plot-size WxH */
	int64_t history_step_ns;
	const char *plot_file;
	unsigned int plot_width;
	unsigned int plot_height;
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: ultrace-replay [OPTION]... TRACE_DIR...\n"
"Rebuild a SIP registrar's user location tables (users and contacts) from\n"
"an LTTng trace of `ultrace` events, as they were at the end of the trace\n"
"or at a given instant.\n"
"\n"
"TRACE_DIR is an LTTng session output directory or any directory below\n"
"which CTF traces live. Traces of several hosts (a relayd's output\n"
"directory, or several TRACE_DIRs) give the merged view of the cluster:\n"
"one row per contact, the newest host event's values.\n"
"\n"
"  -a, --at=TIME       state at TIME: ISO-8601 with a zone\n"
"                      (2026-11-23T09:40:33.5Z, ...+01:00) or nanoseconds\n"
"                      since the epoch; events stamped after TIME are not\n"
"                      applied\n"
"      --expiry-grace=S  a contact whose `expires` is S seconds past on the\n"
"                      trace clock (the newest event, or TIME) is gone\n"
"                      even if its expire event was lost (default 120;\n"
"                      `off` keeps it until an event removes it)\n"
"  -f, --format=FMT    table (default), csv or json\n"
"      --host=NAME     only the traces recorded on host NAME\n"
"      --contacts      list contacts, one row each (the default)\n"
"      --users         list users (AORs) with their contact counts\n"
"      --stats         print counters: events by type, anomalies,\n"
"                      events and packets the tracer discarded, in all\n"
"                      and stream by stream with their time range\n"
"      --history=STEP  instead of the tables, the state every STEP (500ms,\n"
"                      10s, 5m, 1h...; rows at multiples of STEP, and at\n"
"                      the end): users, contacts, events over the step,\n"
"                      discards, health\n"
"      --plot=FILE     with --history: also draw contacts and users over\n"
"                      time, losses shaded, into the PNG FILE (gnuplot)\n"
"      --plot-size=WxH  the PNG's size in pixels (default 1024x480)\n"
"      --indexes       show the consumer-assigned user/contact indexes\n"
"                      (as SNMP serves them) and list rows in index order\n"
"  -k, --keep-going    skip malformed events (counted) and, if the trace\n"
"                      cannot be read to the end, still print the state\n"
"                      reached; the exit status still reports the error\n"
"      --memory-limit=SIZE  the most address space the reading may take\n"
"                      (512M, 4G...; default: half the physical memory;\n"
"                      `off`): babeltrace2 reads some damaged traces\n"
"                      without end, and this ends it (exit status 3)\n"
"  -o, --output=FILE   write to FILE instead of standard output\n"
"  -v, --verbose       more messages (twice: babeltrace2's own warnings)\n"
"  -q, --quiet         errors only\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 success; 1 the trace is not a trace, is corrupt or\n"
"truncated, or holds malformed ultrace events; 2 usage error; 3 the output\n"
"could not be written or memory ran out.\n"
"\n"
"CSV rows are keyed by domain, AOR and contact URI, sorted bytewise, with\n"
"every field the producer recorded: the format of ultrace-loadgen --truth.\n");
}

/* Half the physical memory, at least 1 GiB; 0 (none) if unknown. */
static uint64_t default_memory_limit(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long page_size = sysconf(_SC_PAGESIZE);
	uint64_t half;

	if (pages <= 0 || page_size <= 0) {
		return 0;
	}
	half = (uint64_t) pages * (uint64_t) page_size / 2;
	return half < (UINT64_C(1) << 30) ? UINT64_C(1) << 30 : half;
}

static int parse_args(int argc, char **argv, struct replay_options *opt)
{
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "contacts", no_argument, NULL, 'C' },
		{ "users", no_argument, NULL, 'U' },
		{ "stats", no_argument, NULL, 'S' },
		{ "expiry-grace", required_argument, NULL, 'G' },
		{ "indexes", no_argument, NULL, 'I' },
		{ "history", required_argument, NULL, 'Y' },
		{ "plot", required_argument, NULL, 'P' },
		{ "plot-size", required_argument, NULL, 'Z' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "host", required_argument, NULL, 'H' },
		{ "memory-limit", required_argument, NULL, 'M' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->output.at_ns = INT64_MAX;
	opt->output.expiry_grace_s = 120;
	opt->output.stats_hint = "--stats";
	opt->output.print.format = ULTRACE_PRINT_TABLE;
	opt->memory_limit = default_memory_limit();
	opt->plot_width = ULTRACE_PLOT_DEFAULT_WIDTH;
	opt->plot_height = ULTRACE_PLOT_DEFAULT_HEIGHT;
	while ((c = getopt_long(argc, argv, "a:f:ko:vqhV", longopts,
			NULL)) != -1) {
		switch (c) {
		case 'a':
			if (ultrace_time_parse(optarg, &opt->output.at_ns) != 0) {
				ULTRACE_ERR("--at: cannot parse `%s`: give "
					"ISO-8601 with a zone (e.g. "
					"2026-11-23T09:40:33.5Z) or ns since "
					"the epoch", optarg);
				return -1;
			}
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0) {
				opt->output.print.format = ULTRACE_PRINT_TABLE;
			} else if (strcmp(optarg, "csv") == 0) {
				opt->output.print.format = ULTRACE_PRINT_CSV;
			} else if (strcmp(optarg, "json") == 0) {
				opt->output.print.format = ULTRACE_PRINT_JSON;
			} else {
				ULTRACE_ERR("--format: `%s` is not table, "
					"csv or json", optarg);
				return -1;
			}
			break;
		case 'G':
			if (ultrace_grace_parse(optarg,
					&opt->output.expiry_grace_s) != 0) {
				ULTRACE_ERR("--expiry-grace: `%s` is not a "
					"number of seconds or `off`", optarg);
				return -1;
			}
			break;
		case 'C':
			opt->output.show |= ULTRACE_SHOW_CONTACTS;
			break;
		case 'U':
			opt->output.show |= ULTRACE_SHOW_USERS;
			break;
		case 'S':
			opt->output.show |= ULTRACE_SHOW_STATS;
			break;
		case 'I':
			opt->output.print.indexes = 1;
			break;
		case 'Y':
			if (ultrace_duration_parse(optarg,
					&opt->history_step_ns) != 0) {
				ULTRACE_ERR("--history: `%s` is not a step of "
					"1ms to 366d (500ms, 10s, 5m, 1h...)",
					optarg);
				return -1;
			}
			break;
		case 'P':
			opt->plot_file = optarg;
			break;
		case 'Z':
			if (ultrace_plot_size_parse(optarg, &opt->plot_width,
					&opt->plot_height) != 0) {
				ULTRACE_ERR("--plot-size: `%s` is not WxH, "
					"64 to 16384 pixels each (1024x480)",
					optarg);
				return -1;
			}
			break;
		case 'k':
			opt->keep_going = 1;
			break;
		case 'H':
			opt->host = optarg;
			break;
		case 'M':
			if (strcmp(optarg, "off") == 0) {
				opt->memory_limit = 0;
			} else if (ultrace_size_parse(optarg,
					&opt->memory_limit) != 0 ||
					opt->memory_limit < (UINT64_C(64) << 20)) {
				ULTRACE_ERR("--memory-limit: `%s` is not a "
					"size of at least 64M (512M, 4G...) "
					"or `off`", optarg);
				return -1;
			}
			break;
		case 'o':
			opt->output_file = optarg;
			break;
		case 'v':
			opt->verbosity++;
			break;
		case 'q':
			opt->verbosity = -1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("ultrace-replay %s\n", PACKAGE_VERSION);
			exit(EXIT_SUCCESS);
		default:
			return -1;
		}
	}
	if (optind == argc) {
		ULTRACE_ERR("missing TRACE_DIR");
		return -1;
	}
	opt->trace_dir = argv[optind];
	opt->trace_dirs = &argv[optind];
	opt->trace_dir_count = (size_t) (argc - optind);
	if (opt->plot_file != NULL && opt->history_step_ns == 0) {
		ULTRACE_ERR("--plot draws a history: give --history STEP");
		return -1;
	}
	if (opt->history_step_ns != 0 && opt->output.show != 0) {
		ULTRACE_ERR("--history prints rows of its own: drop "
			"--contacts, --users and --stats");
		return -1;
	}
	if (opt->output.show == 0) {
		opt->output.show = ULTRACE_SHOW_CONTACTS;
	}
	return 0;
}

static enum ultrace_log_level log_level_for(int verbosity)
{
	if (verbosity < 0) {
		return ULTRACE_LOG_ERROR;
	}
	if (verbosity == 0) {
		return ULTRACE_LOG_WARNING;
	}
	return verbosity == 1 ? ULTRACE_LOG_INFO : ULTRACE_LOG_DEBUG;
}

/*
 * The address-space limit the reading child gets: `wanted` bytes (0:
 * none), unless a lower one is already set (ulimit -v), which is kept.
 * Returns it (0: none); apply_memory_limit() sets it in the child.
 */
static uint64_t effective_memory_limit(uint64_t wanted)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl) != 0) {
		return 0;
	}
	if (rl.rlim_cur != RLIM_INFINITY &&
			(wanted == 0 || (uint64_t) rl.rlim_cur <= wanted)) {
		return (uint64_t) rl.rlim_cur;
	}
	return wanted;
}

/* `limit` comes from effective_memory_limit(): never above the hard limit. */
static void apply_memory_limit(uint64_t limit)
{
	struct rlimit rl;

	if (limit == 0 || getrlimit(RLIMIT_AS, &rl) != 0) {
		return;
	}
	rl.rlim_cur = limit;
	if (setrlimit(RLIMIT_AS, &rl) != 0) {
		ULTRACE_WARN("--memory-limit: setrlimit: %s; reading without "
			"a limit", strerror(errno));
	}
}

/*
 * babeltrace2 2.0 aborts (an assertion) or grows without bound on some
 * damaged traces (tests/fuzz/README), with no way for us to get control
 * back. The trace is therefore read in a child, under the memory limit:
 * when the decoder dies, the operator gets an error naming the trace and
 * status 1 (or 3 when memory ran out), not a core dump or a machine
 * swapping. Returns -1 in the child (go on reading), else the exit status.
 */
static int read_in_child(const char *trace_dir, uint64_t memory_limit)
{
	struct rusage usage;
	uint64_t peak;
	pid_t child;
	int status;

	memory_limit = effective_memory_limit(memory_limit);
	fflush(NULL);
	child = fork();
	if (child < 0) {
		ULTRACE_WARN("fork: %s; reading the trace in this process, "
			"without a memory limit", strerror(errno));
		return -1;
	}
	if (child == 0) {
		apply_memory_limit(memory_limit);
		return -1;
	}
	while (wait4(child, &status, 0, &usage) < 0) {
		if (errno != EINTR) {
			ULTRACE_ERR("waitpid: %s", strerror(errno));
			return EXIT_TRACE_ERROR;
		}
	}
	if (WIFEXITED(status)) {
		return WEXITSTATUS(status);
	}
	if (WTERMSIG(status) == SIGPIPE) {
		/*
		 * The reader of our output went away (`| head`): not the
		 * trace's fault. End as a filter does, by the same signal.
		 */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		return EXIT_OUTPUT_ERROR;
	}
	/* ru_maxrss is in KiB. A peak near the limit: memory ran out. */
	peak = (uint64_t) usage.ru_maxrss * 1024;
	if (memory_limit > 0 && peak >= memory_limit / 4) {
		ULTRACE_ERR("%s: reading it ran out of memory (peak %" PRIu64
			" MiB resident, limit %" PRIu64 " MiB of address "
			"space: --memory-limit, or a lower ulimit -v) and the "
			"trace decoder "
			"(babeltrace2) died of signal %d (%s); nothing was "
			"printed. babeltrace2 indexes some damaged traces "
			"without end; if this trace is sound, raise "
			"--memory-limit", trace_dir, peak >> 20,
			memory_limit >> 20, WTERMSIG(status),
			strsignal(WTERMSIG(status)));
		return EXIT_OUTPUT_ERROR;
	}
	ULTRACE_ERR("%s: the trace decoder (babeltrace2) died of signal %d "
		"(%s) reading it: the trace is damaged in a way it does not "
		"survive; nothing was printed", trace_dir, WTERMSIG(status),
		strsignal(WTERMSIG(status)));
	return EXIT_TRACE_ERROR;
}

/* Every trace below every TRACE_DIR, in one list. 0, or -1 (logged). */
static int discover_all(const struct replay_options *opt,
		struct ultrace_trace_list *all)
{
	char err[4096];
	size_t d;

	memset(all, 0, sizeof(*all));
	for (d = 0; d < opt->trace_dir_count; d++) {
		struct ultrace_trace_list one;
		char **paths;

		if (ultrace_trace_discover(opt->trace_dirs[d], &one, err,
				sizeof(err)) != 0) {
			ULTRACE_ERR("%s", err);
			ultrace_trace_list_fini(all);
			return -1;
		}
		paths = realloc(all->paths,
			(all->count + one.count) * sizeof(*paths));
		if (paths == NULL) {
			ULTRACE_ERR("out of memory");
			ultrace_trace_list_fini(&one);
			ultrace_trace_list_fini(all);
			return -1;
		}
		memcpy(paths + all->count, one.paths,
			one.count * sizeof(*paths));
		all->paths = paths;
		all->count += one.count;
		free(one.paths);
		ULTRACE_INFO("%zu trace(s) under %s", one.count,
			opt->trace_dirs[d]);
	}
	return 0;
}

/*
 * Read `traces` into `registry` (losses tallied in `losses`), then settle
 * it at the instant asked (the TTL at TIME); with `history` (or NULL),
 * record its rows on the way. *read_failed: the trace could not be read
 * to its end, or had malformed events. 0, or -1 when nothing can be
 * printed (logged).
 */
static int read_traces(const struct replay_options *opt,
		const struct ultrace_trace_list *traces,
		struct ultrace_registry *registry,
		struct ultrace_loss_log *losses,
		struct ultrace_replay_history *history, int *read_failed)
{
	struct ultrace_registry_sink_config config;
	struct ultrace_replay_graph *graph;
	char err[4096];

	memset(&config, 0, sizeof(config));
	config.registry = registry;
	config.stop_after_ns = opt->output.at_ns;
	config.keep_going = opt->keep_going;
	config.losses = losses;
	config.expiry_grace_s = opt->output.expiry_grace_s;
	if (history != NULL) {
		ultrace_replay_history_attach(history, &config);
	}
	graph = ultrace_replay_graph_create_fs(traces, &config,
		opt->verbosity >= 2 ? BT_LOGGING_LEVEL_WARNING :
			BT_LOGGING_LEVEL_NONE, err, sizeof(err));
	if (graph == NULL) {
		ULTRACE_ERR("%s", err);
		return -1;
	}
	if (ultrace_replay_graph_run(graph, 0, err, sizeof(err)) ==
			ULTRACE_REPLAY_ERROR) {
		*read_failed = 1;
		ULTRACE_ERR("%s", err);
	}
	if (config.malformed > 0) {
		*read_failed = 1;
		if (opt->keep_going) {
			ULTRACE_ERR("%" PRIu64 " malformed ultrace event(s) "
				"skipped; first: %s", config.malformed,
				config.error);
		}
	}
	ultrace_replay_graph_destroy(graph);
	/* The last rows, before the TTL at TIME. */
	if (history != NULL && ultrace_replay_history_end(history) != 0) {
		ULTRACE_ERR("out of memory recording the history");
		return -1;
	}
	/* The TTL at TIME, the discard warning: as sink.ultrace.table. */
	ultrace_replay_output_settle(registry, &opt->output);
	return 0;
}

/*
 * Several hosts: each host's traces into a registry of its own, all
 * merged (registry_merge.h) into `merged`. 0, or -1 (logged).
 */
static int read_hosts(const struct replay_options *opt,
		const struct ultrace_trace_hosts *hosts,
		struct ultrace_registry *merged, struct ultrace_loss_log *losses,
		int *read_failed)
{
	struct ultrace_registry_merge *merge =
		ultrace_registry_merge_create(merged);
	struct ultrace_registry **regs = calloc(hosts->count, sizeof(*regs));
	int ret = -1;
	size_t h;

	if (merge == NULL || regs == NULL) {
		ULTRACE_ERR("out of memory");
		goto end;
	}
	for (h = 0; h < hosts->count; h++) {
		regs[h] = ultrace_registry_create();
		if (regs[h] == NULL ||
				ultrace_registry_merge_add_host(merge, regs[h]) < 0) {
			ULTRACE_ERR(regs[h] == NULL ? "out of memory" :
				"more than %d hosts", ULTRACE_MERGE_HOSTS_MAX);
			goto end;
		}
	}
	for (h = 0; h < hosts->count; h++) {
		ULTRACE_INFO("host %s: %zu trace(s)", hosts->items[h].name,
			hosts->items[h].traces.count);
		/* One tally for all: --stats needs --host with several. */
		if (read_traces(opt, &hosts->items[h].traces, regs[h], losses,
				NULL, read_failed) != 0) {
			goto end;
		}
	}
	/*
	 * As ultrace-consumerd's merged view ages out an ended host: every
	 * host's contacts leave once expired on the cluster's clock (the
	 * newest host's last event, or TIME), unless a host holds them still.
	 */
	if (opt->output.expiry_grace_s >= 0) {
		int64_t now_ns = opt->output.at_ns;

		if (now_ns == INT64_MAX) {
			now_ns = 0;
			for (h = 0; h < hosts->count; h++) {
				int64_t t = ultrace_registry_borrow_stats(
					regs[h])->last_event_ns;

				if (t > now_ns) {
					now_ns = t;
				}
			}
		}
		for (h = 0; h < hosts->count; h++) {
			ultrace_registry_merge_set_live(merge, (int) h, 0);
		}
		ultrace_registry_merge_expire(merge, now_ns / 1000000000 -
			opt->output.expiry_grace_s);
	}
	ret = 0;
end:
	ultrace_registry_merge_destroy(merge);
	for (h = 0; regs != NULL && h < hosts->count; h++) {
		ultrace_registry_destroy(regs[h]);
	}
	free(regs);
	return ret;
}

/* The host --host names, or NULL (logged, with the hosts there are). */
static const struct ultrace_trace_host *pick_host(
		const struct ultrace_trace_hosts *hosts, const char *name)
{
	char known[1024] = "";
	size_t used = 0;
	size_t h;

	for (h = 0; h < hosts->count; h++) {
		if (strcmp(hosts->items[h].name, name) == 0) {
			return &hosts->items[h];
		}
		used += (size_t) snprintf(known + used,
			used < sizeof(known) ? sizeof(known) - used : 0,
			"%s%s", h ? ", " : "",
			hosts->items[h].name[0] ? hosts->items[h].name :
			"(unnamed)");
		if (used >= sizeof(known)) {
			used = sizeof(known) - 1;
		}
	}
	ULTRACE_ERR("--host %s: no trace was recorded on that host (hosts: "
		"%s)", name, known);
	return NULL;
}

/* --history's rows, then --plot's picture. 0, or -1 with `err`. */
static int write_history(const struct ultrace_replay_history *history,
		const struct replay_options *opt, char *err, size_t errlen)
{
	if (ultrace_replay_history_write(opt->output_file, history,
			opt->output.print.format, err, errlen) != 0) {
		return -1;
	}
	if (opt->plot_file == NULL) {
		return 0;
	}
	return ultrace_history_plot(opt->plot_file, history, opt->plot_width,
		opt->plot_height, err, errlen);
}

int main(int argc, char **argv)
{
	struct replay_options opt;
	struct ultrace_trace_list traces = { NULL, 0 };
	struct ultrace_trace_hosts hosts = { NULL, 0 };
	const struct ultrace_trace_list *chosen = &traces;
	struct ultrace_registry *registry = NULL;
	struct ultrace_loss_log *losses = NULL;
	struct ultrace_replay_history *history = NULL;
	char err[4096];
	int read_failed = 0;
	int several = 0;
	int ret = EXIT_TRACE_ERROR;

	ultrace_log_init("ultrace-replay", ULTRACE_LOG_WARNING);
	if (parse_args(argc, argv, &opt) != 0) {
		fprintf(stderr, "Try `ultrace-replay --help`.\n");
		return EXIT_USAGE;
	}
	ultrace_log_set_level(log_level_for(opt.verbosity));
	ret = read_in_child(opt.trace_dir, opt.memory_limit);
	if (ret >= 0) {
		return ret;
	}
	ret = EXIT_TRACE_ERROR;
	if (discover_all(&opt, &traces) != 0) {
		goto end;
	}
	if (ultrace_trace_hosts_group(&traces, &hosts) != 0) {
		ULTRACE_ERR("out of memory");
		ret = EXIT_OUTPUT_ERROR;
		goto end;
	}
	if (opt.host != NULL) {
		const struct ultrace_trace_host *host = pick_host(&hosts,
			opt.host);

		if (host == NULL) {
			ret = EXIT_USAGE;
			goto end;
		}
		chosen = &host->traces;
	} else if (hosts.count > 1) {
		several = 1;
		if (opt.output.show & ULTRACE_SHOW_STATS ||
				opt.history_step_ns != 0) {
			/* Hosts are read one after the other, not in step. */
			ULTRACE_ERR("%s: the traces are of %zu hosts; "
				"give --host NAME for one host's %s",
				opt.history_step_ns != 0 ? "--history" :
				"--stats", hosts.count,
				opt.history_step_ns != 0 ? "history" :
				"counters");
			ret = EXIT_USAGE;
			goto end;
		}
	}
	registry = ultrace_registry_create();
	losses = calloc(1, sizeof(*losses));
	if (registry == NULL || losses == NULL) {
		ULTRACE_ERR("out of memory");
		ret = EXIT_OUTPUT_ERROR;
		goto end;
	}
	if (opt.history_step_ns != 0) {
		history = ultrace_replay_history_create(registry,
			opt.history_step_ns, opt.output.at_ns,
			opt.output.expiry_grace_s);
		if (history == NULL) {
			ULTRACE_ERR("out of memory");
			ret = EXIT_OUTPUT_ERROR;
			goto end;
		}
	}
	if (several ? read_hosts(&opt, &hosts, registry, losses,
			&read_failed) != 0 :
			read_traces(&opt, chosen, registry, losses, history,
				&read_failed) != 0) {
		goto end;
	}
	if (read_failed && !opt.keep_going) {
		goto end;
	}
	if (read_failed) {
		char last[40];

		ultrace_time_format_ns(
			ultrace_registry_borrow_stats(registry)->last_event_ns,
			last, sizeof(last));
		ULTRACE_WARN("printing the state as of the last event read "
			"(%s)", last);
	}
	if (history != NULL ? write_history(history, &opt, err,
			sizeof(err)) != 0 :
			ultrace_replay_output_write(opt.output_file, registry,
				losses, &opt.output, err, sizeof(err)) != 0) {
		ULTRACE_ERR("%s", err);
		ret = EXIT_OUTPUT_ERROR;
		goto end;
	}
	ret = read_failed ? EXIT_TRACE_ERROR : EXIT_SUCCESS;
end:
	ultrace_replay_history_destroy(history);
	ultrace_registry_destroy(registry);
	free(losses);
	ultrace_trace_hosts_fini(&hosts);
	ultrace_trace_list_fini(&traces);
	return ret;
}
