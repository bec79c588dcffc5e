/*
 * memcpy and memset for the hypervisor: string instructions, whole
 * quadwords first and then the last n % 8 bytes.
 *
 * Why not the byte loops of C: the big users are the domain builder,
 * which zeroes every frame it hands a domain (64 MiB is 64 million
 * iterations of a byte loop, several instructions each) and copies
 * kernel images of tens of megabytes, and the compiler's own struct
 * copies on every path. rep movsq and rep stosq move eight bytes per
 * iteration, and on CPUs with fast strings far more per cycle; under
 * QEMU's -icount one iteration counts as one instruction, so the
 * benchmark figures see the same gain.
 *
 * The direction flag is clear on every entry to the hypervisor (the
 * SysV ABI's rule, which the entry paths keep), so both go upwards.
 * memcpy's buffers never overlap (memmove, in C, is for those).
 */
	.text

	/* void *memcpy(void *dst [rdi], const void *src [rsi], size_t n) */
	.globl memcpy
	.type memcpy, @function
memcpy:
	mov	%rdi, %rax
	mov	%rdx, %rcx
	shr	$3, %rcx
	rep movsq
	mov	%edx, %ecx
	and	$7, %ecx
	rep movsb
	ret
	.size memcpy, . - memcpy

	/* void *memset(void *dst [rdi], int c [esi], size_t n [rdx]) */
	.globl memset
	.type memset, @function
memset:
	mov	%rdi, %r8
	/* The byte, in all eight bytes of rax. */
	movzbl	%sil, %eax
	movabs	$0x0101010101010101, %rcx
	imul	%rcx, %rax
	mov	%rdx, %rcx
	shr	$3, %rcx
	rep stosq
	mov	%edx, %ecx
	and	$7, %ecx
	rep stosb
	mov	%r8, %rax
	ret
	.size memset, . - memset
