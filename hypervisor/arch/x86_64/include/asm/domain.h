/* The x86-64 part of domains and vCPUs. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <types.h>

struct arch_vcpu {
	uint64_t kernel_sp;		/* stack_switch */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
	void *fpu_state;		/* XSAVE (or FXSAVE) area, 64-byte aligned */
};

struct arch_domain {
	paddr_t kernel_root;		/* page-table root in guest kernel mode */
	paddr_t user_root;		/* ... in guest user mode */
	paddr_t *pt_frames;		/* every page-table frame, to free */
	unsigned int nr_pt_frames;
	unsigned int max_pt_frames;
	uint64_t shared_info_vaddr;	/* guest kernel address */
	uint64_t user_window_vaddr;	/* guest user address of the window */
	uint64_t user_window_kernel_vaddr;
	uint64_t user_window_size;
};

#endif
