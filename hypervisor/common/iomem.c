/*
 * Device memory for the hardware domain (iomem.h).
 *
 * What is RAM comes from the boot memory map, not from the frame table:
 * frames Keel reserved for itself at boot (its image, the low megabyte's
 * RAM) are unmanaged in the table like device memory, and must never be
 * mappable. Anything the map calls available, ACPI, NVS or bad RAM is
 * RAM; what it calls reserved, or does not list at all, is a device's.
 */
#include <arch.h>
#include <errno_values.h>
#include <frame.h>
#include <iomem.h>
#include <printk.h>
#include <range.h>

static struct range_list iomem_ram;
/* Keel's device windows, in bytes: the architecture's fixed ones, and
 * those the firmware tables name (iomem_reserve_for_keel()). */
static struct range_list iomem_keel_windows;
static uint16_t iomem_hardware_domid = 0xffff;	/* none yet */
/* The map had more RAM regions than the list holds: RAM is not known,
 * so no frame counts as device memory. */
static bool iomem_ram_unknown;

void iomem_init(const struct boot_info *bi)
{
	range_list_init(&iomem_ram);
	range_list_init(&iomem_keel_windows);
	range_list_add(&iomem_keel_windows, IOMEM_IOAPIC_FIRST << PAGE_SHIFT,
		       (IOMEM_IOAPIC_LAST + 1) << PAGE_SHIFT);
	range_list_add(&iomem_keel_windows, IOMEM_HPET_FIRST << PAGE_SHIFT,
		       (IOMEM_HPET_LAST + 1) << PAGE_SHIFT);
	range_list_add(&iomem_keel_windows, IOMEM_LAPIC_FIRST << PAGE_SHIFT,
		       (IOMEM_LAPIC_LAST + 1) << PAGE_SHIFT);
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];

		if (m->type == MB2_MEMORY_RESERVED || !m->len)
			continue;
		/* Whole frames: a frame that is partly RAM is RAM. */
		uint64_t start = ALIGN_DOWN(m->addr, PAGE_SIZE);
		uint64_t end = m->addr + m->len < m->addr ? UINT64_MAX :
			       ALIGN_UP(m->addr + m->len, PAGE_SIZE);
		if (range_list_add(&iomem_ram, start, end)) {
			printk(LOG_WARNING "iomem: too many RAM regions at "
			       "[%#llx, %#llx): no device memory for the "
			       "hardware domain\n", (unsigned long long)start,
			       (unsigned long long)end);
			iomem_ram_unknown = true;
		}
	}
}

void iomem_ram_except(struct range_list *out, uint64_t start, uint64_t end)
{
	*out = iomem_ram;
	if (range_list_remove(out, start, end))
		range_list_init(out);	/* too many pieces: say nothing */
}

void iomem_set_hardware_domain(uint16_t domid)
{
	iomem_hardware_domid = domid;
}

int iomem_reserve_for_keel(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = end > UINT64_MAX - PAGE_SIZE ? UINT64_MAX :
	      ALIGN_UP(end, PAGE_SIZE);
	if (range_list_add(&iomem_keel_windows, start, end)) {
		printk(LOG_WARNING "iomem: too many windows of Keel's: no "
		       "device memory for the hardware domain\n");
		iomem_ram_unknown = true;
		return -ENOSPC;
	}
	return 0;
}

bool iomem_frame_is_keels(uint64_t mfn)
{
	return range_list_contains(&iomem_keel_windows, mfn << PAGE_SHIFT);
}

int iomem_frame_check(uint16_t domid, uint64_t mfn)
{
	if (iomem_ram_unknown || domid != iomem_hardware_domid ||
	    mfn >= arch_phys_address_limit() >> PAGE_SHIFT ||
	    range_list_contains(&iomem_ram, mfn << PAGE_SHIFT))
		return -EINVAL;
	return iomem_frame_is_keels(mfn) ? -EPERM : 0;
}

bool iomem_range_is_device(uint64_t start, uint64_t end)
{
	if (iomem_ram_unknown || start >= end ||
	    end > arch_phys_address_limit() ||
	    range_list_intersects(&iomem_ram, start, end))
		return false;
	return !range_list_intersects(&iomem_keel_windows,
				      ALIGN_DOWN(start, PAGE_SIZE), end);
}
