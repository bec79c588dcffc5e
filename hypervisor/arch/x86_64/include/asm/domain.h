/* The x86-64 part of domains and vCPUs. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <types.h>

struct arch_vcpu {
	uint64_t kernel_sp;		/* stack_switch */
	/* Where a bounce from user mode puts its struct keel_trap_frame,
	 * below kernel_sp; 0 when that is not guest memory Keel may write
	 * (pv_set_kernel_sp()). pv/entry.S's fast bounce reads this; the C
	 * one works it out again from kernel_sp. */
	uint64_t user_trap_frame;
	/* The segment bases. fs_base is what set_segment_base last said,
	 * and pv_load_context() loads it. The GS bases are as of the last
	 * pv_save_context() or set_segment_base: while the vCPU runs they
	 * are in the MSRs instead, GS_BASE with the current mode's and
	 * KERNEL_GS_BASE with the other mode's, so that a mode switch is
	 * one swapgs (Keel itself never uses GS), and a GS selector load of
	 * the guest's changes them there, as it would natively. */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
	void *fpu_state;		/* XSAVE (or FXSAVE) area, 64-byte aligned */
	/* A vCPU of the hardware domain: in guest kernel mode (never in
	 * user mode) it runs with the I/O bitmap (asm/io_bitmap.h). Fixed
	 * at creation. */
	bool io_ports;
	/* Page-table roots (MFNs of validated L4s, each holding a reference
	 * and an L4 type reference), or 0: in guest kernel mode, and in
	 * guest user mode (MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR). */
	uint64_t kernel_root;
	uint64_t user_root;
};

struct arch_domain {
	uint64_t shared_info_vaddr;	/* guest kernel address */
	uint64_t user_window_vaddr;	/* guest user address of the window */
	uint64_t user_window_kernel_vaddr;
	uint64_t user_window_size;
};

#endif
