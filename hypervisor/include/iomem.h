/*
 * Device memory for the hardware domain (common/iomem.c).
 *
 * The hardware domain drives the host's devices with their own drivers,
 * so it maps their MMIO (PCI BARs, the VGA window, firmware ROMs): any
 * machine frame that the boot memory map does not call RAM, except the
 * interrupt hardware Keel keeps for itself. No other domain maps a frame
 * that is not its own memory or a grant.
 */
#ifndef KEEL_IOMEM_H
#define KEEL_IOMEM_H

#include <multiboot2.h>
#include <range.h>
#include <types.h>

/* Keel's own device windows, fixed by the architecture: the local APIC
 * and the MSI address window (a write there is an interrupt), the
 * IOAPICs, and the HPET. */
#define IOMEM_IOAPIC_FIRST  0xfec00ULL	/* frames, inclusive */
#define IOMEM_IOAPIC_LAST   0xfecffULL
#define IOMEM_HPET_FIRST    0xfed00ULL
#define IOMEM_HPET_LAST     0xfed00ULL
#define IOMEM_LAPIC_FIRST   0xfee00ULL
#define IOMEM_LAPIC_LAST    0xfeeffULL

/* Remember what the boot memory map calls RAM (any type but reserved). */
void iomem_init(const struct boot_info *bi);
/* Keep [start, end) for Keel, as its fixed windows are: the IOAPICs and
 * the local APIC where the MADT puts them, the ECAM windows (whose
 * writes would bypass the configuration-space filter). -ENOSPC when
 * the list is full, in which case nothing is device memory. */
int iomem_reserve_for_keel(uint64_t start, uint64_t end);
/* What the boot memory map calls RAM, less [start, end), into @out. */
void iomem_ram_except(struct range_list *out, uint64_t start, uint64_t end);
/* The hardware domain, once built; there is never another. */
void iomem_set_hardware_domain(uint16_t domid);

/* Whether frame @mfn is one of Keel's device windows. */
bool iomem_frame_is_keels(uint64_t mfn);
/* Whether domain @domid may map frame @mfn, which Keel does not manage,
 * as device memory: 0; -EINVAL if it is no domain's device memory to
 * map (RAM, or @domid is not the hardware domain); -EPERM if it is one
 * of Keel's device windows. */
int iomem_frame_check(uint16_t domid, uint64_t mfn);
/* Whether a device may decode the addresses [start, end) (a BAR the
 * hardware domain enables): none of them RAM or Keel's. */
bool iomem_range_is_device(uint64_t start, uint64_t end);

#endif
