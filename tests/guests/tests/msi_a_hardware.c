/* keel-test: group=msi privileged=1 device=edu */
/*
 * MSIs for the hardware domain (physdev_op bind_msi, ABI 1.7), with
 * QEMU's "edu" device, which has a 64-bit MSI capability and raises its
 * interrupt when its "raise" register is written:
 *  - before bind_msi, the MSI enable bit and the message address and
 *    data may not be written;
 *  - bind_msi gives a port (evtchn status "msi", naming the function)
 *    and writes the message: the local APIC window and a vector of
 *    Keel's, with MSI still off and one message;
 *  - the driver then turns MSI on, and each interrupt the device raises
 *    is one event on the port; the address and data stay Keel's, and
 *    several messages stay refused;
 *  - closing the port turns the function's MSI off, and it may not be
 *    turned on again until the next bind;
 *  - refused: a second bind of the same function, a function that is
 *    not there or has no MSI capability, a host bridge, a segment,
 *    padding, bad pointers;
 *  - an MSI left bound when the domain ends is unbound with it.
 * msi_b_control, a control domain that is not the hardware domain, gets
 * -EPERM.
 */
#include "keeltest.h"
#include <keel/physdev.h>
#include "rt_pci.h"

const char test_name[] = "msi_a_hardware";

#define EDU_VENDOR_DEVICE 0x11e81234u
#define EDU_ID           0x00
#define EDU_IRQ_STATUS   0x24
#define EDU_IRQ_RAISE    0x60
#define EDU_IRQ_ACK      0x64
#define PCI_CAP_ID_MSI   0x05
#define MSI_ENABLE       0x0001
#define MSI_64BIT        0x0080
#define MS               1000000ull

static uint8_t edu;		/* its devfn */
static unsigned int msi_cap;	/* its MSI capability's offset */

static long bind(uint8_t devfn, keel_port_t *port)
{
	struct keel_physdev_bind_msi b = { .devfn = devfn };
	long rc = keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					    (unsigned long)&b);

	if (port)
		*port = b.port;
	return rc;
}

static void find_edu(void)
{
	edu = rt_pci_find(EDU_VENDOR_DEVICE);
	CHECK(edu != 0xff, "no edu device");
	unsigned int pos = rt_pci_read(edu, 0x34, 1) & 0xfc;
	for (int n = 0; n < 48 && pos >= 0x40; n++) {
		uint32_t head = rt_pci_read(edu, (uint16_t)pos, 4);
		if ((head & 0xff) == PCI_CAP_ID_MSI) {
			msi_cap = pos;
			break;
		}
		pos = (head >> 8) & 0xfc;
	}
	CHECK(msi_cap, "edu has no MSI capability");
	CHECK(rt_pci_read(edu, (uint16_t)(msi_cap + 2), 2) & MSI_64BIT,
	      "edu's MSI is not 64-bit");
}

static uint16_t msi_control(void)
{
	return (uint16_t)rt_pci_read(edu, (uint16_t)(msi_cap + 2), 2);
}

static void before_bind(void)
{
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 2), 2,
			      msi_control() | MSI_ENABLE), -KEEL_EPERM);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 4), 4, 0xfee00000),
		 rt_pci_read(edu, (uint16_t)(msi_cap + 4), 4) == 0xfee00000 ?
		 0 : -KEEL_EPERM);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 12), 2, 0x41),
		 -KEEL_EPERM);
	CHECK_EQ(msi_control() & MSI_ENABLE, 0);
	printf("before bind_msi: MSI's enable bit, address and data refused\n");
}

static void refusals(void)
{
	/* The host bridge's registers are Keel's; nothing is at 00:1f.7;
	 * QEMU's VGA (00:02.0) has no MSI capability. */
	CHECK_EQ(bind(0, NULL), -KEEL_EPERM);
	CHECK_EQ(bind(2 << 3, NULL), -KEEL_ENODEV);
	CHECK_EQ(bind(0xff, NULL), -KEEL_ENODEV);
	struct keel_physdev_bind_msi b = { .segment = 1, .devfn = edu };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)&b), -KEEL_EINVAL);
	b = (struct keel_physdev_bind_msi){ .devfn = edu, .pad = 1 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)&b), -KEEL_EINVAL);
	b = (struct keel_physdev_bind_msi){ .devfn = edu, .pad2 = 1 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)&b), -KEEL_EINVAL);
	static const uint64_t pointers[] = { 0, 0xffff830000000000ULL,
					     0x8000000000000000ULL };
	for (unsigned int i = 0; i < 3; i++)
		CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
						   pointers[i]), -KEEL_EFAULT);
	/* A result that cannot be written back leaves nothing bound: the
	 * struct in a read-only page. */
	struct keel_physdev_bind_msi *ro = rt_alloc_pages(1);
	*ro = (struct keel_physdev_bind_msi){ .devfn = edu };
	CHECK_EQ(keel_hypercall_update_va_mapping(
			 (uint64_t)ro, (rt_va_to_mfn(ro) << 12) | 0x5 /* P U */,
			 KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)ro), -KEEL_EFAULT);
	CHECK_EQ(msi_control() & MSI_ENABLE, 0);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 2), 2,
			      msi_control() | MSI_ENABLE), -KEEL_EPERM);
	printf("bind_msi: no MSI or no function -ENODEV; the host bridge "
	       "-EPERM; segment and padding -EINVAL; bad pointers -EFAULT, "
	       "with nothing left bound\n");
}

static volatile uint32_t *map_edu(void)
{
	uint32_t bar0 = rt_pci_read(edu, 0x10, 4) & ~0xfu;
	/* Memory decoding, and bus mastering: an MSI is a write the device
	 * makes. */
	CHECK_EQ(rt_pci_write(edu, 0x04, 2, 0x0006), 0);
	volatile uint32_t *regs = rt_map_mmio(bar0);
	CHECK_EQ(regs[EDU_ID / 4] & 0xff, 0xed);
	return regs;
}

static void delivery(volatile uint32_t *regs)
{
	keel_port_t port;
	uint64_t log = rt_log_end();

	CHECK_EQ(bind(edu, &port), 0);
	CHECK(rt_log_wait_for(&log, "bound to port"), "no log line");
	rt_mask(port);
	struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF, .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_msi);
	CHECK_EQ(st.u.msi.segment, 0);
	CHECK_EQ(st.u.msi.bus, 0);
	CHECK_EQ(st.u.msi.devfn, edu);
	CHECK_EQ(st.vcpu, 0);
	CHECK_EQ(bind(edu, NULL), -KEEL_EBUSY);

	/* The message Keel wrote: the local APIC window, a vector of its
	 * device range, MSI off, one message. */
	uint32_t address = rt_pci_read(edu, (uint16_t)(msi_cap + 4), 4);
	uint32_t data = rt_pci_read(edu, (uint16_t)(msi_cap + 12), 2);
	CHECK_EQ(address & 0xfff00000, 0xfee00000);
	CHECK_EQ(rt_pci_read(edu, (uint16_t)(msi_cap + 8), 4), 0);
	CHECK(data >= 0xb0 && data < 0xf0, "vector %#x", data);
	CHECK_EQ(msi_control() & (MSI_ENABLE | 0x70), 0);

	/* The driver turns it on; the message stays Keel's. */
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 2), 2,
			      msi_control() | 0x0010 | MSI_ENABLE),
		 -KEEL_EPERM);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 2), 2,
			      msi_control() | MSI_ENABLE), 0);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 4), 4,
			      address + 0x1000), -KEEL_EPERM);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 12), 2, data + 1),
		 -KEEL_EPERM);

	for (int i = 0; i < 3; i++) {
		regs[EDU_IRQ_RAISE / 4] = 1u << i;
		CHECK(rt_wait_port(port, rt_now_ns() + 5000 * MS),
		      "MSI %d: no event", i);
		CHECK_EQ(regs[EDU_IRQ_STATUS / 4], 1u << i);
		regs[EDU_IRQ_ACK / 4] = 1u << i;
	}
	printf("MSI bound to port %u on vector %#x: one event per interrupt\n",
	       port, data);

	struct keel_evtchn_close close = { .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &close), 0);
	CHECK_EQ(msi_control() & MSI_ENABLE, 0);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 2), 2,
			      msi_control() | MSI_ENABLE), -KEEL_EPERM);
	/* The device still raises its interrupt; with MSI off (and INTx not
	 * bound) no event comes. (A check that something does not happen
	 * has to wait for some time.) */
	regs[EDU_IRQ_RAISE / 4] = 1;
	CHECK(!rt_wait_port(port, rt_now_ns() + 100 * MS),
	      "an event after the port closed");
	regs[EDU_IRQ_ACK / 4] = 1;
	printf("closing the port turned the function's MSI off\n");
}

void test_main(void)
{
	find_edu();
	before_bind();
	refusals();
	volatile uint32_t *regs = map_edu();
	delivery(regs);
	/* Bound again, on, and left so: the domain's end unbinds it. */
	keel_port_t port;
	CHECK_EQ(bind(edu, &port), 0);
	CHECK_EQ(rt_pci_write(edu, (uint16_t)(msi_cap + 2), 2,
			      msi_control() | MSI_ENABLE), 0);
	printf("MSI left bound on port %u for the domain's end\n", port);
}
