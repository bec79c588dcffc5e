/* keel-test: maxmem=4160K */
/*
 * Attack: take more memory than the domain may have. With room for 16
 * more pages, increase_reservation of 32 must return 16 (fewer than
 * asked), and any further increase or populate_physmap must fail with
 * -ENOMEM. Growing or reading another domain's reservation fails with
 * -EPERM; extents of order > 0, non-zero padding, and more than
 * KEEL_MEMOP_EXTENTS_MAX extents with -EINVAL. Giving the pages back
 * restores the reservation.
 */
#include "hostile.h"

const char test_name[] = "memory_above_max";

static long memop(unsigned long cmd, struct keel_memory_reservation *r)
{
	return keel_hypercall_memory_op(cmd, (unsigned long)r);
}

void attack(void)
{
	static uint64_t extents[KEEL_MEMOP_EXTENTS_MAX + 1];
	long pages = keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					      KEEL_DOMID_SELF);
	long max = keel_hypercall_memory_op(KEEL_MEMOP_maximum_reservation,
					    KEEL_DOMID_SELF);
	struct keel_memory_reservation r = {
		.extent_start = (uint64_t)extents, .nr_extents = 32,
		.domid = KEEL_DOMID_SELF,
	};

	CHECK_EQ(max, (long)rt_boot.max_pages);
	CHECK_EQ(max - pages, 16);
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, &r), 16);
	for (unsigned int i = 0; i < 16; i++)
		CHECK(extents[i] != 0, "extent %u empty", i);
	CHECK_EQ(extents[16], 0);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), max);
	r.nr_extents = 1;
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, &r), -KEEL_ENOMEM);
	uint64_t gpfn = 5;
	struct keel_memory_reservation pop = {
		.extent_start = (uint64_t)&gpfn, .nr_extents = 1,
		.domid = KEEL_DOMID_SELF,
	};
	CHECK_EQ(memop(KEEL_MEMOP_populate_physmap, &pop), -KEEL_ENOMEM);
	CHECK_EQ(gpfn, 5);
	uint64_t spare[4] = { 0 };
	r.extent_start = (uint64_t)spare;
	r.nr_extents = 4;
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, &r), -KEEL_ENOMEM);
	CHECK_EQ(spare[0], 0);
	r.extent_start = (uint64_t)extents;
	printf("grew from %ld to %ld pages, then -ENOMEM\n", pages, max);

	/* Someone else's reservation, and malformed requests. */
	r.nr_extents = 1;
	r.domid = (uint16_t)hostile_victim;
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, &r), -KEEL_EPERM);
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, &r), -KEEL_EPERM);
	CHECK_EQ(memop(KEEL_MEMOP_populate_physmap, &r), -KEEL_EPERM);
	r.domid = KEEL_DOMID_SELF;
	r.extent_order = 1;
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, &r), -KEEL_EINVAL);
	r.extent_order = 0;
	r.pad = 1;
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, &r), -KEEL_EINVAL);
	r.pad = 0;
	r.nr_extents = KEEL_MEMOP_EXTENTS_MAX + 1;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, &r), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  hostile_victim), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_maximum_reservation,
					  hostile_victim), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_memory_op(99, 0), -KEEL_ENOSYS);

	/* Give the 16 back. */
	r.nr_extents = 16;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, &r), 16);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), pages);
}
