/*
 * libkeelctl's device-backend handles: an event channel to a frontend
 * over a /dev/keel/evtchn file of its own (include/keel-linux/evtchn.h),
 * and grant copies over /dev/keel/gntdev (include/keel-linux/gntdev.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <keel-linux/evtchn.h>
#include <keel-linux/gntdev.h>

#include "keelctl.h"

struct keelctl_channel {
	int fd;
	uint32_t port;
};

int keelctl_channel_bind(uint16_t remote_domain, uint32_t remote_port,
			 struct keelctl_channel **out)
{
	struct keel_evtchn_ioctl_bind_interdomain bind = {
		.remote_domain = remote_domain, .remote_port = remote_port,
	};
	struct keelctl_channel *c = malloc(sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->fd = open(KEEL_EVTCHN_PATH, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (c->fd < 0) {
		rc = -errno;
		free(c);
		return rc;
	}
	if (ioctl(c->fd, KEEL_EVTCHN_IOCTL_BIND_INTERDOMAIN, &bind) < 0) {
		rc = -errno;
		keelctl_channel_close(c);
		return rc;
	}
	c->port = bind.port;
	*out = c;
	return 0;
}

int keelctl_channel_fd(const struct keelctl_channel *c)
{
	return c->fd;
}

int keelctl_channel_ack(struct keelctl_channel *c)
{
	uint32_t ports[16];
	ssize_t n = read(c->fd, ports, sizeof(ports));

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	/* Re-arm what was reported: only our one port. */
	if (write(c->fd, ports, (size_t)n) != n)
		return -errno;
	return 1;
}

int keelctl_channel_notify(struct keelctl_channel *c)
{
	struct keel_evtchn_ioctl_notify notify = { .port = c->port };

	return ioctl(c->fd, KEEL_EVTCHN_IOCTL_NOTIFY, &notify) < 0 ? -errno : 0;
}

void keelctl_channel_close(struct keelctl_channel *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

struct keelctl_grants {
	int fd;
};

int keelctl_grants_open(struct keelctl_grants **out)
{
	struct keelctl_grants *g = malloc(sizeof(*g));
	int rc;

	if (!g)
		return -ENOMEM;
	g->fd = open(KEEL_GNTDEV_PATH, O_RDWR | O_CLOEXEC);
	if (g->fd < 0) {
		rc = -errno;
		free(g);
		return rc;
	}
	*out = g;
	return 0;
}

int keelctl_grant_copy(struct keelctl_grants *g,
		       struct keel_gntdev_copy_segment *segments,
		       unsigned int count)
{
	struct keel_gntdev_ioctl_copy copy = {
		.segments = (uintptr_t)segments, .count = count,
	};

	return ioctl(g->fd, KEEL_GNTDEV_IOCTL_COPY, &copy) < 0 ? -errno : 0;
}

void keelctl_grants_close(struct keelctl_grants *g)
{
	if (!g)
		return;
	if (g->fd >= 0)
		close(g->fd);
	free(g);
}
