/*
 * Saving and restoring the general registers in the layout of struct
 * cpu_user_regs (asm/regs.h), for every entry path (entry.S, pv/entry.S).
 * Assembly only.
 */
#ifndef ASM_ENTRY_REGS_H
#define ASM_ENTRY_REGS_H

/*
 * The frame's registers come in two groups: the ones a C function may
 * clobber (RDI to R11, pushed first, so they sit at the higher
 * addresses), and the ones it must preserve (RBX, RBP, R12-R15). The
 * hypercall fast paths in pv/entry.S push only the first group, use
 * those registers as scratch, and push the second group only when they
 * leave for the C paths, which need the whole frame.
 */
.macro SAVE_CALLER_SAVED_GPRS
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rax
	push	%r8
	push	%r9
	push	%r10
	push	%r11
.endm

.macro SAVE_CALLEE_SAVED_GPRS
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

.macro SAVE_ALL_GPRS
	SAVE_CALLER_SAVED_GPRS
	SAVE_CALLEE_SAVED_GPRS
.endm

.macro RESTORE_CALLER_SAVED_GPRS
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

.macro RESTORE_CALLEE_SAVED_GPRS
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
.endm

.macro RESTORE_ALL_GPRS
	RESTORE_CALLEE_SAVED_GPRS
	RESTORE_CALLER_SAVED_GPRS
.endm

#endif
