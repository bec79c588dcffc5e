/*
 * Entering and leaving PV guests.
 *
 * A guest runs in ring 3. It reaches the hypervisor in three ways:
 *   - `syscall`: a hypercall from guest kernel mode, or the guest's own
 *     system call from guest user mode (pv/traps.c decides which);
 *   - an exception, which the CPU delivers through the IDT on the stack
 *     TSS.rsp0 names (entry.S: interrupt_common);
 *   - an interrupt, the same way.
 * Either way the guest's registers end up in a struct cpu_user_regs at
 * the top of this CPU's primary stack (asm/pv.h: guest_regs()), and the
 * way out is return_to_guest, which pops that frame with iretq.
 *
 * `syscall` does not switch stacks, and Keel keeps no per-CPU pointer in
 * GS (the guest owns its GS base). So LSTAR on CPU n points at stub n
 * below, which saves RAX at a fixed per-CPU address, loads the CPU's
 * stack top from the next one, and builds the same frame an interrupt
 * from ring 3 would have built. The stubs are ordinary text: nothing is
 * generated at run time, and text stays read-only.
 */
#include <asm/entry_regs.h>
#include <asm/layout.h>

#define NR_CPUS 64
#define GUEST_HW_CS (GDT_USER_CS64 | 3)
#define GUEST_HW_SS (GDT_USER_DS | 3)
#define VECTOR_SYSCALL 0x100
#define REGS_CS_OFFSET (18 * 8)	/* offsetof(struct cpu_user_regs, cs) */
/* With RSP at the frame's vector: vector, error code, rip, cs, rflags,
 * then the guest's RSP. */
#define REGS_RSP_FROM_VECTOR (5 * 8)

	.text
	.balign 64
	.globl syscall_stubs
syscall_stubs:
	.set	cpu, 0
	.rept	NR_CPUS
	.balign 64
	movabs	%rax, syscall_scratch + 16 * cpu
	movabs	syscall_scratch + 16 * cpu + 8, %rax
	xchg	%rax, %rsp		/* RSP: stack top; RAX: guest RSP */
	pushq	$GUEST_HW_SS
	push	%rax			/* guest RSP */
	push	%r11			/* guest RFLAGS, saved by syscall */
	pushq	$GUEST_HW_CS
	push	%rcx			/* guest RIP, saved by syscall */
	movabs	syscall_scratch + 16 * cpu, %rax
	jmp	syscall_common
	.set	cpu, cpu + 1
	.endr

syscall_common:
	pushq	$0			/* error code */
	pushq	$VECTOR_SYSCALL
	SAVE_ALL_GPRS
	/* No cld: FMASK clears DF as syscall enters (pv/context.c). */
	xor	%ebp, %ebp		/* backtraces stop at guest entry */
	mov	%rsp, %rdi
	call	do_guest_syscall
	/* fall through */

/*
 * Leave for the guest whose frame is at RSP. exit_to_guest_prepare() may
 * switch to another vCPU's frame (same place), or, with nothing left to
 * run, leave for the idle loop and not come back.
 *
 * It returns true (AL) when the frame allows sysretq, which is cheaper
 * than iretq on real CPUs: the frame's RCX and R11 already hold its RIP
 * and RFLAGS, and RIP is canonical (pv/traps.c says why that matters).
 * The pops below leave the flags of `test` alone. sysretq takes CS and
 * SS from STAR (the guest's 64-bit code and data selectors, as iretq
 * would load them) but does not switch stacks, so RSP is loaded with the
 * guest's first. From that instruction on, an interrupt would be taken
 * in ring 0 on the guest's stack: interrupts are off (cli above, and
 * sysretq sets IF from R11 only as it leaves), and NMI and #MC arrive on
 * their own IST stacks, never on RSP.
 */
	.globl return_to_guest
return_to_guest:
	cli
	mov	%rsp, %rdi
	call	exit_to_guest_prepare
	test	%al, %al
	RESTORE_ALL_GPRS
	jnz	1f
	add	$16, %rsp		/* vector and error code */
	iretq
1:	mov	REGS_RSP_FROM_VECTOR(%rsp), %rsp
	sysretq

/* jump_to_guest(regs): run the frame at regs, which is this CPU's guest
 * frame at the top of its stack; everything below it is discarded. */
	.globl jump_to_guest
jump_to_guest:
	mov	%rdi, %rsp
	jmp	return_to_guest

/* reset_stack_and_jump(fn): drop everything on this CPU's stack and call
 * fn, which must not return. */
	.globl reset_stack_and_jump
reset_stack_and_jump:
	mov	%rsp, %rax
	or	$(STACK_SIZE - 1), %rax
	sub	$(32 + 176 + 15), %rax	/* below cpu_info and the guest frame */
	and	$~15, %rax
	mov	%rax, %rsp
	xor	%ebp, %ebp
	call	*%rdi
	ud2

	.bss
	.balign 16
	.globl syscall_scratch
syscall_scratch:
	.skip	16 * NR_CPUS
