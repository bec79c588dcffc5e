/*
 * The first instructions Keel runs.
 *
 * GRUB's multiboot2 command loads the ELF image at its physical addresses
 * (from 2 MiB up) and jumps to start32 in 32-bit protected mode with paging
 * off: EAX holds the Multiboot2 magic and EBX the physical address of the
 * boot information. Nothing else is set up, not even a stack.
 *
 * The image is linked at KEEL_VIRT_START + physical address. Until paging
 * is on, code here must therefore use physical addresses: sym_phys() turns
 * a link-time symbol into one. The boot page tables below are fully static,
 * so no code is needed to build them:
 *
 *   boot_pml4[0]   -> boot_pdpt_low   1:1 map of the first 4 GiB
 *   boot_pml4[262] -> boot_pdpt_low   the same, at DIRECTMAP_START
 *   boot_pml4[261] -> boot_pdpt_image KEEL_VIRT_START + [0, 1 GiB)
 *
 * all with 2 MiB pages. arch_paging_init() replaces them with tables that
 * map all RAM and keep the image W^X; the AP trampoline still uses these.
 */
#include <asm/layout.h>

#define sym_phys(sym) ((sym) - KEEL_VIRT_START)

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386    0
#define MB2_TAG_ENTRY    3
#define MB2_TAG_END      0

/* Flat data segments for the hypervisor; FS and GS unused (null). */
.macro LOAD_HYPERVISOR_DATA_SEGMENTS
	mov	$GDT_HYP_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
.endm

#define PTE_PRESENT 0x001
#define PTE_WRITE   0x002
#define PTE_LARGE   0x080

	.section .text.boot, "ax", @progbits
	.code32

	.balign 8
multiboot2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long multiboot2_header_end - multiboot2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + \
			     (multiboot2_header_end - multiboot2_header))
	/* Entry address tag: start at start32's physical address. */
	.balign 8
	.word MB2_TAG_ENTRY, 0
	.long 12
	.long sym_phys(start32)
	.balign 8
	.word MB2_TAG_END, 0
	.long 8
multiboot2_header_end:

	.globl start32
start32:
	cli
	cld
	mov	$sym_phys(boot_stack_block) + STACK_SIZE - 256, %esp
	mov	%eax, %edi		/* keep the magic ... */
	mov	%ebx, %esi		/* ... and the information pointer */

	cmp	$0x36d76289, %edi
	jne	.Lbad_magic

	/* Long mode and NX are required. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	.Lno_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx		/* LM */
	jnc	.Lno_long_mode
	bt	$20, %edx		/* NX */
	jnc	.Lno_nx

	/* PAE, then the boot PML4, then EFER.LME|NXE, then paging. */
	mov	%cr4, %eax
	or	$0x20, %eax
	mov	%eax, %cr4
	mov	$sym_phys(boot_pml4), %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx
	rdmsr
	or	$0x900, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax	/* PG | WP | PE */
	mov	%eax, %cr0

	lgdt	sym_phys(boot_gdt_ptr)
	ljmp	$GDT_HYP_CS, $sym_phys(start64_low)

.Lbad_magic:
	mov	$sym_phys(msg_bad_magic), %ebx
	jmp	early_fail
.Lno_long_mode:
	mov	$sym_phys(msg_no_long_mode), %ebx
	jmp	early_fail
.Lno_nx:
	mov	$sym_phys(msg_no_nx), %ebx
	jmp	early_fail

/* Print the string at EBX on COM1 (already set up by the firmware, or not:
 * this is a last resort) and stop. */
early_fail:
	mov	$0x3f8, %dx
1:	movb	(%ebx), %al
	test	%al, %al
	jz	2f
	out	%al, %dx
	inc	%ebx
	jmp	1b
2:	cli
	hlt
	jmp	2b

	.code64
start64_low:
	/* Paging is on and this code runs from the 1:1 map. Jump to the
	 * link address in the upper half. */
	movabs	$start64, %rax
	jmp	*%rax

start64:
	LOAD_HYPERVISOR_DATA_SEGMENTS

	/* The boot CPU runs on boot_stack_block. Its top holds the cpu_info
	 * (32 bytes) and below it the slot for a guest's register frame (176
	 * bytes, asm/pv.h: guest_regs()); the stack proper starts under both. */
	lea	boot_stack_block(%rip), %rsp
	add	$STACK_SIZE - 256, %rsp

	/* GRUB zeroes .bss, but do not rely on it. The boot stack is in .bss
	 * too, and nothing is on it yet; the information pointer waits in
	 * R12 meanwhile. */
	mov	%esi, %r12d
	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	mov	%r12d, %esi

	mov	%esi, %edi		/* argument: information block address */
	xor	%ebp, %ebp		/* terminates backtraces */
	call	arch_start
	ud2

/*
 * Secondary CPUs arrive here from the trampoline, in long mode on the boot
 * page tables. ap_boot_stack and ap_boot_cr3 were set by the boot CPU.
 */
	.globl ap_start64
ap_start64:
	LOAD_HYPERVISOR_DATA_SEGMENTS
	mov	ap_boot_cr3(%rip), %rax
	mov	%rax, %cr3
	mov	ap_boot_stack(%rip), %rsp
	xor	%ebp, %ebp
	call	start_secondary
	ud2

	.section .rodata.boot, "a", @progbits
msg_bad_magic:
	.asciz	"Keel: not started by a Multiboot2 loader\r\n"
msg_no_long_mode:
	.asciz	"Keel: this CPU has no 64-bit long mode\r\n"
msg_no_nx:
	.asciz	"Keel: this CPU has no NX bit\r\n"

	.section .data.boot, "aw", @progbits
	.balign 16
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code, ring 0 */
	.quad	0x00cf92000000ffff	/* 0x10: data, ring 0 */
boot_gdt_end:
	.balign 8
	.word	0
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	sym_phys(boot_gdt)

	.section .data.page_aligned, "aw", @progbits
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad	sym_phys(boot_pdpt_low) + PTE_PRESENT + PTE_WRITE
	.fill	260, 8, 0
	.quad	sym_phys(boot_pdpt_image) + PTE_PRESENT + PTE_WRITE	/* 261 */
	.quad	sym_phys(boot_pdpt_low) + PTE_PRESENT + PTE_WRITE	/* 262 */
	.fill	249, 8, 0

	.balign 4096
boot_pdpt_low:
	.quad	sym_phys(boot_pd) + 0x0000 + PTE_PRESENT + PTE_WRITE
	.quad	sym_phys(boot_pd) + 0x1000 + PTE_PRESENT + PTE_WRITE
	.quad	sym_phys(boot_pd) + 0x2000 + PTE_PRESENT + PTE_WRITE
	.quad	sym_phys(boot_pd) + 0x3000 + PTE_PRESENT + PTE_WRITE
	.fill	508, 8, 0

	.balign 4096
boot_pdpt_image:
	.fill	322, 8, 0
	.quad	sym_phys(boot_pd) + PTE_PRESENT + PTE_WRITE	/* KEEL_VIRT_START */
	.fill	189, 8, 0

	.balign 4096
boot_pd:			/* 4 GiB in 2 MiB pages */
	.set	i, 0
	.rept	2048
	.quad	(i << 21) + PTE_PRESENT + PTE_WRITE + PTE_LARGE
	.set	i, i + 1
	.endr

	.section .bss.stack, "aw", @nobits
	.balign STACK_SIZE
	.globl boot_stack_block
boot_stack_block:
	.skip	STACK_SIZE
