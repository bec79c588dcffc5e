/*
 * Attack: turn one of Keel's shared pages into a page table: our grant-
 * table frame (which we may map writable) and our shared-info page. Each
 * holds a permanent writable type, so pinning it at any level, loading it
 * as a root, or linking it into our live tables must fail with -EBUSY;
 * giving it back fails with -EINVAL. Granting the grant-table frame
 * itself is refused too: a copy through that grant fails with -EPERM
 * (and mapping our own grant at all with -EINVAL).
 */
#include "hostile.h"

const char test_name[] = "grant_frame_as_pt";

#define LINK (PTE_P | PTE_W | PTE_U)

static void attack_frame(const char *what, uint64_t mfn)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;

	for (uint32_t cmd = KEEL_MMUEXT_PIN_L1_TABLE;
	     cmd <= KEEL_MMUEXT_PIN_L4_TABLE; cmd++)
		CHECK_EQ(rt_mmuext1(cmd, mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, mfn, 0),
		 -KEEL_EBUSY);
	/* As an L3 (L4 slot 300), an L2 (1 GiB), an L1 (a 2 MiB slot). */
	CHECK_EQ(rt_mmu_update1((kroot << 12) + 300 * 8, (mfn << 12) | LINK),
		 -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1(rt_pte_maddr(kroot, 0x40000000ULL, 3),
				(mfn << 12) | LINK), -KEEL_EBUSY);
	CHECK_EQ(rt_mmu_update1(rt_pte_maddr(kroot, 0x0c800000ULL, 2),
				(mfn << 12) | LINK), -KEEL_EBUSY);
	CHECK_EQ(hostile_decrease(mfn), -KEEL_EINVAL);
	printf("%s (mfn %#llx): kept out of the page tables\n", what,
	       (unsigned long long)mfn);
}

void attack(void)
{
	uint64_t gframe = hostile_grant_frame();

	/* Map it writable (allowed) and fill it with what would be a valid
	 * L1 mapping the victim's canary, then try to pin it. */
	struct keel_grant_entry *g = hostile_map_grant_frame();
	uint64_t *as_table = (uint64_t *)g;
	as_table[100] = (hostile_canary_mfn() << 12) | PTE_P | PTE_W | PTE_U;
	attack_frame("grant-table frame", gframe);
	as_table[100] = 0;

	/* Grant it (to ourselves) and use that grant: refused. */
	g[0].domid = (uint16_t)rt_boot.domid;
	g[0].frame = (uint32_t)gframe;
	__atomic_store_n(&g[0].flags, (uint16_t)KEEL_GTF_permit_access,
			 __ATOMIC_SEQ_CST);
	struct keel_gnttab_copy c = {
		.source = { .u = hostile_scratch_mfn,
			    .domid = KEEL_DOMID_SELF },
		.dest = { .u = 0, .domid = KEEL_DOMID_SELF, .offset = 800 },
		.len = 8, .flags = KEEL_GNTCOPY_dest_gref, .status = 1,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_EPERM);
	c = (struct keel_gnttab_copy){
		.source = { .u = 0, .domid = KEEL_DOMID_SELF },
		.dest = { .u = hostile_scratch_mfn,
			  .domid = KEEL_DOMID_SELF },
		.len = 8, .flags = KEEL_GNTCOPY_source_gref, .status = 1,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_EPERM);
	uint64_t *hole = hostile_hole();
	CHECK_EQ(hostile_map_grant(0, KEEL_DOMID_SELF, (uint64_t)hole, 0, NULL,
				   NULL), -KEEL_EINVAL);
	CHECK_EQ(g[0].flags, KEEL_GTF_permit_access);
	g[0].flags = 0;

	uint64_t shinfo = (hostile_pte(rt_boot.shared_info) & PTE_ADDR) >> 12;
	attack_frame("shared-info page", shinfo);
}
