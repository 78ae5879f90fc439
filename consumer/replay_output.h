/*
 * replay_output.h: what is done with a registry once a replay graph has
 * ended: the TTL at the stop instant, the warning about the tracer's
 * discards, and the state printed in the chosen form. ultrace-replay and
 * the babeltrace2 sink.ultrace.table both end this way, so their outputs
 * cannot drift. Reads the registry; no babeltrace2, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_REPLAY_OUTPUT_H
#define ULTRACE_REPLAY_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loss_log.h"
#include "registry.h"
#include "registry_print.h"

/* What is listed, in this order (the `show` bits). */
enum {
	ULTRACE_SHOW_CONTACTS = 1,
	ULTRACE_SHOW_USERS = 2,
	ULTRACE_SHOW_STATS = 4,
};

struct ultrace_replay_output {
	int show;                            /* ULTRACE_SHOW_* bits, not 0 */
	struct ultrace_print_options print;
	/* The instant the state is wanted at (ns since epoch); INT64_MAX: the end. */
	int64_t at_ns;
	int64_t expiry_grace_s;              /* < 0: no TTL */
	/* Where the discard warning sends the reader: "--stats". */
	const char *stats_hint;
};

/*
 * Once every message was applied: at `at_ns`, what had expired by then
 * (the grace included) is gone too; if the tracer discarded anything, say
 * (warning) that the state may differ from the registrar's.
 */
void ultrace_replay_output_settle(struct ultrace_registry *registry,
		const struct ultrace_replay_output *output);

/* The listings `output->show` asks for. 0, or -1 if writing failed. */
int ultrace_replay_output_print(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses,
		const struct ultrace_replay_output *output);

/*
 * Print to the file `path` (created or truncated; NULL: standard output)
 * and flush (close) it. 0, or -1 with `err` saying why.
 */
int ultrace_replay_output_write(const char *path,
		const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses,
		const struct ultrace_replay_output *output,
		char *err, size_t errlen);

#endif /* ULTRACE_REPLAY_OUTPUT_H */
