/* keel-test: group=ecam privileged=1 machine=q35 */
/*
 * On QEMU's Q35 machine, PCIe's extended configuration space is memory
 * (ECAM, where the ACPI MCFG says: 0xb0000000, 256 MiB here). A write
 * there would pass by physdev_op's filter, so the hardware domain may
 * not map it, and Keel says where it is. Configuration space through
 * physdev_op still works: the Q35 host bridge, 8086:29c0, and its
 * registers past the header (PCIEXBAR at 0x60, which moves ECAM) are
 * refused.
 */
#include "keeltest.h"
#include <keel/physdev.h>

const char test_name[] = "ecam_hardware";

static long map(void *va, uint64_t mfn)
{
	return keel_hypercall_update_va_mapping(
		(uint64_t)va, (mfn << 12) | 0x1f /* P W U PWT PCD */,
		KEEL_UVMF_INVLPG);
}

void test_main(void)
{
	uint64_t log = 0;
	void *va = rt_alloc_pages(1);

	CHECK(rt_log_wait_for(&log, "PCI: ECAM at 0xb0000000, 256 MiB"),
	      "Keel did not find the MCFG's window");
	CHECK_EQ(map(va, 0xb0000), -KEEL_EPERM);
	CHECK_EQ(map(va, 0xb0000 + 0xffff), -KEEL_EPERM);
	CHECK_EQ(map(va, 0xbffff), -KEEL_EPERM);
	/* Just past it is nobody's RAM: device memory (the PCI hole). */
	CHECK_EQ(map(va, 0xc0000), 0);
	printf("the ECAM window may not be mapped\n");

	struct keel_physdev_pci_config c = { .reg = 0, .size = 4 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read,
					   (unsigned long)&c), 0);
	CHECK_EQ(c.value, 0x29c08086);
	c.reg = 0x60;
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read,
					   (unsigned long)&c), 0);
	uint32_t pciexbar = c.value;
	c.value = 0xe0000001;
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_write,
					   (unsigned long)&c), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read,
					   (unsigned long)&c), 0);
	CHECK_EQ(c.value, pciexbar);
	printf("PCIEXBAR %#x stays where it is\n", pciexbar);
}
