/* keel-test: group=msix privileged=1 device=virtio-rng-pci */
/*
 * MSI-X for the hardware domain (physdev_op bind_msix, ABI 1.7), with
 * QEMU's virtio-rng-pci, whose MSI-X table is in a memory BAR and which
 * a legacy virtio driver of a few lines can make interrupt: give it a
 * buffer on a virtqueue, and it fills the buffer and signals the
 * queue's MSI-X vector.
 *  - before any entry is bound, MSI-X may be turned on only with its
 *    function mask set;
 *  - bind_msix writes the entry in the table (the local APIC window, a
 *    vector of Keel's, unmasked) and gives a port (evtchn status "msi",
 *    with the entry); the driver then unmasks the function;
 *  - the device's interrupt for a used buffer is an event on the port;
 *  - closing the port masks the entry, and closing the last one turns
 *    MSI-X off;
 *  - refused: an entry past the table, one bound twice, MSI on a
 *    function without it, the host bridge, segment, padding, bad
 *    pointers; a table whose BAR does not decode memory.
 */
#include "keeltest.h"
#include "rt_pci.h"
#include "rt_port_io.h"
#include <keel/physdev.h>

RT_KEEL_NOTE(KEEL_ELFNOTE_F_IDENTITY);

const char test_name[] = "msix_a_hardware";

#define RNG_VENDOR_DEVICE 0x10051af4u	/* transitional virtio-rng */
#define PCI_CAP_ID_MSIX   0x11
#define MSIX_ENABLE       0x8000
#define MSIX_MASKALL      0x4000
/* The legacy virtio header, in I/O BAR0, with MSI-X on. */
#define VIRTIO_GUEST_FEATURES 0x04
#define VIRTIO_QUEUE_PFN      0x08
#define VIRTIO_QUEUE_SIZE     0x0c
#define VIRTIO_QUEUE_SELECT   0x0e
#define VIRTIO_QUEUE_NOTIFY   0x10
#define VIRTIO_STATUS         0x12
#define VIRTIO_QUEUE_VECTOR   0x16
#define MS                    1000000ull

static uint8_t rng;
static unsigned int msix_cap, table_entries;
static volatile uint32_t *table;	/* mapped, uncached */

static long bind(uint8_t devfn, uint16_t entry, keel_port_t *port)
{
	struct keel_physdev_bind_msix b = { .devfn = devfn, .entry = entry };
	long rc = keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msix,
					    (unsigned long)&b);

	if (port)
		*port = b.port;
	return rc;
}

static uint16_t msix_control(void)
{
	return (uint16_t)rt_pci_read(rng, (uint16_t)(msix_cap + 2), 2);
}

static long set_msix_control(uint16_t v)
{
	return rt_pci_write(rng, (uint16_t)(msix_cap + 2), 2, v);
}

static uint64_t dma_address(const void *va)
{
	return (rt_va_to_mfn(va) << 12) | ((uint64_t)va & 0xfff);
}

static void find_rng(void)
{
	rng = rt_pci_find(RNG_VENDOR_DEVICE);
	CHECK(rng != 0xff, "no virtio-rng-pci");
	unsigned int pos = rt_pci_read(rng, 0x34, 1) & 0xfc;
	for (int n = 0; n < 48 && pos >= 0x40 && !msix_cap; n++) {
		uint32_t head = rt_pci_read(rng, (uint16_t)pos, 4);
		if ((head & 0xff) == PCI_CAP_ID_MSIX)
			msix_cap = pos;
		pos = (head >> 8) & 0xfc;
	}
	CHECK(msix_cap, "no MSI-X capability");
	table_entries = (msix_control() & 0x7ff) + 1;
	uint32_t where = rt_pci_read(rng, (uint16_t)(msix_cap + 4), 4);
	uint32_t bar = rt_pci_read(rng, (uint16_t)(0x10 + 4 * (where & 7)), 4);
	CHECK_EQ(bar & 0x7, 0);		/* a 32-bit memory BAR */
	uint64_t at = (bar & ~0xfu) + (where & ~7u);
	volatile uint32_t *page = rt_map_mmio(at & ~0xfffull);
	table = page + (at & 0xfff) / 4;
	printf("virtio-rng at 00:%02x.0: MSI-X at %#x, %u entries\n",
	       rng >> 3, msix_cap, table_entries);
}

static void refusals(void)
{
	/* The table's BAR not decoding memory (the firmware left it on):
	 * Keel cannot reach it. */
	CHECK_EQ(rt_pci_write(rng, 0x04, 2, 0x0001), 0);	/* I/O only */
	CHECK_EQ(bind(rng, 0, NULL), -KEEL_ENODEV);
	CHECK_EQ(rt_pci_write(rng, 0x04, 2, 0x0007), 0);	/* I/O, mem, BM */
	CHECK_EQ(bind(rng, (uint16_t)table_entries, NULL), -KEEL_EINVAL);
	CHECK_EQ(bind(rng, 0xffff, NULL), -KEEL_EINVAL);
	CHECK_EQ(bind(0, 0, NULL), -KEEL_EPERM);		/* host bridge */
	CHECK_EQ(bind(2 << 3, 0, NULL), -KEEL_ENODEV);	/* VGA: no MSI-X */
	CHECK_EQ(bind(0xff, 0, NULL), -KEEL_ENODEV);
	struct keel_physdev_bind_msi msi = { .devfn = rng };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)&msi), -KEEL_ENODEV);
	struct keel_physdev_bind_msix b = { .devfn = rng, .segment = 1 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msix,
					   (unsigned long)&b), -KEEL_EINVAL);
	b = (struct keel_physdev_bind_msix){ .devfn = rng, .pad = 1 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msix,
					   (unsigned long)&b), -KEEL_EINVAL);
	b = (struct keel_physdev_bind_msix){ .devfn = rng, .pad2 = 1 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msix,
					   (unsigned long)&b), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msix, 0),
		 -KEEL_EFAULT);
	/* Unbound: on only with the function masked. */
	CHECK_EQ(set_msix_control(MSIX_ENABLE), -KEEL_EPERM);
	CHECK_EQ(set_msix_control(MSIX_ENABLE | MSIX_MASKALL), 0);
	CHECK_EQ(set_msix_control(MSIX_ENABLE), -KEEL_EPERM);
	printf("bind_msix refusals: entry past the table -EINVAL; no MSI-X, "
	       "no decoding or no function -ENODEV; host bridge -EPERM\n");
}

void test_main(void)
{
	find_rng();
	refusals();

	keel_port_t port, other;
	CHECK_EQ(bind(rng, 1, &port), 0);
	CHECK_EQ(bind(rng, 1, NULL), -KEEL_EBUSY);
	CHECK_EQ(bind(rng, 0, &other), 0);
	struct keel_physdev_bind_msi msi = { .devfn = rng };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_msi,
					   (unsigned long)&msi), -KEEL_EBUSY);
	rt_mask(port);
	struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF, .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_msi);
	CHECK_EQ(st.u.msi.devfn, rng);
	CHECK_EQ(st.u.msi.msix_entry, 1);
	/* Entry 1 as Keel wrote it: the local APIC window, one of its
	 * device vectors, unmasked. */
	volatile uint32_t *e = table + 4;
	CHECK_EQ(e[0] & 0xfff00000, 0xfee00000);
	CHECK_EQ(e[1], 0);
	CHECK(e[2] >= 0xb0 && e[2] < 0xf0, "vector %#x", e[2]);
	CHECK_EQ(e[3] & 1, 0);
	CHECK_EQ(set_msix_control(MSIX_ENABLE), 0);

	/* A legacy virtio driver: queue 0's buffer, on entry 1. */
	uint16_t io = (uint16_t)(rt_pci_read(rng, 0x10, 4) & ~3u);
	rt_outb(io + VIRTIO_STATUS, 0);
	rt_outb(io + VIRTIO_STATUS, 1 | 2);		/* ACK, DRIVER */
	rt_outl(io + VIRTIO_GUEST_FEATURES, 0);
	rt_outw(io + VIRTIO_QUEUE_SELECT, 0);
	unsigned int n = rt_inw(io + VIRTIO_QUEUE_SIZE);
	CHECK(n > 0 && n <= 1024, "queue size %u", n);
	rt_outw(io + VIRTIO_QUEUE_VECTOR, 1);
	CHECK_EQ(rt_inw(io + VIRTIO_QUEUE_VECTOR), 1);
	unsigned int ring_bytes = (16 * n + 6 + 2 * n + 4095) / 4096 * 4096;
	uint8_t *queue = rt_alloc_pages((ring_bytes + 6 + 8 * n + 4095) / 4096);
	uint8_t *buffer = rt_alloc_pages(1);
	volatile uint64_t *desc = (volatile uint64_t *)queue;
	volatile uint16_t *avail = (volatile uint16_t *)(queue + 16 * n);
	volatile uint16_t *used = (volatile uint16_t *)(queue + ring_bytes);
	desc[0] = dma_address(buffer);
	desc[1] = 64 | (uint64_t)2 << 32;	/* len 64, flags WRITE */
	rt_outl(io + VIRTIO_QUEUE_PFN, (uint32_t)(dma_address(queue) >> 12));
	rt_outb(io + VIRTIO_STATUS, 1 | 2 | 4);	/* DRIVER_OK */
	avail[2] = 0;				/* ring[0]: descriptor 0 */
	__asm__ volatile("" ::: "memory");
	avail[1] = 1;				/* idx */
	rt_outw(io + VIRTIO_QUEUE_NOTIFY, 0);
	CHECK(rt_wait_port(port, rt_now_ns() + 5000 * MS),
	      "no event for the used buffer");
	CHECK_EQ(used[1], 1);
	int nonzero = 0;
	for (int i = 0; i < 64; i++)
		nonzero += buffer[i] != 0;
	CHECK(nonzero > 0, "the buffer came back empty");
	printf("entry 1 bound to port %u on vector %#x: the used buffer's "
	       "interrupt was an event\n", port, e[2]);
	rt_outb(io + VIRTIO_STATUS, 0);		/* reset the device */

	/* Closing masks the entry; closing the last turns MSI-X off. */
	struct keel_evtchn_close close = { .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &close), 0);
	CHECK_EQ(e[3] & 1, 1);
	CHECK(msix_control() & MSIX_ENABLE, "MSI-X off with entry 0 bound");
	close.port = other;
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &close), 0);
	CHECK_EQ(table[3] & 1, 1);
	CHECK_EQ(msix_control() & MSIX_ENABLE, 0);
	CHECK_EQ(set_msix_control(MSIX_ENABLE), -KEEL_EPERM);
	/* Bound again and left so: the domain's end unbinds it. */
	CHECK_EQ(bind(rng, 0, &port), 0);
	printf("closing masked the entries and, with the last, MSI-X\n");
}
