/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * /dev/keel/gntdev: grant copies for a control domain's programs (the
 * userspace device backends).
 *
 * A frontend grants the backend's domain pages of its own: rings and
 * I/O buffers. KEEL_GNTDEV_IOCTL_COPY copies bytes between such a
 * granted page and the calling process's memory, through Keel's
 * grant_table_op copy, without mapping the page: the backend sees a
 * snapshot of what it copied, which a hostile frontend can no longer
 * change under it (no double fetch).
 *
 * The device exists only in a control domain, and only a process with
 * CAP_SYS_ADMIN may open it.
 *
 * dom0-tools/include/keel-linux/gntdev.h is this file, byte for byte.
 */
#ifndef _UAPI_KEEL_GNTDEV_H
#define _UAPI_KEEL_GNTDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KEEL_GNTDEV_PATH      "/dev/keel/gntdev"
#define KEEL_GNTDEV_COPY_MAX  64	/* segments per ioctl */

/* One copy: len bytes between the process's buffer and the bytes at
 * offset of grant ref of domain. offset + len must not pass the end of
 * the 4096-byte page, and len must be 1 or more. */
#define KEEL_GNTDEV_COPY_FROM_GRANT 0	/* granted page -> buffer */
#define KEEL_GNTDEV_COPY_TO_GRANT   1	/* buffer -> granted page */
struct keel_gntdev_copy_segment {
	__u64 buffer;		/* IN: the process's address */
	__u32 ref;		/* IN: the grant reference */
	__u16 domain;		/* IN: the granting domain */
	__u16 offset;		/* IN: in the granted page */
	__u16 len;		/* IN */
	__u16 direction;	/* IN: KEEL_GNTDEV_COPY_* */
	__s32 status;		/* OUT: 0, or a negative errno for this one */
};

/*
 * Run count segments in order. The ioctl returns 0 when it ran them all,
 * whatever each one's status, which is 0 or, for that segment alone:
 * -ESRCH (no such domain), -EINVAL (no such grant, a length of 0, an
 * offset and length past the page, a bad direction), -EPERM (not
 * granted to this domain, or a read-only grant written), -EBUSY (the
 * granted page is a page table, written), or -EFAULT (its buffer cannot
 * be read or written). The ioctl itself fails with EINVAL for a count
 * of 0 or above KEEL_GNTDEV_COPY_MAX or a pad that is not zero, and
 * EFAULT when the segments cannot be read or written back.
 */
struct keel_gntdev_ioctl_copy {
	__u64 segments;		/* IN: address of count segments */
	__u32 count;		/* IN */
	__u32 pad;		/* IN: zero */
};
#define KEEL_GNTDEV_IOCTL_COPY \
	_IOW('K', 32, struct keel_gntdev_ioctl_copy)

#endif
