/*
 * Attack: hold on to a grant mapping while the granter goes away, then
 * keep using the grant. We map the victim's canary read-only and let the
 * victim finish and be destroyed. The mapped page must stay alive and
 * unchanged until we unmap it (it is not freed under us); mapping or
 * copying from the dead domain must fail with -ESRCH; the entry still
 * cannot be edited (-EPERM); and after our unmap the page is freed (the
 * runner's frame count must balance).
 */
#include "hostile.h"

const char test_name[] = "grant_after_granter_exit";

void attack(void)
{
	uint16_t v = (uint16_t)hostile_victim;
	uint64_t *hole = hostile_hole();
	uint64_t *hole2 = hostile_hole();
	uint32_t handle;
	uint64_t mfn;

	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, (uint64_t)hole,
				   KEEL_GNTMAP_readonly, &handle, &mfn), 0);
	hostile_done();
	if (!hostile_wait_victim_gone(60 * 1000000000ULL)) {
		CHECK(false, "the victim's domain never went away");
		return;
	}
	printf("the victim is gone; its canary (mfn %#llx) is still mapped\n",
	       (unsigned long long)mfn);

	unsigned int bad = 0;
	for (unsigned int i = 0; i < 512; i++)
		bad += hole[i] != hostile_canary_word(i);
	CHECK(bad == 0, "%u canary words changed after the victim died", bad);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, (uint64_t)hole2,
				   KEEL_GNTMAP_readonly, NULL, NULL),
		 -KEEL_ESRCH);
	struct keel_gnttab_copy c = {
		.source = { .u = HOSTILE_GREF_CANARY, .domid = v },
		.dest = { .u = hostile_scratch_mfn, .domid = KEEL_DOMID_SELF },
		.len = 8, .flags = KEEL_GNTCOPY_source_gref,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_ESRCH);
	/* The frame still belongs to the dead domain, not to us. */
	CHECK_EQ(rt_mmu_update1(hostile_pte_maddr(hole), 0), -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(hostile_pte_maddr(hole2),
				(mfn << 12) | PTE_P | PTE_U), -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, mfn, 0), -KEEL_EPERM);
	CHECK_EQ(hostile_decrease(mfn), -KEEL_EPERM);
	/* Its event channel is gone: nobody to send to. */
	struct keel_evtchn_bind_interdomain b = { .remote_dom = v,
						  .remote_port = 2 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b),
		 -KEEL_ESRCH);

	CHECK_EQ(hostile_unmap_grant((uint64_t)hole, handle), 0);
	CHECK(rt_read_faults(hole, NULL), "still mapped after unmap");
	CHECK_EQ(hostile_unmap_grant((uint64_t)hole, handle), -KEEL_EINVAL);
}
