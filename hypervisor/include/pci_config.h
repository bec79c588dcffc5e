/*
 * The PCI configuration-space filter (common/pci_config.c).
 *
 * The hardware domain reaches configuration space only through Keel
 * (physdev_op, keel/physdev.h), because a few registers there decide
 * where a device decodes memory and ports, and where its MSIs go: Keel's
 * own memory and interrupt windows must stay out of reach. The filter is
 * pure logic over an accessor, so that the unit tests can run it against
 * a simulated device.
 */
#ifndef KEEL_PCI_CONFIG_H
#define KEEL_PCI_CONFIG_H

#include <types.h>

/* Registers the filter looks at (PCI Local Bus 3.0, chapter 6). */
#define PCI_COMMAND          0x04	/* 16 bits */
#define PCI_COMMAND_IO       0x0001	/* decodes its I/O BARs */
#define PCI_COMMAND_MEMORY   0x0002	/* decodes its memory BARs */
#define PCI_STATUS           0x06	/* 16 bits */
#define PCI_STATUS_CAP_LIST  0x0010
#define PCI_CLASS_DEVICE     0x0a	/* 16 bits: class, subclass */
#define PCI_CLASS_HOST_BRIDGE 0x0600
#define PCI_HEADER_TYPE      0x0e
#define PCI_BAR0             0x10
#define PCI_CAP_POINTER      0x34
#define PCI_ROM_TYPE0        0x30
#define PCI_ROM_TYPE1        0x38
#define PCI_ROM_ENABLE       0x00000001u
#define PCI_ROM_ADDRESS_MASK 0xfffff800u
#define PCI_CAP_ID_MSI       0x05
#define PCI_CAP_ID_MSIX      0x11
/* In an MSI capability at offset pos (PCI Local Bus 3.0, 6.8.1): */
#define PCI_MSI_CONTROL      2	/* 16 bits, at pos + 2: */
#define PCI_MSI_CONTROL_ENABLE 0x0001
#define PCI_MSI_CONTROL_MME    0x0070	/* multiple message enable */
#define PCI_MSI_CONTROL_64BIT  0x0080	/* 64-bit message address */
#define PCI_MSI_ADDRESS      4	/* 32 bits; then the upper half if 64-bit */
#define PCI_MSI_DATA_32      8	/* 16 bits, 32-bit address */
#define PCI_MSI_DATA_64      12	/* 16 bits, 64-bit address */
/* In an MSI-X capability at offset pos (PCI Local Bus 3.0, 6.8.2): */
#define PCI_MSIX_CONTROL     2	/* 16 bits, at pos + 2: */
#define PCI_MSIX_CONTROL_SIZE    0x07ff	/* table entries - 1 */
#define PCI_MSIX_CONTROL_MASKALL 0x4000	/* the function mask */
#define PCI_MSIX_CONTROL_ENABLE  0x8000
#define PCI_MSIX_TABLE       4	/* 32 bits: BAR index (2:0), offset */
#define PCI_MSIX_TABLE_BIR   0x7u
/* An entry of the table, in the BAR: */
#define PCI_MSIX_ENTRY_SIZE  16
#define PCI_MSIX_ENTRY_ADDRESS 0	/* and the upper half at 4 */
#define PCI_MSIX_ENTRY_DATA  8
#define PCI_MSIX_ENTRY_VECTOR_CONTROL 12
#define PCI_MSIX_ENTRY_MASKED 0x1u
#define PCI_CONFIG_SIZE      256

/* How the filter reaches one function (bdf: bus << 8 | devfn) and what
 * it must keep the function away from. */
struct pci_config_ops {
	uint32_t (*read)(uint16_t bdf, unsigned int reg, unsigned int size);
	void (*write)(uint16_t bdf, unsigned int reg, unsigned int size,
		      uint32_t value);
	/* Whether a memory BAR may decode [start, end). */
	bool (*memory_allowed)(uint64_t start, uint64_t end);
	/* Whether an I/O BAR may decode ports [first, last]. */
	bool (*ports_allowed)(uint32_t first, uint32_t last);
	/* The offset of the MSI capability whose message Keel wrote when
	 * it bound the function's MSI (so that it may be enabled), or 0
	 * if it is not bound. */
	unsigned int (*msi_bound_capability)(uint16_t bdf);
	/* Whether Keel has bound one of the function's MSI-X entries, so
	 * that its MSI-X may be enabled with the function mask off. */
	bool (*msix_bound)(uint16_t bdf);
};

/* Whether an access of @size bytes at @reg is well formed: size 1, 2 or
 * 4, naturally aligned, inside the 256 bytes of mechanism 1. */
bool pci_config_access_valid(unsigned int reg, unsigned int size);

/* The offset of function @bdf's first capability with ID @id, or 0 if it
 * has none. A broken list that loops ends after 48 entries. */
unsigned int pci_config_find_capability(const struct pci_config_ops *ops,
					uint16_t bdf, uint8_t id);
/* The same, after the capability at @pos: 0 if no other has @id. */
unsigned int pci_config_find_next_capability(const struct pci_config_ops *ops,
					     uint16_t bdf, uint8_t id,
					     unsigned int pos);
/* Whether an MSI capability at @pos, with its 64-bit flag as the
 * function says, ends inside the 256 bytes mechanism 1 reaches. */
bool pci_msi_capability_fits(const struct pci_config_ops *ops, uint16_t bdf,
			     unsigned int pos);

/* Point the MSI of @bdf (its capability at @pos) at @address with @data,
 * with MSI off and one message (multiple-message enable 0); the enable
 * bit is the driver's to set. */
void pci_msi_program(const struct pci_config_ops *ops, uint16_t bdf,
		     unsigned int pos, uint64_t address, uint16_t data);
/* Where entry @entry of @bdf's MSI-X table (its capability at @pos) is
 * now: 0 with its machine address in *@pa; -EINVAL if the table has no
 * such entry; -ENODEV if the table's BAR is not a memory BAR that is
 * decoding, or the entry does not lie in memory_allowed(). */
int pci_msix_entry_address(const struct pci_config_ops *ops, uint16_t bdf,
			   unsigned int pos, unsigned int entry, uint64_t *pa);

/* Turn the MSI of @bdf (its capability at @pos) off. */
void pci_msi_disable(const struct pci_config_ops *ops, uint16_t bdf,
		     unsigned int pos);

/* Why a write was refused, for the log. */
struct pci_config_refusal {
	const char *why;	/* a phrase: "BAR moved while decoding" */
	int bar;		/* the BAR concerned (6: the ROM), or -1 */
	uint64_t start, end;	/* what it would decode, [start, end) */
};

/* Write @value (@size bytes at @reg, a valid access) to function @bdf
 * if the filter allows it (keel/physdev.h says what it refuses): 0, or
 * -EPERM with nothing written and @why filled in. Enabling decoding
 * sizes the BARs concerned, with the write that sizing takes. The
 * caller serialises all accesses. */
int pci_config_write_filtered(const struct pci_config_ops *ops, uint16_t bdf,
			      unsigned int reg, unsigned int size,
			      uint32_t value, struct pci_config_refusal *why);

#endif
