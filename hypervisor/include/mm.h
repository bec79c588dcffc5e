/* Memory management entry points (common/mm.c, common/xmalloc.c and
 * arch/x86_64/paging.c). */
#ifndef KEEL_MM_H
#define KEEL_MM_H

#include <frame.h>
#include <heap.h>
#include <multiboot2.h>
#include <range.h>
#include <types.h>

/* Translate between machine addresses and the direct map. */
void *phys_to_virt(paddr_t pa);
paddr_t virt_to_phys(const void *va);

/* Set up frames and heap from the boot information. */
void mm_init(const struct boot_info *bi);

/* Allocate 2^order contiguous frames; returns the machine address of the
 * first or 0 when none are left. Frames are zeroed. */
paddr_t frame_alloc(unsigned int order);
void frame_free(paddr_t pa, unsigned int order);
/* Allocate @count contiguous frames, the first a multiple of @align
 * frames, each its own order-0 block (frame_free(pa, 0) frees one), with
 * the first @no_cross_count not crossing a multiple of @no_cross frames
 * (a power of two; 0 for no such rule); the highest such run there is.
 * Returns the first frame's address, or 0. Frames are zeroed. */
paddr_t frame_alloc_run(uint64_t count, uint64_t align, uint64_t no_cross,
			uint64_t no_cross_count);
/* The frame table: one struct frame per machine frame. */
struct frame *mm_frame_table(uint64_t *nr_frames);
/* The order of the smallest block holding @bytes. */
static inline unsigned int frame_order_for(uint64_t bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* The heap (common/xmalloc.c); heap_setup() runs at the end of mm_init(). */
void heap_setup(void);
void heap_get_stats(struct heap_stats *st);
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void xfree(void *p);

struct mm_stats {
	uint64_t ram_bytes;		/* usable RAM in the firmware map */
	uint64_t managed_frames;
	uint64_t free_frames;
	uint64_t used_frames;
	uint64_t boot_reserved_bytes;	/* frame table, page tables, ... */
	struct heap_stats heap;
};
void mm_get_stats(struct mm_stats *stats);

/* Boot-time allocation, before the frame allocator exists. */
paddr_t boot_alloc_pages(uint64_t nr_pages, paddr_t limit);

/* True once mm_init() has handed memory to the frame allocator. */
extern bool mm_frames_ready;

/* The usable RAM left for the allocator and the highest RAM address. */
extern struct range_list boot_usable_ram;
extern uint64_t boot_max_ram_addr;

#endif
