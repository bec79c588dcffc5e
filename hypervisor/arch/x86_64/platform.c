/*
 * Platform discovery: find the ACPI RSDP (from the boot loader, or by
 * scanning the BIOS area), the MADT, and so the CPUs and the local APIC.
 */
#include <acpi.h>
#include <arch.h>
#include <iomem.h>
#include <mm.h>
#include <panic.h>
#include <printk.h>
#include <asm/apic.h>
#include <asm/paging.h>
#include <asm/platform.h>

struct acpi_cpus platform_cpus;
uint32_t platform_irq_target;

/* ACPI tables live in RAM (direct-mapped) or in reserved regions, which
 * the direct map leaves out; those get an uncached mapping of their own. */
static const void *acpi_map(uint64_t addr, size_t len)
{
	if (addr + len < addr || len == 0)
		return NULL;
	if (directmap_covers(addr, len))
		return phys_to_virt(addr);
	return ioremap(addr, len);
}

void arch_platform_init(const struct boot_info *bi)
{
	const uint8_t *rsdp = NULL;

	if (bi->rsdp_len && acpi_rsdp_valid(bi->rsdp, bi->rsdp_len))
		rsdp = bi->rsdp;
	else
		rsdp = acpi_rsdp_scan(phys_to_virt(0xe0000), 0x20000);

	if (acpi_find_cpus(rsdp, acpi_map, &platform_cpus)) {
		printk(LOG_WARNING "ACPI: %s; running on the boot CPU only\n",
		       platform_cpus.error);
		platform_cpus.count = 0;
		platform_cpus.lapic_address = 0xfee00000;
	} else {
		printk("ACPI: MADT lists %u CPU%s\n", platform_cpus.count,
		       platform_cpus.count == 1 ? "" : "s");
	}
	apic_bsp_init(platform_cpus.lapic_address);
	platform_irq_target = apic_current_id();
	ioapic_init(&platform_cpus);
	mmio_window_init();
	/* Where the firmware puts Keel's devices, beyond the architectural
	 * windows iomem.c knows, and the ECAM windows: none of them the
	 * hardware domain's to map or to cover with a BAR. */
	iomem_reserve_for_keel(platform_cpus.lapic_address,
			       platform_cpus.lapic_address + PAGE_SIZE);
	for (unsigned int i = 0; i < platform_cpus.nr_ioapics &&
	     i < ACPI_MAX_IOAPICS; i++)
		iomem_reserve_for_keel(platform_cpus.ioapics[i].address,
				       platform_cpus.ioapics[i].address +
				       PAGE_SIZE);
	for (unsigned int i = 0; i < platform_cpus.nr_mcfg; i++) {
		uint64_t base = platform_cpus.mcfg[i].base;
		uint64_t size = platform_cpus.mcfg[i].size;

		printk("PCI: ECAM at %#llx, %llu MiB: not the hardware "
		       "domain's to map\n", (unsigned long long)base,
		       (unsigned long long)(size >> 20));
		iomem_reserve_for_keel(base, base + size < base ? UINT64_MAX :
						      base + size);
	}
}
