#ifndef ASM_PLATFORM_H
#define ASM_PLATFORM_H

#include <acpi.h>

/* The CPUs the firmware describes (platform.c). */
extern struct acpi_cpus platform_cpus;
/* The local APIC ID that device interrupts, the IOAPICs' and MSIs, go
 * to: the boot CPU's. */
extern uint32_t platform_irq_target;

void arch_send_call_function_ipi(unsigned int cpu);
/* Find the IOAPICs the MADT lists and mask every input (ioapic.c). */
void ioapic_init(const struct acpi_cpus *madt);

#endif
