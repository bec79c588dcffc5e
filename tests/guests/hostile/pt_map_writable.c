/*
 * Attack: get a writable mapping of one of our own page-table frames, so
 * as to edit the tables behind Keel's back. Turning the read-only mapping
 * of the page-table area writable (update_va_mapping, or mmu_update on
 * its L1 entry), or mapping the kernel root, the user root or an L1
 * writable at a spare address, must each fail with -EBUSY (the frame has
 * a page-table type, so it cannot also have the writable type), and the
 * entries must stay as they were.
 */
#include "hostile.h"

const char test_name[] = "pt_map_writable";

void attack(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t pt_va = rt_boot.page_tables_vaddr;
	uint64_t pte = hostile_pte((void *)pt_va);
	uint64_t pte_maddr = hostile_pte_maddr((void *)pt_va);

	CHECK(!(pte & PTE_W), "the page-table area is mapped writable");
	CHECK_EQ(pte & PTE_ADDR, kroot << 12);

	/* In place: the area's own mapping made writable. */
	CHECK_EQ(keel_hypercall_update_va_mapping(pt_va, pte | PTE_W,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1(pte_maddr, pte | PTE_W), -KEEL_EBUSY);
	CHECK_EQ(hostile_pte((void *)pt_va), pte);

	/* At a spare address: the roots and the L1 of the area. */
	void *hole = hostile_hole();
	uint64_t hole_maddr = hostile_pte_maddr(hole);
	uint64_t l1 = pte_maddr >> 12;
	const uint64_t targets[] = { kroot, rt_boot.user_root_mfn, l1 };

	for (unsigned int i = 0; i < 3; i++) {
		uint64_t e = (targets[i] << 12) | PTE_P | PTE_W | PTE_U;

		CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole, e,
							  KEEL_UVMF_INVLPG),
			 -KEEL_EBUSY);
		CHECK_EQ(rt_mmu_update1(hole_maddr, e), -KEEL_EBUSY);
		/* The same with NX and the dirty bit: still a write mapping. */
		CHECK_EQ(rt_mmu_update1(hole_maddr, e | PTE_NX | PTE_D | PTE_A),
			 -KEEL_EBUSY);
		CHECK_EQ(hostile_pte(hole), 0);
		printf("table frame %#llx: writable mapping refused\n",
		       (unsigned long long)targets[i]);
	}

	/* A batch whose second request is the bad one: the first is done,
	 * the second refused, and the count says so. */
	uint64_t done = ~0ULL;
	void *page = rt_alloc_pages(1);
	uint64_t page_pte = hostile_pte(page);
	struct keel_mmu_update reqs[2] = {
		{ .ptr = hole_maddr, .val = page_pte & ~PTE_W },
		{ .ptr = hostile_pte_maddr(page),
		  .val = (kroot << 12) | PTE_P | PTE_W | PTE_U },
	};
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)reqs, 2,
					   (unsigned long)&done,
					   KEEL_DOMID_SELF), -KEEL_EBUSY);
	CHECK_EQ(done, 1);
	CHECK_EQ(hostile_pte(page), page_pte);
	CHECK_EQ(hostile_pte(hole), page_pte & ~PTE_W);
	CHECK_EQ(rt_mmu_update1(hole_maddr, 0), 0);
}
