/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * /dev/keel/privcmd: Keel's hypercalls for a control domain's programs.
 *
 * The device exists only in a control domain, and only a process with
 * CAP_SYS_ADMIN may open it. It does two things:
 *
 *  - mmap() gives zeroed memory for hypercall arguments. Keel reads and
 *    writes a hypercall's buffers through the calling vCPU's page tables,
 *    and a page that is not present at that moment (never touched,
 *    swapped, being migrated, shared copy-on-write) makes the hypercall
 *    fail with EFAULT. Pages of this mapping are always present and
 *    writable. The mapping is not inherited across fork() and cannot be
 *    split, moved or grown; each mmap() is at most
 *    KEEL_PRIVCMD_BUFFER_MAX bytes.
 *
 *  - KEEL_PRIVCMD_IOCTL_HYPERCALL issues one hypercall, from the kernel,
 *    with the five arguments given. Only the hypercalls a control program
 *    needs pass (version, console_read, domctl); any other gets EPERM.
 *    A hypercall's result of 0 or more is the ioctl's return value; a
 *    negative Keel error (whose numbers are Linux's) is -1 with errno.
 *
 * dom0-tools/include/keel-linux/privcmd.h is this file, byte for byte.
 */
#ifndef _UAPI_KEEL_PRIVCMD_H
#define _UAPI_KEEL_PRIVCMD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KEEL_PRIVCMD_PATH       "/dev/keel/privcmd"
#define KEEL_PRIVCMD_BUFFER_MAX (64u << 20)	/* bytes per mmap() */

struct keel_privcmd_hypercall {
	__u64 op;	/* the hypercall number (hypercalls.def) */
	__u64 arg[5];	/* its arguments, in order; unused ones are ignored */
};

#define KEEL_PRIVCMD_IOCTL_HYPERCALL \
	_IOW('K', 0, struct keel_privcmd_hypercall)

#endif
