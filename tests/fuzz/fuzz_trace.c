/*
 * fuzz_trace.c: the fuzzed bytes become a CTF trace directory, read
 * through ultrace-replay's own path (trace discovery, the babeltrace2
 * graph, the registry sink, the event decoder) into a registry that is
 * then checked, listed and encoded for SNMP (fuzz_check.c).
 *
 * Input: one mode byte, then the trace.
 *   mode & 1: 0: the trace is tests/fuzz/metadata (a real ultrace-loadgen
 *                recording) plus the rest as its one stream file;
 *             1: the rest is the metadata text, a NUL byte, the stream.
 *   mode & 2: the stream is run-length coded (0xfe, count as 3 octets
 *             little-endian, octet): a small input can carry a 1 MiB string.
 *   mode & 4: keep going past malformed events (ultrace-replay -k).
 *   mode & 8: run the graph step by step (the live daemon's way).
 * With ULTRACE_FUZZ_VERBOSE set, says what each input led to. With
 * ULTRACE_FUZZ_WRITE_TRACE=DIR (an existing directory), only writes the
 * input's trace there and reads nothing: triage.sh then asks whether
 * babeltrace2 alone fails on it. ULTRACE_FUZZ_SELF_TEST makes every input
 * fail a check (the control of fuzz_smoke.sh's triage).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#include "fuzz_check.h"
#include "log.h"
#include "registry_sink.h"
#include "replay_graph.h"
#include "trace_discovery.h"

#define RLE_ESCAPE 0xfe
#define STREAM_MAX (4u << 20)
#define STEPS_MAX 1000000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char work_dir[4096];
static char *fixed_metadata;
static size_t fixed_metadata_len;
static uint8_t *stream_buf;
/*
 * Held from start to exit: with these references the plugins' shared
 * objects stay loaded, instead of being dlopen()ed and dlclose()d for
 * every input, which AddressSanitizer does not survive for long (its RSS
 * grew by ~750 KiB per input).
 */
static const bt_plugin *held_plugins[2];
/* ULTRACE_FUZZ_WRITE_TRACE and ULTRACE_FUZZ_SELF_TEST, read once. */
static int write_trace_only;
static int self_test;

static void read_fixed_metadata(void)
{
	const char *env = getenv("ULTRACE_FUZZ_METADATA");
	const char *srcdir = getenv("ULTRACE_SRCDIR");
	char path[4096];
	FILE *in;
	long len;

	if (env != NULL) {
		snprintf(path, sizeof(path), "%s", env);
	} else {
		snprintf(path, sizeof(path), "%s/tests/fuzz/metadata",
			srcdir != NULL ? srcdir : ULTRACE_FUZZ_SRCDIR);
	}
	in = fopen(path, "rb");
	FUZZ_CHECK(in != NULL, "%s: %s (set ULTRACE_SRCDIR)", path,
		strerror(errno));
	FUZZ_CHECK(fseek(in, 0, SEEK_END) == 0 && (len = ftell(in)) > 0 &&
		fseek(in, 0, SEEK_SET) == 0, "%s: cannot size it", path);
	fixed_metadata = malloc((size_t) len);
	FUZZ_CHECK(fixed_metadata != NULL, "out of memory");
	FUZZ_CHECK(fread(fixed_metadata, 1, (size_t) len, in) == (size_t) len,
		"%s: short read", path);
	fixed_metadata_len = (size_t) len;
	fclose(in);
}

static void remove_work_dir(void)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/metadata", work_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ultrace_0", work_dir);
	unlink(path);
	rmdir(work_dir);
	free(fixed_metadata);
	free(stream_buf);
	bt_plugin_put_ref(held_plugins[0]);
	bt_plugin_put_ref(held_plugins[1]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void) argc;
	(void) argv;
	ultrace_log_init("fuzz_trace", ULTRACE_LOG_ERROR);
	read_fixed_metadata();
	stream_buf = malloc(STREAM_MAX);
	FUZZ_CHECK(stream_buf != NULL, "out of memory");
	self_test = getenv("ULTRACE_FUZZ_SELF_TEST") != NULL;
	if (getenv("ULTRACE_FUZZ_WRITE_TRACE") != NULL) {
		/* Kept: no atexit removal, no plugins needed. */
		write_trace_only = 1;
		snprintf(work_dir, sizeof(work_dir), "%s",
			getenv("ULTRACE_FUZZ_WRITE_TRACE"));
		return 0;
	}
	/* tmpfs when there is one: two small files rewritten per input. */
	if (tmp == NULL) {
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	}
	snprintf(work_dir, sizeof(work_dir), "%s/ultrace-fuzz-trace.XXXXXX",
		tmp);
	FUZZ_CHECK(mkdtemp(work_dir) != NULL, "mkdtemp in %s: %s", tmp,
		strerror(errno));
	FUZZ_CHECK(bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE,
		BT_FALSE, &held_plugins[0]) == BT_PLUGIN_FIND_STATUS_OK &&
		bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE,
		BT_FALSE, &held_plugins[1]) == BT_PLUGIN_FIND_STATUS_OK,
		"babeltrace2 plugins ctf and utils not found");
	atexit(remove_work_dir);
	return 0;
}

static void write_file(const char *name, const void *data, size_t len)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", work_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FUZZ_CHECK(fd >= 0, "%s: %s", path, strerror(errno));
	FUZZ_CHECK(len == 0 || write(fd, data, len) == (ssize_t) len,
		"%s: short write", path);
	close(fd);
}

/* Expand the run-length code into stream_buf; returns the length. */
static size_t rle_decode(const uint8_t *in, size_t len)
{
	size_t out = 0;
	size_t i = 0;

	while (i < len && out < STREAM_MAX) {
		if (in[i] == RLE_ESCAPE && i + 4 < len) {
			size_t n = (size_t) in[i + 1] | (size_t) in[i + 2] << 8 |
				(size_t) in[i + 3] << 16;

			if (n > STREAM_MAX - out) {
				n = STREAM_MAX - out;
			}
			memset(stream_buf + out, in[i + 4], n);
			out += n;
			i += 5;
		} else {
			stream_buf[out++] = in[i++];
		}
	}
	return out;
}

static void write_trace(const uint8_t *data, size_t size, unsigned int mode)
{
	const uint8_t *stream = data;
	size_t stream_len = size;

	if (mode & 1) {
		const uint8_t *nul = memchr(data, '\0', size);
		size_t meta_len = nul != NULL ? (size_t) (nul - data) : size;

		write_file("metadata", data, meta_len);
		stream = data + meta_len + (nul != NULL);
		stream_len = size - meta_len - (nul != NULL);
	} else {
		write_file("metadata", fixed_metadata, fixed_metadata_len);
	}
	if (mode & 2) {
		stream_len = rle_decode(stream, stream_len);
		stream = stream_buf;
	}
	write_file("ultrace_0", stream, stream_len);
}

/* The thread must hold no babeltrace2 error once our code returned. */
static void check_no_pending_error(const char *where)
{
	const bt_error *error = bt_current_thread_take_error();

	if (error != NULL) {
		bt_error_release(error);
		fuzz_fail("%s left a babeltrace2 error on the thread", where);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ultrace_trace_list traces = { NULL, 0 };
	struct ultrace_registry_sink_config config;
	struct ultrace_replay_graph *graph = NULL;
	struct ultrace_loss_log *losses;
	enum ultrace_replay_status status = ULTRACE_REPLAY_ERROR;
	char err[4096];
	unsigned int mode;
	unsigned int steps = 0;

	if (size < 1) {
		return 0;
	}
	mode = data[0];
	write_trace(data + 1, size - 1, mode);
	if (write_trace_only) {
		return 0;
	}
	/* fuzz_smoke.sh's control: triage.sh must call this failure ours. */
	FUZZ_CHECK(!self_test,
		"ULTRACE_FUZZ_SELF_TEST is set: failing on purpose");
	FUZZ_CHECK(ultrace_trace_discover(work_dir, &traces, err,
		sizeof(err)) == 0 && traces.count == 1,
		"discovery of %s: %s", work_dir, err);
	memset(&config, 0, sizeof(config));
	config.registry = ultrace_registry_create();
	losses = calloc(1, sizeof(*losses));
	FUZZ_CHECK(config.registry != NULL && losses != NULL,
		"out of memory");
	config.stop_after_ns = INT64_MAX;
	config.keep_going = (mode & 4) != 0;
	config.losses = losses;
	graph = ultrace_replay_graph_create_fs(&traces, &config,
		BT_LOGGING_LEVEL_NONE, err, sizeof(err));
	check_no_pending_error("ultrace_replay_graph_create_fs");
	if (graph == NULL) {
		FUZZ_CHECK(err[0] != '\0', "graph creation failed silently");
		goto check;
	}
	if (mode & 8) {
		do {
			status = ultrace_replay_graph_run(graph, 1, err,
				sizeof(err));
		} while ((status == ULTRACE_REPLAY_OK ||
				status == ULTRACE_REPLAY_AGAIN) &&
				++steps < STEPS_MAX);
	} else {
		status = ultrace_replay_graph_run(graph, 0, err, sizeof(err));
	}
	check_no_pending_error("ultrace_replay_graph_run");
	FUZZ_CHECK(status == ULTRACE_REPLAY_END ||
		status == ULTRACE_REPLAY_ERROR, "run ended with status %d",
		(int) status);
	FUZZ_CHECK(status != ULTRACE_REPLAY_ERROR || err[0] != '\0',
		"the run failed silently");
	FUZZ_CHECK(!config.failed || status == ULTRACE_REPLAY_ERROR,
		"the sink failed, the run did not");
	FUZZ_CHECK(config.malformed == 0 || config.error[0] != '\0',
		"malformed events without a message");
check:
	if (getenv("ULTRACE_FUZZ_VERBOSE") != NULL) {
		const struct ultrace_registry_stats *st =
			ultrace_registry_borrow_stats(config.registry);

		fprintf(stderr, "mode %u: %s, %" PRIu64 " users, %" PRIu64
			" contacts, %" PRIu64 " malformed, %" PRIu64
			" discarded events%s%s\n", mode,
			graph == NULL ? "no graph" :
			status == ULTRACE_REPLAY_END ? "end" : "error",
			st->users, st->contacts, config.malformed,
			st->discarded_events, err[0] != '\0' ? ": " : "",
			err);
	}
	fuzz_check_registry(config.registry, losses);
	ultrace_replay_graph_destroy(graph);
	check_no_pending_error("ultrace_replay_graph_destroy");
	ultrace_registry_destroy(config.registry);
	free(losses);
	ultrace_trace_list_fini(&traces);
	return 0;
}
