/*
 * Attack: grant one of our own pages to ourselves, map the grant, and
 * then remove the grant mapping's page-table entry with mmu_update or
 * update_va_mapping instead of grant unmap. Keel tells grant mappings
 * from a domain's own entries by the owner of the frame, so it must
 * refuse to map our own grant: -EINVAL, whether the granter is named
 * KEEL_DOMID_SELF or by our id, read-only or writable. (Before that
 * refusal, the update went through: Keel dropped the mapping's references
 * twice, once for the entry and once at unmap, and the page, still mapped
 * writable, could be pinned as an L1. Should a map ever succeed again,
 * the test probes for exactly that: the update must fail with -EPERM,
 * and a pin with -EBUSY; a successful pin is undone at once.)
 */
#include "hostile.h"

const char test_name[] = "grant_self_map";

static struct keel_grant_entry *gnt;
static uint64_t *page, page_mfn;

/* Map ref 0 (our page) at @hole: the op's status; handle, entry. */
static int32_t self_map(uint64_t *hole, uint32_t *handle, uint64_t *pte)
{
	int32_t s = hostile_map_grant(0, KEEL_DOMID_SELF, (uint64_t)hole, 0,
				      handle, NULL);

	*pte = hostile_pte(hole);
	return s;
}

/* After an update removed the entry behind Keel's back: unmap, and
 * show what the double drop did. The page then holds one reference too
 * few; destroying the domain drops the rest, so it is still freed once
 * (the runner's frame count checks that). */
static void expose(uint64_t *hole, uint32_t handle, const char *how)
{
	CHECK(false, "%s removed a grant mapping's entry", how);
	CHECK_EQ(hostile_unmap_grant((uint64_t)hole, handle), 0);
	long pin = rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, page_mfn, 0);
	CHECK(pin == -KEEL_EBUSY, "page %p, mapped writable, pinned as an "
	      "L1 (%ld)", (void *)page, pin);
	if (!pin)
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, page_mfn, 0), 0);
}

void attack(void)
{
	gnt = hostile_map_grant_frame();
	page = rt_alloc_pages(1);
	page_mfn = rt_va_to_mfn(page);
	page[0] = 0x5e1e;	/* not present, as an entry: pinnable */
	gnt[0].domid = (uint16_t)rt_boot.domid;
	gnt[0].frame = (uint32_t)page_mfn;
	__atomic_store_n(&gnt[0].flags, (uint16_t)KEEL_GTF_permit_access,
			 __ATOMIC_SEQ_CST);

	uint64_t *hole = hostile_hole();
	uint32_t handle;
	uint64_t pte;
	CHECK_EQ(hostile_map_grant(0, (uint16_t)rt_boot.domid,
				   (uint64_t)hole, 0, NULL, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(0, KEEL_DOMID_SELF, (uint64_t)hole,
				   KEEL_GNTMAP_readonly, NULL, NULL),
		 -KEEL_EINVAL);
	int32_t s = self_map(hole, &handle, &pte);
	CHECK_EQ(s, -KEEL_EINVAL);
	if (s) {
		CHECK_EQ(hostile_pte(hole), 0);
		CHECK_EQ(gnt[0].flags, KEEL_GTF_permit_access);
		printf("mapping our own grant refused: %d\n", s);
		return;
	}
	CHECK_EQ(hole[0], 0x5e1e);
	printf("our own grant mapped at %p (entry %#llx)\n", (void *)hole,
	       (unsigned long long)pte);

	long rc = rt_mmu_update1(hostile_pte_maddr(hole), 0);
	CHECK_EQ(rc, -KEEL_EPERM);
	if (rc == 0) {
		expose(hole, handle, "mmu_update");
		return;
	}
	rc = keel_hypercall_update_va_mapping((uint64_t)hole, 0,
					      KEEL_UVMF_INVLPG);
	CHECK_EQ(rc, -KEEL_EPERM);
	if (rc == 0) {
		expose(hole, handle, "update_va_mapping");
		return;
	}
	CHECK_EQ(hostile_unmap_grant((uint64_t)hole, handle), 0);
	/* The page is mapped writable once, as before: busy. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, page_mfn, 0),
		 -KEEL_EBUSY);
	CHECK_EQ(hostile_decrease(page_mfn), -KEEL_EBUSY);
}
