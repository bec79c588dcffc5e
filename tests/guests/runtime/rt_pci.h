/*
 * PCI configuration space from a test guest that is the hardware
 * domain, through physdev_op: rt_pci_read() fails the test if Keel
 * refuses the read; rt_pci_write() returns Keel's answer, for tests
 * that expect refusals.
 */
#ifndef RT_PCI_H
#define RT_PCI_H

#include "keeltest.h"
#include <keel/physdev.h>

static inline uint32_t rt_pci_read(uint8_t devfn, uint16_t reg, uint8_t size)
{
	struct keel_physdev_pci_config c = { .devfn = devfn, .reg = reg,
					     .size = size };

	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_read,
					   (unsigned long)&c), 0);
	return c.value;
}

static inline long rt_pci_write(uint8_t devfn, uint16_t reg, uint8_t size,
				uint32_t value)
{
	struct keel_physdev_pci_config c = { .devfn = devfn, .reg = reg,
					     .size = size, .value = value };

	return keel_hypercall_physdev_op(KEEL_PHYSDEV_pci_config_write,
					 (unsigned long)&c);
}

/* The devfn of the first function on bus 0 with @vendor_device (vendor
 * in the low 16 bits), or 0xff. */
static inline uint8_t rt_pci_find(uint32_t vendor_device)
{
	for (unsigned int dev = 0; dev < 32; dev++)
		if (rt_pci_read((uint8_t)(dev << 3), 0, 4) == vendor_device)
			return (uint8_t)(dev << 3);
	return 0xff;
}

/* Map device memory at machine address @pa (page-aligned) uncached at a
 * fresh page of the test's, which it returns. */
static inline volatile void *rt_map_mmio(uint64_t pa)
{
	volatile void *va = rt_alloc_pages(1);

	CHECK_EQ(keel_hypercall_update_va_mapping(
			 (uint64_t)va, (pa & ~0xfffull) | 0x1f /* P W U PWT PCD */,
			 KEEL_UVMF_INVLPG), 0);
	return va;
}

#endif
