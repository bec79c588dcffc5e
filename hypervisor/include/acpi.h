/*
 * Just enough ACPI to find the CPUs: RSDP -> XSDT/RSDT -> MADT
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

struct acpi_cpus {
	unsigned int count;
	uint32_t apic_ids[ACPI_MAX_CPUS];	/* enabled CPUs, in MADT order */
	uint64_t lapic_address;
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
