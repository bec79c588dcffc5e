/*
 * Attack: keep using a frame after giving it back. We unmap one of our
 * pages, give its frame back with decrease_reservation, and then try to
 * map it again (read-only or writable, with mmu_update and
 * update_va_mapping), pin it, load it as a root, set its M2P entry, copy
 * into it, or give it back a second time: each must fail with -EINVAL,
 * since it no longer belongs to any guest. The old address faults.
 */
#include "hostile.h"

const char test_name[] = "map_freed_frame";

void attack(void)
{
	uint64_t *p = rt_alloc_pages(1);
	uint64_t mfn = rt_va_to_mfn(p);
	uint64_t pte = hostile_pte(p);
	uint64_t slot = hostile_pte_maddr(p);
	long pages = keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					      KEEL_DOMID_SELF);

	p[0] = 0xdeadbeef;
	CHECK_EQ(hostile_decrease(mfn), -KEEL_EBUSY);	/* still mapped */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, 0,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(hostile_decrease(mfn), 1);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), pages - 1);
	CHECK_EQ(rt_boot.m2p[mfn], KEEL_M2P_INVALID);

	CHECK_EQ(rt_mmu_update1(slot, pte), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(slot, pte & ~PTE_W), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, pte,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, pte & ~PTE_W,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EINVAL);
	for (uint32_t cmd = KEEL_MMUEXT_PIN_L1_TABLE;
	     cmd <= KEEL_MMUEXT_PIN_L4_TABLE; cmd++)
		CHECK_EQ(rt_mmuext1(cmd, mfn, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, mfn, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, mfn, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1((mfn << 12) | KEEL_MMU_MACHPHYS_UPDATE, 1),
		 -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(mfn << 12, 0), -KEEL_EINVAL);
	CHECK_EQ(hostile_decrease(mfn), -KEEL_EINVAL);
	struct keel_gnttab_copy c = {
		.source = { .u = hostile_scratch_mfn,
			    .domid = KEEL_DOMID_SELF },
		.dest = { .u = mfn, .domid = KEEL_DOMID_SELF },
		.len = 8,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_EINVAL);
	CHECK_EQ(hostile_pte(p), 0);
	CHECK(rt_read_faults(p, NULL), "the old address still maps something");

	/* Twice in one batch: the first goes, the second is refused. */
	uint64_t *q = rt_alloc_pages(1);
	uint64_t q_mfn = rt_va_to_mfn(q);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)q, 0,
						  KEEL_UVMF_INVLPG), 0);
	uint64_t twice[2] = { q_mfn, q_mfn };
	struct keel_memory_reservation r = {
		.extent_start = (uint64_t)twice, .nr_extents = 2,
		.domid = KEEL_DOMID_SELF,
	};
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_decrease_reservation,
					  (unsigned long)&r), 1);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), pages - 2);
}
