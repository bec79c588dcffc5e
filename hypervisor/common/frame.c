/*
 * Buddy allocator for machine frames.
 *
 * Free blocks of 2^order frames sit on per-order lists, linked through the
 * frame table by frame number. A block's buddy is the neighbouring block of
 * the same order at frame ^ (1 << order); when a block is freed and its
 * buddy is free and whole, the two merge, repeatedly.
 *
 * Every frame of a block carries the block's state, so freeing a frame that
 * is already free, or is the middle of a block, is caught rather than
 * corrupting the lists.
 */
#include <errno_values.h>
#include <frame.h>

static void set_block_state(struct frame_pool *pool, uint64_t first,
			    unsigned int order, enum frame_state state)
{
	for (uint64_t f = first; f < first + (1ULL << order); f++) {
		pool->frames[f].state = state;
		pool->frames[f].is_head = 0;
	}
	pool->frames[first].is_head = 1;
	pool->frames[first].order = order;
}

static void free_list_push(struct frame_pool *pool, uint64_t first,
			   unsigned int order)
{
	struct frame *fr = &pool->frames[first];
	uint32_t head = pool->free_head[order];

	fr->prev = FRAME_NONE;
	fr->next = head;
	if (head != FRAME_NONE)
		pool->frames[head].prev = (uint32_t)first;
	pool->free_head[order] = (uint32_t)first;
	pool->free_count[order]++;
}

static void free_list_remove(struct frame_pool *pool, uint64_t first,
			     unsigned int order)
{
	struct frame *fr = &pool->frames[first];

	if (fr->prev != FRAME_NONE)
		pool->frames[fr->prev].next = fr->next;
	else
		pool->free_head[order] = fr->next;
	if (fr->next != FRAME_NONE)
		pool->frames[fr->next].prev = fr->prev;
	fr->next = fr->prev = FRAME_NONE;
	pool->free_count[order]--;
}

void frame_pool_init(struct frame_pool *pool, struct frame *frames,
		     uint64_t nr_frames)
{
	pool->frames = frames;
	/* Links are 32-bit frame numbers: 16 TiB of RAM at most. */
	pool->nr_frames = nr_frames < FRAME_NONE ? nr_frames : FRAME_NONE - 1;
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
		pool->free_head[o] = FRAME_NONE;
		pool->free_count[o] = 0;
	}
	pool->managed_frames = 0;
	pool->free_frames = 0;
}

/* Put a block on the free lists, merging with free buddies. */
static void release_block(struct frame_pool *pool, uint64_t first,
			  unsigned int order)
{
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = first ^ (1ULL << order);

		if (buddy + (1ULL << order) > pool->nr_frames)
			break;
		struct frame *b = &pool->frames[buddy];
		if (b->state != FRAME_STATE_FREE || !b->is_head ||
		    b->order != order)
			break;
		free_list_remove(pool, buddy, order);
		b->is_head = 0;
		if (buddy < first) {
			pool->frames[first].is_head = 0;
			first = buddy;
		}
		order++;
	}
	set_block_state(pool, first, order, FRAME_STATE_FREE);
	free_list_push(pool, first, order);
}

int frame_pool_add_range(struct frame_pool *pool, uint64_t first,
			 uint64_t count)
{
	if (first > pool->nr_frames || count > pool->nr_frames - first)
		return -EINVAL;
	for (uint64_t f = first; f < first + count; f++)
		if (pool->frames[f].state != FRAME_STATE_UNMANAGED)
			return -EINVAL;

	/* Cut the range into the largest naturally aligned blocks. */
	uint64_t f = first, end = first + count;
	while (f < end) {
		unsigned int order = 0;

		while (order < FRAME_MAX_ORDER &&
		       (f & ((2ULL << order) - 1)) == 0 &&
		       f + (2ULL << order) <= end)
			order++;
		pool->managed_frames += 1ULL << order;
		pool->free_frames += 1ULL << order;
		release_block(pool, f, order);
		f += 1ULL << order;
	}
	return 0;
}

uint64_t frame_pool_alloc(struct frame_pool *pool, unsigned int order)
{
	unsigned int o = order;

	if (order > FRAME_MAX_ORDER)
		return FRAME_NONE;
	while (o <= FRAME_MAX_ORDER && pool->free_head[o] == FRAME_NONE)
		o++;
	if (o > FRAME_MAX_ORDER)
		return FRAME_NONE;

	uint64_t first = pool->free_head[o];
	free_list_remove(pool, first, o);
	/* Split: keep the low half, return the high halves to the lists. */
	while (o > order) {
		o--;
		uint64_t upper = first + (1ULL << o);
		set_block_state(pool, upper, o, FRAME_STATE_FREE);
		free_list_push(pool, upper, o);
	}
	set_block_state(pool, first, order, FRAME_STATE_ALLOCATED);
	pool->free_frames -= 1ULL << order;
	return first;
}

int frame_pool_free(struct frame_pool *pool, uint64_t first,
		    unsigned int order)
{
	if (order > FRAME_MAX_ORDER || first >= pool->nr_frames)
		return -EINVAL;
	struct frame *fr = &pool->frames[first];
	if (fr->state != FRAME_STATE_ALLOCATED || !fr->is_head ||
	    fr->order != order)
		return -EINVAL;

	pool->free_frames += 1ULL << order;
	release_block(pool, first, order);
	return 0;
}

/* The head of the free block that holds free frame @f. Free blocks are
 * naturally aligned and disjoint, so the first aligned frame below @f
 * that heads a free block at least that large is it. */
static uint64_t free_block_of(struct frame_pool *pool, uint64_t f)
{
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
		uint64_t h = f & ~((1ULL << o) - 1);
		struct frame *fr = &pool->frames[h];

		if (fr->is_head && fr->state == FRAME_STATE_FREE &&
		    fr->order >= o)
			return h;
	}
	return FRAME_NONE;	/* not reached for a free frame */
}

int frame_pool_claim_range(struct frame_pool *pool, uint64_t first,
			   uint64_t count)
{
	if (first > pool->nr_frames || count > pool->nr_frames - first)
		return -EINVAL;
	for (uint64_t f = first; f < first + count; f++)
		if (pool->frames[f].state != FRAME_STATE_FREE)
			return -EBUSY;

	uint64_t f = first, end = first + count;
	while (f < end) {
		uint64_t head = free_block_of(pool, f);
		unsigned int order = pool->frames[head].order;
		uint64_t block_end = head + (1ULL << order);

		/* Take the whole block as single frames, then give back
		 * those outside the range, which merge again as they go. */
		free_list_remove(pool, head, order);
		pool->free_frames -= 1ULL << order;
		for (uint64_t g = head; g < block_end; g++)
			set_block_state(pool, g, 0, FRAME_STATE_ALLOCATED);
		for (uint64_t g = head; g < block_end; g++)
			if (g < first || g >= end)
				frame_pool_free(pool, g, 0);
		f = block_end;
	}
	return 0;
}

uint64_t frame_pool_find_free_run(const struct frame_pool *pool,
				  uint64_t count, uint64_t align,
				  uint64_t no_cross, uint64_t no_cross_count)
{
	if (!count || !align || (align & (align - 1)) ||
	    count > pool->nr_frames || no_cross_count > count)
		return FRAME_NONE;
	/* From the top down: low frames are what DMA-limited devices and
	 * Keel's own allocations want. Each step moves the candidate below
	 * what ruled it out, so the search ends. */
	uint64_t start = ALIGN_DOWN(pool->nr_frames - count, align);
	for (;;) {
		if (no_cross && no_cross_count) {
			uint64_t m = ALIGN_DOWN(start + no_cross_count - 1,
						no_cross);
			if (m > start) {
				if (m < no_cross_count)
					return FRAME_NONE;
				start = ALIGN_DOWN(m - no_cross_count, align);
				continue;
			}
		}
		uint64_t bad = FRAME_NONE;
		for (uint64_t f = start + count; f-- > start;)
			if (pool->frames[f].state != FRAME_STATE_FREE) {
				bad = f;
				break;
			}
		if (bad == FRAME_NONE)
			return start;
		if (bad < count)
			return FRAME_NONE;
		start = ALIGN_DOWN(bad - count, align);
	}
}
