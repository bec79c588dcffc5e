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
 * way out is return_to_guest, which pops that frame and leaves with
 * sysretq or iretq.
 *
 * `syscall` does not switch stacks, and Keel keeps no per-CPU pointer in
 * GS (the guest owns its GS base). So LSTAR on CPU n points at stub n
 * below, which saves the guest's RSP at a fixed per-CPU address, loads
 * the CPU's stack top from the next one, and builds the same frame an
 * interrupt from ring 3 would have built. The stubs are ordinary text:
 * nothing is generated at run time, and text stays read-only.
 *
 * Hypercalls are most of what guest kernels do here, so the two paths
 * they take are written out in assembly, and C runs only for the work
 * itself:
 *   - syscall_common dispatches a hypercall from guest kernel mode
 *     straight to its handler, with the arguments still in the registers
 *     the guest put them in. A user program's system call and the iret
 *     hypercall that ends it (the two halves of every system call of a
 *     guest's programs) are done here too, in the common case (see
 *     .Luser_syscall), on a frame of the caller-saved registers only,
 *     and they leave for the guest themselves, checking on the way out
 *     the little that can be due there. Everything else (a control-only
 *     or unknown call number, a frame out of the ordinary) goes to
 *     do_guest_syscall() in C, which decides.
 *   - return_to_guest checks, with interrupts off, that there is nothing
 *     to do on the way out: no reschedule asked for, no event upcall due,
 *     a frame with a canonical RIP. Only then does it leave, with
 *     sysretq when the frame allows and iretq otherwise. When there is
 *     something to do, exit_to_guest_slow() in C does it.
 * Interrupts stay off from `syscall` to the `sti` before a handler runs
 * (the two fast paths run none, so for them it is all the way out), and
 * from the `cli` on the way out to sysretq or iretq. NMI and #MC
 * arrive on their own IST stacks wherever they strike, so the few
 * instructions that run on the guest's RSP in ring 0 (in a stub, and
 * just before sysretq) are safe from them.
 */
#include <asm/entry_regs.h>
#include <asm/layout.h>
#include <asm_offsets.h>

#define GUEST_HW_CS (GDT_USER_CS64 | 3)
#define GUEST_HW_SS (GDT_USER_DS | 3)
#define VECTOR_SYSCALL 0x100
/* With RSP at the frame's vector: vector, error code, rip, cs, rflags,
 * then the guest's RSP. */
#define REGS_RSP_FROM_VECTOR (5 * 8)
#define X86_EFLAGS_TF (1 << 8)
#define X86_EFLAGS_RF (1 << 16)
/* What a guest may not return with: IOPL and VM. (NT is the guest's:
 * every way into Keel clears it, `syscall` through FMASK and the IDT's
 * gates themselves, so Keel never runs, or irets, with it set.) */
#define GUEST_RFLAGS_FORBIDDEN (0x3000 | 0x20000)

/* The number of the CPU whose stack RSP is on, into \reg (64-bit). */
.macro GET_CPU_NUMBER reg
	mov	%rsp, \reg
	or	$(STACK_SIZE - 1), \reg
	mov	CPU_INFO_CPU_FROM_STACK_END(\reg), \reg
.endm

	.text
	.balign 64
	.globl syscall_stubs
syscall_stubs:
	.set	cpu, 0
	.rept	ASM_NR_CPUS
	.balign 64
	mov	%rsp, syscall_scratch + 16 * cpu(%rip)	/* guest RSP */
	mov	syscall_scratch + 16 * cpu + 8(%rip), %rsp /* stack top */
	pushq	$GUEST_HW_SS
	pushq	syscall_scratch + 16 * cpu(%rip)	/* guest RSP */
	push	%r11			/* guest RFLAGS, saved by syscall */
	pushq	$GUEST_HW_CS
	push	%rcx			/* guest RIP, saved by syscall */
	jmp	syscall_common
	.set	cpu, cpu + 1
	.endr

/*
 * Every `syscall` from a guest arrives here, with the frame built up to
 * the vector. Only the caller-saved registers are pushed at first
 * (entry_regs.h): the two fast paths below (a user program's system
 * call, and the iret hypercall) need no more, and use those nine as
 * scratch. Every other way on pushes the rest first, for the C paths
 * need the whole frame; the guest's RBX, RBP and R12-R15 are still in
 * their registers then, as the fast paths never touch them.
 *
 * With the frame complete, the guest's argument registers still hold its
 * arguments (RDI, RSI, RDX, R10, R8), and a handler takes them in the C
 * convention's RDI, RSI, RDX, RCX, R8. RAX is the call number. R9 and
 * R11 are the only registers the dispatch below takes before that: the
 * guest's values of both are in the frame already.
 */
syscall_common:
	pushq	$0			/* error code */
	pushq	$VECTOR_SYSCALL
	SAVE_CALLER_SAVED_GPRS
	/* No cld: FMASK clears DF as syscall enters (pv/context.c). */
	GET_CPU_NUMBER %r11
	lea	running_vcpu(%rip), %r9
	mov	(%r9, %r11, 8), %r9
	/* A user program's system call is bounced to the guest kernel. */
	cmpb	$0, VCPU_KERNEL_MODE(%r9)
	je	.Luser_syscall
	cmp	$HYPERCALL_IRET, %rax
	je	.Liret_hypercall
.Lhypercall_dispatch:
	SAVE_CALLEE_SAVED_GPRS
	xor	%ebp, %ebp		/* backtraces stop at guest entry */
	cmp	$HYPERCALL_COUNT, %rax
	jae	1f
	/* Spectre v1: should the CPU run on past the jae with RAX out of
	 * range, RAX is 0 by then. The cmp leaves CF set exactly when RAX
	 * is in range, so the mask is all ones or all zeros, no branch. */
	sbb	%r9, %r9
	and	%r9, %rax
	lea	hypercall_fast_table(%rip), %r11
	mov	(%r11, %rax, 8), %r11
	test	%r11, %r11		/* control-only or unused: C checks */
	jz	1f
	sti
	mov	%r10, %rcx
	call	*%r11
	mov	%rax, REGS_RAX(%rsp)
	jmp	return_to_guest
.Lsyscall_in_c:
1:	mov	%rsp, %rdi
	call	do_guest_syscall
	jmp	return_to_guest

/*
 * The two halves of every system call a guest's user program makes: the
 * bounce into the guest kernel's syscall callback, and the iret
 * hypercall that returns to the program. They are pv_bounce() and
 * do_iret() written out, for the common case only; anything out of the
 * ordinary (no callback, a frame address Keel refuses, a page that is
 * not there, a frame the iret hypercall refuses) goes to the C path
 * from the start, which does the same work again and says what went
 * wrong. Interrupts stay off throughout, and each path leaves for the
 * guest itself, checking on the way only what can be due there (see
 * return_to_guest for the full list).
 *
 * Here RSP points at a frame of the caller-saved registers only, so the
 * frame's fields are at PARTIAL(REGS_...)(%rsp). R9 is the vCPU and R11
 * the CPU number; RAX, RCX, RDX, RSI, RDI, R8 and R10 are scratch (the
 * guest's values are in the frame, and leaving pops them back).
 *
 * Guest memory is touched only through the GUARDED instructions below:
 * a fault on one of them resumes at the fixup named with it (the #PF and
 * #GP handlers look the instruction up in .ex_table, as they do for
 * raw_copy_guarded, and return with every register as it was), so a
 * guest that unmaps its stack sends Keel down the slow path; the fault
 * never reaches panic().
 */
#define PARTIAL(offset) ((offset) - REGS_R11)

.macro GUARDED fixup, insn:vararg
99:	\insn
	.pushsection .ex_table, "a", @progbits
	.balign 8
	.quad	99b, \fixup
	.popsection
.endm

/* The end of the lower half; HYPERVISOR_VIRT_END (asm/layout.h) is
 * where the upper half is the guest's again (guest_range_ok()). */
#define GUEST_HALF_END 0x0000800000000000

/* Jump to \bad unless \addr (a register) may be touched by Keel
 * for the guest, as guest_range_ok(\addr, 1) says: in the lower half,
 * or in the upper half above the hypervisor's slots. Every address it
 * lets through is canonical. \half_end holds GUEST_HALF_END; \tmp is
 * scratch. */
.macro GUEST_ADDRESS_OK addr, half_end, tmp, bad
	cmp	\half_end, \addr
	jb	98f
	movabs	$HYPERVISOR_VIRT_END, \tmp
	cmp	\tmp, \addr
	jb	\bad
98:
.endm

/* Jump to \bad unless the \size bytes from \addr (a register) may all
 * be touched, as guest_range_ok(\addr, \size) says: above the
 * hypervisor's slots with no wrap past the top (a guest kernel's stack,
 * the common case, is there), or below the lower half's end. */
.macro GUEST_RANGE_OK addr, size, tmp, bad
	movabs	$HYPERVISOR_VIRT_END, \tmp
	cmp	\tmp, \addr
	jae	97f
	movabs	$(GUEST_HALF_END - (\size)), \tmp
	cmp	\tmp, \addr
	ja	\bad
	jmp	98f
97:	cmp	$-(\size), \addr
	ja	\bad
98:
.endm

/*
 * pv_switch_mode(\vcpu, \kernel) written out (\tmp and \tmp2 are
 * scratch; \cpu is this CPU's number): the mode, the GS base the guest has there
 * (swapped in from KERNEL_GS_BASE, asm/domain.h), the hardware domain's
 * I/O bitmap for its kernel, and the root for it.
 * It swaps unconditionally, so it is only for a real change of mode.
 * Only the root is compared with what is loaded, not the domain as
 * load_page_table() does too. That rests on
 * an invariant of pv/mmu.c: every CR3 write goes through
 * load_page_table() (or writes back the value there), so whenever a
 * guest runs, loaded_root[cpu] is what CR3 holds and loaded_domid[cpu]
 * is the running vCPU's domain. The paths here come straight from the
 * guest, with interrupts off, so both still hold.
 */
.macro SWITCH_MODE vcpu, cpu, kernel, root, tmp=%rax, tmp2=%rdx
	movb	$\kernel, VCPU_KERNEL_MODE(\vcpu)
	swapgs				/* the other mode's GS base */
	/* The hardware domain's kernel has the I/O bitmap, its programs
	 * not (pv_iomap_base()). */
	cmpb	$0, VCPU_IO_PORTS(\vcpu)
	je	95f
	mov	%rsp, \tmp
	or	$(STACK_SIZE - 1), \tmp
	mov	CPU_INFO_PERCPU_FROM_STACK_END(\tmp), \tmp
	.if \kernel
	movw	$ASM_TSS_IO_BITMAP, PERCPU_TSS_IOMAP_BASE(\tmp)
	.else
	movw	$ASM_TSS_NO_IO_BITMAP, PERCPU_TSS_IOMAP_BASE(\tmp)
	.endif
95:
	mov	\root(\vcpu), \tmp
	shl	$ASM_PAGE_SHIFT, \tmp
	lea	loaded_root(%rip), \tmp2
	cmp	\tmp, (\tmp2, \cpu, 8)
	je	96f			/* one root for both modes */
	mov	\tmp, (\tmp2, \cpu, 8)
	mov	\tmp, %cr3
96:
.endm

/* Leave from the partial frame, by iretq. */
.macro PARTIAL_IRET
	RESTORE_CALLER_SAVED_GPRS
	add	$16, %rsp		/* vector and error code */
	iretq
.endm

/*
 * A system call from guest user mode. The guest kernel gets it on the
 * stack it named with stack_switch, in its own page tables: switch the
 * vCPU to kernel mode first, then write the frame a trap from user mode
 * gets (struct keel_trap_frame), and enter the callback with events
 * masked. RCX and R11 stay as `syscall` left them (the frame pops them
 * back).
 */
.Luser_syscall:
	mov	VCPU_DOMAIN(%r9), %r10
	mov	DOMAIN_SYSCALL_CALLBACK(%r10), %r8	/* the handler */
	test	%r8, %r8
	jz	.Lpartial_in_c		/* none: a #UD, in C */
	/* Where the frame goes: below the stack_switch stack, checked
	 * when that was set (0: not guest memory Keel may write). */
	mov	VCPU_USER_TRAP_FRAME(%r9), %rdi
	test	%rdi, %rdi
	jz	.Lpartial_in_c
	SWITCH_MODE %r9, %r11, 1, VCPU_KERNEL_ROOT
	/* The guest sees its virtual interrupt flag, not the real one. */
	mov	VCPU_VCPU_INFO(%r9), %r10
	/* The program ran with IF set, as every guest does (ring 3 cannot
	 * clear it, and Keel always leaves with it set): clear it for a
	 * vCPU with events masked. */
	mov	PARTIAL(REGS_RFLAGS)(%rsp), %rax
	cmpb	$0, VCPU_INFO_UPCALL_MASK(%r10)
	je	2f
	and	$~0x200, %rax
	/* RCX is the program's RIP, as `syscall` left it. */
2:	mov	PARTIAL(REGS_RSP)(%rsp), %rdx
	GUARDED .Lbounce_unwritable, movq $0, TRAP_FRAME_ERROR_CODE(%rdi)
	GUARDED .Lbounce_unwritable, mov %rcx, TRAP_FRAME_RIP(%rdi)
	GUARDED .Lbounce_unwritable, movq $GUEST_USER_CS, TRAP_FRAME_CS(%rdi)
	GUARDED .Lbounce_unwritable, mov %rax, TRAP_FRAME_RFLAGS(%rdi)
	GUARDED .Lbounce_unwritable, mov %rdx, TRAP_FRAME_RSP(%rdi)
	GUARDED .Lbounce_unwritable, movq $GUEST_DS, TRAP_FRAME_SS(%rdi)
	/* The callback's address is canonical: set_callbacks checked it. */
	mov	%r8, PARTIAL(REGS_RIP)(%rsp)
	mov	%rdi, PARTIAL(REGS_RSP)(%rsp)
	/* Handlers start with TF, AC and DF clear, like an interrupt gate. */
	movq	$0x202, PARTIAL(REGS_RFLAGS)(%rsp)
	movb	$1, VCPU_INFO_UPCALL_MASK(%r10)
	/* Events are masked now, so no upcall is due; a reschedule may be.
	 * (Another vCPU of the guest may unmask them under us: the event
	 * then waits for this vCPU's next exit, which is the guest's own
	 * doing and harms only it.)
	 * The frame holds the guest's RCX and R11, not the callback's
	 * address and flags, so sysretq cannot leave: iretq. */
	lea	reschedule_requested(%rip), %rax
	cmpb	$0, (%rax, %r11)
	jne	.Lpartial_exit_slow
	PARTIAL_IRET

	/* Back to user mode, and let C find the page missing again. */
.Lbounce_unwritable:
	SWITCH_MODE %r9, %r11, 0, VCPU_USER_ROOT
.Lpartial_in_c:
	SAVE_CALLEE_SAVED_GPRS
	xor	%ebp, %ebp
	jmp	.Lsyscall_in_c

/* The rest of the iret frame, read once and committed to the guest's
 * frame (the iret path below, RDI the frame, RSI and R8 its RIP and RSP
 * as checked). */
.macro IRET_READ_AND_COMMIT
	GUARDED .Liret_in_c, mov IRET_FRAME_RFLAGS(%rdi), %rdx
	GUARDED .Liret_in_c, mov IRET_FRAME_RAX(%rdi), %rax
	GUARDED .Liret_in_c, mov IRET_FRAME_RCX(%rdi), %rcx
	GUARDED .Liret_in_c, mov IRET_FRAME_R11(%rdi), %rdi
	/* Good: commit. RAX is the frame's, as the call's "result". RIP is
	 * canonical: GUEST_ADDRESS_OK lets no other address through. */
	mov	%rax, PARTIAL(REGS_RAX)(%rsp)
	mov	%rcx, PARTIAL(REGS_RCX)(%rsp)
	mov	%rdi, PARTIAL(REGS_R11)(%rsp)
	mov	%rsi, PARTIAL(REGS_RIP)(%rsp)
	mov	%r8, PARTIAL(REGS_RSP)(%rsp)
	/* IF in the frame is the virtual interrupt flag to return with. */
	mov	VCPU_VCPU_INFO(%r9), %r8
	bt	$9, %rdx
	setnc	VCPU_INFO_UPCALL_MASK(%r8)
	and	$GUEST_RFLAGS_ALLOWED, %rdx
	or	$0x202, %rdx
	mov	%rdx, PARTIAL(REGS_RFLAGS)(%rsp)
.endm

/*
 * The iret hypercall from guest kernel mode (RSP in the frame points at
 * the guest's struct keel_iret_frame). Each field is read from guest
 * memory once, into a register, and checked there: the guest may change
 * the frame under us from another vCPU, and what is used is what was
 * checked. The checks are do_iret()'s: RIP and RSP addresses Keel may
 * leave to, CS one of the two, a user root for a return to user mode,
 * no flags. Nothing is written until every field is read, so the C path
 * starts from the guest's frame as it came. Then commit it all to the
 * frame, and switch to user mode for a return there.
 */
.Liret_hypercall:
	mov	PARTIAL(REGS_RSP)(%rsp), %rdi
	GUEST_RANGE_OK %rdi, IRET_FRAME_SIZE, %rax, .Liret_in_c
	GUARDED .Liret_in_c, mov IRET_FRAME_FLAGS(%rdi), %rax
	test	%rax, %rax
	jnz	.Liret_in_c
	movabs	$GUEST_HALF_END, %rcx
	GUARDED .Liret_in_c, mov IRET_FRAME_RIP(%rdi), %rsi
	GUEST_ADDRESS_OK %rsi, %rcx, %rdx, .Liret_in_c
	GUARDED .Liret_in_c, mov IRET_FRAME_RSP(%rdi), %r8
	GUEST_ADDRESS_OK %r8, %rcx, %rdx, .Liret_in_c
	GUARDED .Liret_in_c, mov IRET_FRAME_CS(%rdi), %r10
	cmp	$GUEST_USER_CS, %r10	/* the common case: to a program */
	jne	7f
	cmpq	$0, VCPU_USER_ROOT(%r9)
	je	.Liret_in_c
	IRET_READ_AND_COMMIT
	/* (Not RDX, RCX, RSI, RDI: they are needed below.) */
	SWITCH_MODE %r9, %r11, 0, VCPU_USER_ROOT, %rax, %r10
	/* Leave. A reschedule may be due, and so may an upcall, as the
	 * frame may have unmasked events with one pending. */
4:	lea	reschedule_requested(%rip), %rax
	cmpb	$0, (%rax, %r11)
	jne	.Lpartial_exit_slow
	cmpb	$0, VCPU_INFO_UPCALL_PENDING(%r8)	/* R8: vcpu_info */
	je	5f
	cmpb	$0, VCPU_INFO_UPCALL_MASK(%r8)
	jne	5f
	mov	VCPU_DOMAIN(%r9), %rax
	cmpq	$0, DOMAIN_EVENT_CALLBACK(%rax)
	jne	.Lpartial_exit_slow
	/* sysretq when it is the same as iretq (see return_to_guest):
	 * RDX is the frame's RFLAGS as committed, RDI its R11, RSI its RIP
	 * and RCX its RCX. */
5:	cmp	%rdx, %rdi
	jne	6f
	test	$(X86_EFLAGS_RF | X86_EFLAGS_TF), %edx
	jnz	6f
	cmp	%rsi, %rcx
	jne	6f
	RESTORE_CALLER_SAVED_GPRS
	mov	REGS_RSP_FROM_VECTOR(%rsp), %rsp
	sysretq
6:	PARTIAL_IRET

	/* A return to guest kernel mode: no user root needed, and no
	 * mode switch. Any other CS: the C path refuses it. */
7:	cmp	$GUEST_KERNEL_CS, %r10
	jne	.Liret_in_c
	IRET_READ_AND_COMMIT
	jmp	4b

	/* The C path, from its start: it refuses the frame, or finds the
	 * page that was missing here. */
.Liret_in_c:
	mov	$HYPERCALL_IRET, %eax
	jmp	.Lhypercall_dispatch

	/* The frame is committed, and something is due on the way out: the
	 * full exit does it. */
.Lpartial_exit_slow:
	SAVE_CALLEE_SAVED_GPRS
	xor	%ebp, %ebp
	jmp	return_to_guest

/*
 * Leave for the guest whose frame is at RSP. exit_to_guest_slow() may
 * switch to another vCPU's frame (same place), or, with nothing left to
 * run, leave for the idle loop and not come back.
 */
	.globl return_to_guest
return_to_guest:
	cli
	GET_CPU_NUMBER %r11
	lea	reschedule_requested(%rip), %r9
	cmpb	$0, (%r9, %r11)
	jne	.Lexit_slow
	lea	running_vcpu(%rip), %r9
	mov	(%r9, %r11, 8), %r9
	mov	VCPU_VCPU_INFO(%r9), %r10
	cmpb	$0, VCPU_INFO_UPCALL_PENDING(%r10)
	je	.Lexit_checked
	cmpb	$0, VCPU_INFO_UPCALL_MASK(%r10)
	jne	.Lexit_checked
	mov	VCPU_DOMAIN(%r9), %r10	/* pending and unmasked: an upcall, */
	cmpq	$0, DOMAIN_EVENT_CALLBACK(%r10)	/* if there is a callback */
	jne	.Lexit_slow
.Lexit_checked:
	/* Whatever the frame says, the guest runs in ring 3 with
	 * interrupts on and no I/O privilege. */
	movq	$GUEST_HW_CS, REGS_CS(%rsp)
	movq	$GUEST_HW_SS, REGS_SS(%rsp)
	mov	REGS_RFLAGS(%rsp), %rcx
	and	$~GUEST_RFLAGS_FORBIDDEN, %rcx
	or	$0x202, %rcx
	mov	%rcx, REGS_RFLAGS(%rsp)
	/*
	 * sysretq takes RIP from RCX and RFLAGS from R11, so it is the same
	 * return as iretq only when the frame holds those values there
	 * already: a return from `syscall` (a hypercall, or a system call
	 * that came back unbounced) whose frame nothing has rewritten. It
	 * clears RF, so the frame must not need it; and with TF set it
	 * raises #DB at once, before the instruction at RIP runs, where
	 * iretq lets that instruction run first. And RIP must be
	 * canonical, checked here again whichever path led here: on Intel
	 * CPUs a sysretq to a non-canonical RCX raises #GP in ring 0, on
	 * the guest's stack (CVE-2012-0217), and an iretq faults in ring 0
	 * too, so such a frame goes to the slow path, which never lets it
	 * leave. RSP may be anything: neither instruction checks it, and a
	 * guest program that loaded a bad one faults on its next stack
	 * access, in ring 3, as it would natively.
	 */
	mov	REGS_RIP(%rsp), %rdx
	movabs	$(1 << 47), %r9		/* canonical: RIP + 2^47 < 2^48 */
	lea	(%rdx, %r9), %r10
	shr	$48, %r10
	jnz	.Lexit_slow
	cmp	REGS_R11(%rsp), %rcx
	jne	.Liret
	test	$(X86_EFLAGS_RF | X86_EFLAGS_TF), %ecx
	jnz	.Liret
	cmp	REGS_RCX(%rsp), %rdx
	jne	.Liret
	/*
	 * sysretq takes CS and SS from STAR (the guest's 64-bit code and
	 * data selectors, as iretq would load them) but does not switch
	 * stacks, so RSP is loaded with the guest's first. From then on an
	 * interrupt would be taken in ring 0 on the guest's stack:
	 * interrupts are off, and sysretq sets IF from R11 only as it
	 * leaves.
	 */
	RESTORE_ALL_GPRS
	mov	REGS_RSP_FROM_VECTOR(%rsp), %rsp
	sysretq
.Liret:
	RESTORE_ALL_GPRS
	add	$16, %rsp		/* vector and error code */
	iretq

/* Reschedule, deliver the upcall, crash a domain with a bad frame: C.
 * It returns with interrupts off, and with a frame whose RIP is
 * canonical (it takes a vCPU with any other frame off the CPU). */
.Lexit_slow:
	mov	%rsp, %rdi
	call	exit_to_guest_slow
	jmp	.Lexit_checked

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
	sub	$(CPU_INFO_SIZE + REGS_SIZE + 15), %rax /* below cpu_info and
							 * the guest frame */
	and	$~15, %rax
	mov	%rax, %rsp
	xor	%ebp, %ebp
	call	*%rdi
	ud2

	.bss
	.balign 16
	.globl syscall_scratch
syscall_scratch:
	.skip	16 * ASM_NR_CPUS
