/*
 * Attack: use update_va_mapping (and the INVLPG ops) on addresses in the
 * hypervisor's range 0xffff800000000000-0xffff87ffffffffff or that are not
 * canonical, with an entry that maps one of our own pages. Each must fail
 * with -EINVAL before any table is touched. Unknown flags, and addresses
 * with no L1 table, fail with -EINVAL too.
 */
#include "hostile.h"

const char test_name[] = "uvm_hypervisor_range";

void attack(void)
{
	static const uint64_t vas[] = {
		0xffff800000000000ULL,	/* M2P window */
		0xffff82d080000000ULL,	/* image */
		0xffff82d080200000ULL,
		0xffff830000000000ULL,	/* direct map */
		0xffff87fffffff000ULL,	/* last hypervisor page */
		0x8000000000000000ULL,	/* non-canonical */
		0x0000800000000000ULL,
		0xffff7ffffffff000ULL,
	};
	void *page = rt_alloc_pages(1);
	uint64_t e = hostile_pte(page);

	for (unsigned int i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		for (unsigned long f = 0; f <= KEEL_UVMF_ALL + 2; f++) {
			if ((f & KEEL_UVMF_FLUSH_MASK) == 3)
				continue;
			CHECK_EQ(keel_hypercall_update_va_mapping(vas[i], e, f),
				 -KEEL_EINVAL);
		}
		CHECK_EQ(keel_hypercall_update_va_mapping(vas[i], 0, 0),
			 -KEEL_EINVAL);
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_LOCAL, vas[i], 0),
			 -KEEL_EINVAL);
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_ALL, vas[i], 0),
			 -KEEL_EINVAL);
		printf("%#llx: -EINVAL\n", (unsigned long long)vas[i]);
	}
	/* Bad flags, on a good address. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)page, e, 3),
		 -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)page, e, 8),
		 -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)page, e, ~0UL),
		 -KEEL_EINVAL);
	/* No L1 (nor L3) there. */
	CHECK_EQ(keel_hypercall_update_va_mapping(0x0000700000000000ULL, e,
						  0), -KEEL_EINVAL);
	CHECK_EQ(hostile_pte(page), e);
}
