/*
 * PCI configuration mechanism 1: the address port at 0xcf8 selects a
 * function's 32-bit register, and the data ports at 0xcfc-0xcff reach its
 * bytes. The two steps must not interleave with another CPU's, so every
 * caller holds the lock physdev.c keeps; Keel makes no other
 * configuration access.
 */
#include <arch.h>
#include <asm/cpu.h>
#include <asm/io_bitmap.h>
#include <percpu.h>

#define PCI_CONF1_ADDRESS 0xcf8
#define PCI_CONF1_DATA    0xcfc
#define PCI_CONF1_ENABLE  0x80000000u

static void conf1_select(uint16_t bdf, unsigned int reg)
{
	outl(PCI_CONF1_ADDRESS, PCI_CONF1_ENABLE | (uint32_t)bdf << 8 |
				(reg & 0xfc));
}

uint32_t arch_pci_config_read(uint16_t bdf, unsigned int reg,
			      unsigned int size)
{
	uint16_t port = PCI_CONF1_DATA + (reg & 3);

	conf1_select(bdf, reg);
	switch (size) {
	case 1:  return inb(port);
	case 2:  return inw(port);
	default: return inl(port);
	}
}

void arch_pci_config_write(uint16_t bdf, unsigned int reg, unsigned int size,
			   uint32_t value)
{
	uint16_t port = PCI_CONF1_DATA + (reg & 3);

	conf1_select(bdf, reg);
	switch (size) {
	case 1:  outb(port, (uint8_t)value); break;
	case 2:  outw(port, (uint16_t)value); break;
	default: outl(port, value); break;
	}
}

bool arch_io_ports_allowed(uint32_t first, uint32_t last)
{
	return io_bitmap_ports_allowed(this_cpu()->arch.io_bitmap, first,
				       last);
}
