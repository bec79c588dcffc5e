/* keel-test: group=gsi privileged=1 */
/*
 * A control domain that is not the hardware domain (gsi_a_hardware is)
 * binds no device interrupt and sends no EOI: -EPERM, whatever the
 * arguments, before they are read.
 */
#include "keeltest.h"
#include <keel/physdev.h>

const char test_name[] = "gsi_b_control";

void test_main(void)
{
	struct keel_physdev_bind_gsi b = { .gsi = 3, .port = 0x5a5a };

	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_gsi,
					   (unsigned long)&b), -KEEL_EPERM);
	CHECK_EQ(b.port, 0x5a5a);
	b.gsi = 4000;
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_gsi,
					   (unsigned long)&b), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_gsi, 0),
		 -KEEL_EPERM);
	struct keel_physdev_gsi_eoi e = { .gsi = 3 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_gsi_eoi,
					   (unsigned long)&e), -KEEL_EPERM);
	printf("bind_gsi and gsi_eoi: -EPERM for a control domain that is "
	       "not the hardware domain\n");
}
