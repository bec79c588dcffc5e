/*
 * Interrupt routing from the MADT (common/gsi_route.c): pure logic over
 * the parsed table, for gsi.c and the arch's IOAPIC code.
 */
#ifndef KEEL_GSI_ROUTE_H
#define KEEL_GSI_ROUTE_H

#include <acpi.h>

/* The most GSIs Keel routes (one vector each). */
#define GSI_MAX 128

/* The GSI ISA IRQ @irq arrives on, and its INTI flags in *@flags. */
uint32_t gsi_of_isa_irq(const struct acpi_cpus *madt, unsigned int irq,
			uint16_t *flags);
/* The trigger mode and polarity the firmware gives @gsi: an override's
 * where one names it, else the bus's (ISA: edge, high; PCI: level,
 * low). */
void gsi_firmware_mode(const struct acpi_cpus *madt, uint32_t gsi,
		       bool *level, bool *active_low);
/* Whether @gsi is the line of a device Keel keeps: GSI 0 (the 8259's
 * ExtINT input, whatever ISA IRQ 0 is routed to), the PIT (ISA IRQ 0),
 * the cascade (2), the RTC (8), the FPU error line (13), and the
 * console UART's IRQ @console_irq (none if above 15). */
bool gsi_is_keels(const struct acpi_cpus *madt, uint32_t gsi,
		  unsigned int console_irq);

#endif
