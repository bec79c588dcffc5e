/*
 * Attack: page-table entries with flags a guest may not use. A global
 * leaf (it would survive the switch to the user root), reserved address
 * bits, superpages (PS) at L2 or L3 pointing at machine address 0 (they
 * would map Keel's own memory in 2 MiB or 1 GiB pieces), PS at L4, and
 * the global bit on a link must each fail with -EINVAL, through
 * mmu_update, update_va_mapping, and pinning a table holding them. The
 * dirty bit on a link is accepted (ABI 1.2): the CPU ignores it.
 */
#include "hostile.h"

const char test_name[] = "pte_bad_flags";

#define LINK (PTE_P | PTE_W | PTE_U)

void attack(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	void *page = rt_alloc_pages(1);
	uint64_t good = hostile_pte(page) & ~(PTE_A | PTE_D);
	void *hole = hostile_hole();
	uint64_t l1_slot = hostile_pte_maddr(hole);
	const uint64_t leaves[] = {
		good | PTE_G,
		good | (1ULL << 52),
		good | (1ULL << 62),
		(good & ~PTE_ADDR) | (0xfffffffffULL << 12),
	};

	for (unsigned int i = 0; i < 4; i++) {
		CHECK_EQ(rt_mmu_update1(l1_slot, leaves[i]), -KEEL_EINVAL);
		CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)hole,
							  leaves[i], 0),
			 -KEEL_EINVAL);
	}
	CHECK_EQ(hostile_pte(hole), 0);

	/* Superpages and bad links. */
	uint64_t l2_slot = rt_pte_maddr(kroot, 0x0c800000ULL, 2);
	uint64_t l3_slot = rt_pte_maddr(kroot, 0x40000000ULL, 3);
	uint64_t l4_slot = (kroot << 12) + 300 * 8;
	CHECK_EQ(rt_mmu_update1(l2_slot, PTE_PS | LINK), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(l2_slot, 0x200000 | PTE_PS | LINK),
		 -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(l3_slot, PTE_PS | LINK), -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(l4_slot, PTE_PS | LINK), -KEEL_EINVAL);
	/* A real L1 of ours, linked with bits links may not have. */
	uint64_t *t = rt_alloc_pages(1);
	uint64_t t_mfn = rt_va_to_mfn(t);
	hostile_make_readonly(t);
	/* The dirty bit on a link is accepted and ignored (ABI 1.2), as the
	 * CPU ignores it: the link works, and can be taken down again. */
	CHECK_EQ(rt_mmu_update1(l2_slot, (t_mfn << 12) | LINK | PTE_D), 0);
	CHECK_EQ(rt_pte_read(kroot, 0x0c800000ULL, 2),
		 (t_mfn << 12) | LINK | PTE_D);
	CHECK_EQ(rt_mmu_update1(l2_slot, 0), 0);
	CHECK_EQ(rt_mmu_update1(l2_slot, (t_mfn << 12) | LINK | PTE_G),
		 -KEEL_EINVAL);
	CHECK_EQ(rt_mmu_update1(l2_slot, (t_mfn << 12) | LINK | PTE_PS),
		 -KEEL_EINVAL);
	CHECK_EQ(rt_pte_read(kroot, 0x0c800000ULL, 2), 0);
	CHECK_EQ(rt_pte_read(kroot, 0x40000000ULL, 3), 0);
	hostile_make_writable(t);

	/* The same inside tables we ask Keel to pin. */
	t[7] = good | PTE_G;
	hostile_make_readonly(t);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, t_mfn, 0), -KEEL_EINVAL);
	hostile_make_writable(t);
	t[7] = PTE_PS | LINK;
	hostile_make_readonly(t);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L2_TABLE, t_mfn, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L3_TABLE, t_mfn, 0), -KEEL_EINVAL);
	hostile_make_writable(t);
	t[7] = 0;
	printf("global, reserved and superpage entries refused\n");
}
