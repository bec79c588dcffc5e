/*
 * Heap layout.
 *
 * Small objects: a page holds a header and equal slots after it, from
 * offset SLOTS_OFFSET (128) on.
 * The header has a bitmap of live slots; freeing checks the bit, so a
 * double free or a pointer into the middle of a slot is refused.
 *
 * Large objects: 2^order pages whose first 128 bytes are the header; the
 * object follows the header, so it is 16-byte aligned.
 *
 * Either way, the header sits at the start of the page that holds the
 * object's first byte, so `ptr & PAGE_MASK` finds it; its magic says
 * which kind it is.
 */
#include <errno_values.h>
#include <heap.h>

#define HEAP_MAGIC_SMALL 0x4b45454c534d4c4cULL	/* "KEELSMLL" */
#define HEAP_MAGIC_LARGE 0x4b45454c4c524745ULL	/* "KEELLRGE" */
#define SLOTS_OFFSET     128
#define MAX_SLOTS        ((PAGE_SIZE - SLOTS_OFFSET) >> HEAP_MIN_SHIFT)

struct heap_page {
	uint64_t magic;
	struct heap_page *next;		/* on the partial list */
	struct heap_page *prev;
	uint16_t size_class;		/* index into heap->partial */
	uint16_t nr_free;
	uint16_t nr_slots;
	uint8_t on_list;
	uint8_t order;			/* large objects */
	uint64_t large_size;		/* requested size, large objects */
	uint64_t live[(MAX_SLOTS + 63) / 64];
};

BUILD_BUG_ON(sizeof(struct heap_page) > SLOTS_OFFSET);

static unsigned int slot_count(unsigned int size_class)
{
	return (PAGE_SIZE - SLOTS_OFFSET) >> (size_class + HEAP_MIN_SHIFT);
}

void heap_init(struct heap *heap, const struct heap_page_source *source)
{
	heap->source = *source;
	for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++)
		heap->partial[i] = NULL;
	heap->stats = (struct heap_stats){ 0 };
}

static void partial_add(struct heap *heap, struct heap_page *pg)
{
	struct heap_page **head = &heap->partial[pg->size_class];

	pg->prev = NULL;
	pg->next = *head;
	if (*head)
		(*head)->prev = pg;
	*head = pg;
	pg->on_list = 1;
}

static void partial_remove(struct heap *heap, struct heap_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		heap->partial[pg->size_class] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
	pg->on_list = 0;
}

static unsigned int class_for(size_t size)
{
	unsigned int c = 0;

	while (((size_t)1 << (c + HEAP_MIN_SHIFT)) < size)
		c++;
	return c;
}

static void *alloc_large(struct heap *heap, size_t size)
{
	unsigned int order = 0;

	if (size > ((size_t)1 << 40))
		return NULL;
	while ((PAGE_SIZE << order) < size + SLOTS_OFFSET)
		order++;
	struct heap_page *pg = heap->source.alloc_pages(heap->source.ctx, order);
	if (!pg)
		return NULL;
	*pg = (struct heap_page){ .magic = HEAP_MAGIC_LARGE, .order = order,
				  .large_size = size };
	heap->stats.pages_in_use += 1ULL << order;
	heap->stats.bytes_in_use += size;
	heap->stats.objects_in_use++;
	return (char *)pg + SLOTS_OFFSET;
}

void *heap_alloc(struct heap *heap, size_t size)
{
	void *obj;

	if (size == 0)
		size = 1;
	if (size > ((size_t)1 << HEAP_MAX_SHIFT)) {
		obj = alloc_large(heap, size);
		if (!obj)
			heap->stats.failed_allocs++;
		return obj;
	}

	unsigned int c = class_for(size);
	struct heap_page *pg = heap->partial[c];
	if (!pg) {
		pg = heap->source.alloc_pages(heap->source.ctx, 0);
		if (!pg) {
			heap->stats.failed_allocs++;
			return NULL;
		}
		*pg = (struct heap_page){ .magic = HEAP_MAGIC_SMALL,
					  .size_class = c };
		pg->nr_slots = pg->nr_free = slot_count(c);
		heap->stats.pages_in_use++;
		partial_add(heap, pg);
	}

	unsigned int slot = 0;
	while (pg->live[slot / 64] & (1ULL << (slot % 64)))
		slot++;
	pg->live[slot / 64] |= 1ULL << (slot % 64);
	if (--pg->nr_free == 0)
		partial_remove(heap, pg);

	heap->stats.bytes_in_use += (size_t)1 << (c + HEAP_MIN_SHIFT);
	heap->stats.objects_in_use++;
	return (char *)pg + SLOTS_OFFSET + ((size_t)slot << (c + HEAP_MIN_SHIFT));
}

/* Find the header of a live object, or NULL. Sets *@slot for small ones. */
static struct heap_page *lookup(void *ptr, unsigned int *slot)
{
	uintptr_t addr = (uintptr_t)ptr;
	struct heap_page *pg = (struct heap_page *)(addr & PAGE_MASK);
	uintptr_t off = addr & ~PAGE_MASK;

	if (off == SLOTS_OFFSET && pg->magic == HEAP_MAGIC_LARGE)
		return pg;
	if (off < SLOTS_OFFSET || pg->magic != HEAP_MAGIC_SMALL)
		return NULL;
	unsigned int shift = pg->size_class + HEAP_MIN_SHIFT;
	off -= SLOTS_OFFSET;
	if (off & (((uintptr_t)1 << shift) - 1))
		return NULL;
	*slot = off >> shift;
	if (*slot >= pg->nr_slots ||
	    !(pg->live[*slot / 64] & (1ULL << (*slot % 64))))
		return NULL;
	return pg;
}

int heap_free(struct heap *heap, void *ptr)
{
	unsigned int slot = 0;

	if (!ptr)
		return 0;
	/* A pointer at the start of a page can never be ours, and looking at
	 * its "header" would read the object itself. */
	if (((uintptr_t)ptr & ~PAGE_MASK) == 0) {
		heap->stats.bad_frees++;
		return -EINVAL;
	}
	struct heap_page *pg = lookup(ptr, &slot);
	if (!pg) {
		heap->stats.bad_frees++;
		return -EINVAL;
	}

	if (pg->magic == HEAP_MAGIC_LARGE) {
		heap->stats.bytes_in_use -= pg->large_size;
		heap->stats.objects_in_use--;
		heap->stats.pages_in_use -= 1ULL << pg->order;
		pg->magic = 0;
		heap->source.free_pages(heap->source.ctx, pg, pg->order);
		return 0;
	}

	pg->live[slot / 64] &= ~(1ULL << (slot % 64));
	pg->nr_free++;
	heap->stats.bytes_in_use -= (size_t)1 << (pg->size_class + HEAP_MIN_SHIFT);
	heap->stats.objects_in_use--;
	if (pg->nr_free == pg->nr_slots) {
		/* Empty: give the page back. */
		if (pg->on_list)
			partial_remove(heap, pg);
		pg->magic = 0;
		heap->stats.pages_in_use--;
		heap->source.free_pages(heap->source.ctx, pg, 0);
	} else if (!pg->on_list) {
		partial_add(heap, pg);
	}
	return 0;
}

size_t heap_object_size(struct heap *heap, void *ptr)
{
	unsigned int slot = 0;
	(void)heap;

	if (!ptr || ((uintptr_t)ptr & ~PAGE_MASK) == 0)
		return 0;
	struct heap_page *pg = lookup(ptr, &slot);
	if (!pg)
		return 0;
	if (pg->magic == HEAP_MAGIC_LARGE)
		return (PAGE_SIZE << pg->order) - SLOTS_OFFSET;
	return (size_t)1 << (pg->size_class + HEAP_MIN_SHIFT);
}
