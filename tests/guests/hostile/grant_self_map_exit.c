/*
 * Attack: leave grant mappings of our own page table in place and exit.
 * We pin a page of ours as an L1 (it maps one data page), grant it to
 * ourselves read-only, and try to map that grant twice, then end the
 * domain. Keel must refuse to map our own grant (-EINVAL). (Before that
 * refusal, destroying the domain dropped the table's references once for
 * the grant and once more for each entry, freed the table before its own
 * entries were dropped, and leaked the data page: the runner's free-frame
 * count, which must balance, caught it.)
 */
#include "hostile.h"

const char test_name[] = "grant_self_map_exit";

void attack(void)
{
	struct keel_grant_entry *gnt = hostile_map_grant_frame();

	/* The table: one read-only entry for a data page. */
	uint64_t *data = rt_alloc_pages(1);
	uint64_t *t = rt_alloc_pages(1);
	uint64_t t_mfn = rt_va_to_mfn(t);
	uint64_t entry = (rt_va_to_mfn(data) << 12) | PTE_P | PTE_U;
	t[0] = entry;
	hostile_make_readonly(t);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t_mfn, 0), 0);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)t, 0,
						  KEEL_UVMF_INVLPG), 0);

	gnt[0].domid = (uint16_t)rt_boot.domid;
	gnt[0].frame = (uint32_t)t_mfn;
	__atomic_store_n(&gnt[0].flags,
			 (uint16_t)(KEEL_GTF_permit_access | KEEL_GTF_readonly),
			 __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < 2; i++) {
		uint64_t *hole = hostile_hole();
		int32_t s = hostile_map_grant(0, KEEL_DOMID_SELF,
					      (uint64_t)hole,
					      KEEL_GNTMAP_readonly, NULL, NULL);

		CHECK_EQ(s, -KEEL_EINVAL);
		if (s) {
			printf("mapping our own grant refused: %d\n", s);
			return;
		}
		CHECK_EQ(hole[0] & ~(PTE_A | PTE_D), entry);
	}
	printf("table %#llx pinned and grant-mapped twice; exiting with the "
	       "mappings in place\n", (unsigned long long)t_mfn);
}
