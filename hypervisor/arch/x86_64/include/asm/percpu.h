/*
 * Finding the current CPU.
 *
 * Each CPU runs on its own STACK_SIZE-aligned stack block, and the block's
 * last bytes hold a struct cpu_info. Masking the stack pointer therefore
 * finds it from any stack of the block, including the IST stacks used for
 * NMI, #DF and #MC, and without trusting the GS base, which guests will own.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <types.h>
#include <asm/desc.h>
#include <asm/io_bitmap.h>
#include <asm/layout.h>

struct percpu;

struct cpu_info {
	struct percpu *percpu;
	uint64_t cpu;
	uint64_t pad[2];
};

static inline struct cpu_info *get_cpu_info(void)
{
	uint64_t sp;

	asm volatile("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 -
				   sizeof(struct cpu_info));
}

static inline struct cpu_info *stack_block_cpu_info(void *block)
{
	return (struct cpu_info *)((char *)block + STACK_SIZE -
				   sizeof(struct cpu_info));
}

/* The architecture's part of struct percpu. */
struct arch_percpu {
	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss64 tss __aligned(16);
	/* Right after the TSS, inside its limit (asm/io_bitmap.h). */
	uint8_t io_bitmap[IO_BITMAP_SIZE];
	void *stack_block;
	uint32_t apic_id;
};

/* The TSS's iomap_base: the bitmap after it, or none (every port faults:
 * past the TSS's limit, which ends with the bitmap). */
#define TSS_IO_BITMAP       ((uint16_t)sizeof(struct tss64))
#define TSS_NO_IO_BITMAP    ((uint16_t)0xffff)
BUILD_BUG_ON(offsetof(struct arch_percpu, io_bitmap) !=
	     offsetof(struct arch_percpu, tss) + sizeof(struct tss64));

#endif
