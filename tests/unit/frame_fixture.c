/* The host frame table of the page-type unit tests; see frame_fixture.h. */
#include <string.h>

#include "frame_fixture.h"
#include "unit.h"

struct frame frames[NR_FRAMES];
uint64_t pages[NR_FRAMES][512];
struct frame_table ft;
struct release_record released;

void fixture_release(struct frame_table *t, uint64_t mfn)
{
	ck_assert_ptr_eq(t, &ft);
	ck_assert_uint_lt(mfn, NR_FRAMES);
	/* Only frames that really are unreferenced go back. */
	ck_assert_uint_eq(frames[mfn].ref_count, 0);
	ck_assert_uint_eq(frames[mfn].type_count, 0);
	ck_assert_uint_eq(frames[mfn].owner, FRAME_OWNER_NONE);
	ck_assert_uint_eq(frames[mfn].state, FRAME_STATE_ALLOCATED);
	ck_assert_uint_lt(released.calls, ARRAY_SIZE(released.log));
	released.log[released.calls++] = mfn;
	released.by_mfn[mfn]++;
	/* As the allocator would: the frame is free again. */
	frames[mfn].state = FRAME_STATE_FREE;
}

void *fixture_map(struct frame_table *t, uint64_t mfn)
{
	ck_assert_ptr_eq(t, &ft);
	ck_assert_uint_lt(mfn, NR_FRAMES);
	return pages[mfn];
}

void frame_fixture_reset(const struct frame_table_ops *ops, void *ctx)
{
	memset(frames, 0, sizeof(frames));
	memset(pages, 0, sizeof(pages));
	memset(&released, 0, sizeof(released));
	/* Frames nobody owns look like the hypervisor's own: all zero, as
	 * frame.h says, but with owner NONE to be sure owner 0 is not
	 * mistaken for a domain. */
	for (unsigned int i = 0; i < NR_FRAMES; i++)
		frames[i].owner = FRAME_OWNER_NONE;
	ft = (struct frame_table){
		.frames = frames,
		.nr_frames = NR_FRAMES,
		.ops = ops,
		.ctx = ctx,
	};
}

void give_frame(uint64_t mfn, uint16_t owner, bool shared)
{
	ck_assert_uint_lt(mfn, NR_FRAMES);
	frames[mfn].state = FRAME_STATE_ALLOCATED;
	frame_assign(&ft, mfn, owner, shared);
}

void check_frame(uint64_t mfn, uint16_t owner, uint16_t flags, uint32_t ref,
		 enum frame_type type, uint32_t type_count)
{
	const struct frame *f = &frames[mfn];

	ck_assert_msg(f->owner == owner, "frame %lu: owner %u, want %u",
		      (unsigned long)mfn, f->owner, owner);
	ck_assert_msg(f->flags == flags, "frame %lu: flags %#x, want %#x",
		      (unsigned long)mfn, f->flags, flags);
	ck_assert_msg(f->ref_count == ref, "frame %lu: ref_count %u, want %u",
		      (unsigned long)mfn, f->ref_count, ref);
	ck_assert_msg(f->type == type, "frame %lu: type %u, want %u",
		      (unsigned long)mfn, f->type, type);
	ck_assert_msg(f->type_count == type_count,
		      "frame %lu: type_count %u, want %u", (unsigned long)mfn,
		      f->type_count, type_count);
}
