/*
 * /dev/keel/evtchn from a control domain's program, the way pvctl's
 * monitors and the device backends use it (include/keel-linux/evtchn.h):
 * two open files, a VIRQ in both, a port pair between them (an unbound
 * port offered to this domain itself, and the other end bound to it),
 * events each way with read(), poll() and re-arming by write(), and the
 * refusals. This control domain is domain 0. Run by
 * init-dom0-policies.sh; ends "evtchn: N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <keel/event_channel.h>
#include <keel-linux/evtchn.h>

static int passed, failed;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	if (ok)
		passed++;
	else
		failed++;
}

/* An ioctl's result: 0, or -errno. */
static int io(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* The port @fd reports within @ms (poll, then read), or -1. */
static int next_port(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t port;

	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLIN))
		return -1;
	if (read(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	return (int)port;
}

static int rearm(int fd, uint32_t port)
{
	return write(fd, &port, sizeof(port)) == sizeof(port);
}

static int open_evtchn(void)
{
	return open(KEEL_EVTCHN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

int main(void)
{
	int a = open_evtchn(), b = open_evtchn();
	uint32_t word;

	check(a >= 0 && b >= 0, "two files open");
	if (a < 0 || b < 0)
		goto out;

	struct keel_evtchn_ioctl_bind_virq va = { .virq = KEEL_VIRQ_DOM_EXC };
	struct keel_evtchn_ioctl_bind_virq vb = va;
	check(!io(a, KEEL_EVTCHN_IOCTL_BIND_VIRQ, &va) &&
	      !io(b, KEEL_EVTCHN_IOCTL_BIND_VIRQ, &vb) && va.port == vb.port,
	      "DOM_EXC bound in both files, one port");
	check(io(a, KEEL_EVTCHN_IOCTL_BIND_VIRQ, &va) == -EEXIST,
	      "DOM_EXC twice in one file: EEXIST");
	struct keel_evtchn_ioctl_bind_virq other = { .virq = KEEL_VIRQ_TIMER };
	check(io(a, KEEL_EVTCHN_IOCTL_BIND_VIRQ, &other) == -EINVAL,
	      "another VIRQ: EINVAL");
	struct keel_evtchn_ioctl_notify nv = { .port = va.port };
	check(io(a, KEEL_EVTCHN_IOCTL_NOTIFY, &nv) == -EINVAL,
	      "notify on the VIRQ: EINVAL");

	/* A pair: a offers a port to this domain, b connects to it. */
	struct keel_evtchn_ioctl_bind_unbound_port un = { .remote_domain = 0 };
	int rc = io(a, KEEL_EVTCHN_IOCTL_BIND_UNBOUND_PORT, &un);
	check(!rc, "an unbound port for this domain");
	struct keel_evtchn_ioctl_bind_interdomain in = {
		.remote_domain = 0, .remote_port = un.port };
	rc = rc ? rc : io(b, KEEL_EVTCHN_IOCTL_BIND_INTERDOMAIN, &in);
	check(!rc && in.port != un.port, "the other end bound to it");
	if (rc)
		goto out;
	/* Keel signals the offering end once it is connected, as Xen does;
	 * the end that connected hears nothing. */
	check(next_port(a, 5000) == (int)un.port && rearm(a, un.port),
	      "the offering end hears of the connection");
	check(next_port(a, 0) < 0 && next_port(b, 0) < 0,
	      "then nothing, before any other event");
	check(read(a, &word, sizeof(word)) < 0 && errno == EAGAIN,
	      "read with nothing: EAGAIN");

	struct keel_evtchn_ioctl_notify nb = { .port = in.port };
	struct keel_evtchn_ioctl_notify na = { .port = un.port };
	check(!io(b, KEEL_EVTCHN_IOCTL_NOTIFY, &nb) &&
	      next_port(a, 5000) == (int)un.port,
	      "b's notify reaches a's port");
	check(!io(a, KEEL_EVTCHN_IOCTL_NOTIFY, &na) &&
	      next_port(b, 5000) == (int)in.port,
	      "a's notify reaches b's port");
	/* Not re-armed: a second event is held, not lost. */
	check(!io(b, KEEL_EVTCHN_IOCTL_NOTIFY, &nb) && next_port(a, 200) < 0,
	      "a reported port stays quiet until re-armed");
	check(rearm(a, un.port) && next_port(a, 5000) == (int)un.port,
	      "re-arming reports the event that came in between");
	check(rearm(a, un.port) && next_port(a, 200) < 0,
	      "re-armed with no event: quiet");
	check(rearm(b, in.port) && !io(b, KEEL_EVTCHN_IOCTL_NOTIFY, &nb) &&
	      next_port(a, 5000) == (int)un.port, "and the next event comes");

	/* Re-armed while reported and not read yet: nothing changes, and
	 * the port is read once; the event sent meanwhile waits for the
	 * next re-arm. */
	struct pollfd pa = { .fd = a, .events = POLLIN };
	uint32_t got[4];
	check(rearm(a, un.port) && !io(b, KEEL_EVTCHN_IOCTL_NOTIFY, &nb) &&
	      poll(&pa, 1, 5000) == 1 && rearm(a, un.port) &&
	      !io(b, KEEL_EVTCHN_IOCTL_NOTIFY, &nb) &&
	      read(a, got, sizeof(got)) == sizeof(got[0]) &&
	      got[0] == un.port && next_port(a, 200) < 0,
	      "a port re-armed before it is read is read once");
	check(rearm(a, un.port) && next_port(a, 5000) == (int)un.port,
	      "and its held event comes at the next re-arm");

	/* Refusals. */
	uint32_t bogus = 4000;
	check(write(a, &bogus, sizeof(bogus)) < 0,
	      "re-arming a port the file lacks fails");
	struct keel_evtchn_ioctl_notify nx = { .port = 4000 };
	check(io(a, KEEL_EVTCHN_IOCTL_NOTIFY, &nx) == -ENOENT,
	      "notify on a port the file lacks: ENOENT");
	struct keel_evtchn_ioctl_unbind ux = { .port = in.port };
	check(io(a, KEEL_EVTCHN_IOCTL_UNBIND, &ux) == -ENOENT,
	      "unbind of the other file's port: ENOENT");
	struct keel_evtchn_ioctl_bind_interdomain bad = {
		.remote_domain = 0, .remote_port = 4000 };
	check(io(b, KEEL_EVTCHN_IOCTL_BIND_INTERDOMAIN, &bad) == -EINVAL,
	      "bind to a port that is not offered: EINVAL");
	bad.remote_port = un.port;
	bad.pad = 1;
	check(io(b, KEEL_EVTCHN_IOCTL_BIND_INTERDOMAIN, &bad) == -EINVAL,
	      "non-zero padding: EINVAL");
	struct keel_evtchn_ioctl_bind_interdomain nodom = {
		.remote_domain = 31000, .remote_port = 1 };
	check(io(b, KEEL_EVTCHN_IOCTL_BIND_INTERDOMAIN, &nodom) == -EINVAL,
	      "bind to a domain that does not exist: EINVAL");
	check(read(a, &word, 2) < 0 && errno == EINVAL,
	      "a read with no room for a port: EINVAL");

	struct keel_evtchn_ioctl_unbind ua = { .port = un.port };
	check(!io(a, KEEL_EVTCHN_IOCTL_UNBIND, &ua) &&
	      io(a, KEEL_EVTCHN_IOCTL_UNBIND, &ua) == -ENOENT,
	      "unbind, then ENOENT");
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	printf("evtchn: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
