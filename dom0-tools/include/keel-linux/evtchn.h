/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * /dev/keel/evtchn: Keel event channels for a control domain's programs
 * (pvctl, and the userspace device backends).
 *
 * The device exists only in a control domain, and only a process with
 * CAP_SYS_ADMIN may open it. Each open file holds its own set of ports,
 * at most KEEL_EVTCHN_PORTS_MAX, and closing it unbinds them all.
 *
 *  - The ioctls below bind a port and return its number, unbind one,
 *    or signal one.
 *  - read() fills the buffer with the numbers (__u32 each) of ports
 *    that have fired, at least one: it blocks until one has, unless the
 *    file is O_NONBLOCK (then EAGAIN). It needs room for one __u32.
 *  - A port that has been reported is not reported again until the
 *    program re-arms it by write()ing its number (an array of __u32).
 *    Events in between are not lost: if any came, re-arming reports the
 *    port again at once. So a program handles a port's work, re-arms it,
 *    and reads again; it never misses the last event.
 *  - poll() says POLLIN while a report is waiting.
 *
 * A port's events carry no data: a backend looks at its shared ring,
 * a toolstack at getinfo.
 *
 * dom0-tools/include/keel-linux/evtchn.h is this file, byte for byte.
 */
#ifndef _UAPI_KEEL_EVTCHN_H
#define _UAPI_KEEL_EVTCHN_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KEEL_EVTCHN_PATH      "/dev/keel/evtchn"
#define KEEL_EVTCHN_PORTS_MAX 1024	/* ports per open file */

/*
 * Bind a global VIRQ. Only KEEL_VIRQ_DOM_EXC (a domain shut down or was
 * freed) may be bound; the kernel keeps the others. Any number of files
 * may bind it: each gets its own reports. port is Keel's port number for
 * it, the same in every file. EINVAL for another VIRQ, EEXIST if this
 * file has it already.
 */
struct keel_evtchn_ioctl_bind_virq {
	__u32 virq;		/* IN: KEEL_VIRQ_DOM_EXC */
	__u32 port;		/* OUT */
};
#define KEEL_EVTCHN_IOCTL_BIND_VIRQ \
	_IOWR('K', 16, struct keel_evtchn_ioctl_bind_virq)

/*
 * Connect a new port to remote_port of remote_domain, which that domain
 * allocated unbound for this one (a frontend's ring). EINVAL if Keel
 * refuses (no such domain or port, or a port not offered to us).
 */
struct keel_evtchn_ioctl_bind_interdomain {
	__u16 remote_domain;	/* IN */
	__u16 pad;		/* IN: zero */
	__u32 remote_port;	/* IN */
	__u32 port;		/* OUT: the local port */
	__u32 pad2;		/* zero */
};
#define KEEL_EVTCHN_IOCTL_BIND_INTERDOMAIN \
	_IOWR('K', 17, struct keel_evtchn_ioctl_bind_interdomain)

/* Allocate a port that remote_domain may connect to with its own
 * bind_interdomain, and bind it here. */
struct keel_evtchn_ioctl_bind_unbound_port {
	__u16 remote_domain;	/* IN */
	__u16 pad;		/* IN: zero */
	__u32 port;		/* OUT */
};
#define KEEL_EVTCHN_IOCTL_BIND_UNBOUND_PORT \
	_IOWR('K', 18, struct keel_evtchn_ioctl_bind_unbound_port)

/* Unbind (and, but for the VIRQ, close) a port of this file; ENOENT if
 * this file has no such port. */
struct keel_evtchn_ioctl_unbind {
	__u32 port;
};
#define KEEL_EVTCHN_IOCTL_UNBIND \
	_IOW('K', 19, struct keel_evtchn_ioctl_unbind)

/* Signal the other end of an interdomain port of this file; ENOENT if
 * this file has no such port, EINVAL for the VIRQ. */
struct keel_evtchn_ioctl_notify {
	__u32 port;
};
#define KEEL_EVTCHN_IOCTL_NOTIFY \
	_IOW('K', 20, struct keel_evtchn_ioctl_notify)

#endif
