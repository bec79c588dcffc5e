/*
 * Attack: map or copy the victim's grants that we were not given, and
 * misuse the mappings we get. A free entry, an entry granted to another
 * domain, a writable map of a read-only grant, or a copy into it must
 * fail with -EPERM; a reference past the victim's table with -EINVAL; a
 * granter that does not exist with -ESRCH; unknown flags, a host address
 * in the hypervisor's range, not page-aligned, or with no L1 with
 * -EINVAL; an address already mapped with -EBUSY. Unmapping with a bad
 * handle, the wrong address, or twice fails with -EINVAL. Each op's own
 * status carries the error; the call itself returns 0.
 */
#include "hostile.h"

const char test_name[] = "grant_map_bad_refs";

void attack(void)
{
	uint16_t v = (uint16_t)hostile_victim;
	uint64_t hole = (uint64_t)hostile_hole();
	uint64_t mapped = (uint64_t)rt_alloc_pages(1);
	const uint32_t ro = KEEL_GNTMAP_readonly;
	uint32_t handle;

	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_FREE, v, hole, ro, NULL, NULL),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_OTHER, v, hole, ro, NULL, NULL),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, hole, 0, NULL, NULL),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_STATUS, v, hole, 0, NULL, NULL),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_map_grant(512, v, hole, ro, NULL, NULL), -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(4 * 512, v, hole, ro, NULL, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(0xffffffffu, v, hole, ro, NULL, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, 77, hole, ro, NULL,
				   NULL), -KEEL_ESRCH);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, hole, 2, NULL, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, hole, ~0u, NULL,
				   NULL), -KEEL_EINVAL);
	/* Host addresses. */
	static const uint64_t bad_va[] = {
		HOSTILE_M2P, HOSTILE_DIRECTMAP, HOSTILE_IMAGE_TEXT,
		HOSTILE_NONCANON, 0xffff87fffffff000ULL,
	};
	for (unsigned int i = 0; i < 5; i++)
		CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, bad_va[i],
					   ro, NULL, NULL), -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, hole + 8, ro, NULL,
				   NULL), -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v,
				   0x0000700000000000ULL, ro, NULL, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, mapped, ro, NULL,
				   NULL), -KEEL_EBUSY);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v,
				   rt_boot.page_tables_vaddr, ro, NULL, NULL),
		 -KEEL_EBUSY);
	CHECK_EQ(hostile_pte((void *)hole), 0);

	/* Copies of what we may not touch. */
	struct keel_gnttab_copy c = {
		.source = { .u = HOSTILE_GREF_FREE, .domid = v },
		.dest = { .u = hostile_scratch_mfn, .domid = KEEL_DOMID_SELF },
		.len = 8, .flags = KEEL_GNTCOPY_source_gref,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_EPERM);
	c.source.u = HOSTILE_GREF_OTHER;
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_EPERM);
	c.source.u = 1ULL << 32;	/* a reference wider than 32 bits */
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_EINVAL);

	/* A good mapping, then bad unmaps. */
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, v, hole, ro, &handle,
				   NULL), 0);
	CHECK(rt_write_faults((uint64_t *)hole, 0),
	      "the read-only grant mapping is writable");
	CHECK_PF(hole, PF_PRESENT | PF_WRITE);
	CHECK_EQ(hostile_unmap_grant(hole, handle + 1), -KEEL_EINVAL);
	CHECK_EQ(hostile_unmap_grant(hole, KEEL_GRANT_MAX_MAPPINGS),
		 -KEEL_EINVAL);
	CHECK_EQ(hostile_unmap_grant(hole, ~0u), -KEEL_EINVAL);
	CHECK_EQ(hostile_unmap_grant(mapped, handle), -KEEL_EINVAL);
	CHECK_EQ(hostile_unmap_grant(hole, handle), 0);
	CHECK_EQ(hostile_unmap_grant(hole, handle), -KEEL_EINVAL);
	CHECK_EQ(hostile_pte((void *)hole), 0);
	CHECK(rt_read_faults((uint64_t *)hole, NULL), "still mapped");
	printf("ungranted, foreign and malformed grant ops refused\n");
}
