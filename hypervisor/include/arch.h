/*
 * The hooks generic code calls into the architecture. Each is implemented
 * in hypervisor/arch/<arch>/; generic code includes only this header and
 * the arch-neutral ones above.
 */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <multiboot2.h>
#include <types.h>
#include <asm/nospec.h>

struct percpu;
struct cpu_user_regs;

/* Build the final page tables (direct map of all RAM in @bi's map, image
 * W^X) and switch to them. */
void arch_paging_init(const struct boot_info *bi);
/* Load this CPU's GDT, TSS and IDT. */
void arch_cpu_init(struct percpu *pc);
/* Discover interrupt controllers and CPUs from firmware tables. */
void arch_platform_init(const struct boot_info *bi);
/* Program this CPU's timer to interrupt at system time @deadline (ns);
 * UINT64_MAX stops it. */
void arch_timer_program(uint64_t deadline);
/* Print the architecture's CPU description for the boot banner. */
void arch_print_cpu_banner(void);
/* Print registers and a backtrace starting from @regs, or from the
 * caller when @regs is NULL. */
void arch_dump_state(const struct cpu_user_regs *regs);
/* End the machine: in test mode through the debug-exit port with
 * @status (0 = success), otherwise halt. */
__noreturn void arch_test_exit(unsigned int status);
/* Allocate and describe the stack block for @cpu. */
void *arch_alloc_stack_block(unsigned int cpu);
/* PCI configuration space, mechanism 1: @size (1, 2 or 4) bytes at
 * @reg (aligned to @size, below 256) of function @bdf (bus << 8 |
 * devfn). The caller serialises every access (common/physdev.c). */
uint32_t arch_pci_config_read(uint16_t bdf, unsigned int reg,
			      unsigned int size);
void arch_pci_config_write(uint16_t bdf, unsigned int reg, unsigned int size,
			   uint32_t value);
/* Whether the hardware domain reaches every port of [first, last]
 * (none of them Keel's). */
bool arch_io_ports_allowed(uint32_t first, uint32_t last);
/* Device interrupts: the GSIs (IOAPIC inputs) arch/x86_64/ioapic.c
 * routes. gsi.c calls the last three under its lock. */
/* Whether an IOAPIC has @gsi, and Keel has a vector for it. */
bool arch_gsi_exists(uint32_t gsi);
/* Whether @gsi is the line of a device Keel keeps for itself. */
bool arch_gsi_is_keels(uint32_t gsi);
/* The trigger mode and polarity the firmware gives @gsi. */
void arch_gsi_firmware_mode(uint32_t gsi, bool *level, bool *active_low);
/* Route @gsi to this machine's boot CPU, in the mode given, unmasked;
 * each interrupt calls gsi_interrupt(). */
void arch_gsi_enable(uint32_t gsi, bool level, bool active_low);
void arch_gsi_mask(uint32_t gsi);
void arch_gsi_unmask(uint32_t gsi);
/* The message (address and data) a device's MSI must carry to interrupt
 * this machine's boot CPU on the vector of msi.c's slot @slot; each
 * such interrupt calls msi_interrupt(). False if no message can reach
 * it (an APIC ID that needs interrupt remapping). */
bool arch_msi_message(uint32_t slot, uint64_t *address, uint32_t *data);
/* The first machine address past what this CPU can address: a page
 * table entry may not name a frame at or above it. */
uint64_t arch_phys_address_limit(void);
/* One 32-bit write to device memory at machine address @pa (4-byte
 * aligned, in a device window the caller has checked), uncached, from
 * any CPU. */
void arch_mmio_write32(paddr_t pa, uint32_t value);
/* All ones when @index < @size, else 0, computed so that it holds even
 * where the CPU speculates past a bounds check (asm/nospec.h): AND a
 * guest-chosen index with it before it indexes a table.
 * unsigned long arch_index_mask_nospec(unsigned long index,
 *				       unsigned long size); */

#endif
