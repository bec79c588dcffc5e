/*
 * Guest test kernel entry, trap stubs and the Keel ELF note.
 *
 * Keel starts vCPU 0 at _start in guest kernel mode (ring 3), with RSP on
 * the stack the builder set up and RSI pointing at the boot FDT.
 */
/* The register frame is the hypervisor's struct cpu_user_regs layout. */
#include <asm/entry_regs.h>
#include <keel/keel.h>
#include <keel/callbacks.h>

#define RT_VECTOR_EVENT   256
#define RT_VECTOR_SYSCALL 257
#define RT_VECTOR_FAILSAFE 258

	.section .note.keel, "a", @note
	.balign 4
	.long	5			/* namesz: "Keel\0" */
	.long	24			/* descsz: struct keel_elfnote_boot */
	.long	KEEL_ELFNOTE_BOOT
	.asciz	"Keel"
	.balign 4
	.long	KEEL_ABI_VERSION
	.long	0
	.quad	_start
	.quad	0xffffffff80000000

	.section .text.entry, "ax", @progbits
	.globl _start
_start:
	mov	%rsi, %rdi
	xor	%ebp, %ebp
	and	$~15, %rsp
	call	runtime_start
	ud2

/* Secondary vCPUs: VCPUOP_initialise sets RSP and RDI (a struct
 * rt_vcpu_start pointer). */
	.globl secondary_entry
secondary_entry:
	xor	%ebp, %ebp
	and	$~15, %rsp
	call	runtime_secondary_start
	ud2

/*
 * Trap stubs. Keel enters them with RSP at a struct keel_trap_frame and
 * every general register as the interrupted code left it. Save them all,
 * let C look (and perhaps change RIP through the frame), restore, and
 * return with the iret hypercall, which needs RAX, R11 and RCX in its
 * frame because `syscall` clobbers them.
 */
.macro TRAP_STUB vec
	.balign 16
trap_stub_\vec:
	pushq	$\vec
	jmp	trap_common
	.pushsection .rodata.trap_stubs, "a", @progbits
	.quad	trap_stub_\vec
	.popsection
.endm

	/* trap_stub_table[0..31] for the exceptions, then the event,
	 * syscall and failsafe callbacks. */
	.pushsection .rodata.trap_stubs, "a", @progbits
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	.popsection
	.text
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,256,257,258
	TRAP_STUB \v
	.endr

trap_common:
	SAVE_ALL_GPRS
	mov	%rsp, %rdi
	cld
	call	runtime_trap
	RESTORE_ALL_GPRS
	add	$16, %rsp		/* vector and error code */
	/* RSP: rip, cs, rflags, rsp, ss: complete the iret frame. */
	pushq	$0			/* flags */
	push	%rcx
	push	%r11
	push	%rax
	mov	$KEEL_HC_iret, %eax
	syscall
	ud2

/* rt_setjmp(buf) / rt_longjmp(buf, value): callee-saved registers, RSP
 * and the return address. */
	.globl rt_setjmp, rt_longjmp
rt_setjmp:
	mov	%rbx, 0(%rdi)
	mov	%rbp, 8(%rdi)
	mov	%r12, 16(%rdi)
	mov	%r13, 24(%rdi)
	mov	%r14, 32(%rdi)
	mov	%r15, 40(%rdi)
	lea	8(%rsp), %rax
	mov	%rax, 48(%rdi)
	mov	(%rsp), %rax
	mov	%rax, 56(%rdi)
	xor	%eax, %eax
	ret
rt_longjmp:
	mov	0(%rdi), %rbx
	mov	8(%rdi), %rbp
	mov	16(%rdi), %r12
	mov	24(%rdi), %r13
	mov	32(%rdi), %r14
	mov	40(%rdi), %r15
	mov	48(%rdi), %rsp
	mov	%rsi, %rax
	jmp	*56(%rdi)

/* rt_enter_user(frame, arg): iret to the user-mode frame at frame (a
 * struct keel_iret_frame on the kernel stack), with arg in RDI. */
	.globl rt_enter_user
rt_enter_user:
	mov	%rdi, %rsp
	mov	%rsi, %rdi		/* the user function's argument */
	mov	$KEEL_HC_iret, %eax
	syscall
	ud2
