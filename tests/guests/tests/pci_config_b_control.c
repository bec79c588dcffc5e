/* keel-test: group=pci privileged=1 */
/*
 * A control domain that is not the hardware domain (pci_config_a_hardware
 * is): physdev_op is the hardware domain's alone. Reads, writes, bad
 * arguments and unknown commands all get -EPERM, and a read writes
 * nothing back.
 */
#include "keeltest.h"
#include <keel/physdev.h>

const char test_name[] = "pci_config_b_control";

void test_main(void)
{
	struct keel_physdev_pci_config c = { .size = 4, .value = 0x5a5a5a5a };

	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read,
					   (unsigned long)&c), -KEEL_EPERM);
	CHECK_EQ(c.value, 0x5a5a5a5a);
	c.reg = 0x04;
	c.size = 2;
	c.value = 0;
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_write,
					   (unsigned long)&c), -KEEL_EPERM);
	c.size = 3;
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read,
					   (unsigned long)&c), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read, 0),
		 -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_physdev_op(99, 0), -KEEL_EPERM);
	printf("physdev_op: -EPERM for a control domain that is not the "
	       "hardware domain\n");
}
