/*
 * Attack: hand mmu_update pointers it must not follow. A request array
 * at NULL, in Keel's direct map or image, non-canonical, or in the M2P
 * window must fail with -EFAULT; so must a "done" pointer at any of
 * those but NULL (NULL means "not wanted"), or in a read-only page, such
 * as our own page tables: Keel must not write into them on our behalf.
 * A request array that runs off the end of our memory fails at the first
 * request it cannot read, with the count of those done.
 */
#include "hostile.h"

const char test_name[] = "bad_ptr_mmu_update";

void attack(void)
{
	void *page = rt_alloc_pages(1);
	/* A harmless request: rewrite an entry with its own value. */
	struct keel_mmu_update noop = { .ptr = hostile_pte_maddr(page),
					.val = hostile_pte(page) };
	uint64_t done;

	for (unsigned int i = 0; i < HOSTILE_NR_BAD_PTRS; i++) {
		const struct hostile_bad_ptr *b = &hostile_bad_ptrs[i];

		done = ~0ULL;
		CHECK_EQ(keel_hypercall_mmu_update(b->p, 1,
						   (unsigned long)&done,
						   KEEL_DOMID_SELF),
			 -KEEL_EFAULT);
		CHECK_EQ(done, 0);
		CHECK_EQ(keel_hypercall_mmu_update(b->p, 1024, 0,
						   KEEL_DOMID_SELF),
			 -KEEL_EFAULT);
		if (b->p) {
			CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&noop,
							   1, b->p,
							   KEEL_DOMID_SELF),
				 -KEEL_EFAULT);
			CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&noop,
							   0, b->p,
							   KEEL_DOMID_SELF),
				 -KEEL_EFAULT);
		}
		printf("%s: -EFAULT\n", b->what);
	}
	/* NULL "done" is no pointer at all. */
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&noop, 1, 0,
					   KEEL_DOMID_SELF), 0);

	/* "done" into our kernel root, mapped read-only. */
	uint64_t *l4 = rt_mfn_to_va(rt_boot.kernel_root_mfn);
	uint64_t before = l4[300];
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&noop, 1,
					   (unsigned long)&l4[300],
					   KEEL_DOMID_SELF), -KEEL_EFAULT);
	CHECK_EQ(l4[300], before);
	/* ... or into the M2P entry of our own frame. */
	uint64_t mfn = rt_va_to_mfn(page);
	uint64_t m2p = rt_boot.m2p[mfn];
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&noop, 1,
					   (unsigned long)&rt_boot.m2p[mfn],
					   KEEL_DOMID_SELF), -KEEL_EFAULT);
	CHECK_EQ(rt_boot.m2p[mfn], m2p);

	/* Requests running into an unmapped page: the last one of a page
	 * is good, the next is in a hole. */
	uint8_t *two = rt_alloc_pages(2);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)two + 4096, 0,
						  KEEL_UVMF_INVLPG), 0);
	struct keel_mmu_update *last =
		(struct keel_mmu_update *)(two + 4096) - 1;
	*last = noop;
	done = ~0ULL;
	CHECK_EQ(keel_hypercall_mmu_update((unsigned long)last, 2,
					   (unsigned long)&done,
					   KEEL_DOMID_SELF), -KEEL_EFAULT);
	CHECK_EQ(done, 1);
	/* A wrapping array. */
	CHECK_EQ(keel_hypercall_mmu_update(0xfffffffffffffff0ULL, 2, 0,
					   KEEL_DOMID_SELF), -KEEL_EFAULT);
}
