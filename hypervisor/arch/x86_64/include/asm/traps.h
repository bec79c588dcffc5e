#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>

void idt_init(void);
void idt_load(void);
const char *exception_name(unsigned int vector);
void do_interrupt(struct cpu_user_regs *regs);

#endif
