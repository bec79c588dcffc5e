/*
 * A host frame table for the unit tests of the page-type modules
 * (test_frame_type.c, test_pt_validate.c): NR_FRAMES frames, their
 * contents in a host array of pages, and the release() and map() hooks
 * both suites use. Each suite brings its own validate()/devalidate()
 * (fakes, or the real x86-64 ones).
 */
#ifndef KEEL_UNIT_FRAME_FIXTURE_H
#define KEEL_UNIT_FRAME_FIXTURE_H

#include <frame_type.h>

#define NR_FRAMES 64
#define DOM_A     1
#define DOM_B     2

#define ALLOC FRAME_FLAG_ALLOCATED
#define PIN   FRAME_FLAG_PINNED
#define SHR   FRAME_FLAG_SHARED

extern struct frame frames[NR_FRAMES];
extern uint64_t pages[NR_FRAMES][512];
extern struct frame_table ft;

/* What fixture_release() saw since the last frame_fixture_reset(). */
struct release_record {
	unsigned int calls;
	unsigned int by_mfn[NR_FRAMES];
	uint64_t log[4 * NR_FRAMES];	/* the frames, in order */
};
extern struct release_record released;

/* The ops' release(): checks that the frame really is unreferenced and
 * unowned, records it, and frees it as the allocator would. */
void fixture_release(struct frame_table *t, uint64_t mfn);
/* The ops' map(): the frame's page in pages[]. */
void *fixture_map(struct frame_table *t, uint64_t mfn);

/* Zero every frame and page and the release record; no frame has an
 * owner (owner 0 is a domain). ft then uses @ops and @ctx. */
void frame_fixture_reset(const struct frame_table_ops *ops, void *ctx);

/* Allocate @mfn and give it to @owner, shared or not. */
void give_frame(uint64_t mfn, uint16_t owner, bool shared);

/* Assert every counted field of frame @mfn. */
void check_frame(uint64_t mfn, uint16_t owner, uint16_t flags, uint32_t ref,
		 enum frame_type type, uint32_t type_count);

#endif
