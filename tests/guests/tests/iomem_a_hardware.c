/* keel-test: group=iomem privileged=1 */
/*
 * Device memory for the hardware domain (the boot's first domain, a
 * control domain): it maps frames that the memory map does not call RAM,
 * uncached or write-combining, as its drivers map device BARs:
 *  - the VGA window, which it writes and reads back, uncached; the BIOS
 *    ROM, write-combining; a frame in the PCI hole, past all RAM;
 *  - through mmu_update too, and then replaces that entry with its page
 *    again (a device mapping is nobody's grant, so it may);
 *  - Keel's own windows (IOAPIC, HPET, local APIC and MSI) are refused
 *    with -EPERM, and RAM it does not own with -EINVAL, as before, even
 *    in the low megabyte Keel keeps;
 *  - its own RAM still takes no cache attributes, and no frame past
 *    the CPU's physical address width may be mapped.
 * iomem_b_control, a control domain that is not the hardware domain,
 * maps none of it. No frame is held or lost.
 */
#include "keeltest.h"

const char test_name[] = "iomem_a_hardware";

#define PTE_P   1ULL
#define PTE_W   2ULL
#define PTE_U   4ULL
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PAT (1ULL << 7)
#define PTE_NX  (1ULL << 63)

static long map(void *va, uint64_t mfn, uint64_t flags)
{
	return keel_hypercall_update_va_mapping((uint64_t)va,
						(mfn << 12) | PTE_P | PTE_U | flags,
						KEEL_UVMF_INVLPG);
}

void test_main(void)
{
	/* The domain's own pages: a device mapping takes none. (Not the
	 * machine's free count, which its peer's end changes meanwhile; the
	 * harness checks that at the end.) */
	long before = keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					       KEEL_DOMID_SELF);
	volatile uint8_t *va = rt_alloc_pages(1);
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t orig = rt_pte_read(kroot, (uint64_t)va, 1);

	/* The VGA text window: writable device memory, uncached. */
	CHECK_EQ(map((void *)va, 0xb8, PTE_W | PTE_PCD | PTE_PWT | PTE_NX), 0);
	uint8_t saved = va[0x100];
	va[0x100] = 0x5a;
	CHECK_EQ(va[0x100], 0x5a);
	va[0x100] = saved;
	printf("VGA window mapped uncached, written and read back\n");
	/* The BIOS ROM, write-combining; the PCI hole, past all RAM. */
	CHECK_EQ(map((void *)va, 0xf0, PTE_PAT | PTE_NX), 0);
	uint8_t rom = va[0xfff];
	CHECK_EQ(va[0xfff], rom);
	CHECK_EQ(map((void *)va, 0xfe000, PTE_W | PTE_PCD | PTE_NX), 0);
	CHECK_EQ(map((void *)va, 0xfef00, PTE_W | PTE_PCD | PTE_NX), 0);

	/* Keel's windows. */
	static const uint64_t keels[] = { 0xfec00, 0xfecff, 0xfed00, 0xfee00,
					  0xfeeff };
	for (unsigned int i = 0; i < sizeof(keels) / sizeof(keels[0]); i++)
		CHECK_EQ(map((void *)va, keels[i], PTE_W | PTE_PCD | PTE_NX),
			 -KEEL_EPERM);
	/* RAM: the low megabyte Keel keeps (frame 0x9f is partly RAM),
	 * and a cache attribute on its own page. */
	CHECK_EQ(map((void *)va, 0x10, PTE_NX), -KEEL_EINVAL);
	CHECK_EQ(map((void *)va, 0x9f, PTE_NX), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)va, orig | PTE_PCD,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EINVAL);
	/* Past what the CPU addresses (QEMU's "max" CPU: 40 bits; the PTE
	 * format: 52): no page-table entry can name it. */
	CHECK_EQ(map((void *)va, 1ULL << (40 - 12), PTE_PCD | PTE_NX),
		 -KEEL_EINVAL);
	CHECK_EQ(map((void *)va, 1ULL << (51 - 12), PTE_PCD | PTE_NX),
		 -KEEL_EINVAL);
	printf("Keel's windows, RAM and frames past the CPU's address width "
	       "refused\n");

	/* Through mmu_update, and replaced again. */
	uint64_t slot = rt_pte_maddr(kroot, (uint64_t)va, 1);
	CHECK_EQ(rt_mmu_update1(slot, (0xb8ULL << 12) | PTE_P | PTE_W | PTE_U |
				PTE_PCD | PTE_NX), 0);
	CHECK_EQ(va[0x100], saved);
	CHECK_EQ(rt_mmu_update1(slot, orig), 0);
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)va, 1), orig);
	va[0] = 1;	/* our page again */
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), before);
}
