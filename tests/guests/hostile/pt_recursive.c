/*
 * Attack: self-referencing entries in our live page tables, the classic
 * way to get a writable view of the tables ("linear page tables"): an L4
 * entry pointing at the L4 itself, or at the other root; an L3 entry
 * pointing at the L4; an L2 entry pointing at itself; an L1 entry
 * mapping its own L1 writable. Each must fail with -EBUSY (the frame
 * already has another page-table type). An L1 mapping itself read-only
 * is harmless and allowed, but a store through it faults (#PF).
 */
#include "hostile.h"

const char test_name[] = "pt_recursive";

#define LINK (PTE_P | PTE_W | PTE_U)

void attack(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t uroot = rt_boot.user_root_mfn;
	const uint64_t *l4 = rt_mfn_to_va(kroot);

	/* L4 -> itself, through an empty guest slot and the slot in use. */
	CHECK_EQ(rt_mmu_update1((kroot << 12) + 300 * 8, (kroot << 12) | LINK),
		 -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1((kroot << 12) + 300 * 8,
				(kroot << 12) | PTE_P | PTE_U), -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1((kroot << 12) + 511 * 8, (kroot << 12) | LINK),
		 -KEEL_EBUSY);
	/* L4 -> the other root, as if it were an L3. */
	CHECK_EQ(rt_mmu_update1((kroot << 12) + 300 * 8, (uroot << 12) | LINK),
		 -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1((uroot << 12) + 300 * 8, (kroot << 12) | LINK),
		 -KEEL_EBUSY);
	CHECK_EQ(l4[300], 0);

	/* L3 -> the L4, as if it were an L2 (slot 1 of the L3 behind the
	 * user window: 1 GiB, unused). */
	uint64_t l3_slot = rt_pte_maddr(kroot, 0x40000000ULL, 3);
	CHECK(l3_slot != 0, "no L3 for the low 512 GiB");
	CHECK_EQ(rt_pte_read(kroot, 0x40000000ULL, 3), 0);
	CHECK_EQ(rt_mmu_update1(l3_slot, (kroot << 12) | LINK), -KEEL_EBUSY);
	/* L3 -> itself. */
	CHECK_EQ(rt_mmu_update1(l3_slot, (l3_slot & ~4095ULL) | LINK),
		 -KEEL_EBUSY);

	/* L2 -> itself (an unused 2 MiB slot next to the user window). */
	uint64_t va2 = 0x0c800000ULL;
	uint64_t l2_slot = rt_pte_maddr(kroot, va2, 2);
	CHECK(l2_slot != 0, "no L2 for the user window");
	CHECK_EQ(rt_pte_read(kroot, va2, 2), 0);
	CHECK_EQ(rt_mmu_update1(l2_slot, (l2_slot & ~4095ULL) | LINK),
		 -KEEL_EBUSY);
	/* L2 -> the L3 above it. */
	CHECK_EQ(rt_mmu_update1(l2_slot, (l3_slot & ~4095ULL) | LINK),
		 -KEEL_EBUSY);
	CHECK_EQ(rt_pte_read(kroot, va2, 2), 0);

	/* L1 -> itself, writable: refused; read-only: allowed, and then a
	 * store through it faults. */
	uint64_t *hole = hostile_hole();
	uint64_t l1_slot = hostile_pte_maddr(hole);
	uint64_t l1 = l1_slot >> 12;
	CHECK_EQ(rt_mmu_update1(l1_slot, (l1 << 12) | PTE_P | PTE_W | PTE_U),
		 -KEEL_EBUSY);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole,
						  (l1 << 12) | PTE_P | PTE_W |
						  PTE_U, KEEL_UVMF_INVLPG),
		 -KEEL_EBUSY);
	CHECK_EQ(hostile_pte(hole), 0);
	CHECK_EQ(rt_mmu_update1(l1_slot, (l1 << 12) | PTE_P | PTE_U), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_LOCAL, (uint64_t)hole, 0), 0);
	unsigned int index = (l1_slot & 4095) / 8;
	uint64_t seen = 0;
	CHECK(!rt_read_faults(&hole[index], &seen), "self-map unreadable");
	CHECK_EQ(seen & ~(PTE_A | PTE_D), (l1 << 12) | PTE_P | PTE_U);
	CHECK(rt_write_faults(&hole[index], seen | PTE_W),
	      "the L1 is writable through itself");
	CHECK_PF(&hole[index], PF_PRESENT | PF_WRITE);
	CHECK_EQ(rt_mmu_update1(l1_slot, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_LOCAL, (uint64_t)hole, 0), 0);
	printf("self-references refused; the read-only self-map stays "
	       "read-only\n");
}
