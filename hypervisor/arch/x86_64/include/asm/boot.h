/* Entry points called from assembly (head.S), and what the trampoline and
 * ap_start64 read. */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#include <types.h>

/* Boot CPU, from start64, with the Multiboot2 information address. */
__noreturn void arch_start(uint32_t mbi_phys);
/* Secondary CPUs, from ap_start64. */
__noreturn void start_secondary(void);

extern uint64_t ap_boot_stack;
extern uint64_t ap_boot_cr3;
extern uint64_t boot_pml4[];
extern char boot_stack_block[];
extern const char trampoline_start[], trampoline_end[];
extern uint64_t tramp_cr3, tramp_entry;
void ap_start64(void);

#endif
