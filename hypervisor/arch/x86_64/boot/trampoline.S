/*
 * Start-up code for the secondary CPUs.
 *
 * An AP woken by INIT-SIPI-SIPI starts in 16-bit real mode at the start of
 * the page named in the SIPI. smp.c copies this blob to TRAMPOLINE_PHYS
 * (below 1 MiB, as real mode requires) and fills in tramp_cr3 and
 * tramp_entry. The blob then walks the same road as start32: protected
 * mode, PAE, long mode, and a jump to ap_start64 in the upper half.
 *
 * The code runs at TRAMPOLINE_PHYS, not where it was linked, so every
 * address in it goes through TRAMP().
 */
#include <asm/layout.h>

#define TRAMP(sym) ((sym) - trampoline_start + TRAMPOLINE_PHYS)

	.section .rodata.trampoline, "a", @progbits
	.balign 16
	.globl trampoline_start, trampoline_end
	.globl tramp_cr3, tramp_entry
	.code16
trampoline_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	TRAMP(tramp_gdt_ptr)
	mov	%cr0, %eax
	or	$1, %eax		/* PE */
	mov	%eax, %cr0
	ljmpl	$0x08, $TRAMP(tramp_protected)

	.code32
tramp_protected:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	TRAMP(tramp_cr3), %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx	/* EFER: LME | NXE */
	rdmsr
	or	$0x900, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80010000, %eax	/* PG | WP */
	mov	%eax, %cr0
	ljmp	$0x18, $TRAMP(tramp_long)

	.code64
tramp_long:
	mov	TRAMP(tramp_entry), %rax
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_end:
	.balign 8
	.word	0
tramp_gdt_ptr:
	.word	tramp_gdt_end - tramp_gdt - 1
	.long	TRAMP(tramp_gdt)
	.balign 8
tramp_cr3:
	.quad	0
tramp_entry:
	.quad	0
trampoline_end:
