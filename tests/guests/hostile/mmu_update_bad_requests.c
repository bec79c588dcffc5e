/*
 * Attack: malformed mmu_update and mmuext_op requests. A page-table
 * pointer that is not 8-byte aligned, or with an unknown command in its
 * low bits, fails with -EINVAL; so does one into a frame of nobody. One
 * into a frame of ours that is not a page table (a data page, the
 * shared-info page) writes ordinary memory (ABI 1.2) and changes no
 * mapping. Acting for another domain (foreign_domid) fails with -EPERM,
 * more requests than the maximum with -EINVAL, an unknown mmuext command
 * with -ENOSYS, and non-zero padding with -EINVAL. Nothing changes.
 */
#include "hostile.h"

const char test_name[] = "mmu_update_bad_requests";

void attack(void)
{
	void *page = rt_alloc_pages(1);
	uint64_t pte = hostile_pte(page);
	uint64_t slot = hostile_pte_maddr(page);
	uint64_t data = rt_va_to_mfn(page);
	uint64_t shinfo = (hostile_pte(rt_boot.shared_info) & PTE_ADDR) >> 12;
	struct keel_mmu_update req = { .ptr = slot, .val = pte };
	struct keel_mmuext_op op = { .cmd = KEEL_MMUEXT_TLB_FLUSH_LOCAL };

	CHECK_EQ(rt_mmu_update1(slot | 4, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(slot | 6, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(slot | 3, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(slot | 7, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1((data << 12) + 64, 0), 0);
	uint64_t last = ((volatile uint64_t *)rt_boot.shared_info)[511];
	CHECK_EQ(rt_mmu_update1((shinfo << 12) + 4088, last), 0);
	CHECK_EQ(rt_mmu_update1(0x200000, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(0, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(~7ULL, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(0x200000 | KEEL_MMU_MACHPHYS_UPDATE, 0),
		 -KEEL_EINVAL);
	CHECK_EQ(hostile_pte(page), pte);

	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&req, 1, 0,
					   hostile_victim), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&req, 1, 0, 0x7fff),
		 -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&req,
					   KEEL_MMU_UPDATE_MAX + 1, 0,
					   KEEL_DOMID_SELF), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&req, ~0UL, 0,
					   KEEL_DOMID_SELF), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)&op, 1, 0,
					  hostile_victim), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)&op,
					  KEEL_MMUEXT_OP_MAX + 1, 0,
					  KEEL_DOMID_SELF), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(13, 0, 0), -KEEL_ENOSYS);
	CHECK_EQ(rt_mmuext1(0xffffffff, 0, 0), -KEEL_ENOSYS);
	op.pad = 1;
	CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)&op, 1, 0,
					  KEEL_DOMID_SELF), -KEEL_EINVAL);
	op = (struct keel_mmuext_op){ .cmd = KEEL_MMUEXT_PIN_L1_TABLE,
				      .pad = 0xffffffff, .arg1 = data };
	CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)&op, 1, 0,
					  KEEL_DOMID_SELF), -KEEL_EINVAL);
	CHECK_EQ(hostile_pte(page), pte);
}
