/*
 * Attack: map frames that belong to no guest: frame 0 (real-mode memory,
 * never given to the allocator), the hypervisor image (loaded at 2 MiB),
 * the local APIC's MMIO page, and frame numbers past the end of RAM, read
 * only and writable, with mmu_update and with update_va_mapping. Each
 * must fail with -EINVAL (no such guest frame), and the entry must stay
 * empty.
 */
#include "hostile.h"

const char test_name[] = "map_hypervisor_frames";

void attack(void)
{
	static const struct { const char *what; uint64_t mfn; } frames[] = {
		{ "frame 0", 0 },
		{ "hypervisor image", 0x200 },
		{ "hypervisor image + 1", 0x201 },
		{ "local APIC", 0xfee00 },
		{ "past RAM", 0x100000 },
		{ "highest frame number", PTE_ADDR >> 12 },
	};
	void *hole = hostile_hole();
	uint64_t maddr = hostile_pte_maddr(hole);

	for (unsigned int i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		uint64_t e = (frames[i].mfn << 12) | PTE_P | PTE_U;

		CHECK_EQ(rt_mmu_update1(maddr, e), -KEEL_EINVAL);
		CHECK_EQ(rt_mmu_update1(maddr, e | PTE_W), -KEEL_EINVAL);
		CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole, e,
							  KEEL_UVMF_INVLPG),
			 -KEEL_EINVAL);
		CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole,
							  e | PTE_W,
							  KEEL_UVMF_INVLPG),
			 -KEEL_EINVAL);
		/* Nor as a page table, at any level. */
		for (uint32_t cmd = KEEL_MMUEXT_PIN_L1_TABLE;
		     cmd <= KEEL_MMUEXT_PIN_L4_TABLE; cmd++)
			CHECK_EQ(rt_mmuext1(cmd, frames[i].mfn, 0),
				 -KEEL_EINVAL);
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, frames[i].mfn, 0),
			 -KEEL_EINVAL);
		CHECK_EQ(hostile_pte(hole), 0);
		printf("%s (mfn %#llx): -EINVAL\n", frames[i].what,
		       (unsigned long long)frames[i].mfn);
	}
	/* And the access itself faults: nothing is mapped there. */
	CHECK(rt_read_faults(hole, NULL), "the hole is mapped");
	CHECK_PF(hole, 0);
}
