/*
 * Attack: build a new L4 whose hypervisor slots (256-271) point at a
 * table of our own with the user and write bits, pin it and run on it,
 * hoping Keel's range becomes ours. Keel ignores those slots: pinning
 * succeeds, but the slots then hold Keel's own entries, a read of the
 * direct map on the new root still faults (#PF, present, user), and
 * after unpinning the slots are cleared, not given back to us.
 */
#include "hostile.h"

const char test_name[] = "l4_spoof_hyp_slots";

void attack(void)
{
	uint64_t kroot_mfn = rt_boot.kernel_root_mfn;
	const uint64_t *kroot = rt_mfn_to_va(kroot_mfn);
	uint64_t *l4 = rt_alloc_pages(1);
	uint64_t l4_mfn = rt_va_to_mfn(l4);
	uint64_t our_l3 = kroot[511] & PTE_ADDR;

	/* Our own mappings, so that we can run on it ... */
	l4[0] = kroot[0];
	l4[511] = kroot[511];
	/* ... and the spoof: our kernel's L3 in every hypervisor slot. */
	for (unsigned int i = 256; i <= 271; i++)
		l4[i] = our_l3 | PTE_P | PTE_W | PTE_U;
	hostile_make_readonly(l4);

	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L4_TABLE, l4_mfn, 0), 0);
	unsigned int spoofed = 0;
	for (unsigned int i = 256; i <= 271; i++)
		if ((l4[i] ^ kroot[i]) & ~(PTE_A | PTE_D)) {
			printf("slot %u: %#llx, the boot root has %#llx\n", i,
			       (unsigned long long)l4[i],
			       (unsigned long long)kroot[i]);
			spoofed++;
		}
	CHECK(spoofed == 0, "%u hypervisor slots kept our entries", spoofed);
	CHECK(l4[262] & PTE_P && !(l4[262] & PTE_U),
	      "the direct-map slot is %#llx", (unsigned long long)l4[262]);

	/* Run on it: Keel's range is still Keel's. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, l4_mfn, 0), 0);
	uint64_t v;
	CHECK(rt_read_faults((uint64_t *)HOSTILE_DIRECTMAP, &v),
	      "the direct map is readable through the spoofed root");
	CHECK_PF(HOSTILE_DIRECTMAP, PF_PRESENT);
	CHECK(rt_read_faults((uint64_t *)HOSTILE_IMAGE_TEXT, &v),
	      "the hypervisor image is readable through the spoofed root");
	CHECK_PF(HOSTILE_IMAGE_TEXT, PF_PRESENT);
	/* The M2P window is Keel's, read-only, and still works. */
	uint64_t mfn = rt_va_to_mfn(l4);
	CHECK_EQ(rt_boot.m2p[mfn], ((uint64_t)l4 - rt_boot.virt_base) >> 12);
	CHECK(rt_write_faults((uint64_t *)&rt_boot.m2p[mfn], 0),
	      "the M2P window is writable through the spoofed root");
	CHECK_PF(&rt_boot.m2p[mfn], PF_PRESENT | PF_WRITE);
	/* Nor can it be changed now that it is in use. */
	CHECK_EQ(rt_mmu_update1((l4_mfn << 12) + 262 * 8,
				our_l3 | PTE_P | PTE_U), -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, kroot_mfn, 0), 0);

	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, l4_mfn, 0), 0);
	unsigned int left = 0;
	for (unsigned int i = 256; i <= 271; i++)
		left += l4[i] != 0;
	CHECK(left == 0, "%u hypervisor slots left behind after unpin", left);
	hostile_make_writable(l4);
	printf("spoofed slots ignored, replaced and cleared\n");
}
