/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Keel hypercall ABI: version, basic types, errors and calling convention.
 *
 * Calling convention (PV guests, x86_64):
 *   - From guest kernel mode, `syscall` is a hypercall. The number is in
 *     rax, the arguments in rdi, rsi, rdx, r10, r8, and the result comes
 *     back in rax. rcx and r11 are clobbered (the syscall instruction uses
 *     them); every other register is preserved.
 *   - From guest user mode, `syscall` is the guest's own system call and
 *     is bounced to the guest kernel (see callbacks.h).
 *   - A result is 0 (or a documented non-negative value) on success, or a
 *     negative KEEL_E* value.
 * HVM guests will use vmmcall/vmcall with the same numbers and registers.
 *
 * Every structure in this ABI has fixed-width fields and explicit padding;
 * padding must be written as zero by whoever writes the structure.
 */
#ifndef KEEL_PUBLIC_KEEL_H
#define KEEL_PUBLIC_KEEL_H

#ifndef __ASSEMBLER__
#if defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stdint.h>
#endif
#endif

/* ABI version: major in bits 31..16, minor in 15..0. A guest built for
 * major M runs on any hypervisor whose major is M and minor is >= its own. */
#define KEEL_ABI_VERSION_MAJOR 1
#define KEEL_ABI_VERSION_MINOR 7
#define KEEL_ABI_VERSION \
	((KEEL_ABI_VERSION_MAJOR << 16) | KEEL_ABI_VERSION_MINOR)

/* Errors (returned negated). The values are Linux's. */
#define KEEL_EPERM      1	/* not allowed for this caller */
#define KEEL_ENOENT     2	/* no such object (a vCPU index) */
#define KEEL_ESRCH      3	/* no such domain */
#define KEEL_EBADF      9	/* bad event-channel port */
#define KEEL_EAGAIN    11	/* try again */
#define KEEL_ENOMEM    12	/* out of memory */
#define KEEL_EFAULT    14	/* a guest pointer could not be read or written */
#define KEEL_EBUSY     16	/* object in use */
#define KEEL_EEXIST    17	/* already exists / already bound */
#define KEEL_ENODEV    19	/* no such device, or it lacks the feature
				 * (ABI 1.7) */
#define KEEL_EINVAL    22	/* invalid argument */
#define KEEL_ENOSPC    28	/* no free slot (e.g. event channels) */
#define KEEL_ENOSYS    38	/* no such hypercall or sub-command */

#define KEEL_DOMID_SELF 0x7ff0

/* Hypercall numbers, from the single table: an enum for C, symbols
 * (KEEL_HC_<name>) for assembly. */
#ifdef __ASSEMBLER__
#define KEEL_HYPERCALL(nr, name, nargs, access) .equ KEEL_HC_##name, nr ;
#include "hypercalls.def"
#undef KEEL_HYPERCALL
#else
typedef uint16_t keel_domid_t;

#define KEEL_HYPERCALL(nr, name, nargs, access) KEEL_HC_##name = nr,
enum keel_hypercall_number {
#include "hypercalls.def"
	KEEL_HC_COUNT
};
#undef KEEL_HYPERCALL
#endif

/* version(cmd, arg): */
#define KEEL_VERSION_ABI      0	/* returns KEEL_ABI_VERSION */
#define KEEL_VERSION_FEATURES 1	/* returns a bitmap of KEEL_FEATURE_* */
#define KEEL_VERSION_STRING   2	/* copies a NUL-terminated version string of
				 * KEEL_VERSION_STRING_MAX bytes (NUL padded)
				 * to arg; returns 0 */
#define KEEL_VERSION_STRING_MAX 64

#define KEEL_FEATURE_PVCLOCK     (1ULL << 0)	/* pvclock time in vcpu_info */
#define KEEL_FEATURE_ONESHOT     (1ULL << 1)	/* set_timer */
#define KEEL_FEATURE_XSAVE       (1ULL << 2)	/* guest FPU state via XSAVE */
#define KEEL_FEATURE_SMP         (1ULL << 3)	/* vcpu_op up/down */

/* The ELF note that makes an ELF64 image a Keel PV kernel:
 * name "Keel", type KEEL_ELFNOTE_BOOT, description below. */
#define KEEL_ELFNOTE_NAME "Keel"
#define KEEL_ELFNOTE_BOOT 1

/* Note flags (ABI 1.2). PLACE_BY_PADDR: each PT_LOAD segment is loaded
 * at virt_base + p_paddr, whatever its p_vaddr says. Linux needs it: the
 * per-CPU segment of an SMP vmlinux has p_vaddr 0. */
#define KEEL_ELFNOTE_F_PLACE_BY_PADDR (1u << 0)
/* MAP_BOOTSTRAP (ABI 1.2): map only the bootstrap part of guest memory at
 * virt_base (the image, the initrd, the P2M, the boot FDT, the stack, the
 * page-table area and KEEL_BOOTSTRAP_FREE_PAGES of free memory). The rest
 * of guest memory is not mapped; the guest finds its frames in the P2M
 * and maps them itself. So a kernel linked at a fixed address near the
 * top of the address space (Linux, at 0xffffffff80000000) can have more
 * memory than fits above it. There is no user window: user= must be 0 or
 * not given. /keel/memory/mapped-pages says how many pages are mapped. */
#define KEEL_ELFNOTE_F_MAP_BOOTSTRAP  (1u << 1)
/* IDENTITY (ABI 1.6): the kernel understands /keel/memory/pfn-base. As
 * the hardware domain, it then gets identity-mapped memory: one run of
 * machine frames whose numbers are its pseudo-physical frame numbers
 * (page n of guest memory is frame pfn-base + n, and the M2P says so),
 * so that its drivers give devices the right bus addresses. Without the
 * flag, and for every other domain, pfn-base is 0 and page n is pfn n. */
#define KEEL_ELFNOTE_F_IDENTITY       (1u << 2)
#define KEEL_ELFNOTE_F_ALL            (KEEL_ELFNOTE_F_PLACE_BY_PADDR | \
				       KEEL_ELFNOTE_F_MAP_BOOTSTRAP | \
				       KEEL_ELFNOTE_F_IDENTITY)
/* Free memory mapped after the page-table area with MAP_BOOTSTRAP. */
#define KEEL_BOOTSTRAP_FREE_PAGES     128

#ifndef __ASSEMBLER__
struct keel_elfnote_boot {
	uint32_t abi_version;	/* KEEL_ABI_VERSION the kernel was built for */
	uint32_t flags;		/* KEEL_ELFNOTE_F_*; others must be 0 */
	uint64_t entry;		/* virtual address of the entry point */
	uint64_t virt_base;	/* virtual address of the first loaded byte's
				 * page; guest memory is mapped from here */
};
#endif

#endif
