/*
 * libkeelctl's domain events over /dev/keel/evtchn (include/keel-linux/
 * evtchn.h): the file binds KEEL_VIRQ_DOM_EXC, which Keel raises in the
 * control domains whenever a domain shuts down or is freed. A wait reads
 * the report and re-arms the port; the device reports again at once any
 * event that came in between, so none is lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <keel/event_channel.h>
#include <keel-linux/evtchn.h>

#include "keelctl.h"

struct keelctl_events {
	int fd;
	uint32_t port;
};

int keelctl_events_open(struct keelctl_events **out)
{
	struct keel_evtchn_ioctl_bind_virq bind = { .virq = KEEL_VIRQ_DOM_EXC };
	struct keelctl_events *e = malloc(sizeof(*e));
	int rc;

	if (!e)
		return -ENOMEM;
	e->fd = open(KEEL_EVTCHN_PATH, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (e->fd < 0) {
		rc = -errno;
		free(e);
		return rc;
	}
	if (ioctl(e->fd, KEEL_EVTCHN_IOCTL_BIND_VIRQ, &bind) < 0) {
		rc = -errno;
		keelctl_events_close(e);
		return rc;
	}
	e->port = bind.port;
	*out = e;
	return 0;
}

int keelctl_events_wait(struct keelctl_events *e, int timeout_ms)
{
	struct pollfd p = { .fd = e->fd, .events = POLLIN };
	uint32_t ports[16];
	ssize_t n;

	int rc = poll(&p, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	if (rc == 0)
		return 0;
	n = read(e->fd, ports, sizeof(ports));
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	/* Re-arm what was reported: only our one port. */
	if (write(e->fd, ports, (size_t)n) != n)
		return -errno;
	return 1;
}

void keelctl_events_close(struct keelctl_events *e)
{
	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	free(e);
}
