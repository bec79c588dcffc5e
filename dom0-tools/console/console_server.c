/*
 * The console server (console_server.h).
 *
 * One poll() loop: the console port (output produced, or input taken),
 * the listening socket, and the clients. Every wake-up re-reads the
 * ring, so a lost race only delays a byte to the next event; a timeout
 * every CONSOLE_CHECK_MS looks whether the domain still exists, in case
 * nobody stops the server.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <keel/io/console.h>

#include "console_ring.h"
#include "console_server.h"
#include "keelctl.h"

#define CONSOLE_CHECK_MS   2000
/* The port is looked at no more often than this: each look drains the
 * ring, so it costs no throughput, and a guest that floods its port
 * costs dom0 at most 500 wake-ups a second. */
#define CONSOLE_WAKE_MS    2
#define CONSOLE_INPUT_MAX  4096
#define CONSOLE_STOP_MS    5000

struct server {
	uint16_t domid;
	uint32_t grant_ref;
	struct keelctl *h;
	struct keelctl_grants *grants;
	struct keelctl_channel *channel;
	struct console_ring ring;
	int listen_fd, log_fd;
	struct client {
		int fd;
		bool reading;	/* false once it has sent all it will */
	} clients[CONSOLE_CLIENTS_MAX];
	unsigned int nr_clients;
	char backlog[CONSOLE_BACKLOG];
	size_t backlog_len;
	char input[CONSOLE_INPUT_MAX];
	size_t input_len;
};

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

void console_socket_path(const char *name, char *out, size_t size)
{
	snprintf(out, size, CONSOLE_SOCKET_DIR "/console-%s.sock", name);
}

/* The ring page, through grant copies. */

static int copy_status(int rc, const struct keel_gntdev_copy_segment *s,
		       unsigned int n)
{
	if (rc)
		return rc;
	for (unsigned int i = 0; i < n; i++)
		if (s[i].status)
			return s[i].status;
	return 0;
}

static int ring_read(void *opaque, uint16_t offset, void *buf, uint16_t len)
{
	struct server *s = opaque;
	struct keel_gntdev_copy_segment seg = {
		.buffer = (uintptr_t)buf, .ref = s->grant_ref,
		.domain = s->domid, .offset = offset, .len = len,
		.direction = KEEL_GNTDEV_COPY_FROM_GRANT,
	};

	return copy_status(keelctl_grant_copy(s->grants, &seg, 1), &seg, 1);
}

static int ring_write(void *opaque, const struct console_ring_piece *pieces,
		      unsigned int n)
{
	struct server *s = opaque;
	struct keel_gntdev_copy_segment segs[4];

	if (n > 4)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		segs[i] = (struct keel_gntdev_copy_segment){
			.buffer = (uintptr_t)pieces[i].data,
			.ref = s->grant_ref, .domain = s->domid,
			.offset = pieces[i].offset, .len = pieces[i].len,
			.direction = KEEL_GNTDEV_COPY_TO_GRANT,
		};
	return copy_status(keelctl_grant_copy(s->grants, segs, n), segs, n);
}

static int ring_notify(void *opaque)
{
	struct server *s = opaque;

	return keelctl_channel_notify(s->channel);
}

/* Output: the log, the backlog, every client. */

int console_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void drop_client(struct server *s, unsigned int i)
{
	close(s->clients[i].fd);
	s->clients[i] = s->clients[--s->nr_clients];
}

static void backlog_add(struct server *s, const char *buf, size_t len)
{
	if (len >= sizeof(s->backlog)) {
		memcpy(s->backlog, buf + len - sizeof(s->backlog),
		       sizeof(s->backlog));
		s->backlog_len = sizeof(s->backlog);
		return;
	}
	size_t keep = sizeof(s->backlog) - len;
	if (s->backlog_len > keep) {
		memmove(s->backlog, s->backlog + s->backlog_len - keep, keep);
		s->backlog_len = keep;
	}
	memcpy(s->backlog + s->backlog_len, buf, len);
	s->backlog_len += len;
}

static void output(struct server *s, const char *buf, size_t len)
{
	if (s->log_fd >= 0)
		console_write_all(s->log_fd, buf, len);
	backlog_add(s, buf, len);
	/* A client that cannot keep up misses bytes; one that has gone
	 * is dropped. The domain never waits for a client. */
	for (unsigned int i = 0; i < s->nr_clients;) {
		ssize_t n = send(s->clients[i].fd, buf, len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			drop_client(s, i);
		else
			i++;
	}
}

/* Move what there is: the output out, as much input in as fits.
 * Returns whether output was left for the next pass. */
static bool service(struct server *s)
{
	char buf[KEEL_CONSOLE_OUT_SIZE];
	long n;

	/* A few rings' worth at a time: a guest that never stops writing
	 * does not keep the clients and the stop waiting. */
	for (unsigned int i = 0; i < 8; i++) {
		n = console_ring_take_output(&s->ring, buf);
		if (n <= 0)
			break;
		output(s, buf, (size_t)n);
	}
	if (n == 0 && s->input_len) {
		n = console_ring_give_input(&s->ring, s->input, s->input_len);
		if (n > 0) {
			memmove(s->input, s->input + n, s->input_len - (size_t)n);
			s->input_len -= (size_t)n;
		}
	}
	bool more = n > 0;
	if (n == -EPROTO && s->ring.broken && s->ring.why[0]) {
		char note[160];
		int len = snprintf(note, sizeof(note), "\n[console server: "
				   "domain %u's console ring is broken (%s); "
				   "no longer serving it]\n", s->domid,
				   s->ring.why);

		output(s, note, (size_t)len);
		s->ring.why[0] = '\0';	/* said once */
	}
	return more;
}

static void accept_client(struct server *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (s->nr_clients == CONSOLE_CLIENTS_MAX) {
		static const char full[] = "[console server: too many "
					   "clients attached]\n";
		console_write_all(fd, full, sizeof(full) - 1);
		close(fd);
		return;
	}
	console_write_all(fd, s->backlog, s->backlog_len);
	s->clients[s->nr_clients++] = (struct client){ .fd = fd,
						       .reading = true };
}

/* Input from client @i. At its end (a script's stdin ran out) it still
 * gets the output, until it goes or the domain ends. */
static void read_client(struct server *s, unsigned int i)
{
	ssize_t n = read(s->clients[i].fd, s->input + s->input_len,
			 sizeof(s->input) - s->input_len);

	if (n == 0)
		s->clients[i].reading = false;
	else if (n < 0 && errno != EINTR && errno != EAGAIN)
		drop_client(s, i);
	else if (n > 0)
		s->input_len += (size_t)n;
}

static int open_socket(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	mkdir("/run", 0755);
	mkdir(CONSOLE_SOCKET_DIR, 0755);
	console_socket_path(name, addr.sun_path, sizeof(addr.sun_path));
	/* A stale socket of an earlier domain of this name (the name's
	 * lock, which the monitor holds, keeps two live ones apart). */
	unlink(addr.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	mode_t old = umask(077);
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (rc < 0 || listen(fd, 4) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

static int open_log(const char *name)
{
	char path[128];

	mkdir("/var", 0755);
	mkdir("/var/log", 0755);
	mkdir(CONSOLE_LOG_DIR, 0755);
	snprintf(path, sizeof(path), CONSOLE_LOG_DIR "/console-%s.log", name);
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

/* Bind, attach and listen; 0 or a negative errno. */
static int server_setup(struct server *s, const char *name, uint16_t domid)
{
	static struct console_ring_io io = {
		.read = ring_read, .write = ring_write, .notify = ring_notify,
	};
	struct keel_domctl_getconsole where;
	int rc;

	s->domid = domid;
	s->listen_fd = s->log_fd = -1;
	if ((rc = keelctl_open(&s->h)) ||
	    (rc = keelctl_domain_console(s->h, domid, &where)) ||
	    (rc = keelctl_grants_open(&s->grants)) ||
	    (rc = keelctl_channel_bind(domid, where.port, &s->channel)))
		return rc;
	s->grant_ref = where.grant_ref;
	io.opaque = s;
	rc = console_ring_attach(&s->ring, &io);
	if (rc && rc != -EPROTO)
		return rc;
	if ((s->listen_fd = open_socket(name)) < 0)
		return s->listen_fd;
	s->log_fd = open_log(name);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void server_loop(struct server *s)
{
	uint64_t checked = now_ms(), next_wake = 0;
	bool more = service(s);

	while (!stopping) {
		struct pollfd fds[2 + CONSOLE_CLIENTS_MAX];
		unsigned int nr = 0;
		uint64_t now = now_ms();
		/* A broken ring is not listened to at all. */
		bool look = s->channel && now >= next_wake;

		fds[nr++] = (struct pollfd){
			.fd = look ? keelctl_channel_fd(s->channel) : -1,
			.events = POLLIN };
		fds[nr++] = (struct pollfd){ .fd = s->listen_fd,
					     .events = POLLIN };
		bool room = s->input_len < sizeof(s->input);
		for (unsigned int i = 0; i < s->nr_clients; i++)
			fds[nr++] = (struct pollfd){
				.fd = s->clients[i].fd,
				.events = room && s->clients[i].reading ?
					  POLLIN : 0 };
		int rc = poll(fds, nr, more ? 0 : s->channel && !look ?
				(int)(next_wake - now) : CONSOLE_CHECK_MS);

		if (rc < 0 && errno != EINTR)
			return;
		if (rc > 0 && (fds[0].revents & POLLIN)) {
			keelctl_channel_ack(s->channel);
			next_wake = now_ms() + CONSOLE_WAKE_MS;
		}
		if (rc > 0 && (fds[1].revents & POLLIN))
			accept_client(s);
		/* Backwards: a dropped client's slot takes the last one. */
		for (unsigned int i = nr - 2; rc > 0 && i-- > 0;)
			if (i < s->nr_clients && s->clients[i].reading &&
			    (fds[2 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				read_client(s, i);
		more = service(s);
		if (s->ring.broken && s->channel) {
			keelctl_channel_close(s->channel);
			s->channel = NULL;
		}
		/* Gone without a stop (the monitor died)? */
		now = now_ms();
		if (now - checked >= CONSOLE_CHECK_MS) {
			struct keel_domctl_getinfo info;

			checked = now;
			if (keelctl_domain_info(s->h, s->domid, &info) == -ESRCH)
				return;
		}
	}
	/* Stopped: the domain has shut down, its last output is in (a
	 * ring's worth at most; bounded, for a stop of a running one). */
	for (unsigned int i = 0; i < 4 && service(s); i++)
		;
}

static void server_teardown(struct server *s, const char *name)
{
	char path[108];

	for (unsigned int i = 0; i < s->nr_clients; i++)
		close(s->clients[i].fd);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		console_socket_path(name, path, sizeof(path));
		unlink(path);
	}
	if (s->log_fd >= 0)
		close(s->log_fd);
	keelctl_channel_close(s->channel);
	keelctl_grants_close(s->grants);
	if (s->h)
		keelctl_close(s->h);
}

static __attribute__((noreturn)) void server_main(const char *name,
						  uint16_t domid, int ready)
{
	static struct server s;
	struct sigaction sa = { .sa_handler = on_stop };

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	int rc = server_setup(&s, name, domid);
	unsigned char code = (unsigned char)-rc;

	if (write(ready, &code, 1) != 1 || rc) {
		server_teardown(&s, name);
		_exit(1);
	}
	close(ready);
	server_loop(&s);
	server_teardown(&s, name);
	_exit(0);
}

int console_server_start(const char *name, uint16_t domid, pid_t *pid)
{
	int pipefd[2];
	unsigned char code;

	fflush(NULL);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid_t child = fork();
	if (child < 0) {
		int rc = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return rc;
	}
	if (child == 0) {
		close(pipefd[0]);
		server_main(name, domid, pipefd[1]);
	}
	close(pipefd[1]);
	ssize_t n;
	while ((n = read(pipefd[0], &code, 1)) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	if (n != 1 || code) {
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		return n != 1 ? -ECHILD : -(int)code;
	}
	*pid = child;
	return 0;
}

int console_server_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	for (unsigned int ms = 0; ms < CONSOLE_STOP_MS; ms += 10) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -ETIMEDOUT;
}
