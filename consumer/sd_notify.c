/*
 * sd_notify.c: the service manager's notification protocol, written for
 * ultrace (one datagram per message, sd_notify(3)); no libsystemd, so
 * that the daemon runs the same with or without systemd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sd_notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Fill `addr` from $NOTIFY_SOCKET; its length, or 0 if unusable. */
static socklen_t notify_address(const char *name, struct sockaddr_un *addr)
{
	size_t len = strlen(name);

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (len < 2 || len >= sizeof(addr->sun_path) ||
			(name[0] != '/' && name[0] != '@')) {
		/* Relative paths and vsock: are not ours to guess. */
		return 0;
	}
	memcpy(addr->sun_path, name, len);
	if (name[0] == '@') {
		/* Abstract: a leading NUL, and no terminating one counted. */
		addr->sun_path[0] = '\0';
		return (socklen_t) (offsetof(struct sockaddr_un, sun_path) +
			len);
	}
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len + 1);
}

int ultrace_sd_notify(const char *message)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr;
	socklen_t addr_len;
	size_t len;
	char *datagram = NULL;
	ssize_t sent;
	int saved_errno;
	int ret = -1;
	int fd = -1;

	if (name == NULL || name[0] == '\0') {
		return 0;
	}
	addr_len = notify_address(name, &addr);
	if (addr_len == 0) {
		errno = EINVAL;
		return -1;
	}
	len = strlen(message);
	datagram = malloc(len + 2);
	if (datagram == NULL) {
		return -1;
	}
	memcpy(datagram, message, len);
	if (len == 0 || message[len - 1] != '\n') {
		datagram[len++] = '\n';
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		goto end;
	}
	sent = sendto(fd, datagram, len, MSG_NOSIGNAL,
		(const struct sockaddr *) &addr, addr_len);
	if (sent == (ssize_t) len) {
		ret = 1;
	}
end:
	saved_errno = errno;
	if (fd >= 0) {
		close(fd);
	}
	free(datagram);
	errno = saved_errno;
	return ret;
}

int ultrace_sd_notifyf(const char *fmt, ...)
{
	char message[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return ultrace_sd_notify(message);
}

/* A positive decimal number of the whole string, or 0. */
static unsigned long long env_number(const char *name)
{
	const char *text = getenv(name);
	unsigned long long v;
	char *end;

	if (text == NULL || text[0] < '0' || text[0] > '9') {
		return 0;
	}
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0') {
		return 0;
	}
	return v;
}

uint64_t ultrace_sd_watchdog_usec(void)
{
	unsigned long long usec = env_number("WATCHDOG_USEC");

	if (usec == 0) {
		return 0;
	}
	/* Meant for another process (a parent that exec'd us, say). */
	if (getenv("WATCHDOG_PID") != NULL &&
			env_number("WATCHDOG_PID") != (unsigned long long) getpid()) {
		return 0;
	}
	return (uint64_t) usec;
}

void ultrace_sd_watchdog_init(struct ultrace_sd_watchdog *watchdog)
{
	uint64_t usec = ultrace_sd_watchdog_usec();

	/* Half the period, as sd_watchdog_enabled(3) recommends. */
	watchdog->interval_ns = usec > (uint64_t) INT64_MAX / 1000 ?
		INT64_MAX / 2 : (int64_t) (usec * 1000 / 2);
	watchdog->next_ns = 0;
}

int ultrace_sd_watchdog_tick(struct ultrace_sd_watchdog *watchdog,
		int64_t now_ns)
{
	int ret;

	if (watchdog->interval_ns == 0 || now_ns < watchdog->next_ns) {
		return 0;
	}
	ret = ultrace_sd_notify("WATCHDOG=1");
	watchdog->next_ns = now_ns + watchdog->interval_ns;
	return ret;
}
