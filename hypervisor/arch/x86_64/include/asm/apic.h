/* Local APIC access, in xAPIC (MMIO) or x2APIC (MSR) mode (apic.c). */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <types.h>

#define APIC_ICR_INIT     0x00000500
#define APIC_ICR_STARTUP  0x00000600
#define APIC_ICR_NMI      0x00000400
#define APIC_ICR_ASSERT   0x00004000
#define APIC_ICR_LEVEL    0x00008000
#define APIC_ICR_ALL_BUT_SELF 0x000c0000

void apic_bsp_init(uint64_t lapic_phys);
void apic_cpu_init(void);
uint32_t apic_current_id(void);
void apic_eoi(void);
uint32_t apic_read_error(void);
void apic_send_ipi(uint32_t apic_id, uint32_t icr_low);
void apic_send_ipi_all_but_self(uint32_t icr_low);
void apic_timer_calibrate(void);
bool apic_x2apic_mode(void);

#endif
