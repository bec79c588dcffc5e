/*
 * Attack: tamper with the page-table entry of a grant mapping. We map the
 * victim's canary read-only and then try to make that entry writable,
 * clear it, or copy it elsewhere, with mmu_update and update_va_mapping:
 * each must fail with -EPERM (only grant unmap may remove it), and a
 * store through it faults (#PF). Then the long way round: unlink the L1
 * that holds it, edit the entry to writable while the L1 is plain memory,
 * and link it back: validation must refuse with -EPERM.
 */
#include "hostile.h"

const char test_name[] = "grant_pte_tamper";

#define VA   0x40000000ULL

void attack(void)
{
	uint16_t v = (uint16_t)hostile_victim;
	uint64_t *hole = hostile_hole();
	uint64_t *other = hostile_hole();
	void *page = rt_alloc_pages(1);
	uint32_t handle;
	uint64_t mfn;

	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, (uint64_t)hole,
				   KEEL_GNTMAP_readonly, &handle, &mfn), 0);
	uint64_t pte = hostile_pte(hole);
	uint64_t slot = hostile_pte_maddr(hole);
	CHECK_EQ(pte & PTE_ADDR, mfn << 12);
	CHECK(!(pte & PTE_W), "read-only grant mapped writable");

	CHECK_EQ(rt_mmu_update1(slot, pte | PTE_W), -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(slot, 0), -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(slot, hostile_pte(page)), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole, pte | PTE_W,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole, 0,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EPERM);
	/* The same entry at another address: the frame is not ours. */
	CHECK_EQ(rt_mmu_update1(hostile_pte_maddr(other), pte), -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(hostile_pte_maddr(other), pte | PTE_W),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_pte(hole), pte);
	CHECK(rt_write_faults(&hole[1], 0), "the canary is writable");
	CHECK_PF(&hole[1], PF_PRESENT | PF_WRITE);
	CHECK_EQ(hole[1], hostile_canary_word(1));
	CHECK_EQ(hostile_unmap_grant((uint64_t)hole, handle), 0);

	/* The long way: a grant mapping in an L1 of our own at 1 GiB. */
	struct hostile_tables t = hostile_link_tables(VA);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, VA,
				   KEEL_GNTMAP_readonly, &handle, NULL), 0);
	CHECK_EQ(*(volatile uint64_t *)VA, hostile_canary_word(0));

	/* Unlink the L2 (and with it the L1): both become plain pages. */
	CHECK_EQ(rt_mmu_update1(t.l3_slot, 0), 0);
	hostile_make_writable(t.l1);
	uint64_t e = t.l1[0];
	CHECK_EQ(e & PTE_ADDR, mfn << 12);
	t.l1[0] = e | PTE_W;
	hostile_make_readonly(t.l1);
	CHECK_EQ(rt_mmu_update1(t.l3_slot, (t.l2_mfn << 12) | HOSTILE_LINK),
		 -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t.l1_mfn, 0),
		 -KEEL_EPERM);
	/* Put back as Keel wrote it: still not ours to validate. */
	hostile_make_writable(t.l1);
	t.l1[0] = e;
	hostile_make_readonly(t.l1);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t.l1_mfn, 0),
		 -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(t.l3_slot, (t.l2_mfn << 12) | HOSTILE_LINK),
		 -KEEL_EPERM);
	CHECK(rt_read_faults((uint64_t *)VA, NULL), "1 GiB still mapped");

	/* Clean up: drop the entry, the grant, the tables. */
	hostile_make_writable(t.l1);
	t.l1[0] = 0;
	CHECK_EQ(hostile_unmap_grant(VA, handle), 0);
	hostile_make_writable(t.l2);
	printf("grant mapping entries stayed Keel's\n");
}
