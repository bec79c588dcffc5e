/*
 * Just enough ACPI to find the CPUs and the IOAPICs: RSDP -> XSDT/RSDT -> MADT
 * (common/acpi.c). Every table's signature, length and checksum is checked
 * before it is used. Physical addresses are turned into pointers by a
 * caller-provided function, so the host unit tests can feed in buffers.
 */
#ifndef KEEL_ACPI_H
#define KEEL_ACPI_H

#include "types.h"

#define ACPI_MAX_CPUS      256
#define ACPI_TABLE_MAX_LEN (1u << 20)	/* longer tables are refused */

/* Map @len bytes at machine address @addr, or return NULL if that memory
 * may not be read. */
typedef const void *(*acpi_map_fn)(uint64_t addr, size_t len);

#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_MCFG      4

/* An interrupt source override's flags (MPS INTI flags). */
#define ACPI_INTI_POLARITY_MASK 0x3
#define ACPI_INTI_POLARITY_HIGH 0x1
#define ACPI_INTI_POLARITY_LOW  0x3
#define ACPI_INTI_TRIGGER_MASK  0xc
#define ACPI_INTI_TRIGGER_EDGE  0x4
#define ACPI_INTI_TRIGGER_LEVEL 0xc

/* What the MADT says about the CPUs and the interrupt controllers. */
struct acpi_cpus {
	unsigned int count;
	uint32_t apic_ids[ACPI_MAX_CPUS];	/* enabled CPUs, in MADT order */
	uint64_t lapic_address;
	unsigned int nr_ioapics;	/* beyond ACPI_MAX_IOAPICS: ignored */
	struct {
		uint32_t address;
		uint32_t gsi_base;
		uint8_t id;
	} ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;	/* ISA IRQs that are not GSI = IRQ,
					 * edge, active high */
	struct {
		uint8_t isa_irq;
		uint16_t flags;		/* ACPI_INTI_* */
		uint32_t gsi;
	} overrides[ACPI_MAX_OVERRIDES];
	/* The PCIe extended configuration windows (ECAM) the MCFG lists;
	 * beyond ACPI_MAX_MCFG: ignored. [base, base + size). */
	unsigned int nr_mcfg;
	struct {
		uint64_t base;
		uint64_t size;
	} mcfg[ACPI_MAX_MCFG];
	const char *error;	/* why parsing failed, when it did */
};

/* Validate an RSDP (20 or 36 bytes). Returns true when it is usable. */
bool acpi_rsdp_valid(const uint8_t *rsdp, size_t len);
/* Search [@base, @base + @len) for an RSDP on a 16-byte boundary. */
const uint8_t *acpi_rsdp_scan(const uint8_t *base, size_t len);
/* Fill @cpus from the MADT reached from @rsdp. Returns 0 or -ENOENT/-EINVAL
 * with @cpus->error saying why. */
int acpi_find_cpus(const uint8_t *rsdp, acpi_map_fn map, struct acpi_cpus *cpus);

#endif
