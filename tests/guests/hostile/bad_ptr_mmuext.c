/*
 * Attack: hand mmuext_op pointers it must not follow: the op array, the
 * "done" pointer, and the vCPU mask of TLB_FLUSH_MULTI and INVLPG_MULTI,
 * each at NULL (except "done", where NULL means "not wanted"), Keel's
 * direct map or image, a non-canonical address, or the M2P window, and
 * "done" in our read-only page tables. Each must fail with -EFAULT.
 */
#include "hostile.h"

const char test_name[] = "bad_ptr_mmuext";

void attack(void)
{
	struct keel_mmuext_op flush = { .cmd = KEEL_MMUEXT_TLB_FLUSH_LOCAL };
	uint64_t done;

	for (unsigned int i = 0; i < HOSTILE_NR_BAD_PTRS; i++) {
		const struct hostile_bad_ptr *b = &hostile_bad_ptrs[i];

		done = ~0ULL;
		CHECK_EQ(keel_hypercall_mmuext_op(b->p, 1, (unsigned long)&done,
						  KEEL_DOMID_SELF),
			 -KEEL_EFAULT);
		CHECK_EQ(done, 0);
		CHECK_EQ(keel_hypercall_mmuext_op(b->p, 1024, 0,
						  KEEL_DOMID_SELF),
			 -KEEL_EFAULT);
		if (b->p)
			CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)&flush,
							  1, b->p,
							  KEEL_DOMID_SELF),
				 -KEEL_EFAULT);
		/* The vCPU mask of the _MULTI ops. */
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_TLB_FLUSH_MULTI, 0, b->p),
			 -KEEL_EFAULT);
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_MULTI,
				    rt_boot.free_vaddr, b->p), -KEEL_EFAULT);
		printf("%s: -EFAULT\n", b->what);
	}
	/* A good mask works. */
	uint64_t mask = 1;
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_TLB_FLUSH_MULTI, 0, (uint64_t)&mask),
		 0);
	/* "done" into our page tables. */
	uint64_t *l4 = rt_mfn_to_va(rt_boot.kernel_root_mfn);
	uint64_t before = l4[300];
	CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)&flush, 1,
					  (unsigned long)&l4[300],
					  KEEL_DOMID_SELF), -KEEL_EFAULT);
	CHECK_EQ(l4[300], before);
	/* A batch: one good op, then a mask that is not there. */
	struct keel_mmuext_op ops[2] = {
		{ .cmd = KEEL_MMUEXT_TLB_FLUSH_LOCAL },
		{ .cmd = KEEL_MMUEXT_TLB_FLUSH_MULTI,
		  .arg2 = HOSTILE_DIRECTMAP },
	};
	done = ~0ULL;
	CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)ops, 2,
					  (unsigned long)&done,
					  KEEL_DOMID_SELF), -KEEL_EFAULT);
	CHECK_EQ(done, 1);
}
