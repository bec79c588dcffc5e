/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * How the hypervisor enters the guest kernel: trap table, callbacks, the
 * bounce frame, and the iret hypercall's frame.
 */
#ifndef KEEL_PUBLIC_CALLBACKS_H
#define KEEL_PUBLIC_CALLBACKS_H

#include "keel.h"

/* The selectors a guest sees in frames. Both are ring-3 code segments;
 * which one a frame holds says whether the interrupted code ran in guest
 * kernel or guest user mode. */
#define KEEL_GUEST_KERNEL_CS 0x3b
#define KEEL_GUEST_USER_CS   0x2b
#define KEEL_GUEST_DS        0x23

#ifndef __ASSEMBLER__
/* set_trap_table(table, count): replace the domain's virtual trap table
 * (shared by all its vCPUs) with `count` entries (0 clears it, at most
 * 256). An exception whose vector has no entry crashes the domain. */
struct keel_trap_info {
	uint8_t vector;		/* 0-255 */
	uint8_t flags;		/* KEEL_TRAP_* */
	uint16_t pad0;
	uint32_t pad1;
	uint64_t address;	/* guest kernel virtual address of the handler */
};
#define KEEL_TRAP_USER_INT (1u << 0)	/* guest code may raise it with `int n`
					 * (as a DPL-3 gate would allow) */
#define KEEL_TRAP_TABLE_MAX 256

/* set_callbacks(callbacks): the domain's entry points for events, for
 * guest system calls, and for the failsafe path (a bad iret frame). All
 * three are replaced; 0 means none. */
struct keel_callbacks {
	uint64_t event;		/* upcall: events pending, vcpu_info says which */
	uint64_t syscall;	/* `syscall` executed in guest user mode */
	uint64_t failsafe;	/* iret hypercall given a frame it refused */
};

/*
 * The bounce frame. To deliver an exception, an upcall or a guest system
 * call, the hypervisor switches the vCPU to guest kernel mode, pushes this
 * frame on the guest kernel stack, and starts the handler with RSP
 * pointing at it. The stack is the one given to stack_switch when the
 * vCPU was in user mode, or the current RSP (aligned down to 16 bytes)
 * when it was in kernel mode. All general registers hold the interrupted
 * context's values, except for guest system calls, where rcx and r11 hold
 * the user's rip and rflags as the syscall instruction leaves them.
 * Events are masked (evtchn_upcall_mask = 1) on entry.
 *
 * If the frame cannot be written (bad stack), the domain is crashed.
 */
struct keel_trap_frame {
	uint64_t error_code;	/* 0 for vectors without one */
	uint64_t rip;
	uint64_t cs;		/* KEEL_GUEST_KERNEL_CS or KEEL_GUEST_USER_CS */
	uint64_t rflags;	/* IF is the inverse of the upcall mask */
	uint64_t rsp;
	uint64_t ss;
};

/*
 * iret(): return from a handler. On entry RSP must point at this frame,
 * on the guest kernel stack; the hypervisor restores rax, r11 and rcx
 * from it (the hypercall itself clobbers them), returns to rip/rsp, to
 * user mode when cs is KEEL_GUEST_USER_CS, and sets the upcall mask from
 * the IF bit of rflags. IOPL and VM in rflags are ignored (NT is kept,
 * since ABI 1.2); IF is always set in the real rflags. A frame that
 * cannot be read, or names a non-canonical or hypervisor rip/rsp, goes
 * to the failsafe callback (or crashes the domain when none is set).
 *
 * The usual epilogue, from a struct keel_trap_frame at RSP:
 *     add $8, %rsp          (drop error_code)
 *     push $0               (flags)
 *     push %rcx ; push %r11 ; push %rax
 *     mov $KEEL_HC_iret, %eax ; syscall
 */
struct keel_iret_frame {
	uint64_t rax;
	uint64_t r11;
	uint64_t rcx;
	uint64_t flags;		/* none defined; must be 0 */
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

#endif /* !__ASSEMBLER__ */

/* stack_switch(kernel_sp): the guest kernel stack used when a bounce
 * arrives while the vCPU is in user mode. */

/* set_segment_base(which, base): */
#define KEEL_SEGBASE_FS        0	/* FS base, both modes */
#define KEEL_SEGBASE_GS_KERNEL 1	/* GS base while in guest kernel mode */
#define KEEL_SEGBASE_GS_USER   2	/* GS base while in guest user mode */

/* fpu_taskswitch(set): 1 makes the next FPU/SSE/AVX instruction raise
 * #NM (bounced to the guest, which clears the state again); 0 clears it. */

#endif
