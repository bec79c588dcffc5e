/*
 * Unit tests for the page-type and reference state machine
 * (hypervisor/common/frame_type.c).
 *
 * The frame table is a host array of NR_FRAMES frames; frames the tests
 * "allocate" are in FRAME_STATE_ALLOCATED. validate() and devalidate()
 * are counting fakes (the real x86-64 ones are tested in
 * test_pt_validate.c), release() records which frames were given back
 * and when, and map() points into a host array of pages.
 */
#include <string.h>

#include <errno_values.h>
#include <frame_type.h>

#include "frame_fixture.h"
#include "unit.h"

/* What the fakes saw. */
static struct {
	unsigned int validate_calls;
	unsigned int validate_by_mfn[NR_FRAMES];
	uint64_t validate_mfn;
	enum frame_type validate_type;
	/* The frame's type and count as validate() found them. */
	uint8_t seen_type;
	uint32_t seen_type_count;
	int validate_rc;		/* what validate() returns */

	unsigned int devalidate_calls;
	unsigned int devalidate_by_mfn[NR_FRAMES];
	uint64_t devalidate_mfn;
	enum frame_type devalidate_type;
	uint8_t deval_seen_type;
	uint32_t deval_seen_type_count;
} fk;

static int fake_validate(struct frame_table *t, uint64_t mfn,
			 enum frame_type type)
{
	ck_assert_ptr_eq(t, &ft);
	ck_assert_uint_lt(mfn, NR_FRAMES);
	fk.validate_calls++;
	fk.validate_by_mfn[mfn]++;
	fk.validate_mfn = mfn;
	fk.validate_type = type;
	fk.seen_type = frames[mfn].type;
	fk.seen_type_count = frames[mfn].type_count;
	return fk.validate_rc;
}

static void fake_devalidate(struct frame_table *t, uint64_t mfn,
			    enum frame_type type)
{
	ck_assert_ptr_eq(t, &ft);
	ck_assert_uint_lt(mfn, NR_FRAMES);
	fk.devalidate_calls++;
	fk.devalidate_by_mfn[mfn]++;
	fk.devalidate_mfn = mfn;
	fk.devalidate_type = type;
	fk.deval_seen_type = frames[mfn].type;
	fk.deval_seen_type_count = frames[mfn].type_count;
}

static const struct frame_table_ops fake_ops = {
	.validate = fake_validate,
	.devalidate = fake_devalidate,
	.release = fixture_release,
	.map = fixture_map,
};

static void setup(void)
{
	frame_fixture_reset(&fake_ops, &fk);
	memset(&fk, 0, sizeof(fk));
}

/* ---- assign ---------------------------------------------------------- */

START_TEST(assign_gives_allocation_reference)
{
	give_frame(3, DOM_A, false);
	check_frame(3, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(frames[3].state, FRAME_STATE_ALLOCATED);
	/* Domain 0 is a domain like any other. */
	give_frame(4, 0, false);
	check_frame(4, 0, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_int_eq(frame_get_ref(&ft, 4, 0), 0);
	ck_assert_uint_eq(frames[4].ref_count, 2);
	/* Neighbours untouched. */
	check_frame(2, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
	check_frame(5, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(fk.validate_calls, 0);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

START_TEST(assign_shared_is_writable)
{
	give_frame(7, DOM_A, true);
	check_frame(7, DOM_A, ALLOC | SHR, 1, FRAME_TYPE_WRITABLE, 1);
	/* A shared page can be mapped writable, never made a table. */
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 7, DOM_A,
						FRAME_TYPE_WRITABLE), 0);
	check_frame(7, DOM_A, ALLOC | SHR, 2, FRAME_TYPE_WRITABLE, 2);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 7, DOM_A,
						FRAME_TYPE_L1), -EBUSY);
	ck_assert_int_eq(frame_pin(&ft, 7, DOM_A, FRAME_TYPE_L1), -EBUSY);
	check_frame(7, DOM_A, ALLOC | SHR, 2, FRAME_TYPE_WRITABLE, 2);
	frame_put_ref_and_type(&ft, 7);
	check_frame(7, DOM_A, ALLOC | SHR, 1, FRAME_TYPE_WRITABLE, 1);
	ck_assert_uint_eq(fk.validate_calls, 0);
}
END_TEST

/* ---- general references ---------------------------------------------- */

START_TEST(get_ref_wrong_owner)
{
	give_frame(5, DOM_A, false);
	ck_assert_int_eq(frame_get_ref(&ft, 5, DOM_B), -EPERM);
	ck_assert_int_eq(frame_get_ref(&ft, 5, 0), -EPERM);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 5, DOM_B,
						FRAME_TYPE_WRITABLE), -EPERM);
	check_frame(5, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
}
END_TEST

START_TEST(get_ref_not_a_guest_frame)
{
	/* Allocated but never assigned (all zero except owner NONE). */
	frames[5].state = FRAME_STATE_ALLOCATED;
	ck_assert_int_eq(frame_get_ref(&ft, 5, DOM_A), -EINVAL);
	ck_assert_int_eq(frame_get_ref(&ft, 5, FRAME_OWNER_NONE), -EINVAL);
	/* A hypervisor frame: all zero, so "owner 0" but no reference. */
	frames[6].state = FRAME_STATE_ALLOCATED;
	frames[6].owner = 0;
	ck_assert_int_eq(frame_get_ref(&ft, 6, 0), -EINVAL);
	/* Owner fields set, but the frame is free in the allocator. */
	frames[8].owner = DOM_A;
	frames[8].flags = ALLOC;
	frames[8].ref_count = 1;
	frames[8].state = FRAME_STATE_FREE;
	ck_assert_int_eq(frame_get_ref(&ft, 8, DOM_A), -EINVAL);
	frames[8].state = FRAME_STATE_UNMANAGED;
	ck_assert_int_eq(frame_get_ref(&ft, 8, DOM_A), -EINVAL);
	/* Referenced, but nobody's: not a guest frame either, even for a
	 * caller that passes FRAME_OWNER_NONE. */
	frames[9].state = FRAME_STATE_ALLOCATED;
	frames[9].ref_count = 1;
	ck_assert_int_eq(frame_get_ref(&ft, 9, FRAME_OWNER_NONE), -EINVAL);
	ck_assert_int_eq(frame_pin(&ft, 9, FRAME_OWNER_NONE, FRAME_TYPE_L1),
			 -EINVAL);
	ck_assert_uint_eq(frames[9].ref_count, 1);
	/* Out of range. */
	ck_assert_int_eq(frame_get_ref(&ft, NR_FRAMES, DOM_A), -EINVAL);
	ck_assert_int_eq(frame_get_ref(&ft, NR_FRAMES + 1000, DOM_A), -EINVAL);
	ck_assert_int_eq(frame_get_ref(&ft, UINT64_MAX, DOM_A), -EINVAL);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, NR_FRAMES, DOM_A,
						FRAME_TYPE_L1), -EINVAL);
	ck_assert_uint_eq(frames[5].ref_count, 0);
	ck_assert_uint_eq(frames[6].ref_count, 0);
	ck_assert_uint_eq(frames[8].ref_count, 1);
	ck_assert_uint_eq(fk.validate_calls, 0);
}
END_TEST

START_TEST(refs_count_and_last_put_releases)
{
	give_frame(9, DOM_A, false);
	give_frame(10, DOM_A, false);
	for (unsigned int i = 0; i < 5; i++)
		ck_assert_int_eq(frame_get_ref(&ft, 9, DOM_A), 0);
	check_frame(9, DOM_A, ALLOC, 6, FRAME_TYPE_NONE, 0);
	for (unsigned int i = 0; i < 5; i++) {
		frame_put_ref(&ft, 9);
		ck_assert_uint_eq(released.calls, 0);
	}
	check_frame(9, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	/* Dropping the allocation reference by hand releases, once. */
	frame_put_ref(&ft, 9);
	ck_assert_uint_eq(released.calls, 1);
	ck_assert_uint_eq(released.log[0], 9);
	check_frame(9, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
	/* Gone for good: no more references can be taken. */
	ck_assert_int_eq(frame_get_ref(&ft, 9, DOM_A), -EINVAL);
	check_frame(10, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	/* Whatever type was left (a type reference held without a general
	 * one, which callers never do) is cleared with the last one. */
	ck_assert_int_eq(frame_get_type(&ft, 10, FRAME_TYPE_WRITABLE), 0);
	frame_put_ref(&ft, 10);
	ck_assert_uint_eq(released.calls, 2);
	ck_assert_uint_eq(released.log[1], 10);
	check_frame(10, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
}
END_TEST

/* ---- type references ------------------------------------------------- */

START_TEST(type_conflict_is_busy)
{
	give_frame(11, DOM_A, false);
	ck_assert_int_eq(frame_get_type(&ft, 11, FRAME_TYPE_WRITABLE), 0);
	ck_assert_int_eq(frame_get_type(&ft, 11, FRAME_TYPE_L1), -EBUSY);
	ck_assert_int_eq(frame_get_type(&ft, 11, FRAME_TYPE_L4), -EBUSY);
	ck_assert_int_eq(frame_get_type(&ft, 11, FRAME_TYPE_DESC), -EBUSY);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 11, DOM_A,
						FRAME_TYPE_L2), -EBUSY);
	/* The reference taken before the type failed was given back. */
	check_frame(11, DOM_A, ALLOC, 1, FRAME_TYPE_WRITABLE, 1);
	ck_assert_uint_eq(fk.validate_calls, 0);

	/* And the other way round: a table cannot be made writable. */
	give_frame(12, DOM_A, false);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 12, DOM_A,
						FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 12, DOM_A,
						FRAME_TYPE_WRITABLE), -EBUSY);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 12, DOM_A,
						FRAME_TYPE_L2), -EBUSY);
	check_frame(12, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	ck_assert_uint_eq(fk.validate_calls, 1);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

START_TEST(same_type_counts_up_and_down)
{
	give_frame(13, DOM_A, false);
	for (uint32_t i = 1; i <= 4; i++) {
		ck_assert_int_eq(frame_get_type(&ft, 13, FRAME_TYPE_WRITABLE), 0);
		check_frame(13, DOM_A, ALLOC, 1, FRAME_TYPE_WRITABLE, i);
	}
	for (uint32_t i = 4; i-- > 1;) {
		frame_put_type(&ft, 13);
		check_frame(13, DOM_A, ALLOC, 1, FRAME_TYPE_WRITABLE, i);
	}
	frame_put_type(&ft, 13);
	check_frame(13, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	/* At zero the type may change. */
	ck_assert_int_eq(frame_get_type(&ft, 13, FRAME_TYPE_DESC), 0);
	check_frame(13, DOM_A, ALLOC, 1, FRAME_TYPE_DESC, 1);
	frame_put_type(&ft, 13);
	ck_assert_int_eq(frame_get_type(&ft, 13, FRAME_TYPE_L3), 0);
	check_frame(13, DOM_A, ALLOC, 1, FRAME_TYPE_L3, 1);
	/* Writable and descriptor types are not tables: never validated. */
	ck_assert_uint_eq(fk.validate_calls, 1);
	ck_assert_uint_eq(fk.validate_type, FRAME_TYPE_L3);
	ck_assert_uint_eq(fk.devalidate_calls, 0);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

START_TEST(first_table_ref_validates_once)
{
	static const enum frame_type types[] = {
		FRAME_TYPE_L1, FRAME_TYPE_L2, FRAME_TYPE_L3, FRAME_TYPE_L4,
	};

	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		uint64_t mfn = 20 + t;

		give_frame(mfn, DOM_A, false);
		ck_assert_int_eq(frame_get_ref_and_type(&ft, mfn, DOM_A,
							types[t]), 0);
		ck_assert_uint_eq(fk.validate_calls, t + 1);
		ck_assert_uint_eq(fk.validate_mfn, mfn);
		ck_assert_uint_eq(fk.validate_type, types[t]);
		/* The type is claimed before the entries are looked at. */
		ck_assert_uint_eq(fk.seen_type, types[t]);
		ck_assert_uint_eq(fk.seen_type_count, 1);
		for (unsigned int i = 0; i < 3; i++)
			ck_assert_int_eq(frame_get_ref_and_type(&ft, mfn, DOM_A,
								types[t]), 0);
		ck_assert_uint_eq(fk.validate_calls, t + 1);
		ck_assert_uint_eq(fk.validate_by_mfn[mfn], 1);
		check_frame(mfn, DOM_A, ALLOC, 5, types[t], 4);

		/* Only the last put devalidates, once, with the type. */
		for (unsigned int i = 0; i < 3; i++)
			frame_put_ref_and_type(&ft, mfn);
		ck_assert_uint_eq(fk.devalidate_calls, t);
		frame_put_ref_and_type(&ft, mfn);
		ck_assert_uint_eq(fk.devalidate_calls, t + 1);
		ck_assert_uint_eq(fk.devalidate_by_mfn[mfn], 1);
		ck_assert_uint_eq(fk.devalidate_mfn, mfn);
		ck_assert_uint_eq(fk.devalidate_type, types[t]);
		/* The type is held while the entries go. */
		ck_assert_uint_eq(fk.deval_seen_type, types[t]);
		ck_assert_uint_eq(fk.deval_seen_type_count, 1);
		check_frame(mfn, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	}
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

START_TEST(validate_failure_leaves_nothing)
{
	give_frame(14, DOM_A, false);
	fk.validate_rc = -EINVAL;
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 14, DOM_A,
						FRAME_TYPE_L2), -EINVAL);
	check_frame(14, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(fk.validate_calls, 1);
	ck_assert_uint_eq(fk.devalidate_calls, 0);

	fk.validate_rc = -EPERM;
	ck_assert_int_eq(frame_get_type(&ft, 14, FRAME_TYPE_L1), -EPERM);
	check_frame(14, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	fk.validate_rc = -EBUSY;
	ck_assert_int_eq(frame_pin(&ft, 14, DOM_A, FRAME_TYPE_L4), -EBUSY);
	check_frame(14, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(fk.validate_calls, 3);
	ck_assert_uint_eq(fk.devalidate_calls, 0);

	/* Nothing stuck: the next attempt validates again and may pass,
	 * with any type. */
	fk.validate_rc = 0;
	ck_assert_int_eq(frame_get_type(&ft, 14, FRAME_TYPE_WRITABLE), 0);
	frame_put_type(&ft, 14);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 14, DOM_A,
						FRAME_TYPE_L2), 0);
	ck_assert_uint_eq(fk.validate_calls, 4);
	check_frame(14, DOM_A, ALLOC, 2, FRAME_TYPE_L2, 1);
	/* The frame relinquishes once all is dropped: no ref leaked. */
	frame_put_ref_and_type(&ft, 14);
	ck_assert_int_eq(frame_relinquish(&ft, 14, DOM_A), 0);
	ck_assert_uint_eq(released.calls, 1);
}
END_TEST

/* A frame whose last reference goes via put_ref_and_type is released. */
START_TEST(put_ref_and_type_last_reference)
{
	give_frame(15, DOM_A, false);
	ck_assert_int_eq(frame_get_type(&ft, 15, FRAME_TYPE_L1), 0);
	/* Drop type and then the allocation reference together. */
	frame_put_ref_and_type(&ft, 15);
	ck_assert_uint_eq(fk.devalidate_calls, 1);
	ck_assert_uint_eq(released.calls, 1);
	ck_assert_uint_eq(released.log[0], 15);
	check_frame(15, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
}
END_TEST

/* A data reference: to read, the reference alone; to write, the
 * writable type too, which a page table cannot take. */
START_TEST(data_ref_read_and_write)
{
	give_frame(16, DOM_A, false);
	ck_assert_int_eq(frame_get_data_ref(&ft, 16, DOM_A, false), 0);
	check_frame(16, DOM_A, ALLOC, 2, FRAME_TYPE_NONE, 0);
	ck_assert_int_eq(frame_get_data_ref(&ft, 16, DOM_A, true), 0);
	check_frame(16, DOM_A, ALLOC, 3, FRAME_TYPE_WRITABLE, 1);
	ck_assert_int_eq(frame_get_data_ref(&ft, 16, DOM_B, false), -EPERM);
	frame_put_data_ref(&ft, 16, true);
	check_frame(16, DOM_A, ALLOC, 2, FRAME_TYPE_NONE, 0);
	frame_put_data_ref(&ft, 16, false);
	check_frame(16, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);

	/* A page table: read, yes; write, -EBUSY with nothing taken. */
	ck_assert_int_eq(frame_get_type(&ft, 16, FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_get_data_ref(&ft, 16, DOM_A, true), -EBUSY);
	check_frame(16, DOM_A, ALLOC, 1, FRAME_TYPE_L1, 1);
	ck_assert_int_eq(frame_get_data_ref(&ft, 16, DOM_A, false), 0);
	check_frame(16, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	ck_assert_int_eq(frame_get_data_ref(&ft, 40, DOM_A, false), -EINVAL);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

/* ---- pin / unpin ----------------------------------------------------- */

START_TEST(pin_sets_pinned)
{
	give_frame(16, DOM_A, false);
	ck_assert_int_eq(frame_pin(&ft, 16, DOM_A, FRAME_TYPE_L4), 0);
	check_frame(16, DOM_A, ALLOC | PIN, 2, FRAME_TYPE_L4, 1);
	ck_assert_uint_eq(fk.validate_calls, 1);
	ck_assert_uint_eq(fk.validate_type, FRAME_TYPE_L4);

	/* Twice: refused, nothing taken. */
	ck_assert_int_eq(frame_pin(&ft, 16, DOM_A, FRAME_TYPE_L4), -EINVAL);
	ck_assert_int_eq(frame_pin(&ft, 16, DOM_A, FRAME_TYPE_L3), -EINVAL);
	check_frame(16, DOM_A, ALLOC | PIN, 2, FRAME_TYPE_L4, 1);
	ck_assert_uint_eq(fk.validate_calls, 1);
}
END_TEST

START_TEST(pin_refusals)
{
	give_frame(17, DOM_A, false);
	/* Not a table type. */
	ck_assert_int_eq(frame_pin(&ft, 17, DOM_A, FRAME_TYPE_WRITABLE),
			 -EINVAL);
	ck_assert_int_eq(frame_pin(&ft, 17, DOM_A, FRAME_TYPE_DESC), -EINVAL);
	ck_assert_int_eq(frame_pin(&ft, 17, DOM_A, FRAME_TYPE_NONE), -EINVAL);
	ck_assert_int_eq(frame_pin(&ft, 17, DOM_A,
				   (enum frame_type)(FRAME_TYPE_DESC + 1)),
			 -EINVAL);
	/* Another domain's. */
	ck_assert_int_eq(frame_pin(&ft, 17, DOM_B, FRAME_TYPE_L1), -EPERM);
	check_frame(17, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	/* Not a guest frame. */
	frames[18].state = FRAME_STATE_ALLOCATED;
	ck_assert_int_eq(frame_pin(&ft, 18, DOM_A, FRAME_TYPE_L1), -EINVAL);
	ck_assert_int_eq(frame_pin(&ft, NR_FRAMES, DOM_A, FRAME_TYPE_L1),
			 -EINVAL);
	ck_assert_uint_eq(frames[18].ref_count, 0);
	/* Already typed otherwise. */
	ck_assert_int_eq(frame_get_type(&ft, 17, FRAME_TYPE_WRITABLE), 0);
	ck_assert_int_eq(frame_pin(&ft, 17, DOM_A, FRAME_TYPE_L1), -EBUSY);
	check_frame(17, DOM_A, ALLOC, 1, FRAME_TYPE_WRITABLE, 1);
	ck_assert_uint_eq(fk.validate_calls, 0);
}
END_TEST

START_TEST(unpin_refusals)
{
	give_frame(19, DOM_A, false);
	ck_assert_int_eq(frame_unpin(&ft, 19, DOM_A), -EINVAL);
	/* Typed but not pinned. */
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 19, DOM_A,
						FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_unpin(&ft, 19, DOM_A), -EINVAL);
	check_frame(19, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	frame_put_ref_and_type(&ft, 19);

	ck_assert_int_eq(frame_pin(&ft, 19, DOM_A, FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_unpin(&ft, 19, DOM_B), -EPERM);
	ck_assert_int_eq(frame_unpin(&ft, NR_FRAMES, DOM_A), -EINVAL);
	/* Still in use by a higher-level table (another type reference). */
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 19, DOM_A,
						FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_unpin(&ft, 19, DOM_A), -EBUSY);
	check_frame(19, DOM_A, ALLOC | PIN, 3, FRAME_TYPE_L1, 2);
	ck_assert_uint_eq(fk.devalidate_calls, 1);	/* the first round */
	frame_put_ref_and_type(&ft, 19);
	ck_assert_int_eq(frame_unpin(&ft, 19, DOM_A), 0);
	check_frame(19, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_int_eq(frame_unpin(&ft, 19, DOM_A), -EINVAL);
}
END_TEST

START_TEST(unpin_drops_pin_reference)
{
	give_frame(20, DOM_A, false);
	ck_assert_int_eq(frame_pin(&ft, 20, DOM_A, FRAME_TYPE_L2), 0);
	ck_assert_int_eq(frame_unpin(&ft, 20, DOM_A), 0);
	check_frame(20, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(fk.devalidate_calls, 1);
	ck_assert_uint_eq(fk.devalidate_type, FRAME_TYPE_L2);
	ck_assert_uint_eq(released.calls, 0);
	/* May be pinned again, as anything. */
	ck_assert_int_eq(frame_pin(&ft, 20, DOM_A, FRAME_TYPE_L3), 0);
	ck_assert_uint_eq(fk.validate_calls, 2);
	ck_assert_int_eq(frame_unpin(&ft, 20, DOM_A), 0);
	/* With the pin gone the frame can be given back, and is released. */
	ck_assert_int_eq(frame_relinquish(&ft, 20, DOM_A), 0);
	ck_assert_uint_eq(released.calls, 1);
	ck_assert_uint_eq(released.log[0], 20);
}
END_TEST

/* ---- relinquish ------------------------------------------------------ */

START_TEST(relinquish_releases)
{
	give_frame(21, DOM_A, false);
	give_frame(22, DOM_A, false);
	ck_assert_int_eq(frame_relinquish(&ft, 21, DOM_A), 0);
	ck_assert_uint_eq(released.calls, 1);
	ck_assert_uint_eq(released.log[0], 21);
	ck_assert_uint_eq(released.by_mfn[21], 1);
	check_frame(21, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(frames[21].state, FRAME_STATE_FREE);
	/* Twice: the frame is no longer the guest's. */
	ck_assert_int_eq(frame_relinquish(&ft, 21, DOM_A), -EINVAL);
	ck_assert_uint_eq(released.calls, 1);
	check_frame(22, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
}
END_TEST

START_TEST(relinquish_busy)
{
	give_frame(23, DOM_A, false);
	/* Mapped (a reference from a page-table entry). */
	ck_assert_int_eq(frame_get_ref(&ft, 23, DOM_A), 0);
	ck_assert_int_eq(frame_relinquish(&ft, 23, DOM_A), -EBUSY);
	check_frame(23, DOM_A, ALLOC, 2, FRAME_TYPE_NONE, 0);
	/* Mapped writable. */
	ck_assert_int_eq(frame_get_type(&ft, 23, FRAME_TYPE_WRITABLE), 0);
	ck_assert_int_eq(frame_relinquish(&ft, 23, DOM_A), -EBUSY);
	frame_put_ref(&ft, 23);
	/* Typed only (no extra reference). */
	ck_assert_int_eq(frame_relinquish(&ft, 23, DOM_A), -EBUSY);
	check_frame(23, DOM_A, ALLOC, 1, FRAME_TYPE_WRITABLE, 1);
	frame_put_type(&ft, 23);
	/* Pinned. */
	ck_assert_int_eq(frame_pin(&ft, 23, DOM_A, FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_relinquish(&ft, 23, DOM_A), -EBUSY);
	check_frame(23, DOM_A, ALLOC | PIN, 2, FRAME_TYPE_L1, 1);
	ck_assert_uint_eq(released.calls, 0);
	ck_assert_int_eq(frame_unpin(&ft, 23, DOM_A), 0);
	ck_assert_int_eq(frame_relinquish(&ft, 23, DOM_A), 0);
	ck_assert_uint_eq(released.calls, 1);
}
END_TEST

START_TEST(relinquish_refusals)
{
	give_frame(24, DOM_A, true);
	ck_assert_int_eq(frame_relinquish(&ft, 24, DOM_A), -EINVAL);
	check_frame(24, DOM_A, ALLOC | SHR, 1, FRAME_TYPE_WRITABLE, 1);
	give_frame(25, DOM_A, false);
	ck_assert_int_eq(frame_relinquish(&ft, 25, DOM_B), -EPERM);
	check_frame(25, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	frames[26].state = FRAME_STATE_ALLOCATED;
	ck_assert_int_eq(frame_relinquish(&ft, 26, DOM_A), -EINVAL);
	ck_assert_int_eq(frame_relinquish(&ft, NR_FRAMES, DOM_A), -EINVAL);
	/* Referenced, but its allocation reference is already gone (a
	 * dying domain's granted frame). */
	frames[27].state = FRAME_STATE_ALLOCATED;
	frames[27].owner = DOM_A;
	frames[27].ref_count = 1;
	ck_assert_int_eq(frame_relinquish(&ft, 27, DOM_A), -EINVAL);
	ck_assert_uint_eq(frames[27].ref_count, 1);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

/* ---- domain destruction ---------------------------------------------- */

START_TEST(release_domain_frees_everything)
{
	struct frame before_b[NR_FRAMES];

	/* Domain A: plain frames, a pinned table, a shared page, a frame
	 * typed writable. Domain B owns frames in between. */
	give_frame(1, DOM_A, false);
	give_frame(2, DOM_A, false);
	ck_assert_int_eq(frame_pin(&ft, 2, DOM_A, FRAME_TYPE_L4), 0);
	give_frame(3, DOM_A, true);
	give_frame(4, DOM_A, false);
	give_frame(5, DOM_B, false);
	give_frame(6, DOM_B, true);
	ck_assert_int_eq(frame_pin(&ft, 5, DOM_B, FRAME_TYPE_L2), 0);
	give_frame(7, DOM_A, false);
	ck_assert_int_eq(frame_pin(&ft, 7, DOM_A, FRAME_TYPE_L1), 0);
	give_frame(8, DOM_B, false);
	ck_assert_int_eq(frame_get_ref(&ft, 8, DOM_B), 0);
	give_frame(NR_FRAMES - 1, DOM_A, false);
	memcpy(before_b, frames, sizeof(frames));
	ck_assert_uint_eq(fk.devalidate_calls, 0);

	ck_assert_uint_eq(frame_release_domain(&ft, DOM_A), 0);

	static const uint64_t a_frames[] = { 1, 2, 3, 4, 7, NR_FRAMES - 1 };
	for (unsigned int i = 0; i < ARRAY_SIZE(a_frames); i++) {
		uint64_t m = a_frames[i];

		ck_assert_msg(released.by_mfn[m] == 1,
			      "frame %lu released %u times",
			      (unsigned long)m, released.by_mfn[m]);
		check_frame(m, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
	}
	ck_assert_uint_eq(released.calls, ARRAY_SIZE(a_frames));
	/* The pinned tables were devalidated, once each. */
	ck_assert_uint_eq(fk.devalidate_calls, 2);
	ck_assert_uint_eq(fk.devalidate_by_mfn[2], 1);
	ck_assert_uint_eq(fk.devalidate_by_mfn[7], 1);
	/* Domain B's frames are exactly as they were. */
	for (uint64_t m = 5; m <= 8; m++) {
		if (m == 7)
			continue;
		ck_assert_msg(!memcmp(&frames[m], &before_b[m], sizeof(frames[m])),
			      "frame %lu of the other domain changed",
			      (unsigned long)m);
	}
	/* Nothing left to do a second time. */
	ck_assert_uint_eq(frame_release_domain(&ft, DOM_A), 0);
	ck_assert_uint_eq(released.calls, ARRAY_SIZE(a_frames));
}
END_TEST

START_TEST(release_domain_frames_still_referenced)
{
	give_frame(30, DOM_A, false);
	give_frame(31, DOM_A, false);
	give_frame(32, DOM_A, true);
	give_frame(33, DOM_A, false);
	give_frame(34, DOM_A, false);
	ck_assert_int_eq(frame_pin(&ft, 34, DOM_A, FRAME_TYPE_L1), 0);
	/* Another domain maps 31 (read-only), 32 (writable) and 34
	 * (read-only) through grants: those references are taken on the
	 * owner's behalf. */
	ck_assert_int_eq(frame_get_ref(&ft, 31, DOM_A), 0);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 32, DOM_A,
						FRAME_TYPE_WRITABLE), 0);
	ck_assert_int_eq(frame_get_ref(&ft, 34, DOM_A), 0);
	ck_assert_uint_eq(frame_release_domain(&ft, DOM_A), 3);
	ck_assert_uint_eq(released.calls, 2);
	ck_assert_uint_eq(released.by_mfn[30], 1);
	ck_assert_uint_eq(released.by_mfn[33], 1);
	/* Alive, still the dying domain's, with no allocation reference;
	 * the table was unpinned and devalidated all the same. */
	check_frame(31, DOM_A, 0, 1, FRAME_TYPE_NONE, 0);
	check_frame(32, DOM_A, 0, 1, FRAME_TYPE_WRITABLE, 1);
	check_frame(34, DOM_A, 0, 1, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(fk.devalidate_by_mfn[34], 1);
	/* A second pass drops nothing more. */
	ck_assert_uint_eq(frame_release_domain(&ft, DOM_A), 3);
	ck_assert_uint_eq(released.calls, 2);
	ck_assert_uint_eq(fk.devalidate_calls, 1);
	check_frame(31, DOM_A, 0, 1, FRAME_TYPE_NONE, 0);
	check_frame(32, DOM_A, 0, 1, FRAME_TYPE_WRITABLE, 1);
	check_frame(34, DOM_A, 0, 1, FRAME_TYPE_NONE, 0);
	/* The grant mappings go; the frames are released then. */
	frame_put_ref(&ft, 31);
	ck_assert_uint_eq(released.by_mfn[31], 1);
	frame_put_ref_and_type(&ft, 32);
	ck_assert_uint_eq(released.by_mfn[32], 1);
	frame_put_ref(&ft, 34);
	ck_assert_uint_eq(released.by_mfn[34], 1);
	ck_assert_uint_eq(released.calls, 5);
	ck_assert_uint_eq(frame_release_domain(&ft, DOM_A), 0);
}
END_TEST

/* ---- count limits ---------------------------------------------------- */

START_TEST(ref_count_limit)
{
	give_frame(40, DOM_A, false);
	frames[40].ref_count = FRAME_COUNT_MAX - 1;
	ck_assert_int_eq(frame_get_ref(&ft, 40, DOM_A), 0);
	ck_assert_uint_eq(frames[40].ref_count, FRAME_COUNT_MAX);
	ck_assert_int_eq(frame_get_ref(&ft, 40, DOM_A), -EBUSY);
	ck_assert_uint_eq(frames[40].ref_count, FRAME_COUNT_MAX);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 40, DOM_A,
						FRAME_TYPE_L1), -EBUSY);
	ck_assert_int_eq(frame_pin(&ft, 40, DOM_A, FRAME_TYPE_L1), -EBUSY);
	check_frame(40, DOM_A, ALLOC, FRAME_COUNT_MAX, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(fk.validate_calls, 0);
	/* Far beyond (should never happen): still refused, no wrap. */
	frames[40].ref_count = UINT32_MAX;
	ck_assert_int_eq(frame_get_ref(&ft, 40, DOM_A), -EBUSY);
	ck_assert_uint_eq(frames[40].ref_count, UINT32_MAX);
}
END_TEST

START_TEST(type_count_limit)
{
	give_frame(41, DOM_A, false);
	ck_assert_int_eq(frame_get_type(&ft, 41, FRAME_TYPE_WRITABLE), 0);
	frames[41].type_count = FRAME_COUNT_MAX - 1;
	ck_assert_int_eq(frame_get_type(&ft, 41, FRAME_TYPE_WRITABLE), 0);
	ck_assert_uint_eq(frames[41].type_count, FRAME_COUNT_MAX);
	ck_assert_int_eq(frame_get_type(&ft, 41, FRAME_TYPE_WRITABLE), -EBUSY);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 41, DOM_A,
						FRAME_TYPE_WRITABLE), -EBUSY);
	/* The reference taken first was dropped again. */
	check_frame(41, DOM_A, ALLOC, 1, FRAME_TYPE_WRITABLE, FRAME_COUNT_MAX);

	give_frame(42, DOM_A, false);
	ck_assert_int_eq(frame_get_type(&ft, 42, FRAME_TYPE_L2), 0);
	frames[42].type_count = FRAME_COUNT_MAX;
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 42, DOM_A,
						FRAME_TYPE_L2), -EBUSY);
	ck_assert_int_eq(frame_pin(&ft, 42, DOM_A, FRAME_TYPE_L2), -EBUSY);
	check_frame(42, DOM_A, ALLOC, 1, FRAME_TYPE_L2, FRAME_COUNT_MAX);
	ck_assert_uint_eq(fk.validate_calls, 1);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

Suite *frame_type_suite(void);

Suite *frame_type_suite(void)
{
	Suite *s = suite_create("frame_type");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, assign_gives_allocation_reference);
	tcase_add_test(tc, assign_shared_is_writable);
	tcase_add_test(tc, get_ref_wrong_owner);
	tcase_add_test(tc, get_ref_not_a_guest_frame);
	tcase_add_test(tc, refs_count_and_last_put_releases);
	tcase_add_test(tc, type_conflict_is_busy);
	tcase_add_test(tc, same_type_counts_up_and_down);
	tcase_add_test(tc, first_table_ref_validates_once);
	tcase_add_test(tc, validate_failure_leaves_nothing);
	tcase_add_test(tc, put_ref_and_type_last_reference);
	tcase_add_test(tc, data_ref_read_and_write);
	tcase_add_test(tc, pin_sets_pinned);
	tcase_add_test(tc, pin_refusals);
	tcase_add_test(tc, unpin_refusals);
	tcase_add_test(tc, unpin_drops_pin_reference);
	tcase_add_test(tc, relinquish_releases);
	tcase_add_test(tc, relinquish_busy);
	tcase_add_test(tc, relinquish_refusals);
	tcase_add_test(tc, release_domain_frees_everything);
	tcase_add_test(tc, release_domain_frames_still_referenced);
	tcase_add_test(tc, ref_count_limit);
	tcase_add_test(tc, type_count_limit);
	suite_add_tcase(s, tc);
	return s;
}
