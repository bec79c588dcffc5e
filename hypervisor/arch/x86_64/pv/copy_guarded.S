/*
 * Guarded copies between the hypervisor and a guest's address space.
 *
 * raw_copy_guarded(dst, src, len) returns the number of bytes NOT copied.
 * If the rep movsb faults (a guest page that is not mapped), the fault
 * handler finds the faulting address in .ex_table and resumes at the
 * fixup, with RCX still counting the bytes left.
 */
	.text
	.globl raw_copy_guarded
raw_copy_guarded:
	mov	%rdx, %rcx
1:	rep movsb
2:	mov	%rcx, %rax
	ret

	.section .ex_table, "a", @progbits
	.balign 8
	.quad	1b, 2b
