/* xmalloc()/xfree(): the heap of heap.c, locked, over the frame allocator. */
#include <mm.h>
#include <panic.h>
#include <printk.h>
#include <spinlock.h>
#include <string_ops.h>

static struct heap heap;
static spinlock_t heap_lock = SPINLOCK_INIT;

static void *heap_alloc_pages(void *ctx, unsigned int order)
{
	(void)ctx;
	paddr_t pa = frame_alloc(order);
	return pa ? phys_to_virt(pa) : NULL;
}

static void heap_free_pages(void *ctx, void *pages, unsigned int order)
{
	(void)ctx;
	frame_free(virt_to_phys(pages), order);
}

void heap_setup(void)
{
	const struct heap_page_source source = {
		.alloc_pages = heap_alloc_pages,
		.free_pages = heap_free_pages,
	};

	heap_init(&heap, &source);
}

void *xmalloc(size_t size)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc(&heap, size);

	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

void *xzalloc(size_t size)
{
	void *p = xmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void xfree(void *p)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	int rc = heap_free(&heap, p);

	spin_unlock_irqrestore(&heap_lock, flags);
	if (rc)
		panic("xfree(%p): not a live heap object (double free?)", p);
}

void heap_get_stats(struct heap_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);

	*st = heap.stats;
	spin_unlock_irqrestore(&heap_lock, flags);
}
