/*
 * Guarded copies between the hypervisor and a guest's address space.
 *
 * raw_copy_guarded(dst, src, len) returns the number of bytes NOT copied.
 * It copies whole quadwords first, then the last len % 8 bytes. The
 * structures Keel exchanges with guests (trap and iret frames, hypercall
 * arguments, grant copies) are mostly multiples of 8 bytes, so this is one
 * rep movsq; a rep movsb of the same length costs eight times the
 * iterations (and, under QEMU's -icount, eight times the instructions).
 *
 * If a copy faults (a guest page that is not mapped), the fault handler
 * finds the faulting address in .ex_table and resumes at the fixup, with
 * RCX still counting what is left. A quadword that straddles the page
 * that faults is not copied at all, so what was copied is always exactly
 * the first len - (returned value) bytes.
 */
	.text
	.globl raw_copy_guarded
raw_copy_guarded:
	mov	%rdx, %rcx
	shr	$3, %rcx
1:	rep movsq
	mov	%edx, %ecx
	and	$7, %ecx
2:	rep movsb
3:	mov	%rcx, %rax
	ret

	/* The quadword copy faulted: RCX quadwords and the tail are left. */
4:	shl	$3, %rcx
	and	$7, %edx
	add	%rdx, %rcx
	jmp	3b

	.section .ex_table, "a", @progbits
	.balign 8
	.quad	1b, 4b
	.quad	2b, 3b
