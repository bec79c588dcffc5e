/*
 * Interrupt and exception entry.
 *
 * Every vector has a 16-byte stub in interrupt_stubs; the IDT points vector
 * N at interrupt_stubs + 16 * N. A stub makes the stack look the same for
 * every vector: it pushes a zero where the CPU pushes no error code, then
 * the vector number, and jumps to the common path. The common path saves
 * the general registers in the order of struct cpu_user_regs (regs.h),
 * passes that frame to do_interrupt(), and unwinds it with iretq.
 *
 * Keel never uses GS (per-CPU data is found from the stack), so there is
 * no swapgs. Entries from ring 3 leave through return_to_guest
 * (pv/entry.S), which may reschedule and deliver events.
 */
#include <asm/entry_regs.h>
#include <asm/layout.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || \
			   (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.balign 16
	.globl interrupt_stubs
interrupt_stubs:
	.set	vec, 0
	.rept	256
	.balign 16
	.if	HAS_ERROR_CODE(vec)
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	interrupt_common
	.set	vec, vec + 1
	.endr

interrupt_common:
	SAVE_ALL_GPRS
	cld
	mov	%rsp, %rdi
	call	do_interrupt
	/* From a guest: leave through the guest exit path, which may
	 * reschedule and deliver events. Not from the IST vectors (NMI, #DF,
	 * #MC): their frames are on their own stacks, not in the guest-frame
	 * slot the exit path works on. */
	testb	$3, 18 * 8(%rsp)
	jz	1f
	mov	15 * 8(%rsp), %rax
	cmp	$VECTOR_NMI, %rax
	je	1f
	cmp	$VECTOR_DF, %rax
	je	1f
	cmp	$VECTOR_MC, %rax
	je	1f
	jmp	return_to_guest
1:	RESTORE_ALL_GPRS
	add	$16, %rsp		/* vector and error code */
	iretq
