/* keel-test: privileged=0 */
/* domctl and console_read are for the control domain: an ordinary domain
 * gets -EPERM, with good arguments or bad, and nothing is written. */
#include "keeltest.h"
#include <keel/physdev.h>

const char test_name[] = "control_denied";

void test_main(void)
{
	CHECK(!rt_boot.privileged, "the boot FDT says privileged");

	struct keel_domctl_getinfo info;
	memset(&info, 0x5a, sizeof(info));
	info.domid = (keel_domid_t)rt_boot.domid;
	long rc = keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
					(unsigned long)&info);
	printf("domctl(getinfo, own domid %u) = %ld\n", rt_boot.domid, rc);
	CHECK_EQ(rc, -KEEL_EPERM);
	CHECK_EQ(info.domid, rt_boot.domid);
	CHECK(info.flags == 0x5a5a5a5a && info.nr_vcpus == 0x5a5a5a5a &&
	      (unsigned char)info.name[0] == 0x5a,
	      "getinfo wrote to the structure although it was refused");

	struct keel_domctl_physinfo phys;
	memset(&phys, 0x5a, sizeof(phys));
	rc = keel_hypercall_domctl(KEEL_DOMCTL_physinfo, (unsigned long)&phys);
	printf("domctl(physinfo) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EPERM);
	CHECK(phys.nr_cpus == 0x5a5a5a5a && phys.free_frames ==
	      0x5a5a5a5a5a5a5a5aULL, "physinfo wrote although refused");

	/* Unknown sub-commands: still -EPERM, the dispatcher decides first. */
	rc = keel_hypercall_domctl(99, (unsigned long)&phys);
	printf("domctl(99) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EPERM);

	static char buf[256];
	uint64_t pos = 0;
	memset(buf, 0x5a, sizeof(buf));
	rc = keel_hypercall_console_read((unsigned long)buf, sizeof(buf),
					 (unsigned long)&pos);
	printf("console_read(pos 0) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EPERM);
	CHECK_EQ(pos, 0);
	CHECK((unsigned char)buf[0] == 0x5a, "console_read wrote to buf");

	/* Bad pointers: the privilege check comes first. */
	static const uint64_t bad[] = { 0, 0xffff830000000000ULL,
					0x8000000000000000ULL, 0x10000000ULL };
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_getinfo, bad[i]),
			 -KEEL_EPERM);
		CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_physinfo, bad[i]),
			 -KEEL_EPERM);
		CHECK_EQ(keel_hypercall_console_read(bad[i], 64, bad[i]),
			 -KEEL_EPERM);
		CHECK_EQ(keel_hypercall_console_read((unsigned long)buf, 64,
						     bad[i]), -KEEL_EPERM);
		printf("bad pointer %#llx: domctl and console_read -EPERM\n",
		       (unsigned long long)bad[i]);
	}
	/* physdev_op is the hardware domain's, and so a control call. */
	struct keel_physdev_pci_config pci = { .size = 4, .value = 0x5a5a5a5a };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read,
					   (unsigned long)&pci), -KEEL_EPERM);
	CHECK_EQ(pci.value, 0x5a5a5a5a);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_write,
					   (unsigned long)&pci), -KEEL_EPERM);
	printf("physdev_op: -EPERM\n");

	/* Through the raw numbers too. */
	CHECK_EQ(keel_hypercall_raw(KEEL_HC_domctl, KEEL_DOMCTL_physinfo,
				    (unsigned long)&phys, 0, 0, 0), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_raw(KEEL_HC_console_read, (unsigned long)buf,
				    16, (unsigned long)&pos, 0, 0), -KEEL_EPERM);
	printf("raw hypercall numbers %d and %d: -EPERM\n", KEEL_HC_domctl,
	       KEEL_HC_console_read);
}
