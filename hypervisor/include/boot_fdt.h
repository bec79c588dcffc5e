/* The boot device tree a PV guest receives in RSI (common/boot_fdt.c);
 * every node and property is listed in hypercall-abi/docs/pv-boot-protocol.md. */
#ifndef KEEL_BOOT_FDT_H
#define KEEL_BOOT_FDT_H

#include <range.h>
#include <types.h>

struct boot_fdt_info {
	uint32_t domid;
	const char *name;
	bool privileged;
	uint32_t nr_vcpus;
	const char *cmdline;
	uint64_t nr_pages;
	uint64_t pfn_base;		/* pseudo-physical frame of page 0 */
	/* With pfn_base: the machine's RAM that is not the domain's, as
	 * [start, end) byte ranges ("other-ram"); NULL for none. */
	const struct range *other_ram;
	unsigned int nr_other_ram;
	uint64_t mapped_pages;		/* at virt_base: all, or the bootstrap */
	uint64_t max_pages;		/* memory_op limit */
	uint64_t m2p_vaddr;		/* the read-only M2P window */
	uint64_t m2p_entries;
	uint64_t kernel_root_mfn;	/* the initial roots, pinned */
	uint64_t user_root_mfn;
	uint64_t page_tables_vaddr;	/* the initial page tables */
	uint64_t page_tables_pages;
	uint64_t virt_base;
	uint64_t kernel_end;		/* first address past the image */
	uint64_t initrd_vaddr;		/* 0: no initrd */
	uint64_t initrd_size;		/* bytes */
	uint64_t p2m_vaddr;
	uint64_t fdt_vaddr;
	uint64_t stack_top;
	uint64_t free_vaddr;		/* first free page */
	uint64_t free_end;		/* end of free memory (user window) */
	uint64_t shared_info_vaddr;
	uint64_t shared_info_mfn;
	uint64_t user_window_vaddr;
	uint64_t user_window_kernel_vaddr;
	uint64_t user_window_size;
	/* The PV console (ABI 1.5): console_vaddr 0 for none. */
	uint64_t console_vaddr;
	uint32_t console_backend;
	uint32_t console_port;
	uint32_t console_grant_ref;
};

/* Build the tree into @buf. Returns its size, or a negative errno. */
int boot_fdt_build(void *buf, size_t size, const struct boot_fdt_info *info);

#endif
