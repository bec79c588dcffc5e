/*
 * Attack: install entries in the hypervisor's L4 slots 256-271 of our own
 * roots with mmu_update: clear Keel's entry, point one at a table of our
 * own (user-accessible, writable), or copy Keel's entry back with the
 * user bit added. Each must fail with -EPERM and leave the slot as it
 * was; and the range stays out of reach (a read of the direct map
 * faults).
 */
#include "hostile.h"

const char test_name[] = "l4_hypervisor_slots";

void attack(void)
{
	const uint64_t roots[2] = { rt_boot.kernel_root_mfn,
				    rt_boot.user_root_mfn };
	/* An L3 of ours, already typed: the one behind slot 511. */
	const uint64_t *kroot = rt_mfn_to_va(rt_boot.kernel_root_mfn);
	uint64_t our_l3 = kroot[511] & PTE_ADDR;
	unsigned int tries = 0;

	for (unsigned int r = 0; r < 2; r++) {
		const uint64_t *l4 = rt_mfn_to_va(roots[r]);

		for (unsigned int slot = 256; slot <= 271; slot++) {
			uint64_t ptr = (roots[r] << 12) + slot * 8;
			uint64_t before = l4[slot];
			const uint64_t vals[] = {
				0,
				our_l3 | PTE_P | PTE_W | PTE_U,
				before | PTE_U | PTE_W,
			};

			for (unsigned int v = 0; v < 3; v++, tries++)
				CHECK_EQ(rt_mmu_update1(ptr, vals[v]),
					 -KEEL_EPERM);
			CHECK_EQ(l4[slot], before);
		}
	}
	printf("%u updates of slots 256-271 refused\n", tries);

	/* Slot 255 and 272 are the guest's: the boundary is exact. */
	uint64_t ptr = (roots[0] << 12);
	CHECK_EQ(rt_mmu_update1(ptr + 255 * 8, 0), 0);
	CHECK_EQ(rt_mmu_update1(ptr + 272 * 8, 0), 0);

	uint64_t v;
	CHECK(rt_read_faults((uint64_t *)HOSTILE_DIRECTMAP, &v),
	      "the direct map is readable");
	CHECK_PF(HOSTILE_DIRECTMAP, PF_PRESENT);
}
