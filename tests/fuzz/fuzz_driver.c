/*
 * fuzz_driver.c: runs a fuzz harness without libFuzzer, as a TAP test:
 * every file of tests/fuzz/corpus/TARGET and tests/fuzz/crashers/TARGET
 * (or the files and directories given as arguments) through
 * LLVMFuzzerTestOneInput, each in its own child process so that one
 * crash is one "not ok" and valgrind checks each file on its own.
 * A crasher named in crashers/TARGET/XFAIL is a known, unfixed bug: it is
 * reported as TODO (an expected failure) until it passes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct file_list {
	char **paths;
	size_t count;
	size_t alloc;
};

static void list_add(struct file_list *list, const char *path)
{
	if (list->count == list->alloc) {
		list->alloc = list->alloc ? list->alloc * 2 : 64;
		list->paths = realloc(list->paths,
			list->alloc * sizeof(*list->paths));
		if (list->paths == NULL) {
			perror("realloc");
			exit(99);
		}
	}
	list->paths[list->count] = strdup(path);
	if (list->paths[list->count] == NULL) {
		perror("strdup");
		exit(99);
	}
	list->count++;
}

static int is_input_name(const char *name)
{
	return name[0] != '.' && strcmp(name, "README") != 0 &&
		strcmp(name, "XFAIL") != 0;
}

/* Files of `dir` in name order; a missing directory adds none. */
static void list_dir(struct file_list *list, const char *dir)
{
	struct dirent **entries = NULL;
	int n = scandir(dir, &entries, NULL, alphasort);
	int i;

	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (is_input_name(entries[i]->d_name) &&
				(size_t) snprintf(path, sizeof(path), "%s/%s",
					dir, entries[i]->d_name) < sizeof(path) &&
				stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			list_add(list, path);
		}
		free(entries[i]);
	}
	free(entries);
}

static void list_path(struct file_list *list, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		list_dir(list, path);
	} else {
		list_add(list, path);
	}
}

/*
 * 1 if `path`'s base name is a line of the XFAIL file beside it ("NAME",
 * or "NAME valgrind" for a failure only valgrind sees).
 */
static int is_xfail(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	char xfail[4096];
	char line[512];
	FILE *in;
	int found = 0;

	if (slash == NULL || (size_t) snprintf(xfail, sizeof(xfail),
			"%.*s/XFAIL", (int) (slash - path), path) >=
			sizeof(xfail)) {
		return 0;
	}
	in = fopen(xfail, "r");
	if (in == NULL) {
		return 0;
	}
	while (!found && fgets(line, sizeof(line), in) != NULL) {
		const char *vg = getenv("ULTRACE_VALGRIND");
		char *rest;

		line[strcspn(line, "\r\n#")] = '\0';
		rest = line + strcspn(line, " \t");
		if (*rest != '\0') {
			*rest++ = '\0';
			rest += strspn(rest, " \t");
		}
		/* "NAME valgrind": a known failure under valgrind only. */
		if (strncmp(rest, "valgrind", 8) == 0 &&
				(vg == NULL || strcmp(vg, "1") != 0)) {
			continue;
		}
		found = strcmp(line, base) == 0;
	}
	fclose(in);
	return found;
}

static int run_one(const char *path)
{
	FILE *in = fopen(path, "rb");
	uint8_t *data = NULL;
	long len;
	int ret = 1;

	if (in == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fseek(in, 0, SEEK_END) != 0 || (len = ftell(in)) < 0 ||
			fseek(in, 0, SEEK_SET) != 0) {
		fprintf(stderr, "%s: cannot size it\n", path);
		goto end;
	}
	data = malloc(len > 0 ? (size_t) len : 1);
	if (data == NULL || fread(data, 1, (size_t) len, in) != (size_t) len) {
		fprintf(stderr, "%s: cannot read it\n", path);
		goto end;
	}
	LLVMFuzzerInitialize(NULL, NULL);
	LLVMFuzzerTestOneInput(data, (size_t) len);
	ret = 0;
end:
	free(data);
	fclose(in);
	return ret;
}

int main(int argc, char **argv)
{
	struct file_list list = { NULL, 0, 0 };
	const char *srcdir = getenv("ULTRACE_SRCDIR");
	size_t i;
	int failed = 0;

	if (argc > 1) {
		int a;

		for (a = 1; a < argc; a++) {
			list_path(&list, argv[a]);
		}
	} else {
		char dir[4096];

		if (srcdir == NULL) {
			srcdir = ULTRACE_FUZZ_SRCDIR;
		}
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", srcdir,
			ULTRACE_FUZZ_TARGET);
		list_dir(&list, dir);
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/crashers/%s",
			srcdir, ULTRACE_FUZZ_TARGET);
		list_dir(&list, dir);
	}
	if (list.count == 0) {
		printf("Bail out! no corpus for %s (ULTRACE_SRCDIR?)\n",
			ULTRACE_FUZZ_TARGET);
		return 1;
	}
	printf("1..%zu\n", list.count);
	fflush(stdout);
	for (i = 0; i < list.count; i++) {
		const char *path = list.paths[i];
		int xfail = is_xfail(path);
		int status = 0;
		pid_t pid = fork();
		int passed;

		if (pid < 0) {
			perror("fork");
			return 99;
		}
		if (pid == 0) {
			exit(run_one(path));
		}
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 99;
		}
		passed = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		printf("%s %zu - %s %s", passed ? "ok" : "not ok", i + 1,
			ULTRACE_FUZZ_TARGET, path);
		if (xfail) {
			printf(" # TODO known bug, see crashers/%s/XFAIL",
				ULTRACE_FUZZ_TARGET);
		} else if (!passed) {
			failed++;
		}
		putchar('\n');
		if (!passed) {
			if (WIFSIGNALED(status)) {
				printf("# killed by signal %d\n",
					WTERMSIG(status));
			} else {
				printf("# exit status %d\n",
					WEXITSTATUS(status));
			}
		}
		fflush(stdout);
		free(list.paths[i]);
	}
	free(list.paths);
	return failed ? 1 : 0;
}
