/* keel-test: maxmem=4160K */
/*
 * Attack: hand memory_op pointers it must not follow: the reservation
 * structure, and the extent array of increase_reservation (written),
 * decrease_reservation and populate_physmap (read), at NULL, Keel's
 * direct map or image, a non-canonical address, or the M2P window, or
 * (for increase) in a read-only page. Each must fail with -EFAULT, and
 * the reservation must not move: a frame Keel allocated but could not
 * report is taken back. (We have room to grow, so that increase gets as
 * far as the pointer.)
 */
#include "hostile.h"

const char test_name[] = "bad_ptr_memory_op";

static const unsigned long cmds[3] = {
	KEEL_MEMOP_increase_reservation,
	KEEL_MEMOP_decrease_reservation,
	KEEL_MEMOP_populate_physmap,
};

static long reservation(void)
{
	return keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					KEEL_DOMID_SELF);
}

void attack(void)
{
	long pages = reservation();

	CHECK(rt_boot.max_pages > (uint64_t)pages, "no room to grow (max %llu)",
	      (unsigned long long)rt_boot.max_pages);
	for (unsigned int i = 0; i < HOSTILE_NR_BAD_PTRS; i++) {
		const struct hostile_bad_ptr *b = &hostile_bad_ptrs[i];

		for (unsigned int c = 0; c < 3; c++) {
			struct keel_memory_reservation r = {
				.extent_start = b->p, .nr_extents = 1,
				.domid = KEEL_DOMID_SELF,
			};

			CHECK_EQ(keel_hypercall_memory_op(cmds[c], b->p),
				 -KEEL_EFAULT);
			CHECK_EQ(keel_hypercall_memory_op(cmds[c],
							  (unsigned long)&r),
				 -KEEL_EFAULT);
			r.nr_extents = 16;
			CHECK_EQ(keel_hypercall_memory_op(cmds[c],
							  (unsigned long)&r),
				 -KEEL_EFAULT);
		}
		CHECK_EQ(reservation(), pages);
		printf("%s: -EFAULT, reservation still %ld pages\n", b->what,
		       pages);
	}
	/* The new frames' numbers into a read-only page. */
	uint64_t *ro = rt_alloc_pages(1);
	hostile_make_readonly(ro);
	struct keel_memory_reservation r = {
		.extent_start = (uint64_t)ro, .nr_extents = 4,
		.domid = KEEL_DOMID_SELF,
	};
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_increase_reservation,
					  (unsigned long)&r), -KEEL_EFAULT);
	CHECK_EQ(reservation(), pages);
	CHECK_EQ(ro[0], 0);
	/* ... or into the M2P window, or our page tables. */
	r.extent_start = (uint64_t)&rt_boot.m2p[rt_va_to_mfn(ro)];
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_increase_reservation,
					  (unsigned long)&r), -KEEL_EFAULT);
	r.extent_start = rt_boot.page_tables_vaddr + 300 * 8;
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_increase_reservation,
					  (unsigned long)&r), -KEEL_EFAULT);
	CHECK_EQ(reservation(), pages);
	/* Half good: the first extent lands, the second is in a hole. */
	uint8_t *two = rt_alloc_pages(2);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)two + 4096, 0,
						  KEEL_UVMF_INVLPG), 0);
	uint64_t *slot = (uint64_t *)(two + 4096) - 1;
	r.extent_start = (uint64_t)slot;
	r.nr_extents = 2;
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_increase_reservation,
					  (unsigned long)&r), 1);
	CHECK_EQ(reservation(), pages + 1);
	CHECK(*slot != 0, "no frame reported");
	CHECK_EQ(hostile_decrease(*slot), 1);
	CHECK_EQ(reservation(), pages);
}
