/*
 * history_plot.c: a history as a PNG, drawn by gnuplot. gnuplot runs
 * without a shell; its script (data inline) goes through a pipe and its
 * standard output is the PNG file we opened, so no file name ever
 * appears in a script or a command line. No babeltrace2, no SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "history_plot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_PER_S INT64_C(1000000000)

/*
 * Shades: suspect spans a light amber behind, tracer discards a stronger
 * red over them (a loss makes the registry suspect: they overlap).
 */
#define DISCARD_RGB "#d62728"
#define DISCARD_OPACITY "0.55"
#define SUSPECT_RGB "#f2c14e"
#define SUSPECT_OPACITY "0.3"

int ultrace_plot_size_parse(const char *text, unsigned int *width,
		unsigned int *height)
{
	unsigned long v[2] = { 0, 0 };
	const char *p = text;
	int i;

	for (i = 0; i < 2; i++) {
		if (*p < '0' || *p > '9') {
			return -1;
		}
		for (; *p >= '0' && *p <= '9'; p++) {
			v[i] = v[i] * 10 + (unsigned long) (*p - '0');
			if (v[i] > 16384) {
				return -1;
			}
		}
		if (i == 0 && *p++ != 'x') {
			return -1;
		}
	}
	if (*p != '\0' || v[0] < 64 || v[1] < 64) {
		return -1;
	}
	*width = (unsigned int) v[0];
	*height = (unsigned int) v[1];
	return 0;
}

/* The time axis' labels: as fine as the span needs. */
static const char *time_format(int64_t span_ns)
{
	if (span_ns > 86400 * NS_PER_S) {
		return "%Y-%m-%d\\n%H:%M";
	}
	if (span_ns > 120 * NS_PER_S) {
		return "%H:%M:%S";
	}
	return span_ns > 10 * NS_PER_S ? "%H:%M:%.1S" : "%H:%M:%.2S";
}

/* "1795426833.250" (seconds, ms precision): gnuplot's time coordinate. */
static void print_seconds(FILE *out, int64_t ns)
{
	int64_t ms = ultrace_history_floor(ns, 1000000) / 1000000;

	fprintf(out, "%" PRId64 ".%03d", ultrace_history_floor(ms, 1000) /
		1000, (int) (ms - ultrace_history_floor(ms, 1000)));
}

/*
 * Shade `spans` (n of them, in time order) behind the lines, as gnuplot
 * objects numbered from *object: spans closer than a pixel are drawn as
 * one, and none narrower than a pixel.
 */
static void shade(FILE *out, const struct ultrace_time_span *spans,
		size_t n, int64_t pixel_ns, const char *rgb, const char *opacity,
		int *object)
{
	size_t i = 0;

	while (i < n) {
		int64_t begin = spans[i].begin_ns;
		int64_t end = spans[i].end_ns;

		for (i++; i < n && spans[i].begin_ns <= end + pixel_ns; i++) {
			if (spans[i].end_ns > end) {
				end = spans[i].end_ns;
			}
		}
		if (end - begin < pixel_ns) {
			end = begin + pixel_ns;
		}
		fprintf(out, "set object %d rect from ", (*object)++);
		print_seconds(out, begin);
		fputs(", graph 0 to ", out);
		print_seconds(out, end);
		fprintf(out, ", graph 1 behind fillcolor rgb \"%s\" "
			"fillstyle transparent solid %s noborder\n", rgb,
			opacity);
	}
}

int ultrace_history_plot_script(FILE *out,
		const struct ultrace_replay_history *history,
		unsigned int width, unsigned int height)
{
	size_t rows = ultrace_replay_history_count(history);
	size_t losses = ultrace_replay_history_loss_count(history);
	struct ultrace_time_span *spans = NULL;
	size_t suspect;
	int64_t first_ns = 0;
	int64_t span_ns = 0;
	int64_t pixel_ns;
	int object = 1;
	size_t i;

	if (rows > 0) {
		first_ns = ultrace_replay_history_row(history, 0)->time_ns;
		span_ns = ultrace_replay_history_row(history,
			rows - 1)->time_ns - first_ns;
	}
	pixel_ns = span_ns / (int64_t) width;
	if (pixel_ns < 1) {
		pixel_ns = 1;
	}
	fprintf(out,
		"set terminal pngcairo size %u,%u noenhanced font \"sans,10\"\n"
		"set output\n"
		"set title \"ultrace-replay --history: contacts and users\"\n"
		"set xdata time\n"
		"set format x \"%s\"\n"
		"set autoscale xfix\n"
		"set xlabel \"time (UTC)\"\n"
		"set ylabel \"rows\"\n"
		"set yrange [0:*]\n"
		"set grid\n"
		"set key top left opaque\n"
		"set datafile separator \",\"\n",
		width, height, time_format(span_ns));
	/* The rows: seconds, users, contacts. */
	fputs("$rows << EOD\n", out);
	for (i = 0; i < rows; i++) {
		const struct ultrace_history_row *row =
			ultrace_replay_history_row(history, i);

		print_seconds(out, row->time_ns);
		fprintf(out, ",%" PRIu64 ",%" PRIu64 "\n", row->users,
			row->contacts);
	}
	fputs("EOD\n", out);
	suspect = ultrace_replay_history_suspect_spans(history, NULL, 0);
	if (suspect > 0) {
		spans = calloc(suspect, sizeof(*spans));
		if (spans == NULL) {
			errno = ENOMEM;
			return -1;
		}
		ultrace_replay_history_suspect_spans(history, spans, suspect);
		shade(out, spans, suspect, pixel_ns, SUSPECT_RGB,
			SUSPECT_OPACITY, &object);
		free(spans);
	}
	if (losses > 0) {
		spans = calloc(losses, sizeof(*spans));
		if (spans == NULL) {
			errno = ENOMEM;
			return -1;
		}
		for (i = 0; i < losses; i++) {
			spans[i] = *ultrace_replay_history_loss(history, i);
		}
		shade(out, spans, losses, pixel_ns, DISCARD_RGB,
			DISCARD_OPACITY, &object);
		free(spans);
		spans = NULL;
	}
	/* NaN plots: legend entries for the shades. */
	fprintf(out,
		"plot $rows using ($1):3 with lines linewidth 2 "
		"linecolor rgb \"#1f77b4\" title \"contacts\", \\\n"
		"     $rows using ($1):2 with lines linewidth 2 "
		"linecolor rgb \"#2ca02c\" title \"users\", \\\n"
		"     NaN with boxes fillcolor rgb \"%s\" "
		"fillstyle transparent solid %s noborder "
		"title \"tracer discards%s\", \\\n"
		"     NaN with boxes fillcolor rgb \"%s\" "
		"fillstyle transparent solid %s noborder "
		"title \"suspect%s\"\n"
		"unset output\n",
		DISCARD_RGB, DISCARD_OPACITY, losses > 0 ? "" : " (none)",
		SUSPECT_RGB, SUSPECT_OPACITY, suspect > 0 ? "" : " (never)");
	return ferror(out) ? -1 : 0;
}

/*
 * Feed the script to gnuplot on `pipe_fd` (closed here). A gnuplot that
 * dies early must not kill us with SIGPIPE: the write fails instead and
 * its exit status says what happened.
 */
static int feed(int pipe_fd, const struct ultrace_replay_history *history,
		unsigned int width, unsigned int height)
{
	struct sigaction ignore;
	struct sigaction saved;
	FILE *script;
	int ret;

	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &saved);
	script = fdopen(pipe_fd, "w");
	if (script == NULL) {
		close(pipe_fd);
		ret = -1;
		goto end;
	}
	ret = ultrace_history_plot_script(script, history, width, height);
	if (fclose(script) != 0) {
		ret = -1;
	}
end:
	sigaction(SIGPIPE, &saved, NULL);
	return ret;
}

int ultrace_history_plot(const char *path,
		const struct ultrace_replay_history *history,
		unsigned int width, unsigned int height, char *err,
		size_t errlen)
{
	const char *program = getenv("ULTRACE_GNUPLOT");
	int pipe_fds[2] = { -1, -1 };
	struct stat st;
	int fed;
	int status;
	pid_t child;
	int fd;
	int ret = -1;

	if (program == NULL || *program == '\0') {
		program = "gnuplot";
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		snprintf(err, errlen, "--plot: %s: %s", path, strerror(errno));
		return -1;
	}
	if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "--plot: pipe: %s", strerror(errno));
		goto end;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		snprintf(err, errlen, "--plot: fork: %s", strerror(errno));
		goto end;
	}
	if (child == 0) {
		/* dup2 clears close-on-exec on the copies gnuplot gets. */
		if (dup2(pipe_fds[0], STDIN_FILENO) < 0 ||
				dup2(fd, STDOUT_FILENO) < 0) {
			_exit(127);
		}
		execlp(program, program, (char *) NULL);
		fprintf(stderr, "ultrace-replay: --plot: cannot run %s: %s\n",
			program, strerror(errno));
		_exit(127);
	}
	close(pipe_fds[0]);
	pipe_fds[0] = -1;
	fed = feed(pipe_fds[1], history, width, height);
	pipe_fds[1] = -1;
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "--plot: waitpid: %s",
				strerror(errno));
			goto end;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "--plot: cannot run `%s` (Debian: "
			"apt-get install gnuplot-nox; tools/setup-deps does)",
			program);
		goto end;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "--plot: %s failed (%s %d) drawing %s",
			program, WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) :
				WTERMSIG(status), path);
		goto end;
	}
	if (fed != 0) {
		snprintf(err, errlen, "--plot: writing the script to %s: %s",
			program, strerror(errno));
		goto end;
	}
	if (fstat(fd, &st) != 0 || st.st_size == 0) {
		snprintf(err, errlen, "--plot: %s wrote nothing to %s",
			program, path);
		goto end;
	}
	ret = 0;
end:
	if (pipe_fds[0] >= 0) {
		close(pipe_fds[0]);
	}
	if (pipe_fds[1] >= 0) {
		close(pipe_fds[1]);
	}
	if (close(fd) != 0 && ret == 0) {
		snprintf(err, errlen, "--plot: %s: %s", path, strerror(errno));
		ret = -1;
	}
	if (ret != 0) {
		unlink(path);
	}
	return ret;
}
