/*
 * The I/O permission bitmap: which I/O ports the hardware domain reaches
 * directly.
 *
 * A guest runs in ring 3 with IOPL 0, so each `in` or `out` it executes
 * is checked against the bitmap at the end of the CPU's TSS: one bit per
 * port, set for a port that faults (#GP, delivered to the guest). Every
 * CPU's TSS carries the same bitmap, the hardware domain's: all ports but
 * Keel's own (io_bitmap.c lists them). pv_load_context() points the TSS
 * at it for a vCPU of the hardware domain and past the TSS's end for any
 * other, which then has no ports at all. So the hardware domain's drivers
 * do port I/O at native speed, with no trap per access.
 */
#ifndef ASM_IO_BITMAP_H
#define ASM_IO_BITMAP_H

#include <types.h>

#define IO_PORTS          65536
#define IO_BITMAP_BYTES   (IO_PORTS / 8)
/* The bitmap and the byte of ones the CPU wants after it (an access may
 * read the byte past the last port's). */
#define IO_BITMAP_SIZE    (IO_BITMAP_BYTES + 1)

/* Fill @bitmap (IO_BITMAP_SIZE bytes) for the hardware domain: every
 * port allowed but Keel's own and the 8 of its console UART at
 * @serial_base (0: none). */
void io_bitmap_fill_hardware_domain(uint8_t *bitmap, uint16_t serial_base);
/* Whether every port of [first, last] is open in @bitmap. */
bool io_bitmap_ports_allowed(const uint8_t *bitmap, uint32_t first,
			     uint32_t last);

#endif
