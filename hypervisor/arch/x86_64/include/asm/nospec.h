/* Bounds that hold under speculation (Spectre v1). Included by arch.h. */
#ifndef ASM_NOSPEC_H
#define ASM_NOSPEC_H

#include <types.h>

/* All ones when @index < @size, else 0. cmp sets CF exactly when index <
 * size, and sbb turns CF into the mask: no branch for the CPU to
 * mispredict, so an index ANDed with the mask stays in range even on a
 * path the CPU runs ahead on. */
static inline unsigned long arch_index_mask_nospec(unsigned long index,
						   unsigned long size)
{
	unsigned long mask;

	asm volatile("cmp %2, %1\n\tsbb %0, %0"
		     : "=r"(mask) : "r"(index), "r"(size) : "cc");
	return mask;
}

#endif
