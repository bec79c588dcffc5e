/*
 * Attack: keep a grant mapping alive in a page table that is no longer a
 * page table. The attacker maps the victim's canary (read-only) into an
 * L1 of its own, then unlinks that L1, so that Keel devalidates it with
 * the grant entry still inside. Must happen: the entry cannot be
 * overwritten by mmu_update (-EPERM); the L1 cannot be pinned again while
 * it holds the entry (-EPERM), nor can an L2 above it; unmap still works
 * after the unlink. Then the same with a pinned L1 that is unlinked and
 * unpinned, and the attacker exits with the grant still mapped: domain
 * destroy must drop the mapping's references (no frame leaks).
 */
#include "hostile.h"

const char test_name[] = "grant_in_unlinked_l1";

#define VA   0x40000000ULL

void attack(void)
{
	uint16_t v = (uint16_t)hostile_victim;
	uint32_t handle, h2;
	uint64_t mfn;

	struct hostile_tables t = hostile_link_tables(VA);

	/* Round 1: unpinned L1; map, unlink (devalidate), re-pin fails. */
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, VA,
				   KEEL_GNTMAP_readonly, &handle, &mfn), 0);
	CHECK_EQ(*(volatile uint64_t *)VA, hostile_canary_word(0));
	CHECK_EQ(rt_mmu_update1(t.l1_mfn << 12, 0), -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(t.l3_slot, 0), 0);
	long pin = rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t.l1_mfn, 0);
	printf("re-pin L1 still holding the grant entry: %ld\n", pin);
	CHECK_EQ(pin, -KEEL_EPERM);
	CHECK_EQ(hostile_unmap_grant(VA, handle), 0);
	/* The old entry is plain data in the L1 now. */
	hostile_make_writable(t.l1);
	printf("old entry in the unlinked L1: %#llx\n",
	       (unsigned long long)t.l1[0]);
	t.l1[0] = 0;
	hostile_make_readonly(t.l1);

	/* Round 2: pinned L1, map, unlink, exit without unmapping. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t.l1_mfn, 0), 0);
	CHECK_EQ(rt_mmu_update1(t.l3_slot, (t.l2_mfn << 12) | HOSTILE_LINK), 0);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, VA,
				   KEEL_GNTMAP_readonly, &h2, &mfn), 0);
	CHECK_EQ(rt_mmu_update1(t.l3_slot, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t.l1_mfn, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t.l1_mfn, 0),
		 -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L2_TABLE, t.l2_mfn, 0),
		 -KEEL_EPERM);
	printf("exiting with the grant still mapped (handle %u)\n", h2);
}
