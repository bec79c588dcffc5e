/*
 * pvctl console (console_client.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console_client.h"
#include "console_server.h"

static int connect_server(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	console_socket_path(name, addr.sun_path, sizeof(addr.sun_path));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int rc = errno == ECONNREFUSED ? -ENOENT : -errno;

		close(fd);
		return rc;
	}
	return fd;
}

int console_client_attach(const char *name, bool *detached)
{
	struct termios saved, raw;
	bool tty = isatty(0) && tcgetattr(0, &saved) == 0;
	bool input_open = true;
	char buf[4096];
	int rc = 0;

	*detached = false;
	int sock = connect_server(name);
	if (sock < 0)
		return sock;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSADRAIN, &raw);
	}
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = sock, .events = POLLIN },
			{ .fd = 0, .events = input_open ? POLLIN : 0 },
		};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(sock, buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;		/* the domain has ended */
			if ((rc = console_write_all(1, buf, (size_t)n)))
				break;
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* A terminal's end is a detach; a script's
				 * end leaves the output to come. */
				if (tty) {
					*detached = true;
					break;
				}
				input_open = false;
				shutdown(sock, SHUT_WR);
				continue;
			}
			char *key = tty ? memchr(buf, CONSOLE_DETACH_KEY,
						 (size_t)n) : NULL;
			if (key)
				n = key - buf;
			if (n && (rc = console_write_all(sock, buf, (size_t)n)))
				break;
			if (key) {
				*detached = true;
				break;
			}
		}
	}
	if (tty)
		tcsetattr(0, TCSADRAIN, &saved);
	close(sock);
	return rc;
}
