/*
 * Attack: give back frames the CPU can still reach, so that the next
 * owner's data would show through our mappings. decrease_reservation on
 * the kernel root, on an L1, on a pinned table that is not mapped, or on
 * a data page still mapped must fail with -EBUSY; on the shared-info page
 * or our grant-table frame with -EINVAL (Keel's pages); on the victim's
 * canary with -EPERM; on frames of nobody with -EINVAL. In a batch, the
 * count of frames given back before the refusal is returned.
 */
#include "hostile.h"

const char test_name[] = "decrease_busy";

void attack(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t l1 =
		hostile_pte_maddr((void *)rt_boot.page_tables_vaddr) >> 12;
	void *data = rt_alloc_pages(1);
	uint64_t data_mfn = rt_va_to_mfn(data);
	uint64_t shinfo = (hostile_pte(rt_boot.shared_info) & PTE_ADDR) >> 12;
	long pages = keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					      KEEL_DOMID_SELF);

	CHECK_EQ(hostile_decrease(kroot), -KEEL_EBUSY);
	CHECK_EQ(hostile_decrease(rt_boot.user_root_mfn), -KEEL_EBUSY);
	CHECK_EQ(hostile_decrease(l1), -KEEL_EBUSY);
	CHECK_EQ(hostile_decrease(data_mfn), -KEEL_EBUSY);

	/* Pinned, and not mapped at all. */
	uint64_t *t = rt_alloc_pages(1);
	uint64_t t_mfn = rt_va_to_mfn(t);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)t, 0,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t_mfn, 0), 0);
	CHECK_EQ(hostile_decrease(t_mfn), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t_mfn, 0), 0);

	/* Keel's pages, the victim's, nobody's. */
	uint64_t gframe = hostile_grant_frame();
	CHECK(shinfo != 0, "no shared-info frame");
	CHECK_EQ(hostile_decrease(shinfo), -KEEL_EINVAL);
	CHECK_EQ(hostile_decrease(gframe), -KEEL_EINVAL);
	CHECK_EQ(hostile_decrease(hostile_canary_mfn()), -KEEL_EPERM);
	CHECK_EQ(hostile_decrease(0x200), -KEEL_EINVAL);
	CHECK_EQ(hostile_decrease(PTE_ADDR >> 12), -KEEL_EINVAL);
	CHECK_EQ(hostile_decrease(~0ULL), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), pages);

	/* A batch: a frame that may go (t: unmapped, untyped), then the
	 * kernel root. One done, and the call says 1. */
	uint64_t batch[2] = { t_mfn, kroot };
	struct keel_memory_reservation r = {
		.extent_start = (uint64_t)batch, .nr_extents = 2,
		.domid = KEEL_DOMID_SELF,
	};
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_decrease_reservation,
					  (unsigned long)&r), 1);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), pages - 1);
	/* Gone: the same frame again is no longer ours. */
	CHECK_EQ(hostile_decrease(t_mfn), -KEEL_EINVAL);
	printf("busy, shared and foreign frames kept\n");
}
