/*
 * Attack: map another domain's frame. The victim grants us its canary
 * page read-only; we learn its machine frame number from a grant map and
 * then try to use that number directly: map it read-only or writable
 * with mmu_update and update_va_mapping, set its M2P entry, and treat it
 * as a page table to update. Each must fail with -EPERM (the frame is
 * another domain's), and the victim's canary must stay intact.
 */
#include "hostile.h"

const char test_name[] = "map_victim_frame";

void attack(void)
{
	uint64_t mfn = hostile_canary_mfn();
	void *hole = hostile_hole();
	uint64_t maddr = hostile_pte_maddr(hole);
	uint64_t e = (mfn << 12) | PTE_P | PTE_U | PTE_NX;

	printf("the victim's canary is mfn %#llx\n", (unsigned long long)mfn);
	CHECK_EQ(rt_mmu_update1(maddr, e), -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(maddr, e | PTE_W), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole, e,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole, e | PTE_W,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_pte(hole), 0);
	CHECK(rt_read_faults(hole, NULL), "the hole maps something");

	/* Instead of an existing entry: replace a mapped page of ours. */
	void *page = rt_alloc_pages(1);
	uint64_t pte = hostile_pte(page);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)page, e | PTE_W,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_pte(page), pte);

	/* Its M2P entry is the victim's to set. */
	uint64_t m2p = rt_boot.m2p[mfn];
	CHECK_EQ(rt_mmu_update1((mfn << 12) | KEEL_MMU_MACHPHYS_UPDATE, 0),
		 -KEEL_EPERM);
	CHECK_EQ(rt_boot.m2p[mfn], m2p);

	/* Its words as page-table entries: "update" one of them. */
	CHECK_EQ(rt_mmu_update1(mfn << 12, e), -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1((mfn << 12) + 8 * 100, 0), -KEEL_EPERM);

	/* The canary, read through a grant copy, is as the victim wrote it. */
	struct keel_gnttab_copy c = {
		.source = { .u = HOSTILE_GREF_CANARY,
			    .domid = (uint16_t)hostile_victim },
		.dest = { .u = hostile_scratch_mfn, .domid = KEEL_DOMID_SELF },
		.len = 4096,
		.flags = KEEL_GNTCOPY_source_gref,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, 0);
	for (unsigned int i = 0; i < 512; i++)
		if (hostile_scratch[i] != hostile_canary_word(i)) {
			CHECK(false, "canary word %u is %#llx", i,
			      (unsigned long long)hostile_scratch[i]);
			break;
		}
}
