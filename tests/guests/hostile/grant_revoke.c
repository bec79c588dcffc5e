/*
 * Attack: keep using a grant the victim takes back. We map the victim's
 * revocable page read-only; while it is mapped, the victim's revoke (a
 * compare-exchange of the entry's flags that expects Keel's "in use" bits
 * clear) must fail, so a grant in use cannot be pulled away under Keel.
 * After we unmap, the revoke succeeds; then mapping the grant again, and
 * copying from it, must fail with -EPERM.
 */
#include "hostile.h"

const char test_name[] = "grant_revoke";

void attack(void)
{
	uint16_t v = (uint16_t)hostile_victim;
	uint64_t *hole = hostile_hole();
	uint32_t handle;
	uint64_t word = 0;

	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_REVOCABLE, v, (uint64_t)hole,
				   KEEL_GNTMAP_readonly, &handle, NULL), 0);
	CHECK(!rt_read_faults(&hole[3], &word), "mapping unreadable");
	CHECK_EQ(word, HOSTILE_REVOCABLE_WORD);
	CHECK_EQ(hostile_request_revoke(), -KEEL_EBUSY);
	/* Still mapped, still the victim's page. */
	CHECK(!rt_read_faults(&hole[3], &word), "mapping gone");
	CHECK_EQ(word, HOSTILE_REVOCABLE_WORD);
	CHECK_EQ(hostile_unmap_grant((uint64_t)hole, handle), 0);

	CHECK_EQ(hostile_request_revoke(), 0);
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_REVOCABLE, v, (uint64_t)hole,
				   KEEL_GNTMAP_readonly, &handle, NULL),
		 -KEEL_EPERM);
	CHECK_EQ(hostile_pte(hole), 0);
	struct keel_gnttab_copy c = {
		.source = { .u = HOSTILE_GREF_REVOCABLE, .domid = v },
		.dest = { .u = hostile_scratch_mfn, .domid = KEEL_DOMID_SELF },
		.len = 8, .flags = KEEL_GNTCOPY_source_gref,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, -KEEL_EPERM);
	printf("revoke refused while mapped; after it, map and copy refused\n");
}
