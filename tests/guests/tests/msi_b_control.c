/* keel-test: group=msi privileged=1 */
/*
 * A control domain that is not the hardware domain (msi_a_hardware is)
 * binds no MSI or MSI-X entry: -EPERM, whatever the arguments, before they are read.
 */
#include "keeltest.h"
#include <keel/physdev.h>

const char test_name[] = "msi_b_control";

void test_main(void)
{
	struct keel_physdev_bind_msi b = { .devfn = 3 << 3, .port = 0x5a5a };

	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)&b), -KEEL_EPERM);
	CHECK_EQ(b.port, 0x5a5a);
	b.segment = 7;
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)&b), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi, 0),
		 -KEEL_EPERM);
	struct keel_physdev_bind_msix x = { .devfn = 3 << 3, .port = 0x5a5a };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msix,
					   (unsigned long)&x), -KEEL_EPERM);
	CHECK_EQ(x.port, 0x5a5a);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msix, 0),
		 -KEEL_EPERM);
	printf("bind_msi and bind_msix: -EPERM for a control domain that is "
	       "not the hardware domain\n");
}
