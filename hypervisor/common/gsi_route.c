/*
 * Interrupt routing from the MADT (gsi.h): which GSI an ISA IRQ arrives
 * on, in which mode, and which GSIs are Keel's own. Pure logic over the
 * parsed MADT, so that the unit tests can feed it tables.
 *
 * The MADT describes the ISA IRQs by exception: each interrupt source
 * override names an IRQ that is not on the GSI of the same number, or
 * not edge-triggered and active high (on QEMU's PC: IRQ 0 on GSI 2, and
 * the PCI link IRQs 5, 9, 10 and 11 level-triggered). Any other ISA IRQ
 * is GSI = IRQ, edge, high.
 */
#include <gsi_route.h>

uint32_t gsi_of_isa_irq(const struct acpi_cpus *madt, unsigned int irq,
			uint16_t *flags)
{
	for (unsigned int i = 0; i < madt->nr_overrides; i++)
		if (madt->overrides[i].isa_irq == irq) {
			*flags = madt->overrides[i].flags;
			return madt->overrides[i].gsi;
		}
	*flags = 0;
	return irq;
}

void gsi_firmware_mode(const struct acpi_cpus *madt, uint32_t gsi,
		       bool *level, bool *active_low)
{
	bool isa = gsi < 16;
	uint16_t flags = 0;

	for (unsigned int i = 0; i < madt->nr_overrides; i++)
		if (madt->overrides[i].gsi == gsi) {
			flags = madt->overrides[i].flags;
			isa = true;
			break;
		}
	/* "Conforms to the bus": 0 in either field. */
	switch (flags & ACPI_INTI_TRIGGER_MASK) {
	case ACPI_INTI_TRIGGER_EDGE:  *level = false; break;
	case ACPI_INTI_TRIGGER_LEVEL: *level = true; break;
	default:                      *level = !isa; break;
	}
	switch (flags & ACPI_INTI_POLARITY_MASK) {
	case ACPI_INTI_POLARITY_HIGH: *active_low = false; break;
	case ACPI_INTI_POLARITY_LOW:  *active_low = true; break;
	default:                      *active_low = !isa; break;
	}
}

bool gsi_is_keels(const struct acpi_cpus *madt, uint32_t gsi,
		  unsigned int console_irq)
{
	static const uint8_t keels[] = { 0, 2, 8, 13 };
	uint16_t flags;

	if (gsi == 0)
		return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(keels); i++)
		if (gsi_of_isa_irq(madt, keels[i], &flags) == gsi)
			return true;
	return console_irq < 16 &&
	       gsi_of_isa_irq(madt, console_irq, &flags) == gsi;
}
