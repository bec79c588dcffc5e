/*
 * The machine frame allocator: a buddy allocator over a frame table that
 * holds one `struct frame` per machine frame (common/frame.c).
 *
 * The allocator itself is pure and takes no lock; mm.c wraps it with the
 * global lock and the boot-time setup. The frame table is the same array
 * that will carry page-type and ownership accounting for PV guests.
 */
#ifndef KEEL_FRAME_H
#define KEEL_FRAME_H

#include "types.h"

#define FRAME_MAX_ORDER  18		/* largest block: 2^18 frames = 1 GiB */
#define FRAME_NONE       UINT32_MAX	/* "no frame" in links and results */

enum frame_state {
	FRAME_STATE_UNMANAGED = 0,	/* not RAM, or reserved at boot */
	FRAME_STATE_FREE,		/* part of a free buddy block */
	FRAME_STATE_ALLOCATED,		/* part of an allocated block */
};

/*
 * One per machine frame. The first fields belong to the buddy allocator;
 * the rest is the ownership and type accounting of guest frames
 * (frame_type.h, docs/memory-model.md), all zero for frames the
 * hypervisor keeps for itself.
 */
struct frame {
	uint32_t next;		/* free-list links (frame numbers), heads only */
	uint32_t prev;
	uint8_t order;		/* block order, valid for block heads */
	uint8_t state;		/* enum frame_state */
	uint8_t is_head;	/* first frame of a free or allocated block */
	uint8_t type;		/* enum frame_type, while type_count > 0 */
	uint16_t owner;		/* domain id, or FRAME_OWNER_NONE */
	uint16_t flags;		/* FRAME_FLAG_* */
	uint32_t type_count;	/* references that need the type */
	uint32_t ref_count;	/* references of any kind */
};

struct frame_pool {
	struct frame *frames;	/* indexed by frame number */
	uint64_t nr_frames;	/* size of @frames */
	uint32_t free_head[FRAME_MAX_ORDER + 1];
	uint64_t free_count[FRAME_MAX_ORDER + 1];
	uint64_t managed_frames;	/* frames ever given to the pool */
	uint64_t free_frames;
};

/* @frames must hold @nr_frames zeroed entries. */
void frame_pool_init(struct frame_pool *pool, struct frame *frames,
		     uint64_t nr_frames);
/* Hand [@first, @first + @count) to the pool. Returns -EINVAL for a range
 * outside the table or one that overlaps frames the pool already manages. */
int frame_pool_add_range(struct frame_pool *pool, uint64_t first,
			 uint64_t count);
/* Allocate 2^@order contiguous, naturally aligned frames. Returns the first
 * frame number, or FRAME_NONE when no block is large enough. */
uint64_t frame_pool_alloc(struct frame_pool *pool, unsigned int order);
/* Free a block. Returns -EINVAL (and changes nothing) when @first is not
 * the head of an allocated block of exactly @order: a double free, a free
 * of a frame that was never allocated, or a wrong order. */
int frame_pool_free(struct frame_pool *pool, uint64_t first,
		    unsigned int order);

/* Allocate exactly the frames [@first, @first + @count), each as a
 * block of order 0 (so each is freed on its own): 0, -EBUSY if one of
 * them is not free (nothing is taken), or -EINVAL outside the table. */
int frame_pool_claim_range(struct frame_pool *pool, uint64_t first,
			   uint64_t count);
/* The highest first frame, a multiple of @align (a power of two), of a
 * run of @count free frames whose first @no_cross_count frames do not
 * cross a multiple of @no_cross (0: no such rule); FRAME_NONE if there
 * is none. */
uint64_t frame_pool_find_free_run(const struct frame_pool *pool,
				  uint64_t count, uint64_t align,
				  uint64_t no_cross, uint64_t no_cross_count);

static inline uint64_t frame_pool_used(const struct frame_pool *pool)
{
	return pool->managed_frames - pool->free_frames;
}

#endif
