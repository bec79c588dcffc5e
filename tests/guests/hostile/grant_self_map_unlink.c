/*
 * Attack: the other way to drop a grant mapping's entry behind Keel's
 * back. We grant one of our own pages to ourselves and map the grant,
 * writable, into an L1 of our own at 1 GiB; then we unlink that L1 from
 * the tree with mmu_update, so that Keel devalidates it and drops what
 * its entries hold. Keel must refuse to map our own grant (-EINVAL).
 * Whatever happened, the page, still mapped writable at its usual
 * address, must not be pinnable as a page table afterwards (-EBUSY).
 */
#include "hostile.h"

const char test_name[] = "grant_self_map_unlink";

#define VA   0x40000000ULL

void attack(void)
{
	struct keel_grant_entry *gnt = hostile_map_grant_frame();
	uint64_t *page = rt_alloc_pages(1);
	uint64_t page_mfn = rt_va_to_mfn(page);
	gnt[0].domid = (uint16_t)rt_boot.domid;
	gnt[0].frame = (uint32_t)page_mfn;
	__atomic_store_n(&gnt[0].flags, (uint16_t)KEEL_GTF_permit_access,
			 __ATOMIC_SEQ_CST);

	/* An L2 and an L1 of our own at 1 GiB. */
	struct hostile_tables t = hostile_link_tables(VA);

	uint32_t handle;
	int32_t s = hostile_map_grant(0, KEEL_DOMID_SELF, VA, 0, &handle,
				      NULL);
	CHECK_EQ(s, -KEEL_EINVAL);
	if (s) {
		printf("mapping our own grant refused: %d\n", s);
		CHECK_EQ(rt_mmu_update1(t.l3_slot, 0), 0);
	} else {
		page[0] = 0x5e1e;
		CHECK_EQ(*(volatile uint64_t *)VA, 0x5e1e);
		long rc = rt_mmu_update1(t.l3_slot, 0);
		printf("unlinking the table that holds it: %ld\n", rc);
		CHECK(rc == 0 || rc == -KEEL_EBUSY || rc == -KEEL_EPERM,
		      "unlink: %ld", rc);
		CHECK_EQ(hostile_unmap_grant(VA, handle), 0);
		if (rc)
			CHECK_EQ(rt_mmu_update1(t.l3_slot, 0), 0);
	}
	long pin = rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, page_mfn, 0);
	CHECK(pin == -KEEL_EBUSY, "page %p, mapped writable, pinned as an "
	      "L1 (%ld)", (void *)page, pin);
	if (!pin)
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, page_mfn, 0), 0);

	/* Tear down: the L1 may still hold the old entry as plain data. */
	hostile_make_writable(t.l1);
	t.l1[0] = 0;
	hostile_make_writable(t.l2);
}
