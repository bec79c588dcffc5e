/*
 * The baseline for the PV benchmarks: a bare ring-3 `syscall`/`sysretq`
 * round trip, as a native kernel's empty system call would cost. Used
 * only by bench_bare_syscall() (pv/bench.c) at boot with `bench_syscall`.
 *
 * bare_syscall_run(user_rip, user_rsp, iterations) enters ring 3 at
 * user_rip with RDI = iterations. LSTAR points at bare_syscall_entry,
 * which returns at once unless RAX asks to leave; the user code then
 * leaves its cycle count in RSI and we return it.
 */
#include <asm/entry_regs.h>
#include <asm/layout.h>

#define BARE_EXIT 0xbeef

	.text
	.globl bare_syscall_entry, bare_syscall_run
bare_syscall_entry:
	cmp	$BARE_EXIT, %rax
	je	1f
	sysretq
1:	movabs	bare_saved_rsp, %rax
	mov	%rax, %rsp
	mov	%rsi, %rax
	RESTORE_CALLEE_SAVED_GPRS	/* the C caller's */
	ret

bare_syscall_run:
	SAVE_CALLEE_SAVED_GPRS
	mov	%rsp, bare_saved_rsp(%rip)
	pushq	$(GDT_USER_DS | 3)
	push	%rsi
	pushq	$0x2			/* RFLAGS: interrupts off in ring 3 */
	pushq	$(GDT_USER_CS64 | 3)
	push	%rdi
	mov	%rdx, %rdi
	iretq

/* The ring-3 loop, copied to a user page. */
	.section .rodata, "a", @progbits
	.globl bare_user_code, bare_user_code_end
bare_user_code:
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r8
2:	xor	%eax, %eax
	syscall
	dec	%rdi
	jnz	2b
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	sub	%r8, %rax
	mov	%rax, %rsi
	mov	$BARE_EXIT, %eax
	syscall
bare_user_code_end:

	.bss
	.balign 8
bare_saved_rsp:
	.quad	0
