/*
 * Memory set-up and the frame allocator's locked interface.
 *
 * Boot order matters here:
 *  1. The usable RAM is the firmware map's "available" regions (clipped by
 *     `mem=`), minus low memory, the hypervisor image and the modules.
 *  2. Until the frame allocator exists, boot_alloc_pages() takes pages from
 *     the top of that list; the page tables and the frame table come from
 *     it, and what it takes never reaches the allocator.
 *  3. arch_paging_init() maps all RAM, so the frame table can live
 *     anywhere, and then everything left goes to the buddy allocator.
 */
#include <arch.h>
#include <cmdline.h>
#include <mm.h>
#include <panic.h>
#include <printk.h>
#include <spinlock.h>
#include <string_ops.h>

extern char __image_start[], __image_end[];

struct range_list boot_usable_ram;
uint64_t boot_max_ram_addr;
bool mm_frames_ready;

static uint64_t opt_mem;
OPTION_SIZE("mem", opt_mem);

static struct frame_pool frame_pool;
static spinlock_t frame_lock = SPINLOCK_INIT;
static uint64_t ram_bytes;
static uint64_t boot_reserved_bytes;

paddr_t boot_alloc_pages(uint64_t nr_pages, paddr_t limit)
{
	uint64_t bytes = nr_pages * PAGE_SIZE;

	BUG_ON(mm_frames_ready);
	/* Highest range first: keep low memory for whoever needs it. */
	for (unsigned int i = boot_usable_ram.count; i-- > 0;) {
		struct range *r = &boot_usable_ram.r[i];
		uint64_t end = MIN(r->end, limit);

		if (end <= r->start || end - r->start < bytes)
			continue;
		paddr_t pa = end - bytes;
		range_list_remove(&boot_usable_ram, pa, end);
		boot_reserved_bytes += bytes;
		return pa;
	}
	panic("boot allocator: no room for %llu pages below %#llx",
	      (unsigned long long)nr_pages, (unsigned long long)limit);
}

static void print_memory_map(const struct boot_info *bi)
{
	printk("Memory map (from the boot loader):\n");
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];

		printk("  [0x%016llx-0x%016llx] %s\n", (unsigned long long)m->addr,
		       (unsigned long long)(m->addr + m->len - 1),
		       multiboot2_memory_type_name(m->type));
	}
}

void mm_init(const struct boot_info *bi)
{
	print_memory_map(bi);

	range_list_init(&boot_usable_ram);
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];

		if (m->type != MB2_MEMORY_AVAILABLE)
			continue;
		ram_bytes += m->len;
		uint64_t start = ALIGN_UP(m->addr, PAGE_SIZE);
		uint64_t end = ALIGN_DOWN(m->addr + m->len, PAGE_SIZE);
		if (opt_mem)
			end = MIN(end, opt_mem);
		if (start < end && range_list_add(&boot_usable_ram, start, end))
			printk(LOG_WARNING "Memory: too many regions; "
			       "ignoring [%#llx, %#llx)\n",
			       (unsigned long long)start,
			       (unsigned long long)end);
	}
	printk("Memory: %llu KiB usable RAM in the map (%llu MiB)\n",
	       (unsigned long long)(ram_bytes >> 10),
	       (unsigned long long)(ram_bytes >> 20));
	if (opt_mem)
		printk("Memory: limited to the first %llu MiB by mem=\n",
		       (unsigned long long)(opt_mem >> 20));

	/* Low memory holds BIOS data and the AP trampoline. */
	range_list_remove(&boot_usable_ram, 0, MiB(1));
	range_list_remove(&boot_usable_ram, virt_to_phys(__image_start),
			  ALIGN_UP(virt_to_phys(__image_end), PAGE_SIZE));
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		range_list_remove(&boot_usable_ram,
				  ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
				  ALIGN_UP(bi->modules[i].end, PAGE_SIZE));
	if (boot_usable_ram.count == 0)
		panic("no usable RAM left after the image and modules");
	boot_max_ram_addr = boot_usable_ram.r[boot_usable_ram.count - 1].end;

	arch_paging_init(bi);

	/* One struct frame per frame up to the highest usable address. */
	uint64_t nr_frames = boot_max_ram_addr >> PAGE_SHIFT;
	uint64_t table_pages = ALIGN_UP(nr_frames * sizeof(struct frame),
					PAGE_SIZE) >> PAGE_SHIFT;
	struct frame *table = phys_to_virt(boot_alloc_pages(table_pages,
							    UINT64_MAX));
	memset(table, 0, table_pages * PAGE_SIZE);
	frame_pool_init(&frame_pool, table, nr_frames);
	for (unsigned int i = 0; i < boot_usable_ram.count; i++) {
		const struct range *r = &boot_usable_ram.r[i];
		if (frame_pool_add_range(&frame_pool, r->start >> PAGE_SHIFT,
					 (r->end - r->start) >> PAGE_SHIFT))
			panic("frame allocator refused [%#llx, %#llx)",
			      (unsigned long long)r->start,
			      (unsigned long long)r->end);
	}
	mm_frames_ready = true;

	printk("Memory: %llu frames managed (%llu MiB), %llu KiB taken at "
	       "boot for the frame table and page tables\n",
	       (unsigned long long)frame_pool.managed_frames,
	       (unsigned long long)(frame_pool.managed_frames >> 8),
	       (unsigned long long)(boot_reserved_bytes >> 10));
	heap_setup();
}

paddr_t frame_alloc(unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&frame_lock);
	uint64_t f = frame_pool_alloc(&frame_pool, order);

	spin_unlock_irqrestore(&frame_lock, flags);
	if (f == FRAME_NONE)
		return 0;
	paddr_t pa = f << PAGE_SHIFT;
	memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
	return pa;
}

paddr_t frame_alloc_run(uint64_t count, uint64_t align, uint64_t no_cross,
			uint64_t no_cross_count)
{
	unsigned long flags = spin_lock_irqsave(&frame_lock);
	uint64_t f = frame_pool_find_free_run(&frame_pool, count, align,
					      no_cross, no_cross_count);

	if (f != FRAME_NONE && frame_pool_claim_range(&frame_pool, f, count))
		f = FRAME_NONE;
	spin_unlock_irqrestore(&frame_lock, flags);
	if (f == FRAME_NONE)
		return 0;
	for (uint64_t i = 0; i < count; i++)
		memset(phys_to_virt((f + i) << PAGE_SHIFT), 0, PAGE_SIZE);
	return f << PAGE_SHIFT;
}

void frame_free(paddr_t pa, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&frame_lock);
	int rc = frame_pool_free(&frame_pool, pa >> PAGE_SHIFT, order);

	spin_unlock_irqrestore(&frame_lock, flags);
	if (rc)
		panic("frame_free: %#llx (order %u) is not an allocated block",
		      (unsigned long long)pa, order);
}

struct frame *mm_frame_table(uint64_t *nr_frames)
{
	*nr_frames = frame_pool.nr_frames;
	return frame_pool.frames;
}

void mm_get_stats(struct mm_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&frame_lock);

	st->ram_bytes = ram_bytes;
	st->managed_frames = frame_pool.managed_frames;
	st->free_frames = frame_pool.free_frames;
	st->used_frames = frame_pool_used(&frame_pool);
	st->boot_reserved_bytes = boot_reserved_bytes;
	spin_unlock_irqrestore(&frame_lock, flags);
	heap_get_stats(&st->heap);
}
