/*
 * Saving and restoring the general registers in the layout of struct
 * cpu_user_regs (asm/regs.h), for every entry path (entry.S, pv/entry.S).
 * Assembly only.
 */
#ifndef ASM_ENTRY_REGS_H
#define ASM_ENTRY_REGS_H

.macro SAVE_ALL_GPRS
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rax
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

.macro RESTORE_ALL_GPRS
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rax
	pop	%rcx
	pop	%rdx
	pop	%rsi
	pop	%rdi
.endm

#endif
