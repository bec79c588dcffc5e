/*
 * Attack: hand multicall an entry array it must not follow (NULL, Keel's
 * direct map or image, non-canonical, the M2P window), or one in a
 * read-only page, which Keel can read but not write results into. Each
 * must fail with -EFAULT. An entry whose own call gets a bad pointer
 * keeps going: that entry's result is -EFAULT and the call returns 0.
 */
#include "hostile.h"

const char test_name[] = "bad_ptr_multicall";

void attack(void)
{
	for (unsigned int i = 0; i < HOSTILE_NR_BAD_PTRS; i++) {
		const struct hostile_bad_ptr *b = &hostile_bad_ptrs[i];

		CHECK_EQ(keel_hypercall_multicall(b->p, 1), -KEEL_EFAULT);
		CHECK_EQ(keel_hypercall_multicall(b->p, KEEL_MULTICALL_MAX),
			 -KEEL_EFAULT);
		printf("%s: -EFAULT\n", b->what);
	}

	/* Results into a read-only page: the entry runs, its result cannot
	 * be written. */
	struct keel_multicall_entry *ro = rt_alloc_pages(1);
	ro[0].op = KEEL_HC_version;
	ro[0].args[0] = KEEL_VERSION_ABI;
	ro[0].result = 7;
	hostile_make_readonly(ro);
	CHECK_EQ(keel_hypercall_multicall((unsigned long)ro, 1), -KEEL_EFAULT);
	CHECK_EQ(ro[0].result, 7);
	/* Into the page tables. */
	CHECK_EQ(keel_hypercall_multicall(rt_boot.page_tables_vaddr, 1),
		 -KEEL_EFAULT);

	/* Each entry's own pointers are checked as if called alone. */
	struct keel_multicall_entry e[4] = {
		{ .op = KEEL_HC_mmu_update,
		  .args = { HOSTILE_DIRECTMAP, 1, 0, KEEL_DOMID_SELF } },
		{ .op = KEEL_HC_mmuext_op,
		  .args = { HOSTILE_IMAGE, 1, 0, KEEL_DOMID_SELF } },
		{ .op = KEEL_HC_memory_op,
		  .args = { KEEL_MEMOP_decrease_reservation,
			    HOSTILE_NONCANON } },
		{ .op = KEEL_HC_grant_table_op,
		  .args = { KEEL_GNTTABOP_query_size, HOSTILE_M2P, 1 } },
	};
	CHECK_EQ(keel_hypercall_multicall((unsigned long)e, 4), 0);
	for (unsigned int i = 0; i < 4; i++)
		CHECK_EQ((long)e[i].result, -KEEL_EFAULT);
}
