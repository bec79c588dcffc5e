/* Descriptor tables: GDT, IDT and TSS. */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <types.h>

/* The 64-bit TSS, exactly as the CPU reads it (104 bytes). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];	/* ist[n - 1] is the stack for IST number n */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

BUILD_BUG_ON(sizeof(struct tss64) != 104);

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

#endif
