/*
 * Attack: pull a page table out from under the CPU. Unpinning the kernel
 * root or the user root while they are the vCPU's base pointers, or a
 * pinned L1 while an L2 still links it, must fail with -EBUSY; unpinning
 * a table that was never pinned, pinning one twice, or loading frame 0
 * as the kernel root must fail with -EINVAL; loading a data page or an
 * L3 as a root must fail with -EBUSY. The tables keep working.
 */
#include "hostile.h"

const char test_name[] = "unpin_in_use";

#define LINK (PTE_P | PTE_W | PTE_U)

void attack(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t uroot = rt_boot.user_root_mfn;
	const uint64_t *l4 = rt_mfn_to_va(kroot);
	uint64_t l3 = (l4[511] & PTE_ADDR) >> 12;

	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, kroot, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, uroot, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, l3, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L4_TABLE, kroot, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L3_TABLE, kroot, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, 0, 0), -KEEL_EINVAL);

	void *data = rt_alloc_pages(1);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, rt_va_to_mfn(data), 0),
		 -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, rt_va_to_mfn(data),
			    0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, l3, 0), -KEEL_EBUSY);

	/* A pinned L1 that an L2 links: busy until unlinked. */
	uint64_t *t = rt_alloc_pages(1);
	uint64_t t_mfn = rt_va_to_mfn(t);
	hostile_make_readonly(t);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t_mfn, 0), 0);
	uint64_t va = 0x0c800000ULL;	/* 2 MiB slot by the user window */
	uint64_t l2_slot = rt_pte_maddr(kroot, va, 2);
	CHECK(l2_slot != 0, "no L2 by the user window");
	CHECK_EQ(rt_mmu_update1(l2_slot, (t_mfn << 12) | LINK), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(hostile_decrease(t_mfn), -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1(l2_slot, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t_mfn, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t_mfn, 0), -KEEL_EINVAL);
	hostile_make_writable(t);

	/* Still running on the same, intact tables. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	CHECK_EQ(l4[511] & PTE_ADDR, l3 << 12);
	printf("roots and linked tables stayed pinned\n");
}
