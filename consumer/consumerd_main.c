/*
 * consumerd_main.c: ultrace-consumerd: follows a live LTTng session (or
 * replays a recorded trace) into the registry and serves it over AgentX.
 * Two threads: the trace follower writes the registry one batch at a time
 * under a mutex; this thread runs net-snmp and reads it under the same
 * mutex, one request at a time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "cluster.h"
#include "cluster_service.h"
#include "config_file.h"
#include "daemon.h"
#include "live_url.h"
#include "log.h"
#include "registry.h"
#include "sd_notify.h"
#include "time_parse.h"
#include "trace_follower.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define EXIT_SESSION_ENDED 3

/*
 * Above usrloc's own expiry timer (Kamailio's timer_interval, 60 s by
 * default) plus the consumer's lag: the registrar removes an expired
 * contact first, and its expire event says so, unless it was lost.
 */
#define DEFAULT_EXPIRY_GRACE_S 120

struct consumerd_options {
	struct ultrace_follower_options follow;
	struct ultrace_snmp_options snmp;
	/* --live names a relay, no session: follow all its sessions. */
	int cluster;
	const char *hosts_glob;
	const char *sessions_glob;
	int discover_ms;
	const char *pidfile;
	const char *log_file;
	int foreground;
	int stats_interval_s;
	int use_syslog;
	int log_level;
	/* The file's options and the command line's, as parsed. */
	struct ultrace_config_scan *config;
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: ultrace-consumerd (--live=URL | --trace=DIR) [OPTION]...\n"
"Follow a SIP registrar's usrloc events in an LTTng trace and serve the\n"
"users and contacts as KAMAILIO-SIP-SERVER-MIB tables through an SNMP\n"
"AgentX master (snmpd), directly (--snmp-listen), or both.\n"
"\n"
"Input (one of):\n"
"  -l, --live=URL          a live session through lttng-relayd:\n"
"                          net://HOST[:PORT]/host/HOSTNAME/SESSION; or\n"
"                          net://HOST[:PORT]: every session of that relay\n"
"                          (a cluster: each host in its own SNMP context,\n"
"                          the merged view in the default one)\n"
"      --hosts=GLOB        cluster: only hosts whose name matches GLOB\n"
"      --sessions=GLOB     cluster: only sessions whose name matches GLOB\n"
"      --discover-interval=MS  cluster: ask the relay for its sessions\n"
"                          every MS (default 2000)\n"
"  -t, --trace=DIR         a recorded trace: read it once, then serve it\n"
"      --on-end=WHAT       when the live session ends or lttng-relayd goes\n"
"                          away: retry (default: keep serving, reattach\n"
"                          with backoff), serve (keep serving, stop\n"
"                          reading), exit (exit with status 3)\n"
"      --poll-ms=MS        wait between polls of an idle relay (default 5)\n"
"      --retry-max=S       longest reattach backoff (default 30)\n"
"      --expiry-grace=S    remove a contact S seconds after its expiry\n"
"                          time (trace clock) if no expire or delete event\n"
"                          came (default 120); off: never\n"
"\n"
"SNMP:\n"
"  -x, --agentx-socket=ADDR  the master's AgentX socket (default net-snmp's,\n"
"                          /var/agentx/master)\n"
"      --no-agentx         do not register with an AgentX master (serve\n"
"                          only --snmp-listen)\n"
"  -s, --snmp-listen=SPEC[,SPEC...]  also answer SNMP directly on these\n"
"                          net-snmp transports (udp:127.0.0.1:1161,\n"
"                          udp6:[::1]:1161, tcp:127.0.0.1:1161); a spec\n"
"                          without an address listens on loopback\n"
"      --snmp-config=FILE  access for --snmp-listen in snmpd.conf syntax\n"
"                          (rocommunity/rwcommunity with a source,\n"
"                          createUser + rouser/rwuser, view/access,\n"
"                          maxGetbulkResponses); default: read-only\n"
"                          community public from loopback\n"
"      --ping-interval=S   AgentX keepalive; a restarted master is rejoined\n"
"                          within this (default 5)\n"
"      --lookup-timeout=S  lookup table rows are reaped after S (default 60)\n"
"      --health-oid=OID    serve the health scalars under this numeric OID\n"
"                          (default " ULTRACE_SNMP_HEALTH_OID_DEFAULT ");\n"
"                          none: do not serve them\n"
"\n"
"Monitoring:\n"
"      --stats-interval=S  every S seconds log events applied, table sizes,\n"
"                          tracer discards, the event-to-table lag\n"
"                          (p50/p99/max over the interval) and whether\n"
"                          the tables are consistent or suspect; 0: only\n"
"                          at exit (default 60)\n"
"\n"
"Daemon:\n"
"      --config=FILE       read options from FILE (default\n"
"                          " ULTRACE_CONSUMERD_CONFIG ", if it exists;\n"
"                          none: no file): `key = value` lines, the keys\n"
"                          being these long options; the command line\n"
"                          overrides the file\n"
"  -f, --foreground        do not detach\n"
"  -p, --pidfile=FILE      write the pid to FILE (refused if FILE names a\n"
"                          live process)\n"
"      --log-file=FILE     log to FILE (reopened on SIGHUP); default:\n"
"                          stderr in the foreground, syslog when detached\n"
"      --syslog            log to syslog (facility daemon)\n"
"      --log-level=LEVEL   error, warning, notice (default), info, debug\n"
"  -v, --verbose           same as --log-level=info; twice: debug and\n"
"                          babeltrace2's warnings\n"
"  -q, --quiet             same as --log-level=error\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"Signals: SIGTERM and SIGINT stop cleanly; SIGHUP reopens the log file\n"
"and re-reads the configuration file (log level and stats interval apply\n"
"at once; other changes are logged and wait for a restart). Under\n"
"systemd (Type=notify) it says when it is ready and pings the watchdog.\n"
"Exit status: 0 stopped by a signal; 1 runtime error; 2 usage error;\n"
"3 the live session ended (--on-end=exit).\n");
}

static int parse_int(const char *opt, const char *arg, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || v < min ||
			v > 1000000) {
		ULTRACE_ERR("%s: `%s` is not a number >= %d", opt, arg, min);
		return -1;
	}
	*out = (int) v;
	return 0;
}

/*
 * babeltrace2 2.0.4 crashes on some URLs it does not reject: check first.
 * *cluster: the URL names a relay, not a session.
 */
static int check_live_url(const char *url, int *cluster)
{
	struct ultrace_live_url parts;
	const char *why;

	why = ultrace_live_url_parse(url, &parts);
	if (why != NULL) {
		ULTRACE_ERR("--live: `%s` is not net://HOST[:PORT]/host/"
			"HOSTNAME/SESSION: %s", url, why);
		return -1;
	}
	*cluster = !parts.has_session;
	return 0;
}

static int parse_args(int argc, char **argv, struct consumerd_options *o)
{
	static const struct option longopts[] = {
		{ "live", required_argument, NULL, 'l' },
		{ "trace", required_argument, NULL, 't' },
		{ "on-end", required_argument, NULL, 'E' },
		{ "poll-ms", required_argument, NULL, 'P' },
		{ "retry-max", required_argument, NULL, 'R' },
		{ "agentx-socket", required_argument, NULL, 'x' },
		{ "no-agentx", no_argument, NULL, 'N' },
		{ "snmp-listen", required_argument, NULL, 's' },
		{ "snmp-config", required_argument, NULL, 'C' },
		{ "ping-interval", required_argument, NULL, 'I' },
		{ "lookup-timeout", required_argument, NULL, 'T' },
		{ "health-oid", required_argument, NULL, 'O' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "sessions", required_argument, NULL, 'J' },
		{ "discover-interval", required_argument, NULL, 'K' },
		{ "expiry-grace", required_argument, NULL, 'G' },
		{ "stats-interval", required_argument, NULL, 'i' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "log-file", required_argument, NULL, 'L' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "log-level", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const not_in_file[] = { "help", "version", NULL };
	const char *why;
	int c;
	int v;

	memset(o, 0, sizeof(*o));
	o->follow.on_end = ULTRACE_ON_END_RETRY;
	o->follow.expiry_grace_s = DEFAULT_EXPIRY_GRACE_S;
	o->follow.poll_ms = 5;
	o->follow.retry_max_s = 30;
	o->snmp.name = "ultrace";
	o->snmp.agentx = 1;
	o->snmp.ping_interval_s = 5;
	o->snmp.lookup_timeout_s = 60;
	o->stats_interval_s = 60;
	o->log_level = ULTRACE_LOG_NOTICE;
	if (ultrace_config_scan_create(&o->config, argc, argv,
			"l:t:x:s:fp:vqhV", longopts, ULTRACE_CONSUMERD_CONFIG,
			not_in_file) != 0) {
		return -1;
	}
	while ((c = ultrace_config_scan_next(o->config)) != -1) {
		switch (c) {
		case 'l':
			o->follow.live_url = optarg;
			break;
		case 't':
			o->follow.trace_dir = optarg;
			break;
		case 'E':
			if (strcmp(optarg, "retry") == 0) {
				o->follow.on_end = ULTRACE_ON_END_RETRY;
			} else if (strcmp(optarg, "serve") == 0) {
				o->follow.on_end = ULTRACE_ON_END_SERVE;
			} else if (strcmp(optarg, "exit") == 0) {
				o->follow.on_end = ULTRACE_ON_END_EXIT;
			} else {
				ULTRACE_ERR("--on-end: `%s` is not retry, "
					"serve or exit", optarg);
				return -1;
			}
			break;
		case 'P':
			if (parse_int("--poll-ms", optarg, 1,
					&o->follow.poll_ms) != 0) {
				return -1;
			}
			break;
		case 'R':
			if (parse_int("--retry-max", optarg, 1,
					&o->follow.retry_max_s) != 0) {
				return -1;
			}
			break;
		case 'x':
			o->snmp.agentx_socket = optarg;
			break;
		case 'N':
			o->snmp.agentx = 0;
			break;
		case 's':
			if (ultrace_snmp_listen_check(optarg, &why) != 0) {
				ULTRACE_ERR("--snmp-listen: `%s`: %s", optarg,
					why);
				return -1;
			}
			o->snmp.listen = optarg;
			break;
		case 'C':
			o->snmp.config_file = optarg;
			break;
		case 'I':
			if (parse_int("--ping-interval", optarg, 0,
					&o->snmp.ping_interval_s) != 0) {
				return -1;
			}
			break;
		case 'T':
			if (parse_int("--lookup-timeout", optarg, 1, &v) != 0) {
				return -1;
			}
			o->snmp.lookup_timeout_s = (unsigned int) v;
			break;
		case 'O':
			if (ultrace_snmp_health_oid_check(optarg, &why) != 0) {
				ULTRACE_ERR("--health-oid: `%s`: %s; give a "
					"numeric OID (e.g. %s) or none",
					optarg, why,
					ULTRACE_SNMP_HEALTH_OID_DEFAULT);
				return -1;
			}
			o->snmp.health_oid = optarg;
			break;
		case 'H':
			o->hosts_glob = optarg;
			break;
		case 'J':
			o->sessions_glob = optarg;
			break;
		case 'K':
			if (parse_int("--discover-interval", optarg, 100,
					&o->discover_ms) != 0) {
				return -1;
			}
			break;
		case 'G':
			if (ultrace_grace_parse(optarg,
					&o->follow.expiry_grace_s) != 0) {
				ULTRACE_ERR("--expiry-grace: `%s` is not a "
					"number of seconds or off", optarg);
				return -1;
			}
			break;
		case 'i':
			if (parse_int("--stats-interval", optarg, 0,
					&o->stats_interval_s) != 0) {
				return -1;
			}
			break;
		case 'f':
			o->foreground = 1;
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'L':
			o->log_file = optarg;
			break;
		case 'S':
			o->use_syslog = 1;
			break;
		case 'D':
			o->log_level = ultrace_log_level_parse(optarg);
			if (o->log_level < 0) {
				ULTRACE_ERR("--log-level: unknown level `%s`",
					optarg);
				return -1;
			}
			break;
		case 'v':
			o->log_level = o->log_level < ULTRACE_LOG_INFO ?
				ULTRACE_LOG_INFO : ULTRACE_LOG_DEBUG;
			if (o->log_level == ULTRACE_LOG_DEBUG) {
				o->follow.bt_warnings = 1;
			}
			break;
		case 'q':
			o->log_level = ULTRACE_LOG_ERROR;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("ultrace-consumerd %s\n", PACKAGE_VERSION);
			exit(EXIT_SUCCESS);
		default:
			return -1;
		}
	}
	if (optind != argc) {
		ULTRACE_ERR("unexpected argument `%s`", argv[optind]);
		return -1;
	}
	if (!o->snmp.agentx && o->snmp.listen == NULL) {
		ULTRACE_ERR("--no-agentx without --snmp-listen: nothing "
			"would be served");
		return -1;
	}
	if (o->snmp.config_file != NULL && o->snmp.listen == NULL) {
		ULTRACE_ERR("--snmp-config is for --snmp-listen (an AgentX "
			"master applies its own access control)");
		return -1;
	}
	if ((o->follow.live_url == NULL) == (o->follow.trace_dir == NULL)) {
		ULTRACE_ERR("give exactly one of --live and --trace");
		return -1;
	}
	if (o->follow.live_url != NULL &&
			check_live_url(o->follow.live_url, &o->cluster) != 0) {
		return -1;
	}
	if (!o->cluster && (o->hosts_glob != NULL ||
			o->sessions_glob != NULL || o->discover_ms != 0)) {
		ULTRACE_ERR("--hosts, --sessions and --discover-interval are "
			"for --live=net://RELAY (every session of a relay)");
		return -1;
	}
	return 0;
}

static int64_t monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec;
}

/*
 * The health scalars' view of the trace thread (the agent calls it with
 * the registry lock held). `data` is the address of the follower pointer,
 * NULL until the thread starts.
 */
static void health_extra(void *data, struct ultrace_snmp_health_extra *out)
{
	struct ultrace_follower *const *follower = data;
	struct ultrace_follower_health h;

	memset(out, 0, sizeof(*out));
	if (*follower == NULL) {
		out->source_state = ULTRACE_SNMP_SOURCE_STARTING;
		return;
	}
	ultrace_follower_get_health(*follower, &h);
	switch (h.state) {
	case ULTRACE_FOLLOWER_STARTING:
		out->source_state = ULTRACE_SNMP_SOURCE_STARTING;
		break;
	case ULTRACE_FOLLOWER_FOLLOWING:
		out->source_state = ULTRACE_SNMP_SOURCE_FOLLOWING;
		break;
	case ULTRACE_FOLLOWER_RETRYING:
		out->source_state = ULTRACE_SNMP_SOURCE_RETRYING;
		break;
	case ULTRACE_FOLLOWER_DONE:
		out->source_state = ULTRACE_SNMP_SOURCE_DONE;
		break;
	case ULTRACE_FOLLOWER_FAILED:
		out->source_state = ULTRACE_SNMP_SOURCE_FAILED;
		break;
	default:
		out->source_state = ULTRACE_SNMP_SOURCE_UNKNOWN;
		break;
	}
	out->malformed = h.malformed;
	out->reattachments = h.reattachments;
	out->lag_p50_ns = h.lag_p50_ns;
	out->lag_p99_ns = h.lag_p99_ns;
	out->lag_max_ns = h.lag_max_ns;
	out->last_lag_ns = h.last_lag_ns;
}

/* "consistent", or "suspect since T (reason)". */
static void format_health(const struct ultrace_registry_stats *st, char *buf,
		size_t size)
{
	char since[32];

	if (st->health != ULTRACE_REGISTRY_SUSPECT) {
		snprintf(buf, size, "%s",
			ultrace_registry_health_name(st->health));
		return;
	}
	ultrace_time_format_ns(st->suspect_since_ns, since, sizeof(since));
	snprintf(buf, size, "%s since %s (%s)",
		ultrace_registry_health_name(st->health), since,
		ultrace_suspect_reason_name(st->suspect_reason));
}

/*
 * Log when the tables turn suspect or consistent again; `*last` is the
 * health logged before (0: none yet, nothing to say at a consistent start).
 */
static void log_health_change(const struct ultrace_registry *registry,
		pthread_mutex_t *lock, enum ultrace_registry_health *last)
{
	struct ultrace_registry_stats st;
	char health[96];

	pthread_mutex_lock(lock);
	st = *ultrace_registry_borrow_stats(registry);
	pthread_mutex_unlock(lock);
	if (st.health == *last || (*last == 0 &&
			st.health == ULTRACE_REGISTRY_CONSISTENT)) {
		*last = st.health;
		return;
	}
	*last = st.health;
	format_health(&st, health, sizeof(health));
	if (st.health == ULTRACE_REGISTRY_SUSPECT) {
		ULTRACE_WARN("tables %s: they may differ from the registrar's "
			"until a complete statedump", health);
	} else {
		ULTRACE_NOTICE("tables %s again: a complete statedump "
			"confirmed them", health);
	}
}

/* One line for operators: what was applied, lost, how late, how sure. */
static void log_stats(struct ultrace_follower *follower,
		const struct ultrace_registry *registry, pthread_mutex_t *lock,
		enum ultrace_log_level level)
{
	struct ultrace_lag_histogram lag;
	struct ultrace_registry_stats st;
	char health[96];
	uint64_t events = 0;
	uint64_t anomalies = 0;
	int k;

	ultrace_follower_take_lag(follower, &lag);
	pthread_mutex_lock(lock);
	st = *ultrace_registry_borrow_stats(registry);
	pthread_mutex_unlock(lock);
	format_health(&st, health, sizeof(health));
	for (k = 0; k < ULTRACE_EVENT_KIND_COUNT; k++) {
		events += st.events[k];
	}
	for (k = 0; k < ULTRACE_ANOMALY_COUNT; k++) {
		anomalies += st.anomalies[k];
	}
	ultrace_log(level, "events %" PRIu64 ", users %" PRIu64 ", contacts %"
		PRIu64 ", anomalies %" PRIu64 ", tracer discarded %" PRIu64
		" events %" PRIu64 " packets, ttl expired %" PRIu64 ", "
		"statedumps %" PRIu64 "; lag over %" PRIu64 " events: "
		"p50 %.1f ms, p99 %.1f ms, max %.1f ms; tables %s", events,
		st.users, st.contacts, anomalies, st.discarded_events,
		st.discarded_packets, st.ttl_expired, st.dumps_complete,
		lag.count, ultrace_lag_percentile_ns(&lag, 500) / 1e6,
		ultrace_lag_percentile_ns(&lag, 990) / 1e6, lag.max_ns / 1e6,
		health);
}

static int open_log_file(const char *path)
{
	if (freopen(path, "a", stderr) == NULL) {
		return -1;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	return 0;
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Options a SIGHUP applies at once; any other change in the file waits
 * for a restart (the input, the SNMP transports and sockets, the log
 * destination are opened once).
 */
static int reloadable(const char *key)
{
	static const char *const keys[] = {
		"log-level", "verbose", "quiet", "stats-interval",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

static void warn_needs_restart(const char *key, const char *old_value,
		const char *new_value, void *data)
{
	const char *path = data;

	if (reloadable(key)) {
		return;
	}
	ULTRACE_WARN("SIGHUP: `%s` changed in %s (%s -> %s): not applied "
		"until ultrace-consumerd restarts", key, path,
		old_value != NULL ? old_value : "unset",
		new_value != NULL ? new_value : "unset");
}

/*
 * SIGHUP: parse the configuration file and the command line again; apply
 * what can change live, log what cannot. A bad file changes nothing.
 */
static void reload_config(struct consumerd_options *o, int argc,
		char **argv, int64_t *next_stats)
{
	struct consumerd_options fresh;
	const char *path;

	ultrace_sd_notifyf("RELOADING=1\nMONOTONIC_USEC=%" PRId64,
		monotonic_ns() / 1000);
	if (parse_args(argc, argv, &fresh) != 0) {
		ultrace_config_scan_destroy(fresh.config);
		ULTRACE_ERR("SIGHUP: configuration not reloaded; the running "
			"one stays");
		return;
	}
	path = ultrace_config_scan_borrow_path(fresh.config);
	if (path == NULL) {
		path = ultrace_config_scan_borrow_path(o->config);
	}
	ultrace_config_scan_for_each_change(o->config, fresh.config,
		warn_needs_restart, (void *) (path != NULL ? path : "none"));
	ULTRACE_NOTICE("SIGHUP: configuration reloaded from %s",
		path != NULL ? path : "the command line alone");
	if (fresh.log_level != o->log_level) {
		static const char *const names[] = {
			"error", "warning", "notice", "info", "debug",
		};

		/* Said at the louder of the two levels, so it is seen. */
		if (fresh.log_level > o->log_level) {
			ultrace_log_set_level(fresh.log_level);
		}
		ULTRACE_NOTICE("SIGHUP: log level %s (was %s)",
			names[fresh.log_level], names[o->log_level]);
		ultrace_log_set_level(fresh.log_level);
		o->log_level = fresh.log_level;
	}
	if (fresh.stats_interval_s != o->stats_interval_s) {
		ULTRACE_NOTICE("SIGHUP: stats every %d s (was %d s)",
			fresh.stats_interval_s, o->stats_interval_s);
		o->stats_interval_s = fresh.stats_interval_s;
		*next_stats = monotonic_s() + o->stats_interval_s;
	}
	ultrace_config_scan_destroy(fresh.config);
}

/*
 * What systemd is told: READY=1 once a source is attached (or the trace
 * read) or SNMP is served (the AgentX master took the registration, or a
 * direct listener is open), STATUS= when that picture changes.
 */
struct service_report {
	int ready;
	int last_state;      /* -1: nothing sent yet */
	int last_connected;
};

static void report_service(struct service_report *r,
		const struct consumerd_options *o,
		enum ultrace_follower_state state)
{
	static const char *const state_names[] = {
		[ULTRACE_FOLLOWER_STARTING] = "attaching to",
		[ULTRACE_FOLLOWER_FOLLOWING] = "following",
		[ULTRACE_FOLLOWER_RETRYING] = "retrying",
		[ULTRACE_FOLLOWER_DONE] = "done with",
		[ULTRACE_FOLLOWER_FAILED] = "cannot read",
	};
	int connected = o->snmp.agentx && ultrace_snmp_agent_is_connected();
	int ready_now = state == ULTRACE_FOLLOWER_FOLLOWING ||
		state == ULTRACE_FOLLOWER_DONE || connected ||
		o->snmp.listen != NULL;

	if ((r->ready || !ready_now) && (int) state == r->last_state &&
			connected == r->last_connected) {
		return;
	}
	ultrace_sd_notifyf("%sSTATUS=%s %s; %s%s%s",
		!r->ready && ready_now ? "READY=1\n" : "",
		state_names[state],
		o->follow.live_url ? o->follow.live_url : o->follow.trace_dir,
		!o->snmp.agentx ? "" : connected ? "AgentX registered" :
			"AgentX master not reached",
		o->snmp.agentx && o->snmp.listen ? ", " : "",
		o->snmp.listen ? "SNMP served directly" : "");
	r->ready = r->ready || ready_now;
	r->last_state = (int) state;
	r->last_connected = connected;
}

/* SIGHUP: reopen the log file, re-read the configuration. */
static void continue_after_hup(struct consumerd_options *opt, int argc,
		char **argv, int64_t *next_stats, struct service_report *report)
{
	if (!ultrace_daemon_hup) {
		return;
	}
	ultrace_daemon_hup = 0;
	if (opt->log_file != NULL && open_log_file(opt->log_file) != 0) {
		ultrace_log_use_syslog(1);
		ULTRACE_ERR("cannot reopen %s; logging to syslog",
			opt->log_file);
	}
	ULTRACE_NOTICE("SIGHUP: log reopened");
	reload_config(opt, argc, argv, next_stats);
	if (report->ready) {
		ultrace_sd_notify("READY=1");
	}
	report->last_state = -1;
}

int main(int argc, char **argv)
{
	struct consumerd_options opt;
	struct ultrace_registry *registry = NULL;
	struct ultrace_follower *follower = NULL;
	struct ultrace_cluster *cluster = NULL;
	struct ultrace_cluster_service *service = NULL;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct ultrace_snmp_source source;
	enum ultrace_registry_health logged_health = 0;
	int agent_up = 0;
	int64_t next_stats;
	int pidfile_made = 0;
	struct ultrace_sd_watchdog watchdog;
	struct service_report report = { 0, -1, 0 };
	int ret = EXIT_RUNTIME;

	ultrace_log_init("ultrace-consumerd", ULTRACE_LOG_NOTICE);
	if (parse_args(argc, argv, &opt) != 0) {
		ultrace_config_scan_destroy(opt.config);
		fprintf(stderr, "Try `ultrace-consumerd --help`.\n");
		return EXIT_USAGE;
	}
	ultrace_log_set_level(opt.log_level);
	if (opt.log_file != NULL && open_log_file(opt.log_file) != 0) {
		ULTRACE_ERR("--log-file %s: %s", opt.log_file, strerror(errno));
		ultrace_config_scan_destroy(opt.config);
		return EXIT_RUNTIME;
	}
	/* Detach before any thread exists or net-snmp opens a socket. */
	if (!opt.foreground) {
		if (opt.log_file == NULL) {
			opt.use_syslog = 1;
		}
		if (ultrace_daemon_detach() != 0) {
			ultrace_config_scan_destroy(opt.config);
			return EXIT_RUNTIME;
		}
	}
	ultrace_log_use_syslog(opt.use_syslog);
	if (ultrace_daemon_install_signals() != 0) {
		ULTRACE_ERR("cannot install signal handlers");
		goto end;
	}
	if (opt.pidfile != NULL) {
		if (ultrace_daemon_pidfile_create(opt.pidfile) != 0) {
			goto end;
		}
		pidfile_made = 1;
	}
	if (opt.cluster) {
		struct ultrace_cluster_options copt;

		memset(&copt, 0, sizeof(copt));
		copt.relay_url = opt.follow.live_url;
		copt.hosts_glob = opt.hosts_glob;
		copt.sessions_glob = opt.sessions_glob;
		copt.discover_ms = opt.discover_ms;
		copt.follow = opt.follow;
		cluster = ultrace_cluster_create(&copt, &lock);
		service = cluster != NULL ?
			ultrace_cluster_service_create(cluster, &lock) : NULL;
		if (service == NULL) {
			ULTRACE_ERR("cannot start following the relay's "
				"sessions");
			goto end;
		}
		source = *ultrace_cluster_service_source(service);
		opt.snmp.hosts = ultrace_cluster_service_hosts(service);
	} else {
		registry = ultrace_registry_create();
		if (registry == NULL) {
			ULTRACE_ERR("out of memory");
			goto end;
		}
		memset(&source, 0, sizeof(source));
		source.registry = registry;
		source.lock = &lock;
		source.get_health_extra = health_extra;
		source.health_data = &follower;
	}
	if (ultrace_snmp_agent_init(&opt.snmp, &source) != 0) {
		ULTRACE_ERR("cannot start the SNMP agent");
		goto end;
	}
	agent_up = 1;
	if (!opt.cluster) {
		follower = ultrace_follower_create(&opt.follow, registry,
			&lock);
		if (follower == NULL) {
			ULTRACE_ERR("cannot start the trace thread");
			goto end;
		}
	}
	ULTRACE_NOTICE("serving %s%s%s%s%s%s",
		opt.follow.live_url ? opt.follow.live_url : opt.follow.trace_dir,
		opt.snmp.agentx ? " over AgentX (" : "",
		opt.snmp.agentx ? (opt.snmp.agentx_socket ?
			opt.snmp.agentx_socket : "default socket") : "",
		opt.snmp.agentx ? ")" : "",
		opt.snmp.listen ? " directly on " : "",
		opt.snmp.listen ? opt.snmp.listen : "");

	next_stats = monotonic_s() + opt.stats_interval_s;
	ultrace_sd_watchdog_init(&watchdog);
	while (!ultrace_daemon_stop_signal) {
		enum ultrace_follower_state state;

		/* Pinged only while this loop turns: a stuck loop is killed. */
		ultrace_sd_watchdog_tick(&watchdog, monotonic_ns());
		if (opt.stats_interval_s > 0 && monotonic_s() >= next_stats) {
			if (service != NULL) {
				ultrace_cluster_service_log_stats(service,
					ULTRACE_LOG_NOTICE);
			} else {
				log_stats(follower, registry, &lock,
					ULTRACE_LOG_NOTICE);
			}
			next_stats = monotonic_s() + opt.stats_interval_s;
		}
		if (ultrace_snmp_agent_poll(100) != 0) {
			ULTRACE_ERR("SNMP event loop failed");
			goto end;
		}
		if (service != NULL) {
			/* A context that failed to register is retried. */
			(void) ultrace_cluster_service_poll(service);
			continue_after_hup(&opt, argc, argv, &next_stats,
				&report);
			report_service(&report, &opt,
				ultrace_cluster_relay_answers(cluster) ?
				ULTRACE_FOLLOWER_FOLLOWING :
				ULTRACE_FOLLOWER_STARTING);
			continue;
		}
		log_health_change(registry, &lock, &logged_health);
		continue_after_hup(&opt, argc, argv, &next_stats, &report);
		state = ultrace_follower_get_state(follower);
		report_service(&report, &opt, state);
		if (opt.follow.trace_dir != NULL &&
				state == ULTRACE_FOLLOWER_FAILED) {
			ULTRACE_ERR("cannot read %s", opt.follow.trace_dir);
			goto end;
		}
		if (opt.follow.live_url != NULL &&
				opt.follow.on_end == ULTRACE_ON_END_EXIT &&
				(state == ULTRACE_FOLLOWER_DONE ||
				 state == ULTRACE_FOLLOWER_FAILED)) {
			ret = state == ULTRACE_FOLLOWER_DONE ?
				EXIT_SESSION_ENDED : EXIT_RUNTIME;
			goto end;
		}
	}
	ULTRACE_NOTICE("stopping on signal %d", (int) ultrace_daemon_stop_signal);
	ret = EXIT_SUCCESS;
end:
	ultrace_sd_notifyf("STOPPING=1\nSTATUS=stopping (%s)",
		ret == EXIT_SUCCESS ? "signal" : "error, see the log");
	if (follower != NULL) {
		log_stats(follower, registry, &lock, ULTRACE_LOG_NOTICE);
	}
	if (service != NULL) {
		ultrace_cluster_service_log_stats(service, ULTRACE_LOG_NOTICE);
	}
	ultrace_follower_destroy(follower);
	/* The contexts' sources point into the cluster: the agent goes first. */
	if (agent_up) {
		ultrace_snmp_agent_shutdown();
	}
	ultrace_cluster_destroy(cluster);
	ultrace_cluster_service_destroy(service);
	ultrace_registry_destroy(registry);
	if (pidfile_made) {
		ultrace_daemon_pidfile_remove(opt.pidfile);
	}
	ultrace_log_use_syslog(0);
	ultrace_config_scan_destroy(opt.config);
	return ret;
}
