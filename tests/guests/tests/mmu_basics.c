/* Direct paging, the basics: the boot page tables are the guest's and
 * read-only to it; mmu_update and update_va_mapping change them; a new
 * table is pinned, linked, used and released; the M2P window is readable
 * and not writable. */
#include "keeltest.h"

const char test_name[] = "mmu_basics";

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_NX (1ULL << 63)

static bool write_faults(volatile uint64_t *p)
{
	uint64_t old = 0;
	bool unreadable = rt_read_faults(p, &old);

	/* Write back what is there, so a writable page is left unchanged. */
	return rt_write_faults(p, old) && (unreadable || rt_last_trap.vector == 14);
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;

	/* The M2P window agrees with the P2M. */
	uint64_t *page = rt_alloc_pages(1);
	uint64_t mfn = rt_va_to_mfn(page);
	CHECK(mfn != 0, "no MFN for a guest page");
	CHECK_EQ((uint64_t)rt_mfn_to_va(mfn), (uint64_t)page);
	CHECK(write_faults((volatile uint64_t *)(uintptr_t)&rt_boot.m2p[mfn]),
	      "the M2P window is writable");

	/* Boot page tables: mapped, read-only. */
	volatile uint64_t *l4 = rt_mfn_to_va(kroot);
	CHECK(l4 != NULL, "kernel root not in guest memory");
	CHECK(write_faults(l4), "the kernel root is writable");

	/* update_va_mapping: remap the page read-only, then back. */
	uint64_t pte = rt_pte_read(kroot, (uint64_t)page, 1);
	CHECK_EQ(pte & 0x000ffffffffff000ULL, mfn << 12);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)page,
						  pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
	CHECK(write_faults(page), "read-only remap still writable");
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)page, pte,
						  KEEL_UVMF_INVLPG), 0);
	page[0] = 42;
	CHECK_EQ(page[0], 42);

	/* mmu_update: move a second page's frame under the first page's
	 * address and back; the M2P update too. */
	uint64_t *other = rt_alloc_pages(1);
	other[0] = 0x1234;
	uint64_t ptr = rt_pte_maddr(kroot, (uint64_t)page, 1);
	CHECK_EQ(rt_mmu_update1(ptr, (rt_va_to_mfn(other) << 12) | PTE_P |
				PTE_W | PTE_U | PTE_NX), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_LOCAL, (uint64_t)page, 0), 0);
	CHECK_EQ(page[0], 0x1234);
	CHECK_EQ(rt_mmu_update1(ptr, pte), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	CHECK_EQ(page[0], 42);
	uint64_t pfn = rt_boot.m2p[mfn];
	CHECK_EQ(rt_mmu_update1((mfn << 12) | KEEL_MMU_MACHPHYS_UPDATE, 7), 0);
	CHECK_EQ(rt_boot.m2p[mfn], 7);
	CHECK_EQ(rt_mmu_update1((mfn << 12) | KEEL_MMU_MACHPHYS_UPDATE, pfn), 0);

	/* A new L1: unmap a free page from the kernel map, make it a table,
	 * pin it, link it into an empty L2 slot, map a page through it. */
	uint64_t *t = rt_alloc_pages(1);
	uint64_t t_mfn = rt_va_to_mfn(t);
	uint64_t data_mfn = rt_va_to_mfn(other);
	t[0] = (data_mfn << 12) | PTE_P | PTE_W | PTE_U;
	uint64_t t_pte = rt_pte_read(kroot, (uint64_t)t, 1);
	/* Pinning while it is still mapped writable fails ... */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t_mfn, 0), -KEEL_EBUSY);
	/* ... read-only, it works. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)t, t_pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t_mfn, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t_mfn, 0), -KEEL_EINVAL);
	/* Now it cannot be made writable again. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)t, t_pte,
						  KEEL_UVMF_INVLPG), -KEEL_EBUSY);

	/* Link it at a 2 MiB-aligned address no L2 entry covers yet. */
	uint64_t va = 0x40000000ULL;	/* 1 GiB */
	uint64_t l3e = rt_pte_read(kroot, va, 3);
	CHECK(!(l3e & PTE_P), "1 GiB already mapped");
	/* Needs an L2 too: build it the same way. */
	uint64_t *l2 = rt_alloc_pages(1);
	uint64_t l2_mfn = rt_va_to_mfn(l2);
	l2[0] = (t_mfn << 12) | PTE_P | PTE_W | PTE_U;
	CHECK_EQ(keel_hypercall_update_va_mapping(
			 (uint64_t)l2, rt_pte_read(kroot, (uint64_t)l2, 1) & ~PTE_W,
			 KEEL_UVMF_INVLPG), 0);
	uint64_t l3_slot = rt_pte_maddr(kroot, va, 3);
	CHECK(l3_slot != 0, "no L3 for 1 GiB");
	CHECK_EQ(rt_mmu_update1(l3_slot, (l2_mfn << 12) | PTE_P | PTE_W | PTE_U),
		 0);
	volatile uint64_t *through = (volatile uint64_t *)va;
	CHECK_EQ(*through, 0x1234);
	*through = 0x5678;
	CHECK_EQ(other[0], 0x5678);

	/* Unpinning while linked: refused. Unlink, then unpin. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1(l3_slot, 0), 0);
	CHECK(write_faults(through), "unlinked mapping still usable");
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t_mfn, 0), 0);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)t, t_pte,
						  KEEL_UVMF_INVLPG), 0);
	t[0] = 0;
	printf("pinned, linked, used and released an L2+L1 pair\n");
}
