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

#endif
