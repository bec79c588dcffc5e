/*
 * Port I/O from a test guest, and whether it faulted: rt_port_io() runs
 * one `in` or `out` of 1, 2 or 4 bytes at @port (through DX), under the
 * exception table, and returns true when it took a trap (recorded in
 * rt_last_trap, which it resets first).
 */
#ifndef RT_PORT_IO_H
#define RT_PORT_IO_H

#include "keeltest.h"

#define RT_PORT_IO(insn)                                          \
	__asm__ volatile("1: " insn "\n\t"                                \
			 "2:\n\t" RT_EXTABLE(1b, 2b)                      \
			 : "+a"(value) : "d"(port) : "memory")

static inline bool rt_port_io(uint16_t port, unsigned int size, bool write)
{
	uint32_t value = 0;

	rt_trap_reset();
	if (write && size == 1)
		RT_PORT_IO("outb %%al, %%dx");
	else if (write && size == 2)
		RT_PORT_IO("outw %%ax, %%dx");
	else if (write)
		RT_PORT_IO("outl %%eax, %%dx");
	else if (size == 1)
		RT_PORT_IO("inb %%dx, %%al");
	else if (size == 2)
		RT_PORT_IO("inw %%dx, %%ax");
	else
		RT_PORT_IO("inl %%dx, %%eax");
	rt_barrier();
	return rt_last_trap.count != 0;
}

/* Plain port accesses, for a test that owns the device (the hardware
 * domain's); a trap in them fails the test as any unexpected trap does. */
static inline void rt_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void rt_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void rt_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t rt_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t rt_inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif
