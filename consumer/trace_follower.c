/*
 * trace_follower.c: runs the babeltrace2 graph in bounded steps on its own
 * thread: bt_graph_run_once() can block for seconds on a stalled relay
 * daemon, and must never hold up SNMP requests. The registry is only
 * touched under the lock, one message batch at a time (registry_sink.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "trace_follower.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "registry_sink.h"
#include "replay_graph.h"
#include "time_parse.h"
#include "trace_discovery.h"

struct ultrace_follower {
	struct ultrace_follower_options options;
	struct ultrace_registry *registry;
	pthread_mutex_t *lock;
	pthread_t thread;
	atomic_int stop;
	atomic_int state;
	/* The graph being run, for interruption from another thread. */
	pthread_mutex_t graph_lock;
	struct ultrace_replay_graph *graph;
	/* Event-to-applied delays since the last take (under `lock`). */
	struct ultrace_lag_histogram lag;
	/* ...and over the whole life (under `lock`). */
	struct ultrace_lag_histogram lag_total;
	/* The current attachment's sink configuration (under `lock`). */
	struct ultrace_registry_sink_config config;
	uint64_t malformed_before;    /* of earlier attachments */
	uint64_t reattachments;
	/* When the live session was lost (realtime s), 0 while attached. */
	int64_t lost_at;
};

static void set_state(struct ultrace_follower *f,
		enum ultrace_follower_state state)
{
	atomic_store(&f->state, state);
}

/* Sleep up to `ms`, waking early when asked to stop. */
static void nap(struct ultrace_follower *f, int ms)
{
	while (ms > 0 && !atomic_load(&f->stop)) {
		int step = ms < 100 ? ms : 100;
		struct timespec ts = { 0, (long) step * 1000000L };

		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static bt_logging_level bt_level(const struct ultrace_follower *f)
{
	return f->options.bt_warnings ? BT_LOGGING_LEVEL_WARNING :
		BT_LOGGING_LEVEL_NONE;
}

static struct ultrace_replay_graph *build_graph(struct ultrace_follower *f,
		struct ultrace_registry_sink_config *config, char *err,
		size_t errlen)
{
	struct ultrace_trace_list traces;
	struct ultrace_replay_graph *graph;

	if (f->options.live_url != NULL) {
		return ultrace_replay_graph_create_live(f->options.live_url,
			f->options.on_end != ULTRACE_ON_END_EXIT, config,
			bt_level(f), err, errlen);
	}
	if (ultrace_trace_discover(f->options.trace_dir, &traces, err,
			errlen) != 0) {
		return NULL;
	}
	graph = ultrace_replay_graph_create_fs(&traces, config, bt_level(f),
		err, errlen);
	ultrace_trace_list_fini(&traces);
	return graph;
}

static void publish_graph(struct ultrace_follower *f,
		struct ultrace_replay_graph *graph)
{
	pthread_mutex_lock(&f->graph_lock);
	f->graph = graph;
	pthread_mutex_unlock(&f->graph_lock);
}

/* Data flows again: say how long the gap was. */
static void note_attached(struct ultrace_follower *f)
{
	struct timespec now;

	if (f->lost_at == 0) {
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	ULTRACE_NOTICE("reading the live session again after a gap of %lld s",
		(long long) (now.tv_sec - f->lost_at));
	f->lost_at = 0;
}

/*
 * One attachment: build the graph and run it until it ends, fails or we
 * are asked to stop. Returns the run's final status.
 */
static enum ultrace_replay_status follow_once(struct ultrace_follower *f,
		int *got_data)
{
	struct ultrace_registry_sink_config *config = &f->config;
	struct ultrace_replay_graph *graph;
	enum ultrace_replay_status status = ULTRACE_REPLAY_ERROR;
	int64_t trace_now_ns;
	char err[4096];

	pthread_mutex_lock(f->lock);
	f->malformed_before += config->malformed;
	trace_now_ns = config->trace_now_ns;
	memset(config, 0, sizeof(*config));
	config->registry = f->registry;
	config->stop_after_ns = INT64_MAX;
	/* A daemon keeps serving: malformed events are counted, not fatal. */
	config->keep_going = 1;
	config->lock = f->lock;
	if (f->options.live_url != NULL) {
		config->lag = &f->lag;
		config->lag_total = &f->lag_total;
	}
	config->expiry_grace_s = f->options.expiry_grace_s;
	/* The trace clock never goes back across reattachments. */
	config->trace_now_ns = trace_now_ns;
	pthread_mutex_unlock(f->lock);
	*got_data = 0;

	graph = build_graph(f, config, err, sizeof(err));
	if (graph == NULL) {
		ULTRACE_ERR("%s", err);
		return ULTRACE_REPLAY_ERROR;
	}
	publish_graph(f, graph);
	if (atomic_load(&f->stop)) {
		ultrace_replay_graph_interrupt(graph);
	}
	if (f->options.live_url != NULL) {
		struct timespec now;

		/*
		 * lttng-live starts at "now": whatever the registrar did
		 * before is unseen until its next statedump.
		 */
		clock_gettime(CLOCK_REALTIME, &now);
		pthread_mutex_lock(f->lock);
		ultrace_registry_mark_suspect(f->registry,
			(int64_t) now.tv_sec * 1000000000 + now.tv_nsec,
			ULTRACE_SUSPECT_ATTACH);
		pthread_mutex_unlock(f->lock);
	}
	set_state(f, ULTRACE_FOLLOWER_FOLLOWING);
	while (!atomic_load(&f->stop)) {
		status = ultrace_replay_graph_run(graph, 1, err, sizeof(err));
		if (status == ULTRACE_REPLAY_OK) {
			if (!*got_data) {
				note_attached(f);
			}
			*got_data = 1;
			continue;
		}
		if (status == ULTRACE_REPLAY_AGAIN) {
			nap(f, f->options.poll_ms);
			continue;
		}
		if (status == ULTRACE_REPLAY_ERROR && !atomic_load(&f->stop)) {
			ULTRACE_ERR("%s", err);
		}
		break;
	}
	publish_graph(f, NULL);
	ultrace_replay_graph_destroy(graph);
	return status;
}

static void *follower_main(void *arg)
{
	struct ultrace_follower *f = arg;
	int backoff_s = 1;

	while (!atomic_load(&f->stop)) {
		int got_data;
		enum ultrace_replay_status status = follow_once(f, &got_data);
		struct timespec now;

		if (atomic_load(&f->stop)) {
			break;
		}
		if (f->options.trace_dir != NULL) {
			if (status == ULTRACE_REPLAY_END) {
				ULTRACE_NOTICE("trace %s read to its end; "
					"serving its final state",
					f->options.trace_dir);
				set_state(f, ULTRACE_FOLLOWER_DONE);
			} else {
				set_state(f, ULTRACE_FOLLOWER_FAILED);
			}
			break;
		}
		clock_gettime(CLOCK_REALTIME, &now);
		if (status == ULTRACE_REPLAY_END) {
			ULTRACE_NOTICE("live session ended (%s)",
				f->options.live_url);
		}
		if (f->options.on_end == ULTRACE_ON_END_EXIT) {
			set_state(f, status == ULTRACE_REPLAY_END ?
				ULTRACE_FOLLOWER_DONE : ULTRACE_FOLLOWER_FAILED);
			break;
		}
		if (f->options.on_end == ULTRACE_ON_END_SERVE) {
			ULTRACE_WARN("no longer reading the trace; serving the "
				"last state (--on-end=serve)");
			set_state(f, ULTRACE_FOLLOWER_DONE);
			break;
		}
		if (got_data) {
			backoff_s = 1;
		}
		pthread_mutex_lock(f->lock);
		f->reattachments++;
		pthread_mutex_unlock(f->lock);
		if (f->lost_at == 0) {
			f->lost_at = (int64_t) now.tv_sec;
		}
		ULTRACE_WARN("lost the live session; retrying in %d s (events "
			"emitted meanwhile are not seen: the tables may be stale "
			"until the next statedump)", backoff_s);
		set_state(f, ULTRACE_FOLLOWER_RETRYING);
		nap(f, backoff_s * 1000);
		backoff_s = backoff_s * 2 > f->options.retry_max_s ?
			f->options.retry_max_s : backoff_s * 2;
	}
	return NULL;
}

struct ultrace_follower *ultrace_follower_create(
		const struct ultrace_follower_options *options,
		struct ultrace_registry *registry, pthread_mutex_t *lock)
{
	struct ultrace_follower *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return NULL;
	}
	f->options = *options;
	if (f->options.poll_ms <= 0) {
		f->options.poll_ms = 5;
	}
	if (f->options.retry_max_s <= 0) {
		f->options.retry_max_s = 30;
	}
	f->registry = registry;
	f->lock = lock;
	atomic_init(&f->stop, 0);
	atomic_init(&f->state, ULTRACE_FOLLOWER_STARTING);
	pthread_mutex_init(&f->graph_lock, NULL);
	if (pthread_create(&f->thread, NULL, follower_main, f) != 0) {
		pthread_mutex_destroy(&f->graph_lock);
		free(f);
		return NULL;
	}
	return f;
}

enum ultrace_follower_state ultrace_follower_get_state(
		const struct ultrace_follower *f)
{
	return atomic_load(&((struct ultrace_follower *) f)->state);
}

void ultrace_follower_take_lag(struct ultrace_follower *f,
		struct ultrace_lag_histogram *out)
{
	pthread_mutex_lock(f->lock);
	*out = f->lag;
	ultrace_lag_reset(&f->lag);
	pthread_mutex_unlock(f->lock);
}

void ultrace_follower_get_health(const struct ultrace_follower *f,
		struct ultrace_follower_health *out)
{
	memset(out, 0, sizeof(*out));
	out->state = ultrace_follower_get_state(f);
	out->malformed = f->malformed_before + f->config.malformed;
	out->reattachments = f->reattachments;
	out->lag_events = f->lag_total.count;
	if (out->lag_events > 0) {
		out->lag_p50_ns = ultrace_lag_percentile_ns(&f->lag_total, 500);
		out->lag_p99_ns = ultrace_lag_percentile_ns(&f->lag_total, 990);
		out->lag_max_ns = f->lag_total.max_ns;
		out->last_lag_ns = f->config.last_lag_ns;
	}
}

int64_t ultrace_follower_trace_now_ns(const struct ultrace_follower *f)
{
	return f->config.trace_now_ns;
}

void ultrace_follower_destroy(struct ultrace_follower *f)
{
	if (f == NULL) {
		return;
	}
	atomic_store(&f->stop, 1);
	pthread_mutex_lock(&f->graph_lock);
	if (f->graph != NULL) {
		ultrace_replay_graph_interrupt(f->graph);
	}
	pthread_mutex_unlock(&f->graph_lock);
	pthread_join(f->thread, NULL);
	pthread_mutex_destroy(&f->graph_lock);
	free(f);
}
