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

#define LINK (PTE_P | PTE_W | PTE_U)
#define VA   0x40000000ULL

void attack(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	struct keel_grant_entry *gnt = hostile_map_grant_frame();
	uint64_t *page = rt_alloc_pages(1);
	uint64_t page_mfn = rt_va_to_mfn(page);
	gnt[0].domid = (uint16_t)rt_boot.domid;
	gnt[0].frame = (uint32_t)page_mfn;
	__atomic_store_n(&gnt[0].flags, (uint16_t)KEEL_GTF_permit_access,
			 __ATOMIC_SEQ_CST);

	/* An L2 and an L1 of our own at 1 GiB. */
	uint64_t *l1 = rt_alloc_pages(1), *l2 = rt_alloc_pages(1);
	uint64_t l1_mfn = rt_va_to_mfn(l1), l2_mfn = rt_va_to_mfn(l2);
	l2[0] = (l1_mfn << 12) | LINK;
	hostile_make_readonly(l1);
	hostile_make_readonly(l2);
	uint64_t l3_slot = rt_pte_maddr(kroot, VA, 3);
	CHECK_EQ(rt_pte_read(kroot, VA, 3), 0);
	CHECK_EQ(rt_mmu_update1(l3_slot, (l2_mfn << 12) | LINK), 0);

	uint32_t handle;
	int32_t s = hostile_map_grant(0, KEEL_DOMID_SELF, VA, 0, &handle,
				      NULL);
	CHECK_EQ(s, -KEEL_EINVAL);
	if (s) {
		printf("mapping our own grant refused: %d\n", s);
		CHECK_EQ(rt_mmu_update1(l3_slot, 0), 0);
	} else {
		page[0] = 0x5e1e;
		CHECK_EQ(*(volatile uint64_t *)VA, 0x5e1e);
		long rc = rt_mmu_update1(l3_slot, 0);
		printf("unlinking the table that holds it: %ld\n", rc);
		CHECK(rc == 0 || rc == -KEEL_EBUSY || rc == -KEEL_EPERM,
		      "unlink: %ld", rc);
		CHECK_EQ(hostile_unmap_grant(VA, handle), 0);
		if (rc)
			CHECK_EQ(rt_mmu_update1(l3_slot, 0), 0);
	}
	long pin = rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, page_mfn, 0);
	CHECK(pin == -KEEL_EBUSY, "page %p, mapped writable, pinned as an "
	      "L1 (%ld)", (void *)page, pin);
	if (!pin)
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, page_mfn, 0), 0);

	/* Tear down: the L1 may still hold the old entry as plain data. */
	hostile_make_writable(l1);
	l1[0] = 0;
	hostile_make_writable(l2);
}
