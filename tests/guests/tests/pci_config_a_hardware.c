/* keel-test: group=pci privileged=1 device=virtio-rng-pci */
/*
 * PCI configuration space through Keel (physdev_op), as the hardware
 * domain's PCI layer uses it, on QEMU's PC machine: the i440FX host
 * bridge at 00:00.0, the standard VGA at 00:02.0 and a virtio RNG at
 * 00:03.0, which has MSI-X.
 *  - reads: the host bridge's ids, by dword, word and byte; an empty
 *    slot reads all ones;
 *  - the VGA's framebuffer BAR is sized and put back, natively, with
 *    memory decoding off, and decoding comes back on;
 *  - while it is decoded, the BAR does not move;
 *  - decoding is refused with the BAR over the IOAPIC and local APIC
 *    windows or over RAM, and allowed again where it was;
 *  - the RNG's I/O BAR may not decode Keel's serial port, nor may its
 *    MSI-X be enabled;
 *  - the host bridge's own registers (PAM) may not be written;
 *  - Keel logs each refusal with its reason, but a flood of them only
 *    at its rate limit;
 *  - malformed accesses get -EINVAL, a bad pointer -EFAULT, an unknown
 *    command -ENOSYS.
 * pci_config_b_control, a control domain that is not the hardware
 * domain, gets -EPERM for all of it.
 */
#include "keeltest.h"
#include <keel/physdev.h>

const char test_name[] = "pci_config_a_hardware";

#define VGA_DEVFN (2 << 3)
#define RNG_DEVFN (3 << 3)

static long config(unsigned int cmd, uint8_t devfn, uint16_t reg,
		   uint8_t size, uint32_t *value)
{
	struct keel_physdev_pci_config c = {
		.bus = 0, .devfn = devfn, .reg = reg, .size = size,
		.value = cmd == KEEL_PHYSDEV_pci_config_write ? *value : 0,
	};
	long rc = keel_hypercall_physdev_op(cmd, (unsigned long)&c);

	if (cmd == KEEL_PHYSDEV_pci_config_read)
		*value = c.value;
	return rc;
}

static uint32_t rd(uint8_t devfn, uint16_t reg, uint8_t size)
{
	uint32_t v = 0xdeadbeef;

	CHECK_EQ(config(KEEL_PHYSDEV_pci_config_read, devfn, reg, size, &v), 0);
	return v;
}

static long wr(uint8_t devfn, uint16_t reg, uint8_t size, uint32_t v)
{
	return config(KEEL_PHYSDEV_pci_config_write, devfn, reg, size, &v);
}

/* The offset of capability @id of @devfn, or 0. */
static unsigned int find_cap(uint8_t devfn, uint8_t id)
{
	if (!(rd(devfn, 0x06, 2) & 0x10))
		return 0;
	unsigned int pos = rd(devfn, 0x34, 1) & 0xfc;
	for (int n = 0; n < 48 && pos >= 0x40; n++) {
		if ((rd(devfn, pos, 1)) == id)
			return pos;
		pos = rd(devfn, pos + 1, 1) & 0xfc;
	}
	return 0;
}

static void reads(void)
{
	CHECK_EQ(rd(0, 0x00, 4), 0x12378086);
	CHECK_EQ(rd(0, 0x00, 2), 0x8086);
	CHECK_EQ(rd(0, 0x02, 2), 0x1237);
	CHECK_EQ(rd(0, 0x03, 1), 0x12);
	CHECK_EQ(rd(0x1f << 3, 0x00, 4), 0xffffffff);
	CHECK_EQ(rd(0x1f << 3, 0x00, 1), 0xff);
	CHECK_EQ(rd(VGA_DEVFN, 0x0a, 2), 0x0300);	/* a display */
	printf("host bridge 8086:1237, VGA class 0300, empty slot all ones\n");
}

static void vga_bar(void)
{
	uint16_t command = rd(VGA_DEVFN, 0x04, 2);
	uint32_t bar0 = rd(VGA_DEVFN, 0x10, 4);
	uint64_t log = rt_log_end();

	CHECK(command & 2, "VGA memory decoding is off: %#x", command);
	/* Moving a decoded BAR is refused, writing it back is not. */
	CHECK_EQ(wr(VGA_DEVFN, 0x10, 4, 0xffffffff), -KEEL_EPERM);
	CHECK_EQ(rd(VGA_DEVFN, 0x10, 4), bar0);
	CHECK_EQ(wr(VGA_DEVFN, 0x10, 4, bar0), 0);

	/* Sizing, as a driver does it: decoding off first. */
	CHECK_EQ(wr(VGA_DEVFN, 0x04, 2, command & ~2u), 0);
	CHECK_EQ(wr(VGA_DEVFN, 0x10, 4, 0xffffffff), 0);
	uint32_t mask = rd(VGA_DEVFN, 0x10, 4);
	CHECK_EQ(wr(VGA_DEVFN, 0x10, 4, bar0), 0);
	uint32_t size = ~(mask & ~0xfu) + 1;
	printf("VGA BAR0 %#x, %u MiB\n", bar0 & ~0xfu, size >> 20);
	CHECK(size >= (1u << 20) && !(size & (size - 1)),
	      "BAR0 size %#x", size);

	/* Over Keel's interrupt windows (the IOAPIC at 0xfec00000, the
	 * local APIC at 0xfee00000), over RAM: not decoded. */
	uint32_t places[] = { 0xfec00000 & ~(size - 1),
			      0xfee00000 & ~(size - 1), 0x00000000,
			      0x01000000 };
	for (unsigned int i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		CHECK_EQ(wr(VGA_DEVFN, 0x10, 4, places[i]), 0);
		CHECK_EQ(wr(VGA_DEVFN, 0x04, 2, command), -KEEL_EPERM);
		CHECK_EQ(rd(VGA_DEVFN, 0x04, 2), command & ~2u);
		CHECK_EQ(rd(VGA_DEVFN, 0x10, 4) & ~0xfu, places[i]);
	}
	printf("decoding refused over the IOAPIC, the local APIC and RAM\n");
	/* Keel says what it refused, and why. */
	uint64_t log2 = log;
	CHECK(rt_log_wait_for(&log, "pci 00:02.0: write of 0xffffffff to "
			      "register 0x10 refused: BAR moved while it is "
			      "decoded (BAR 0)\n"), "no log of the BAR move");
	CHECK(rt_log_wait_for(&log2, "to register 0x4 refused: memory BAR "
			      "over RAM or Keel's devices (BAR 0) "
			      "[0xfe000000, 0xff000000)"),
	      "no log of the refused decoding");
	CHECK_EQ(wr(VGA_DEVFN, 0x10, 4, bar0), 0);
	CHECK_EQ(wr(VGA_DEVFN, 0x04, 2, command), 0);
	CHECK_EQ(rd(VGA_DEVFN, 0x04, 2), command);
	CHECK_EQ(rd(VGA_DEVFN, 0x10, 4), bar0);
	printf("BAR0 back at %#x, decoded\n", bar0 & ~0xfu);
}

static void rng(void)
{
	CHECK_EQ(rd(RNG_DEVFN, 0x00, 2), 0x1af4);
	uint16_t command = rd(RNG_DEVFN, 0x04, 2);
	uint32_t bar0 = rd(RNG_DEVFN, 0x10, 4);
	CHECK(bar0 & 1, "the RNG's BAR0 is not I/O: %#x", bar0);

	/* Its ports over Keel's console UART (0x3f8). */
	CHECK_EQ(wr(RNG_DEVFN, 0x04, 2, command & ~1u), 0);
	CHECK_EQ(wr(RNG_DEVFN, 0x10, 4, 0x3e0), 0);
	CHECK_EQ(wr(RNG_DEVFN, 0x04, 2, command | 1u), -KEEL_EPERM);
	CHECK_EQ(rd(RNG_DEVFN, 0x04, 2), command & ~1u);
	CHECK_EQ(wr(RNG_DEVFN, 0x10, 4, bar0), 0);
	CHECK_EQ(wr(RNG_DEVFN, 0x04, 2, command | 1u), 0);
	printf("I/O BAR over Keel's serial port refused, %#x allowed\n",
	       bar0 & ~3u);

	unsigned int msix = find_cap(RNG_DEVFN, 0x11);
	CHECK(msix, "no MSI-X capability");
	uint16_t control = rd(RNG_DEVFN, msix + 2, 2);
	CHECK_EQ(wr(RNG_DEVFN, msix + 2, 2, control | 0x8000), -KEEL_EPERM);
	CHECK_EQ(wr(RNG_DEVFN, msix, 4, (uint32_t)(control | 0x8000) << 16 |
					 rd(RNG_DEVFN, msix, 2)), -KEEL_EPERM);
	CHECK_EQ(rd(RNG_DEVFN, msix + 2, 2), control);
	/* The function mask is not the enable bit. */
	CHECK_EQ(wr(RNG_DEVFN, msix + 2, 2, control | 0x4000), 0);
	CHECK_EQ(wr(RNG_DEVFN, msix + 2, 2, control), 0);
	printf("MSI-X at %#x may not be enabled\n", msix);
}

/* The host bridge's own registers: the i440FX's PAM (0x59-0x5f) shadows
 * the BIOS in the low megabyte Keel keeps. */
static void host_bridge(void)
{
	uint32_t pam = rd(0, 0x59, 1);

	CHECK_EQ(wr(0, 0x59, 1, pam ^ 0x30), -KEEL_EPERM);
	CHECK_EQ(wr(0, 0x58, 4, 0), -KEEL_EPERM);
	CHECK_EQ(rd(0, 0x59, 1), pam);
	CHECK_EQ(wr(0, 0x04, 2, rd(0, 0x04, 2)), 0);	/* its header: fine */
	printf("the host bridge's registers past its header are refused\n");
}

/* Occurrences of @needle in Keel's log. */
static unsigned int log_count(const char *needle)
{
	static char log[65536];
	size_t n = rt_log_read_all(log, sizeof(log));
	size_t len = strlen(needle);
	unsigned int count = 0;

	for (size_t i = 0; i + len <= n; i++)
		if (!memcmp(log + i, needle, len))
			count++;
	return count;
}

/* A domain that keeps making refused writes cannot flood Keel's log:
 * 500 of them log a burst's worth (20) and the rate (10 a second) for
 * the time they take. */
static void refusal_flood(void)
{
	unsigned int before = log_count("refused: a host bridge");
	uint64_t start = rt_now_ns();

	for (int i = 0; i < 500; i++)
		CHECK_EQ(wr(0, 0x59, 1, 0), -KEEL_EPERM);
	uint64_t secs = (rt_now_ns() - start) / 1000000000ull + 1;
	unsigned int logged = log_count("refused: a host bridge") - before;
	CHECK(logged <= 20 + 10 * secs, "%u refusals logged in %llu s",
	      logged, (unsigned long long)secs);
	printf("500 refused writes, %u of them logged\n", logged);
}

static void bad_arguments(void)
{
	struct keel_physdev_pci_config c = { .size = 4 };
	unsigned int rd_cmd = KEEL_PHYSDEV_pci_config_read;

	c.segment = 1;
	CHECK_EQ(keel_hypercall_physdev_op(rd_cmd, (unsigned long)&c),
		 -KEEL_EINVAL);
	c.segment = 0;
	static const struct { uint16_t reg; uint8_t size; } bad[] = {
		{ 0, 3 }, { 0, 0 }, { 0, 8 }, { 2, 4 }, { 1, 2 }, { 0x100, 1 },
		{ 0xfffe, 2 },
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t v = 0;
		CHECK_EQ(config(rd_cmd, 0, bad[i].reg, bad[i].size, &v),
			 -KEEL_EINVAL);
		CHECK_EQ(wr(0, bad[i].reg, bad[i].size, 0), -KEEL_EINVAL);
	}
	c.pad = 1;
	CHECK_EQ(keel_hypercall_physdev_op(rd_cmd, (unsigned long)&c),
		 -KEEL_EINVAL);
	c.pad = 0;
	c.pad2 = 1;
	CHECK_EQ(keel_hypercall_physdev_op(rd_cmd, (unsigned long)&c),
		 -KEEL_EINVAL);
	/* A write wider than its size. */
	CHECK_EQ(wr(VGA_DEVFN, 0x3c, 1, 0x100), -KEEL_EINVAL);
	CHECK_EQ(wr(VGA_DEVFN, 0x3c, 2, 0x10000), -KEEL_EINVAL);
	static const uint64_t pointers[] = { 0, 0xffff830000000000ULL,
					     0x8000000000000000ULL };
	for (unsigned int i = 0; i < 3; i++) {
		CHECK_EQ(keel_hypercall_physdev_op(rd_cmd, pointers[i]),
			 -KEEL_EFAULT);
		CHECK_EQ(keel_hypercall_physdev_op(
				 KEEL_PHYSDEV_pci_config_write, pointers[i]),
			 -KEEL_EFAULT);
	}
	CHECK_EQ(keel_hypercall_physdev_op(99, (unsigned long)&c),
		 -KEEL_ENOSYS);
	printf("malformed accesses -EINVAL, bad pointers -EFAULT, "
	       "command 99 -ENOSYS\n");
}

void test_main(void)
{
	reads();
	vga_bar();
	rng();
	host_bridge();
	refusal_flood();
	bad_arguments();
}
