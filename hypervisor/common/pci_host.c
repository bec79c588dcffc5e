/*
 * The host's PCI configuration space (pci_host.h): Keel's accesses and
 * the hardware domain's, one at a time, since mechanism 1 is an address
 * register and a data window shared by the whole machine.
 */
#include <arch.h>
#include <errno_values.h>
#include <format.h>
#include <iomem.h>
#include <msi.h>
#include <pci_host.h>
#include <printk.h>
#include <ratelimit.h>
#include <spinlock.h>
#include <system_time.h>

static spinlock_t pci_config_lock = SPINLOCK_INIT;
/* Refusals are logged, but a domain cannot flood the log with them. */
static struct ratelimit pci_refusal_log;	/* under pci_config_lock */
static bool pci_refusal_log_ready;

static const struct pci_config_ops pci_config_host_ops = {
	.read = arch_pci_config_read,
	.write = arch_pci_config_write,
	.memory_allowed = iomem_range_is_device,
	.ports_allowed = arch_io_ports_allowed,
	.msi_bound_capability = msi_bound_capability,
	.msix_bound = msi_msix_bound,
};

static void log_refusal(uint16_t bdf, unsigned int reg, uint32_t value,
			const struct pci_config_refusal *why)
{
	uint64_t now = now_ns();

	if (!pci_refusal_log_ready) {
		ratelimit_init(&pci_refusal_log, 10, 20, now);
		pci_refusal_log_ready = true;
	}
	if (!ratelimit_take_all(&pci_refusal_log, 1, now))
		return;
	char bar[64] = "";
	if (why->bar >= 0 && why->end)
		format_string(bar, sizeof(bar), " (BAR %d%s) [%#llx, %#llx)",
			      why->bar, why->bar == 6 ? ", the ROM" : "",
			      (unsigned long long)why->start,
			      (unsigned long long)why->end);
	else if (why->bar >= 0)
		format_string(bar, sizeof(bar), " (BAR %d%s)", why->bar,
			      why->bar == 6 ? ", the ROM" : "");
	printk(LOG_WARNING "pci %02x:%02x.%u: write of %#x to register %#x "
	       "refused: %s%s\n", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7,
	       value, reg, why->why, bar);
}

/*
 * The lock is taken with interrupts off: bind_msi and closing an MSI
 * port take it under a domain's event-channel lock, which the timer
 * interrupt takes too (to raise a VIRQ).
 */
uint32_t pci_host_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
	unsigned long flags = spin_lock_irqsave(&pci_config_lock);
	uint32_t value = arch_pci_config_read(bdf, reg, size);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return value;
}

int pci_host_write_filtered(uint16_t bdf, unsigned int reg,
			    unsigned int size, uint32_t value)
{
	struct pci_config_refusal why;

	unsigned long flags = spin_lock_irqsave(&pci_config_lock);
	int rc = pci_config_write_filtered(&pci_config_host_ops, bdf, reg,
					   size, value, &why);
	if (rc)
		log_refusal(bdf, reg, value, &why);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return rc;
}

/* The offset of @bdf's capability @id (MSI or MSI-X), for a bind: -ENODEV
 * if there is no function, no such capability, one that would reach
 * past the 256 bytes Keel can write, or a second one (the PCI spec
 * allows one), whose message the filter might not see in time; -EPERM
 * for a host bridge, whose registers past the header are Keel's. */
static int device_capability(uint16_t bdf, uint8_t id)
{
	const struct pci_config_ops *ops = &pci_config_host_ops;

	if (arch_pci_config_read(bdf, 0, 2) == 0xffff)
		return -ENODEV;
	if (arch_pci_config_read(bdf, PCI_CLASS_DEVICE, 2) ==
	    PCI_CLASS_HOST_BRIDGE)
		return -EPERM;
	unsigned int pos = pci_config_find_capability(ops, bdf, id);
	if (!pos || pci_config_find_next_capability(ops, bdf, id, pos))
		return -ENODEV;
	bool fits = id == PCI_CAP_ID_MSI ?
		    pci_msi_capability_fits(ops, bdf, pos) :
		    pos + PCI_MSIX_TABLE + 4 <= PCI_CONFIG_SIZE;
	return fits ? (int)pos : -ENODEV;
}

int pci_host_msi_program(uint16_t bdf, uint64_t address, uint16_t data)
{
	unsigned long flags = spin_lock_irqsave(&pci_config_lock);
	int pos = device_capability(bdf, PCI_CAP_ID_MSI);
	if (pos > 0)
		pci_msi_program(&pci_config_host_ops, bdf, (unsigned int)pos,
				address, data);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return pos;
}

void pci_host_msi_disable(uint16_t bdf, unsigned int pos)
{
	unsigned long flags = spin_lock_irqsave(&pci_config_lock);
	pci_msi_disable(&pci_config_host_ops, bdf, pos);
	spin_unlock_irqrestore(&pci_config_lock, flags);
}

int pci_host_msix_program(uint16_t bdf, unsigned int entry, uint64_t address,
			  uint16_t data)
{
	uint64_t pa = 0;

	unsigned long flags = spin_lock_irqsave(&pci_config_lock);
	int pos = device_capability(bdf, PCI_CAP_ID_MSIX);
	if (pos > 0) {
		int rc = pci_msix_entry_address(&pci_config_host_ops, bdf,
						(unsigned int)pos, entry, &pa);
		if (rc)
			pos = rc;
	}
	if (pos > 0) {
		/* Masked while the message is half written. */
		arch_mmio_write32(pa + PCI_MSIX_ENTRY_VECTOR_CONTROL,
				  PCI_MSIX_ENTRY_MASKED);
		arch_mmio_write32(pa + PCI_MSIX_ENTRY_ADDRESS,
				  (uint32_t)address);
		arch_mmio_write32(pa + PCI_MSIX_ENTRY_ADDRESS + 4,
				  (uint32_t)(address >> 32));
		arch_mmio_write32(pa + PCI_MSIX_ENTRY_DATA, data);
		arch_mmio_write32(pa + PCI_MSIX_ENTRY_VECTOR_CONTROL, 0);
	}
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return pos;
}

void pci_host_msix_disable(uint16_t bdf, unsigned int pos, unsigned int entry,
			   bool last)
{
	const struct pci_config_ops *ops = &pci_config_host_ops;
	uint64_t pa;

	unsigned long flags = spin_lock_irqsave(&pci_config_lock);
	/* Where the table is now: the BAR may have moved since the bind. */
	if (!pci_msix_entry_address(ops, bdf, pos, entry, &pa))
		arch_mmio_write32(pa + PCI_MSIX_ENTRY_VECTOR_CONTROL,
				  PCI_MSIX_ENTRY_MASKED);
	if (last) {
		uint16_t control = (uint16_t)ops->read(bdf,
						       pos + PCI_MSIX_CONTROL,
						       2);
		ops->write(bdf, pos + PCI_MSIX_CONTROL, 2,
			   control & ~PCI_MSIX_CONTROL_ENABLE);
	}
	spin_unlock_irqrestore(&pci_config_lock, flags);
}
