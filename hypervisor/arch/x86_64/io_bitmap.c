/*
 * The hardware domain's I/O permission bitmap (asm/io_bitmap.h).
 *
 * Keel keeps the ports of the devices it drives itself, or whose state
 * it shares with the hardware domain, out of the bitmap. An access to
 * one of them faults in the guest: a #GP it can handle, or, for Linux,
 * an empty bus (patch 0010). Where the hardware domain needs one of
 * these devices, Keel mediates it instead: PCI configuration space
 * through physdev_op (common/physdev.c).
 */
#include <asm/io_bitmap.h>

/* With their aliases: many chipsets decode the PIC, PIT and CMOS ports
 * only partly, so the ranges around them reach the same registers. */
static const struct {
	uint16_t first, last;	/* inclusive */
} keel_ports[] = {
	{ 0x0020, 0x003f },	/* the master 8259 PIC (which Keel keeps
				 * masked) and the IMCR, which routes
				 * interrupts to the APICs */
	{ 0x0040, 0x005f },	/* the PIT, which calibrates the TSC */
	{ 0x0061, 0x0061 },	/* system control port B: the PIT's gate */
	{ 0x0070, 0x0077 },	/* the CMOS RTC, which Keel reads the time
				 * from, and its NMI-disable bit */
	{ 0x0092, 0x0092 },	/* system control port A: fast reset */
	{ 0x00a0, 0x00bf },	/* the slave 8259 PIC */
	{ 0x00f0, 0x00f0 },	/* the FPU error latch (IGNNE#) */
	{ 0x00f4, 0x00f4 },	/* QEMU's isa-debug-exit, which ends test
				 * runs */
	{ 0x04d0, 0x04d1 },	/* the PICs' edge/level control */
	{ 0x0cf8, 0x0cff },	/* PCI configuration mechanism 1 (BARs and
				 * MSI) and the reset control at 0xcf9 */
};

static void deny(uint8_t *bitmap, uint32_t first, uint32_t last)
{
	for (uint32_t port = first; port <= last; port++)
		bitmap[port / 8] |= (uint8_t)(1u << (port % 8));
}

void io_bitmap_fill_hardware_domain(uint8_t *bitmap, uint16_t serial_base)
{
	for (unsigned int i = 0; i < IO_BITMAP_BYTES; i++)
		bitmap[i] = 0;
	bitmap[IO_BITMAP_BYTES] = 0xff;
	for (unsigned int i = 0; i < ARRAY_SIZE(keel_ports); i++)
		deny(bitmap, keel_ports[i].first, keel_ports[i].last);
	/* Keel's console; the last ports of the space are no UART's. */
	if (serial_base && serial_base <= IO_PORTS - 8)
		deny(bitmap, serial_base, serial_base + 7u);
}

bool io_bitmap_ports_allowed(const uint8_t *bitmap, uint32_t first,
			     uint32_t last)
{
	if (first > last || last >= IO_PORTS)
		return false;
	for (uint32_t port = first; port <= last; port++)
		if (bitmap[port / 8] & (1u << (port % 8)))
			return false;
	return true;
}
