/*
 * loadgen.c: ultrace-loadgen's command line, run control (workers, signals,
 * periodic statedumps and truth snapshots) and summary.
 * The registrar model is in sim.c, the snapshots in snapshot.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "loadgen.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define PROGRAM "ultrace-loadgen"

enum {
	EXIT_USAGE = 2,
};

/* How often the main thread looks at the workers and the signal flag. */
#define LG_POLL_NS (5 * 1000 * 1000LL)
/* Seconds: the longest --duration, --truth-at or --statedump-interval. */
#define LG_MAX_SECONDS 1e7

enum {
	OPT_USERS = 256,
	OPT_MAX_CONTACTS,
	OPT_RATE,
	OPT_DURATION,
	OPT_EVENTS,
	OPT_SEED,
	OPT_THREADS,
	OPT_DOMAIN,
	OPT_EXPIRES_MIN,
	OPT_EXPIRES_MAX,
	OPT_EXPIRE_RATIO,
	OPT_TRUTH,
	OPT_TRUTH_AT,
	OPT_TRUTH_AT_FILE,
	OPT_STATEDUMP_INTERVAL,
	OPT_STATEDUMP_AT_END,
	OPT_NO_PROVIDER,
	OPT_STATEDUMP_PERIOD,
	OPT_LINGER,
	OPT_LOSE,
	OPT_LOSE_RATIO,
	OPT_MIX,
	OPT_REGISTRAR_MAX_EXPIRES,
	OPT_REGISTRAR_MAX_USERS,
	OPT_REGISTRAR_DEFAULT_EXPIRES,
	OPT_REGISTRAR_REJECT_RATIO,
	OPT_REGISTRAR_INTERVAL,
	OPT_NO_REGISTRAR,
};

struct lg_options {
	struct lg_config cfg;
	const char *truth;
	const char *truth_at_file;
	double truth_at;            /* seconds after start; < 0: none */
	double statedump_interval;  /* seconds; 0: never */
	double statedump_period;    /* rolling dump period, seconds; 0: none */
	double linger;              /* seconds of dumps after the workload */
	double registrar_interval;  /* registrar_counters period, s; 0: none */
	int statedump_at_end;
	int no_provider;
	int quiet;
	int verbose;
};

static const struct option long_options[] = {
	{ "users", required_argument, NULL, OPT_USERS },
	{ "max-contacts", required_argument, NULL, OPT_MAX_CONTACTS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "expires-min", required_argument, NULL, OPT_EXPIRES_MIN },
	{ "expires-max", required_argument, NULL, OPT_EXPIRES_MAX },
	{ "expire-ratio", required_argument, NULL, OPT_EXPIRE_RATIO },
	{ "truth", required_argument, NULL, OPT_TRUTH },
	{ "truth-at", required_argument, NULL, OPT_TRUTH_AT },
	{ "truth-at-file", required_argument, NULL, OPT_TRUTH_AT_FILE },
	{ "statedump-interval", required_argument, NULL,
		OPT_STATEDUMP_INTERVAL },
	{ "statedump-at-end", no_argument, NULL, OPT_STATEDUMP_AT_END },
	{ "no-provider", no_argument, NULL, OPT_NO_PROVIDER },
	{ "statedump-period", required_argument, NULL, OPT_STATEDUMP_PERIOD },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "lose", required_argument, NULL, OPT_LOSE },
	{ "lose-ratio", required_argument, NULL, OPT_LOSE_RATIO },
	{ "mix", required_argument, NULL, OPT_MIX },
	{ "registrar-max-expires", required_argument, NULL,
		OPT_REGISTRAR_MAX_EXPIRES },
	{ "registrar-max-users", required_argument, NULL,
		OPT_REGISTRAR_MAX_USERS },
	{ "registrar-default-expires", required_argument, NULL,
		OPT_REGISTRAR_DEFAULT_EXPIRES },
	{ "registrar-reject-ratio", required_argument, NULL,
		OPT_REGISTRAR_REJECT_RATIO },
	{ "registrar-interval", required_argument, NULL,
		OPT_REGISTRAR_INTERVAL },
	{ "no-registrar", no_argument, NULL, OPT_NO_REGISTRAR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static struct lg_run *signal_run;

static void usage(FILE *out)
{
	fprintf(out,
"Usage: " PROGRAM " (--events N | --duration S) [OPTION]...\n"
"Simulate a SIP registrar's usrloc: registrations, refreshes, de-registrations\n"
"and expiries, emitted as ultrace LTTng-UST events.\n"
"\n"
"Load:\n"
"      --users N              users (AORs) simulated (default 1000)\n"
"      --max-contacts K       contacts a user holds at most (default 3, max %u)\n"
"      --rate R               events/s over all threads (default 0: flat out)\n"
"      --duration S           stop after S seconds (fractional allowed)\n"
"      --events N             stop after N contact events in total\n"
"                             (at least one of --duration and --events;\n"
"                             the first limit reached ends the run)\n"
"      --threads T            worker threads; user u belongs to thread u %% T\n"
"                             (default 1)\n"
"      --seed S               seed of the per-thread generators (default 1)\n"
"\n"
"Contacts:\n"
"      --domain NAME          usrloc table name (default \"location\")\n"
"      --expires-min S        shortest registration lifetime, seconds\n"
"                             (default 60)\n"
"      --expires-max S        longest registration lifetime (default 3600)\n"
"      --expire-ratio P       share of contacts that never refresh and expire\n"
"                             by timer, 0..1 (default 0.1)\n"
"      --mix KIND=W[,KIND=W]...\n"
"                             weights of the random actions (unlisted: 0):\n"
"                             insert, refresh (CSeq and expires only),\n"
"                             rebind (NAT: new received), update (may change\n"
"                             user agent or q), delete, expire (default\n"
"                             insert=10,refresh=70,rebind=5,update=5,\n"
"                             delete=7,expire=3: a production registrar)\n"
"\n"
"Registrar (its own figures, registrar_config and registrar_counters events,\n"
"at start, in every statedump and at exit; defaults as Kamailio's):\n"
"      --registrar-max-expires S    longest lifetime granted; longer ones are\n"
"                                   cut to it (default 0: no maximum)\n"
"      --registrar-max-users N      users it takes (default 0: no maximum)\n"
"      --registrar-default-expires S  lifetime of a REGISTER that asks none\n"
"                                   (default 3600)\n"
"      --registrar-reject-ratio P   REGISTERs also rejected, per accepted one\n"
"                                   (every event but an expiry), 0..1\n"
"                                   (default 0.01)\n"
"      --registrar-interval S       emit the REGISTER counters every S seconds\n"
"                                   (default 1; 0: only at the times above)\n"
"      --no-registrar               emit none of these: contact events only\n"
"\n"
"State:\n"
"      --truth FILE           write the contacts held at exit as CSV\n"
"      --truth-at S           snapshot the contacts S seconds after start...\n"
"      --truth-at-file FILE   ...into FILE as CSV, the instant into FILE.ts\n"
"      --statedump-interval S emit a full statedump every S seconds\n"
"                             (default 0: never)\n"
"      --statedump-at-end     emit a full statedump just before exit\n"
"      --statedump-period S   rolling statedump: re-emit every contact once\n"
"                             every S seconds, a few slots every 5 ms (the\n"
"                             rate is bounded by users x max-contacts / S),\n"
"                             one dump after the other (default 0: off)\n"
"      --linger S             after the workload, keep running the dumps\n"
"                             for S seconds with no other event\n"
"\n"
"Faults:\n"
"      --lose KIND[,KIND]...  apply but do not emit events of these kinds\n"
"                             (insert, update, delete, expire, all): lost\n"
"                             events, as a full ring buffer loses them\n"
"      --lose-ratio P         share of those events lost, 0..1 (default 1)\n"
"\n"
"Other:\n"
"      --no-provider          do not load the LTTng-UST provider (events\n"
"                             cost a predicted branch only)\n"
"  -q, --quiet                print errors only, no summary\n"
"  -v, --verbose              print progress (twice: debug)\n"
"  -h, --help                 print this help and exit\n"
"  -V, --version              print the version and exit\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 usage error.\n"
"The provider library is $ULTRACE_PROVIDER, else the installed one.\n",
		LG_MAX_CONTACTS);
}

static int usage_error(void)
{
	fprintf(stderr, "Try '" PROGRAM " --help' for more information.\n");
	return EXIT_USAGE;
}

/* A decimal integer in [min, max], nothing around it. */
static int parse_u64(const char *name, const char *arg, uint64_t min,
		uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *endp;
	int ret = -1;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9') {
		goto error;
	}
	v = strtoull(arg, &endp, 10);
	if (errno != 0 || *endp != '\0' || v < min || v > max) {
		goto error;
	}
	*out = v;
	ret = 0;
	goto end;
error:
	ULTRACE_ERR("--%s: expected an integer in %" PRIu64 "..%" PRIu64
		", got '%s'", name, min, max, arg);
end:
	return ret;
}

/* A finite decimal number in [min, max], nothing around it. */
static int parse_double(const char *name, const char *arg, double min,
		double max, double *out)
{
	char *endp;
	double v;
	int ret = -1;

	errno = 0;
	v = strtod(arg, &endp);
	if (endp == arg || *endp != '\0' || errno != 0 || !isfinite(v) ||
			v < min || v > max) {
		ULTRACE_ERR("--%s: expected a number in %g..%g, got '%s'",
			name, min, max, arg);
		goto end;
	}
	*out = v;
	ret = 0;
end:
	return ret;
}

/* "insert,expire" or "all" into a mask of 1 << enum lg_count. */
static int parse_lose_kinds(const char *arg, unsigned int *mask)
{
	static const struct {
		const char *name;
		unsigned int bits;
	} kinds[] = {
		{ "insert", 1u << LG_COUNT_INSERT },
		{ "update", (1u << LG_COUNT_UPDATE) | (1u << LG_COUNT_REFRESH) },
		{ "delete", 1u << LG_COUNT_DELETE },
		{ "expire", 1u << LG_COUNT_EXPIRE },
		{ "all", (1u << LG_COUNT_NR) - 1 },
	};
	const char *p = arg;

	*mask = 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (strlen(kinds[i].name) == len &&
					strncmp(kinds[i].name, p, len) == 0) {
				*mask |= kinds[i].bits;
				break;
			}
		}
		if (i == sizeof(kinds) / sizeof(kinds[0])) {
			ULTRACE_ERR("--lose: '%.*s' is not insert, update, "
				"delete, expire or all", (int) len, p);
			return -1;
		}
		p += len;
		if (*p == ',') {
			p++;
		}
	}
	return 0;
}

static const char *const mix_names[LG_MIX_NR] = {
	"insert", "refresh", "rebind", "update", "delete", "expire",
};

static int parse_mix(const char *arg, uint32_t mix[LG_MIX_NR])
{
	const char *p = arg;
	uint64_t total = 0;
	int k;

	for (k = 0; k < LG_MIX_NR; k++) {
		mix[k] = 0;
	}
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		char *end;
		unsigned long w;

		for (k = 0; eq != NULL && k < LG_MIX_NR; k++) {
			if (strlen(mix_names[k]) == (size_t) (eq - p) &&
					strncmp(mix_names[k], p,
						(size_t) (eq - p)) == 0) {
				break;
			}
		}
		if (eq == NULL || k == LG_MIX_NR) {
			ULTRACE_ERR("--mix: '%.*s' is not KIND=WEIGHT with KIND "
				"insert, refresh, rebind, update, delete or "
				"expire", (int) len, p);
			return -1;
		}
		errno = 0;
		w = strtoul(eq + 1, &end, 10);
		if (errno != 0 || end == eq + 1 || end != p + len ||
				w > 1000000 || eq[1] == '-') {
			ULTRACE_ERR("--mix: weight '%.*s' is not an integer "
				"0..1000000", (int) (p + len - eq - 1), eq + 1);
			return -1;
		}
		mix[k] = (uint32_t) w;
		p += len;
		if (*p == ',') {
			p++;
		}
	}
	for (k = 0; k < LG_MIX_NR; k++) {
		total += mix[k];
	}
	if (total == 0) {
		ULTRACE_ERR("--mix: at least one weight must be above 0");
		return -1;
	}
	return 0;
}

/* 0 to run, EXIT_SUCCESS + 1 after --help/--version, or EXIT_USAGE. */
static int parse_options(int argc, char **argv, struct lg_options *opts)
{
	struct lg_config *cfg = &opts->cfg;
	uint64_t u64;
	double duration = 0, dbl;
	int opt, ret = EXIT_USAGE;

	memset(opts, 0, sizeof(*opts));
	cfg->users = 1000;
	cfg->max_contacts = 3;
	cfg->threads = 1;
	cfg->seed = 1;
	cfg->domain = "location";
	cfg->expires_min = 60;
	cfg->expires_max = 3600;
	cfg->expire_ratio = 0.1;
	cfg->mix[LG_MIX_INSERT] = 10;
	cfg->mix[LG_MIX_REFRESH] = 70;
	cfg->mix[LG_MIX_REBIND] = 5;
	cfg->mix[LG_MIX_UPDATE] = 5;
	cfg->mix[LG_MIX_DELETE] = 7;
	cfg->mix[LG_MIX_EXPIRE] = 3;
	cfg->lose_ratio = 1.0;
	cfg->registrar.default_expires = 3600;
	cfg->reject_ratio = 0.01;
	opts->registrar_interval = 1;
	opts->truth_at = -1;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":qvhV", long_options,
			NULL)) != -1) {
		const char *name = NULL;
		int i;

		for (i = 0; long_options[i].name != NULL; i++) {
			if (long_options[i].val == opt) {
				name = long_options[i].name;
				break;
			}
		}
		switch (opt) {
		case OPT_USERS:
			if (parse_u64(name, optarg, 1, LG_MAX_USERS, &u64)) {
				goto end;
			}
			cfg->users = (uint32_t) u64;
			break;
		case OPT_MAX_CONTACTS:
			if (parse_u64(name, optarg, 1, LG_MAX_CONTACTS, &u64)) {
				goto end;
			}
			cfg->max_contacts = (uint32_t) u64;
			break;
		case OPT_RATE:
			if (parse_double(name, optarg, 0, 1e9, &cfg->rate)) {
				goto end;
			}
			break;
		case OPT_DURATION:
			if (parse_double(name, optarg, 0, LG_MAX_SECONDS,
					&duration)) {
				goto end;
			}
			if (duration <= 0) {
				ULTRACE_ERR("--duration: must be more than 0");
				goto end;
			}
			break;
		case OPT_EVENTS:
			if (parse_u64(name, optarg, 1, UINT64_MAX / 2,
					&cfg->events)) {
				goto end;
			}
			break;
		case OPT_SEED:
			if (parse_u64(name, optarg, 0, UINT64_MAX, &cfg->seed)) {
				goto end;
			}
			break;
		case OPT_THREADS:
			if (parse_u64(name, optarg, 1, LG_MAX_THREADS, &u64)) {
				goto end;
			}
			cfg->threads = (uint32_t) u64;
			break;
		case OPT_DOMAIN:
			if (optarg[0] == '\0' ||
					strlen(optarg) > LG_MAX_DOMAIN_LEN) {
				ULTRACE_ERR("--domain: expected 1..%u bytes",
					LG_MAX_DOMAIN_LEN);
				goto end;
			}
			cfg->domain = optarg;
			break;
		case OPT_EXPIRES_MIN:
		case OPT_EXPIRES_MAX:
			if (parse_u64(name, optarg, 1, LG_MAX_EXPIRES, &u64)) {
				goto end;
			}
			if (opt == OPT_EXPIRES_MIN) {
				cfg->expires_min = (int64_t) u64;
			} else {
				cfg->expires_max = (int64_t) u64;
			}
			break;
		case OPT_EXPIRE_RATIO:
			if (parse_double(name, optarg, 0, 1,
					&cfg->expire_ratio)) {
				goto end;
			}
			break;
		case OPT_TRUTH:
			opts->truth = optarg;
			break;
		case OPT_TRUTH_AT:
			if (parse_double(name, optarg, 0, LG_MAX_SECONDS,
					&opts->truth_at)) {
				goto end;
			}
			break;
		case OPT_TRUTH_AT_FILE:
			opts->truth_at_file = optarg;
			break;
		case OPT_STATEDUMP_INTERVAL:
			if (parse_double(name, optarg, 0, LG_MAX_SECONDS, &dbl)) {
				goto end;
			}
			opts->statedump_interval = dbl;
			break;
		case OPT_STATEDUMP_AT_END:
			opts->statedump_at_end = 1;
			break;
		case OPT_STATEDUMP_PERIOD:
			if (parse_double(name, optarg, 0, LG_MAX_SECONDS, &dbl)) {
				goto end;
			}
			opts->statedump_period = dbl;
			break;
		case OPT_LINGER:
			if (parse_double(name, optarg, 0, LG_MAX_SECONDS, &dbl)) {
				goto end;
			}
			opts->linger = dbl;
			break;
		case OPT_LOSE:
			if (parse_lose_kinds(optarg, &cfg->lose_kinds)) {
				goto end;
			}
			break;
		case OPT_MIX:
			if (parse_mix(optarg, cfg->mix) != 0) {
				goto end;
			}
			break;
		case OPT_LOSE_RATIO:
			if (parse_double(name, optarg, 0, 1,
					&cfg->lose_ratio)) {
				goto end;
			}
			break;
		case OPT_REGISTRAR_MAX_EXPIRES:
		case OPT_REGISTRAR_MAX_USERS:
		case OPT_REGISTRAR_DEFAULT_EXPIRES:
			if (parse_u64(name, optarg, 0, UINT32_MAX, &u64)) {
				goto end;
			}
			if (opt == OPT_REGISTRAR_MAX_EXPIRES) {
				cfg->registrar.max_expires = (uint32_t) u64;
			} else if (opt == OPT_REGISTRAR_MAX_USERS) {
				cfg->registrar.max_users = (uint32_t) u64;
			} else {
				cfg->registrar.default_expires = (uint32_t) u64;
			}
			break;
		case OPT_REGISTRAR_REJECT_RATIO:
			if (parse_double(name, optarg, 0, 1,
					&cfg->reject_ratio)) {
				goto end;
			}
			break;
		case OPT_REGISTRAR_INTERVAL:
			if (parse_double(name, optarg, 0, LG_MAX_SECONDS,
					&opts->registrar_interval)) {
				goto end;
			}
			break;
		case OPT_NO_REGISTRAR:
			cfg->no_registrar = 1;
			break;
		case OPT_NO_PROVIDER:
			opts->no_provider = 1;
			break;
		case 'q':
			opts->quiet = 1;
			break;
		case 'v':
			opts->verbose++;
			break;
		case 'h':
			usage(stdout);
			ret = EXIT_SUCCESS + 1;
			goto end;
		case 'V':
			printf(PROGRAM " (ultrace) " PACKAGE_VERSION "\n");
			ret = EXIT_SUCCESS + 1;
			goto end;
		case ':':
			ULTRACE_ERR("option '%s' needs an argument",
				argv[optind - 1]);
			goto end;
		default:
			if (optopt != 0) {
				ULTRACE_ERR("unknown option '-%c'", optopt);
			} else {
				ULTRACE_ERR("unknown option '%s'",
					argv[optind - 1]);
			}
			goto end;
		}
	}
	if (optind < argc) {
		ULTRACE_ERR("unexpected argument '%s'", argv[optind]);
		goto end;
	}
	if (cfg->events == 0 && duration == 0) {
		ULTRACE_ERR("give --events or --duration (or both)");
		goto end;
	}
	if (cfg->expires_min > cfg->expires_max) {
		ULTRACE_ERR("--expires-min (%" PRId64 ") exceeds --expires-max "
			"(%" PRId64 ")", cfg->expires_min, cfg->expires_max);
		goto end;
	}
	if (cfg->threads > cfg->users) {
		ULTRACE_ERR("--threads (%" PRIu32 ") exceeds --users (%" PRIu32
			"): a thread would own no user", cfg->threads,
			cfg->users);
		goto end;
	}
	if ((opts->truth_at >= 0) != (opts->truth_at_file != NULL)) {
		ULTRACE_ERR("--truth-at and --truth-at-file go together");
		goto end;
	}
	cfg->duration_ns = (int64_t) (duration * 1e9);
	cfg->domain_len = strlen(cfg->domain);
	ret = 0;
end:
	return ret;
}

static void on_stop_signal(int sig)
{
	(void) sig;
	if (signal_run != NULL) {
		atomic_store(&signal_run->stop, 1);
	}
}

static int install_signals(void)
{
	struct sigaction sa;
	int ret = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
			sigaction(SIGTERM, &sa, NULL) != 0) {
		ULTRACE_ERR("sigaction: %s", strerror(errno));
		goto end;
	}
	ret = 0;
end:
	return ret;
}

/* Workers leave SIGINT/SIGTERM to the main thread. */
static int start_workers(struct lg_run *run)
{
	sigset_t block, old;
	uint32_t i;
	int ret = -1, err;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < run->cfg->threads; i++) {
		struct lg_thread *t = run->threads[i];

		atomic_fetch_add(&run->running, 1);
		err = pthread_create(&t->pthread, NULL, lg_thread_main, t);
		if (err != 0) {
			atomic_fetch_sub(&run->running, 1);
			ULTRACE_ERR("cannot start thread %" PRIu32 ": %s", i,
				strerror(err));
			atomic_store(&run->stop, 1);
			goto end;
		}
		t->started = 1;
	}
	ret = 0;
end:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static void join_workers(struct lg_run *run)
{
	uint32_t i;

	for (i = 0; i < run->cfg->threads; i++) {
		struct lg_thread *t = run->threads[i];

		if (t != NULL && t->started) {
			pthread_join(t->pthread, NULL);
			t->started = 0;
		}
	}
}

static int64_t seconds_to_ns(double s)
{
	return (int64_t) (s * 1e9);
}

/*
 * The next deadline of a periodic task that ran for `at`: one period
 * later, or a period from now if it fell that far behind (no burst).
 */
static int64_t next_period(int64_t at, int64_t now, double period_s)
{
	int64_t next = at + seconds_to_ns(period_s);

	return next < now ? now + seconds_to_ns(period_s) : next;
}

/*
 * Visit the slots the time since the last step earns (credit carries the
 * fraction over, so a small table is not dumped faster than its period).
 * Returns 1 when this step ended a dump.
 */
static int rolling_step(struct lg_run *run, struct lg_rolling_dump *rolling,
		uint64_t *dump_id, double slots_per_ns, double *credit,
		int64_t *last_step_ns)
{
	int64_t now = lg_now_ns(CLOCK_MONOTONIC);
	size_t slots;

	*credit += slots_per_ns * (double) (now - *last_step_ns);
	*last_step_ns = now;
	slots = (size_t) *credit;
	if (slots == 0 && rolling->active) {
		return 0;
	}
	*credit -= (double) slots;
	return lg_snapshot_rolling_step(run, rolling, dump_id, slots);
}

/*
 * The main thread while workers run (and --linger after): the --truth-at
 * snapshot, the periodic full statedumps and the rolling one, each between
 * two events of every worker.
 */
static int supervise(struct lg_run *run, const struct lg_options *opts,
		uint64_t *dump_id, int *truth_at_done)
{
	struct lg_rolling_dump rolling;
	int64_t truth_at_ns = INT64_MAX, next_dump_ns = INT64_MAX;
	int64_t linger_end_ns = INT64_MAX;
	int64_t next_registrar_ns = INT64_MAX;
	double slots_per_ns = 0;
	double credit = 0;            /* slots the rolling dump may visit */
	int64_t last_step_ns = run->start_mono_ns;
	int ret = 0;

	memset(&rolling, 0, sizeof(rolling));
	if (opts->truth_at_file != NULL) {
		truth_at_ns = run->start_mono_ns + seconds_to_ns(opts->truth_at);
	}
	if (opts->statedump_interval > 0) {
		next_dump_ns = run->start_mono_ns +
			seconds_to_ns(opts->statedump_interval);
	}
	if (opts->registrar_interval > 0) {
		next_registrar_ns = run->start_mono_ns +
			seconds_to_ns(opts->registrar_interval);
	}
	if (opts->statedump_period > 0) {
		/* Every slot once per period, at a steady pace. */
		slots_per_ns = (double) lg_snapshot_total_slots(run) /
			(double) seconds_to_ns(opts->statedump_period);
	}
	for (;;) {
		int64_t now = lg_now_ns(CLOCK_MONOTONIC);
		int64_t wake = now + LG_POLL_NS;

		if (atomic_load(&run->running) == 0) {
			if (linger_end_ns == INT64_MAX) {
				linger_end_ns = now +
					seconds_to_ns(opts->linger);
			}
			if (now >= linger_end_ns || atomic_load(&run->stop)) {
				break;
			}
		}
		if (!*truth_at_done && now >= truth_at_ns) {
			*truth_at_done = 1;
			if (lg_snapshot_truth(run, opts->truth_at_file, 1)) {
				atomic_store(&run->stop, 1);
				ret = -1;
			}
			continue;
		}
		if (now >= next_dump_ns && !atomic_load(&run->stop)) {
			lg_snapshot_statedump(run, ++*dump_id);
			next_dump_ns = next_period(next_dump_ns, now,
				opts->statedump_interval);
			continue;
		}
		if (now >= next_registrar_ns) {
			lg_snapshot_registrar(run, 0);
			next_registrar_ns = next_period(next_registrar_ns, now,
				opts->registrar_interval);
		}
		if (slots_per_ns > 0 && !atomic_load(&run->stop)) {
			rolling_step(run, &rolling, dump_id, slots_per_ns,
				&credit, &last_step_ns);
		}
		if (!*truth_at_done && truth_at_ns < wake) {
			wake = truth_at_ns;
		}
		if (next_dump_ns < wake) {
			wake = next_dump_ns;
		}
		lg_sleep_until(wake);
	}
	/*
	 * A rolling dump under way is finished at its own pace (within one
	 * period), not left open nor flushed in one burst that a small ring
	 * buffer would partly discard.
	 */
	while (rolling.active && !rolling_step(run, &rolling, dump_id,
			slots_per_ns, &credit, &last_step_ns)) {
		lg_sleep_until(lg_now_ns(CLOCK_MONOTONIC) + LG_POLL_NS);
	}
	return ret;
}

static void print_summary(const struct lg_run *run, int64_t elapsed_ns,
		uint64_t dumps)
{
	uint64_t counts[LG_COUNT_NR] = { 0 };
	uint64_t total = 0;
	uint64_t lost = 0;
	struct ultrace_registrar_counts registrar;
	double secs = (double) elapsed_ns / 1e9;
	uint32_t i;
	int k;

	for (i = 0; i < run->cfg->threads; i++) {
		for (k = 0; k < LG_COUNT_NR; k++) {
			counts[k] += run->threads[i]->counts[k];
		}
		lost += run->threads[i]->lost;
	}
	for (k = 0; k < LG_COUNT_NR; k++) {
		total += counts[k];
	}
	ULTRACE_NOTICE("%" PRIu64 " events (insert %" PRIu64 ", update %"
		PRIu64 " incl. %" PRIu64 " refreshes, delete %" PRIu64
		", expire %" PRIu64 "), %" PRIu64 " contacts held, %" PRIu64
		" statedumps, %.3f s, %.0f events/s",
		total, counts[LG_COUNT_INSERT],
		counts[LG_COUNT_UPDATE] + counts[LG_COUNT_REFRESH],
		counts[LG_COUNT_REFRESH], counts[LG_COUNT_DELETE],
		counts[LG_COUNT_EXPIRE], lg_snapshot_count(run), dumps, secs,
		secs > 0 ? (double) total / secs : 0.0);
	if (lost > 0) {
		ULTRACE_NOTICE("%" PRIu64 " of those events were lost on "
			"purpose (--lose): applied, never emitted", lost);
	}
	lg_snapshot_registrar_counts(run, &registrar);
	ULTRACE_NOTICE("registrar: %" PRIu64 " REGISTERs accepted, %" PRIu64
		" rejected; %" PRIu64 " registrar_config and %" PRIu64
		" registrar_counters events", registrar.accepted,
		registrar.rejected, run->registrar_events[0],
		run->registrar_events[1]);
}

int main(int argc, char **argv)
{
	struct lg_options opts;
	struct lg_run run;
	pthread_rwlockattr_t lock_attr;
	char errbuf[512];
	uint64_t dump_id = 0;
	int64_t elapsed_ns;
	int truth_at_done = 0;
	int lock_init = 0;
	int ret = EXIT_FAILURE;
	uint32_t i;

	ultrace_log_init(PROGRAM, ULTRACE_LOG_NOTICE);
	memset(&run, 0, sizeof(run));
	ret = parse_options(argc, argv, &opts);
	truth_at_done = opts.truth_at_file == NULL;
	if (ret == EXIT_SUCCESS + 1) {
		ret = EXIT_SUCCESS;
		goto end;
	} else if (ret != 0) {
		ret = usage_error();
		goto end;
	}
	ret = EXIT_FAILURE;
	if (opts.quiet) {
		ultrace_log_set_level(ULTRACE_LOG_ERROR);
	} else if (opts.verbose > 1) {
		ultrace_log_set_level(ULTRACE_LOG_DEBUG);
	} else if (opts.verbose == 1) {
		ultrace_log_set_level(ULTRACE_LOG_INFO);
	}

	if (!opts.no_provider) {
		if (ultrace_provider_load(0, errbuf, sizeof(errbuf)) != 0) {
			ULTRACE_ERR("%s", errbuf);
			goto end;
		}
		ULTRACE_INFO("provider loaded; contact events %s",
			ultrace_enabled() ? "enabled" : "not enabled yet");
	}

	run.cfg = &opts.cfg;
	atomic_init(&run.reserved, 0);
	atomic_init(&run.stop, 0);
	atomic_init(&run.running, 0);
	/* Writers first: a snapshot must not wait behind a stream of readers. */
	pthread_rwlockattr_init(&lock_attr);
	pthread_rwlockattr_setkind_np(&lock_attr,
		PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	if (pthread_rwlock_init(&run.state_lock, &lock_attr) != 0) {
		pthread_rwlockattr_destroy(&lock_attr);
		ULTRACE_ERR("cannot create the state lock");
		goto end;
	}
	pthread_rwlockattr_destroy(&lock_attr);
	lock_init = 1;
	run.threads = calloc(opts.cfg.threads, sizeof(*run.threads));
	if (run.threads == NULL) {
		ULTRACE_ERR("out of memory");
		goto end;
	}
	for (i = 0; i < opts.cfg.threads; i++) {
		run.threads[i] = lg_thread_create(&run, i);
		if (run.threads[i] == NULL) {
			ULTRACE_ERR("out of memory for %" PRIu32 " users x %"
				PRIu32 " contacts", opts.cfg.users,
				opts.cfg.max_contacts);
			goto end;
		}
	}
	signal_run = &run;
	if (install_signals()) {
		goto end;
	}
	ULTRACE_INFO("%" PRIu32 " users x %" PRIu32 " contacts, %" PRIu32
		" threads, rate %g/s, seed %" PRIu64, opts.cfg.users,
		opts.cfg.max_contacts, opts.cfg.threads, opts.cfg.rate,
		opts.cfg.seed);

	/* The registrar starts: its configuration, nothing counted yet. */
	lg_snapshot_registrar(&run, 1);
	run.start_mono_ns = lg_now_ns(CLOCK_MONOTONIC);
	run.end_mono_ns = opts.cfg.duration_ns > 0 ?
		run.start_mono_ns + opts.cfg.duration_ns : INT64_MAX;
	if (start_workers(&run)) {
		goto end;
	}
	if (supervise(&run, &opts, &dump_id, &truth_at_done)) {
		goto end;
	}
	join_workers(&run);
	/* The final counts, so that a consumer ends with loadgen's summary. */
	lg_snapshot_registrar(&run, 0);
	elapsed_ns = 0;
	for (i = 0; i < opts.cfg.threads; i++) {
		int64_t ns = run.threads[i]->finish_mono_ns - run.start_mono_ns;

		if (ns > elapsed_ns) {
			elapsed_ns = ns;
		}
	}
	if (atomic_load(&run.stop)) {
		ULTRACE_NOTICE("interrupted: stopping");
	}

	if (!truth_at_done) {
		truth_at_done = 1;
		ULTRACE_WARN("the run ended before --truth-at %g s: %s holds "
			"the final state", opts.truth_at, opts.truth_at_file);
		if (lg_snapshot_truth(&run, opts.truth_at_file, 1)) {
			goto end;
		}
	}
	if (opts.truth != NULL && lg_snapshot_truth(&run, opts.truth, 0)) {
		goto end;
	}
	if (opts.statedump_at_end) {
		lg_snapshot_statedump(&run, ++dump_id);
	}
	if (!opts.quiet) {
		print_summary(&run, elapsed_ns, dump_id);
	}
	ret = EXIT_SUCCESS;
end:
	signal_run = NULL;
	if (run.threads != NULL) {
		atomic_store(&run.stop, 1);
		join_workers(&run);
		for (i = 0; i < opts.cfg.threads; i++) {
			lg_thread_destroy(run.threads[i]);
		}
		free(run.threads);
	}
	if (lock_init) {
		pthread_rwlock_destroy(&run.state_lock);
	}
	return ret;
}
