/*
 * The hypervisor heap (common/heap.c): size classes from 16 to 2048 bytes
 * carved out of single pages, and page-granular blocks for anything larger.
 *
 * Pure and lock-free like the frame allocator; xmalloc.c adds the lock and
 * plugs in the frame allocator as the page source. Every page the heap owns
 * starts with a header, so xfree() finds an object's size from its address
 * and catches frees of pointers it never handed out and double frees.
 */
#ifndef KEEL_HEAP_H
#define KEEL_HEAP_H

#include "types.h"

#define HEAP_MIN_SHIFT   4	/* 16-byte objects */
#define HEAP_MAX_SHIFT   11	/* 2048-byte objects */
#define HEAP_NR_CLASSES  (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)

/* A source of page-aligned blocks of 2^order pages. */
struct heap_page_source {
	void *(*alloc_pages)(void *ctx, unsigned int order);
	void (*free_pages)(void *ctx, void *pages, unsigned int order);
	void *ctx;
};

struct heap_page;

struct heap_stats {
	uint64_t bytes_in_use;		/* live objects: class size, or requested size past 2048 */
	uint64_t objects_in_use;
	uint64_t pages_in_use;		/* pages taken from the source */
	uint64_t failed_allocs;
	uint64_t bad_frees;		/* double or foreign frees refused */
};

struct heap {
	struct heap_page_source source;
	struct heap_page *partial[HEAP_NR_CLASSES];	/* pages with room */
	struct heap_stats stats;
};

void heap_init(struct heap *heap, const struct heap_page_source *source);
/* Returns 16-byte aligned memory, or NULL. (Objects past 2048 bytes start
 * 128 bytes into their pages, after the header.) */
void *heap_alloc(struct heap *heap, size_t size);
/* Returns 0, or -EINVAL for a pointer the heap does not own as a live
 * object (a double free, an interior pointer, a foreign pointer). NULL is
 * accepted and ignored. */
int heap_free(struct heap *heap, void *ptr);
/* Usable size of a live object, or 0. */
size_t heap_object_size(struct heap *heap, void *ptr);

#endif
