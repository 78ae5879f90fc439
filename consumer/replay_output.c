/*
 * replay_output.c: the end of a replay, shared by ultrace-replay and
 * sink.ultrace.table: TTL at the stop instant, discard warning, printing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "replay_output.h"

#include <inttypes.h>
#include <string.h>

#include "log.h"
#include "output_file.h"

void ultrace_replay_output_settle(struct ultrace_registry *registry,
		const struct ultrace_replay_output *output)
{
	const struct ultrace_registry_stats *stats;

	/* The state at TIME: what had expired by TIME is gone too. */
	if (output->at_ns != INT64_MAX && output->expiry_grace_s >= 0) {
		ultrace_registry_expire(registry,
			output->at_ns / 1000000000 - output->expiry_grace_s);
	}
	stats = ultrace_registry_borrow_stats(registry);
	if (stats->discarded_events > 0 || stats->discarded_packets > 0) {
		ULTRACE_WARN("the tracer discarded %" PRIu64 " event(s) and %"
			PRIu64 " packet(s): the state may differ from the "
			"registrar's (see %s)", stats->discarded_events,
			stats->discarded_packets, output->stats_hint);
	}
}

int ultrace_replay_output_print(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses,
		const struct ultrace_replay_output *output)
{
	int first = 1;

	if (output->show & ULTRACE_SHOW_CONTACTS) {
		if (ultrace_registry_print_contacts(out, registry,
				&output->print) != 0) {
			return -1;
		}
		first = 0;
	}
	if (output->show & ULTRACE_SHOW_USERS) {
		if (!first && output->print.format == ULTRACE_PRINT_TABLE) {
			fputc('\n', out);
		}
		if (ultrace_registry_print_users(out, registry,
				&output->print) != 0) {
			return -1;
		}
		first = 0;
	}
	if (output->show & ULTRACE_SHOW_STATS) {
		if (!first && output->print.format == ULTRACE_PRINT_TABLE) {
			fputc('\n', out);
		}
		if (ultrace_registry_print_stats(out, registry, losses,
				&output->print) != 0) {
			return -1;
		}
	}
	return 0;
}

/* ultrace_replay_output_print()'s arguments, for one print function. */
struct output_args {
	const struct ultrace_registry *registry;
	const struct ultrace_loss_log *losses;
	const struct ultrace_replay_output *output;
};

static int print_output(FILE *out, const void *data)
{
	const struct output_args *a = data;

	return ultrace_replay_output_print(out, a->registry, a->losses,
		a->output);
}

int ultrace_replay_output_write(const char *path,
		const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses,
		const struct ultrace_replay_output *output,
		char *err, size_t errlen)
{
	struct output_args args = { registry, losses, output };

	return ultrace_output_file_write(path, print_output, &args, "output",
		err, errlen);
}
