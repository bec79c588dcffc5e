/*
 * Link map of the hypervisor image. Preprocessed with cpp for the layout
 * constants. Virtual = physical + KEEL_VIRT_START for every section.
 *
 * Segments are split by permission so the final page tables can map the
 * image W^X: text RX, rodata R, data/bss RW, symbol table R.
 *
 * The embedded symbol table (.keel.symbols) comes last, after .bss: the
 * build links twice, the second time with the table filled in, and keeping
 * it last means filling it in moves no other symbol.
 */
#include <asm/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
	symbols PT_LOAD FLAGS(4);
}

SECTIONS
{
	. = KEEL_VIRT_START + KEEL_LOAD_PHYS;
	__image_start = .;

	.text : AT(ADDR(.text) - KEEL_VIRT_START) {
		_stext = .;
		*(.text.boot)
		*(.text .text.*)
		_etext = .;
	} :text

	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - KEEL_VIRT_START) {
		_srodata = .;
		*(.rodata .rodata.*)
		/* Constant tables of pointers (the hypercall tables): -fpie
		 * puts them here, and the static link leaves nothing in them
		 * to relocate at run time, so they are read-only too. */
		*(.data.rel.ro .data.rel.ro.*)
		. = ALIGN(8);
		__options_start = .;
		KEEP(*(.keel.options))
		__options_end = .;
		. = ALIGN(8);
		__ex_table_start = .;
		KEEP(*(.ex_table))
		__ex_table_end = .;
		_erodata = .;
	} :rodata

	. = ALIGN(4096);
	.data : AT(ADDR(.data) - KEEL_VIRT_START) {
		_sdata = .;
		*(.data.page_aligned)
		*(.data .data.*)
		_edata = .;
	} :data

	.bss : AT(ADDR(.bss) - KEEL_VIRT_START) {
		. = ALIGN(4096);
		__bss_start = .;
		*(.bss.stack)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	} :data

	. = ALIGN(4096);
	.keel.symbols : AT(ADDR(.keel.symbols) - KEEL_VIRT_START) {
		__symbols_start = .;
		KEEP(*(.keel.symbols))
		. = ALIGN(4096);
		__symbols_end = .;
	} :symbols

	__image_end = .;

	/DISCARD/ : {
		*(.eh_frame) *(.eh_frame_hdr) *(.note.*) *(.comment)
		*(.note.gnu.property)
	}
}
