/*
 * Unit tests for x86-64 guest page-table validation
 * (hypervisor/arch/x86_64/pv/pt_validate.c), run through the real
 * page-type state machine (common/frame_type.c).
 *
 * The frame table is a host array of NR_FRAMES frames and the frames'
 * contents a host array of pages; validate/devalidate are the real
 * pt_validate_table()/pt_devalidate_table(), release() records what was
 * given back. The hypervisor's L4 slots are filled with HV_SLOT(i) by the
 * pt_fill_hypervisor_slots() defined here and cleared to 0 by
 * pt_clear_hypervisor_slots().
 */
#include <string.h>

#include <errno_values.h>
#include <asm/pt_validate.h>

#include "frame_fixture.h"
#include "unit.h"

#define P   PTE_PRESENT
#define W   PTE_WRITE
#define U   PTE_USER
#define PTE(mfn, flags) (((uint64_t)(mfn) << 12) | (flags))
#define HV_SLOT(i) (0x4b45454c00000000ULL | (uint64_t)(i))	/* "KEEL" */

/* What the hypervisor-slot hooks saw. */
static struct {
	unsigned int fill_calls, clear_calls;
	uint64_t *fill_last, *clear_last;
} fk;

static const struct frame_table_ops pt_ops = {
	.validate = pt_validate_table,
	.devalidate = pt_devalidate_table,
	.release = fixture_release,
	.map = fixture_map,
};

/* Keel's side of the L4 hypervisor slots (arch/x86_64/paging.c in the
 * hypervisor). */
void pt_fill_hypervisor_slots(uint64_t *l4)
{
	fk.fill_calls++;
	fk.fill_last = l4;
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		l4[i] = HV_SLOT(i);
}

void pt_clear_hypervisor_slots(uint64_t *l4)
{
	fk.clear_calls++;
	fk.clear_last = l4;
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		l4[i] = 0;
}

static void setup(void)
{
	frame_fixture_reset(&pt_ops, NULL);
	memset(&fk, 0, sizeof(fk));
}

static void give(uint64_t mfn, uint16_t owner)
{
	give_frame(mfn, owner, false);
}

/* Frames [first, last] all to @owner. */
static void give_range(uint64_t first, uint64_t last, uint16_t owner)
{
	for (uint64_t m = first; m <= last; m++)
		give(m, owner);
}

/* Every frame exactly as in @snap, and nothing released. */
static struct frame snap[NR_FRAMES];

static void take_snapshot(void)
{
	memcpy(snap, frames, sizeof(frames));
}

static void check_snapshot(void)
{
	for (unsigned int m = 0; m < NR_FRAMES; m++) {
		const struct frame *f = &frames[m], *s = &snap[m];

		ck_assert_msg(f->ref_count == s->ref_count &&
			      f->type_count == s->type_count &&
			      f->type == s->type && f->flags == s->flags &&
			      f->owner == s->owner && f->state == s->state,
			      "frame %u: ref %u type %u/%u flags %#x owner %u, "
			      "was ref %u type %u/%u flags %#x owner %u", m,
			      f->ref_count, f->type, f->type_count, f->flags,
			      f->owner, s->ref_count, s->type, s->type_count,
			      s->flags, s->owner);
	}
	ck_assert_uint_eq(released.calls, 0);
}

/* ---- L1 ------------------------------------------------------------- */

START_TEST(l1_good_entries)
{
	give_range(1, 12, DOM_A);
	uint64_t *l1 = pages[1];

	l1[0] = PTE(10, P | U);				/* read-only */
	l1[1] = PTE(11, P | W | U);			/* read-write */
	l1[5] = PTE(12, P | W | PTE_NX | PTE_ACCESSED | PTE_DIRTY |
		    PTE_AVAIL_MASK);
	l1[7] = PTE(10, P);				/* again, RO */
	l1[8] = 0xfffffffffffffffeULL;	/* not present, beyond RAM */
	l1[9] = PTE(NR_FRAMES + 5, W | PTE_GLOBAL);	/* not present */
	l1[511] = PTE(12, P | W);			/* again, RW */
	take_snapshot();

	ck_assert_int_eq(frame_get_ref_and_type(&ft, 1, DOM_A,
						FRAME_TYPE_L1), 0);
	check_frame(1, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	check_frame(10, DOM_A, ALLOC, 3, FRAME_TYPE_NONE, 0);
	check_frame(11, DOM_A, ALLOC, 2, FRAME_TYPE_WRITABLE, 1);
	check_frame(12, DOM_A, ALLOC, 3, FRAME_TYPE_WRITABLE, 2);
	for (uint64_t m = 2; m <= 9; m++)
		check_frame(m, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	/* An L1 is not an L4: no hypervisor slots. */
	ck_assert_uint_eq(fk.fill_calls, 0);
	/* The guest's entries are left as they were. */
	ck_assert_uint_eq(l1[8], 0xfffffffffffffffeULL);

	frame_put_ref_and_type(&ft, 1);
	check_snapshot();
	ck_assert_uint_eq(fk.clear_calls, 0);
}
END_TEST

/*
 * An entry with @bad (at level @level, index @at) after a run of good
 * entries is refused with @want, and every reference the good ones took
 * (including whole validated subtrees, for upper levels) is dropped.
 */
static void check_rollback(unsigned int level, unsigned int at, uint64_t bad,
			   int want)
{
	enum frame_type type = pt_level_type(level);
	uint64_t *t = pages[1];

	give_range(1, 40, DOM_A);
	give(41, DOM_B);
	if (level == 1) {
		/* Data frames 10..19, RO and RW alternately, some twice. */
		for (unsigned int i = 0; i < at; i++)
			t[i] = PTE(10 + i % 10, P | U | (i & 1 ? W : 0));
	} else {
		/* Lower tables 10..19 (distinct per index up to 10, then
		 * linked again), each with entries of its own: the lower
		 * L1s map data frames 30..39. */
		for (unsigned int i = 0; i < at; i++)
			t[i] = PTE(10 + i % 10, P | W | U);
		for (unsigned int j = 0; j < 10; j++) {
			uint64_t *low = pages[10 + j];

			if (level == 2) {
				low[3] = PTE(30 + j, P | W);
				low[4] = PTE(30 + (j + 1) % 10, P);
			} else if (level == 3) {
				/* L2s all linking L1 20, which maps 30. */
				low[j] = PTE(20, P | W);
				pages[20][0] = PTE(30, P | W);
			} else {
				/* L3s linking L2 21 -> L1 22 -> 31. */
				low[j] = PTE(21, P | W);
				pages[21][1] = PTE(22, P | W);
				pages[22][2] = PTE(31, P | W);
			}
		}
	}
	t[at] = bad;
	/* Entries after the bad one are never looked at. */
	if (at + 1 < 512)
		t[at + 1] = PTE(41, P);
	take_snapshot();

	ck_assert_int_eq(frame_get_ref_and_type(&ft, 1, DOM_A, type), want);
	check_snapshot();
	ck_assert_uint_eq(fk.fill_calls, 0);
	/* The table itself is usable again once fixed. */
	t[at] = 0;
	if (at + 1 < 512)
		t[at + 1] = 0;
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, type), 0);
	ck_assert_uint_eq(frames[1].type, type);
	ck_assert_int_eq(frame_unpin(&ft, 1, DOM_A), 0);
	check_snapshot();
}

START_TEST(l1_global_refused)
{
	check_rollback(1, 50, PTE(10, P | PTE_GLOBAL), -EINVAL);
}
END_TEST

START_TEST(l1_reserved_bits_refused)
{
	/* Bits 52-62: available to software on hardware, refused here. */
	for (unsigned int bit = 52; bit <= 62; bit++) {
		setup();
		check_rollback(1, 20 + bit, PTE(11, P | W) | (1ULL << bit),
			       -EINVAL);
	}
}
END_TEST

START_TEST(l1_bad_entry_first_and_last)
{
	check_rollback(1, 0, PTE(10, P | PTE_GLOBAL), -EINVAL);
	setup();
	check_rollback(1, 511, PTE(10, P | W | (1ULL << 55)), -EINVAL);
}
END_TEST

START_TEST(l1_no_such_frame)
{
	/* Beyond the table, not a guest frame, a freed frame. */
	check_rollback(1, 30, PTE(NR_FRAMES, P), -EINVAL);
	setup();
	check_rollback(1, 30, PTE(0xfffffffffULL, P | W), -EINVAL);
	setup();
	frames[50].state = FRAME_STATE_ALLOCATED;	/* never assigned */
	check_rollback(1, 30, PTE(50, P), -EINVAL);
}
END_TEST

/* Device memory: DOM_A plays the hardware domain, which may map frames
 * past the table (and unmanaged ones in it) but IOMEM_KEELS. */
#define IOMEM_KEELS (NR_FRAMES + 1)

static int fake_iomem_check(struct frame_table *t, uint16_t owner,
			    uint64_t mfn)
{
	(void)t;
	if (owner != DOM_A)
		return -EINVAL;
	return mfn == IOMEM_KEELS ? -EPERM : 0;
}

static const struct frame_table_ops pt_iomem_ops = {
	.validate = pt_validate_table,
	.devalidate = pt_devalidate_table,
	.release = fixture_release,
	.map = fixture_map,
	.iomem_check = fake_iomem_check,
};

START_TEST(l1_iomem_for_the_hardware_domain)
{
	frame_fixture_reset(&pt_iomem_ops, NULL);
	give_range(1, 2, DOM_A);
	give(3, DOM_B);
	uint64_t *l1 = pages[1];

	/* Uncached, write-combining (PAT), and one unmanaged in the table
	 * (frame 60 was never given to the pool). */
	l1[0] = PTE(NR_FRAMES + 7, P | W | PTE_PCD | PTE_PWT);
	l1[1] = PTE(NR_FRAMES + 8, P | W | PTE_PAT_4K);
	l1[2] = PTE(60, P | W);
	frames[60].state = FRAME_STATE_UNMANAGED;
	take_snapshot();
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 1, DOM_A,
						FRAME_TYPE_L1), 0);
	/* No frame gained a reference but the table itself. */
	check_frame(1, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	ck_assert(!pt_entry_is_foreign(&ft, l1[2], 1, DOM_A));
	ck_assert(pt_entry_is_iomem(&ft, l1[0], 1));
	ck_assert(!pt_entry_is_iomem(&ft, l1[0], 2));
	frame_put_ref_and_type(&ft, 1);
	check_snapshot();

	/* Keel's own window, a global mapping, and another domain: no. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(IOMEM_KEELS, P | PTE_PCD), 1,
				      DOM_A), -EPERM);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(NR_FRAMES + 7, P | PTE_GLOBAL),
				      1, DOM_A), -EINVAL);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(NR_FRAMES + 7, P), 1, DOM_B),
			 -EINVAL);
	/* RAM keeps its rules: no cache attributes, and only one's own. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(2, P | PTE_PCD), 1, DOM_A),
			 -EINVAL);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(3, P), 1, DOM_A), -EPERM);
	/* Device memory never links a table. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(NR_FRAMES + 7, P), 2, DOM_A),
			 -EINVAL);
	check_snapshot();
}
END_TEST

START_TEST(l1_foreign_frame_refused)
{
	check_rollback(1, 40, PTE(41, P | U), -EPERM);
	setup();
	check_rollback(1, 40, PTE(41, P | W | U), -EPERM);
}
END_TEST

START_TEST(upper_ps_refused)
{
	/* PS (bit 7) in an L2 or L3 entry would be a superpage. */
	check_rollback(2, 30, PTE(10, P | W | PTE_LARGE), -EINVAL);
	setup();
	check_rollback(3, 30, PTE(10, P | W | PTE_LARGE), -EINVAL);
	setup();
	check_rollback(4, 30, PTE(10, P | W | PTE_LARGE), -EINVAL);
}
END_TEST

START_TEST(upper_bad_flags_refused)
{
	for (unsigned int level = 2; level <= 4; level++) {
		setup();
		check_rollback(level, 25, PTE(10, P | PTE_GLOBAL), -EINVAL);
		setup();
		check_rollback(level, 25, PTE(10, P | (1ULL << 52)), -EINVAL);
		setup();
		check_rollback(level, 25, PTE(41, P | W), -EPERM);
	}
}
END_TEST

/* A bad entry deep down fails the whole pin, and nothing stays. */
START_TEST(deep_failure_rolls_back)
{
	give_range(1, 10, DOM_A);
	give(11, DOM_B);
	pages[1][0] = PTE(2, P | W | U);	/* L4 -> L3 2 */
	pages[2][0] = PTE(3, P | W | U);	/* L3 -> L2 3 */
	pages[3][0] = PTE(4, P | W | U);	/* L2 -> L1 4 */
	pages[3][1] = PTE(5, P | W | U);	/* L2 -> L1 5 */
	pages[4][0] = PTE(6, P | W);
	pages[5][0] = PTE(7, P | W);
	pages[5][1] = PTE(8, P);
	pages[5][511] = PTE(11, P);		/* another domain's */
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), -EPERM);
	check_snapshot();
	ck_assert_uint_eq(fk.fill_calls, 0);
	ck_assert_uint_eq(fk.clear_calls, 0);
}
END_TEST

/* ---- type conflicts ------------------------------------------------- */

START_TEST(writable_mapping_of_table_busy)
{
	give_range(1, 3, DOM_A);
	ck_assert_int_eq(frame_pin(&ft, 2, DOM_A, FRAME_TYPE_L1), 0);
	pages[1][0] = PTE(3, P | W);
	pages[1][1] = PTE(2, P | W);		/* the L1, writable */
	take_snapshot();
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 1, DOM_A,
						FRAME_TYPE_L1), -EBUSY);
	check_snapshot();
	/* Read-only is fine. */
	pages[1][1] = PTE(2, P);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 1, DOM_A,
						FRAME_TYPE_L1), 0);
	check_frame(2, DOM_A, ALLOC | PIN, 3, FRAME_TYPE_L1, 1);
	check_frame(3, DOM_A, ALLOC, 2, FRAME_TYPE_WRITABLE, 1);
	/* And while mapped writable, the data frame cannot become a table. */
	ck_assert_int_eq(frame_pin(&ft, 3, DOM_A, FRAME_TYPE_L1), -EBUSY);
	frame_put_ref_and_type(&ft, 1);
	ck_assert_int_eq(frame_unpin(&ft, 2, DOM_A), 0);
	for (uint64_t m = 1; m <= 3; m++)
		check_frame(m, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
}
END_TEST

START_TEST(l1_maps_itself)
{
	give_range(1, 2, DOM_A);
	pages[1][0] = PTE(2, P | W);
	pages[1][200] = PTE(1, P | W);		/* itself, writable */
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L1), -EBUSY);
	check_snapshot();
	pages[1][200] = PTE(1, P | U);		/* itself, read-only */
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L1), 0);
	/* Allocation, pin, and its own entry. */
	check_frame(1, DOM_A, ALLOC | PIN, 3, FRAME_TYPE_L1, 1);
	check_frame(2, DOM_A, ALLOC, 2, FRAME_TYPE_WRITABLE, 1);
	ck_assert_int_eq(frame_unpin(&ft, 1, DOM_A), 0);
	check_snapshot();
}
END_TEST

START_TEST(l1_maps_parent_writable)
{
	/* An L1 that maps the L2 linking it, writable: refused. */
	give_range(1, 3, DOM_A);
	pages[1][0] = PTE(2, P | W);		/* L2 1 -> L1 2 */
	pages[2][0] = PTE(3, P | W);
	pages[2][1] = PTE(1, P | W);		/* L1 2 maps L2 1 writable */
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L2), -EBUSY);
	check_snapshot();
	pages[2][1] = PTE(1, P);
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L2), 0);
	check_frame(1, DOM_A, ALLOC | PIN, 3, FRAME_TYPE_L2, 1);
	check_frame(2, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	ck_assert_int_eq(frame_unpin(&ft, 1, DOM_A), 0);
	check_snapshot();
}
END_TEST

START_TEST(l2_links_itself)
{
	give_range(1, 3, DOM_A);
	pages[1][0] = PTE(2, P | W);		/* a good L1 first */
	pages[2][0] = PTE(3, P | W);
	pages[1][17] = PTE(1, P | W | U);	/* itself, as an L1 */
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L2), -EBUSY);
	check_snapshot();
	pages[1][17] = PTE(1, P);		/* read-only makes no odds */
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L2), -EBUSY);
	check_snapshot();
}
END_TEST

START_TEST(l4_links_itself)
{
	give_range(1, 5, DOM_A);
	pages[1][0] = PTE(2, P | W);		/* L4 -> L3 2 -> L2 3 -> L1 4 */
	pages[2][0] = PTE(3, P | W);
	pages[3][0] = PTE(4, P | W);
	pages[4][0] = PTE(5, P | W);
	pages[1][510] = PTE(1, P | W);		/* the classic self-map slot */
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), -EBUSY);
	check_snapshot();
	ck_assert_uint_eq(fk.fill_calls, 0);

	/* Linking it lower down (an L3 pointing back at the L4) too. */
	pages[1][510] = 0;
	pages[2][7] = PTE(1, P | W);
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), -EBUSY);
	check_snapshot();
	/* And an L1 mapping the L4 writable. */
	pages[2][7] = 0;
	pages[4][9] = PTE(1, P | W);
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), -EBUSY);
	check_snapshot();
	ck_assert_uint_eq(fk.fill_calls, 0);
}
END_TEST

START_TEST(upper_link_to_writable_frame_busy)
{
	give_range(1, 3, DOM_A);
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 2, DOM_A,
						FRAME_TYPE_WRITABLE), 0);
	pages[1][3] = PTE(2, P | W);
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L2), -EBUSY);
	check_snapshot();
	/* Linking a table of the wrong level. */
	frame_put_ref_and_type(&ft, 2);
	ck_assert_int_eq(frame_pin(&ft, 2, DOM_A, FRAME_TYPE_L2), 0);
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L2), -EBUSY);
	check_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L3), 0);
	check_frame(2, DOM_A, ALLOC | PIN, 3, FRAME_TYPE_L2, 2);
}
END_TEST

/* ---- whole trees ---------------------------------------------------- */

/*
 * L4 1 -> L3 2 -> L2 3 -> L1 4 -> data 5 (RW), 6 (RO)
 *              \-> L2 7 -> L1 8 -> data 5 (RW), 9 (RO)
 *      -> L3 10 -> L2 11 (empty)
 */
static void build_tree(void)
{
	give_range(1, 11, DOM_A);
	pages[1][0] = PTE(2, P | W | U);
	pages[1][255] = PTE(10, P | W);
	pages[2][0] = PTE(3, P | W | U);
	pages[2][511] = PTE(7, P | U);
	pages[3][100] = PTE(4, P | W | U);
	pages[4][0] = PTE(5, P | W | U);
	pages[4][1] = PTE(6, P | U);
	pages[7][0] = PTE(8, P | W);
	pages[8][0] = PTE(5, P | W | PTE_NX);
	pages[8][511] = PTE(9, P);
	pages[10][3] = PTE(11, P | W);
}

START_TEST(full_tree_pin_unpin)
{
	build_tree();
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), 0);
	check_frame(1, DOM_A, ALLOC | PIN, 2, FRAME_TYPE_L4, 1);
	check_frame(2, DOM_A, ALLOC, 2, FRAME_TYPE_L3, 1);
	check_frame(10, DOM_A, ALLOC, 2, FRAME_TYPE_L3, 1);
	check_frame(3, DOM_A, ALLOC, 2, FRAME_TYPE_L2, 1);
	check_frame(7, DOM_A, ALLOC, 2, FRAME_TYPE_L2, 1);
	check_frame(11, DOM_A, ALLOC, 2, FRAME_TYPE_L2, 1);
	check_frame(4, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	check_frame(8, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	check_frame(5, DOM_A, ALLOC, 3, FRAME_TYPE_WRITABLE, 2);
	check_frame(6, DOM_A, ALLOC, 2, FRAME_TYPE_NONE, 0);
	check_frame(9, DOM_A, ALLOC, 2, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(fk.fill_calls, 1);
	ck_assert_ptr_eq(fk.fill_last, pages[1]);
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		ck_assert_uint_eq(pages[1][i], HV_SLOT(i));
	ck_assert_uint_eq(pages[1][HYPERVISOR_L4_FIRST - 1], PTE(10, P | W));
	ck_assert_uint_eq(pages[1][HYPERVISOR_L4_LAST + 1], 0);

	/* Nothing in the tree can be given back or retyped meanwhile. */
	for (uint64_t m = 1; m <= 9; m++)
		ck_assert_int_eq(frame_relinquish(&ft, m, DOM_A), -EBUSY);
	ck_assert_int_eq(frame_get_type(&ft, 4, FRAME_TYPE_WRITABLE), -EBUSY);
	ck_assert_int_eq(frame_get_type(&ft, 5, FRAME_TYPE_L1), -EBUSY);

	ck_assert_int_eq(frame_unpin(&ft, 1, DOM_A), 0);
	check_snapshot();
	ck_assert_uint_eq(fk.clear_calls, 1);
	ck_assert_ptr_eq(fk.clear_last, pages[1]);
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		ck_assert_uint_eq(pages[1][i], 0);
	/* The guest's own entries are untouched. */
	ck_assert_uint_eq(pages[1][0], PTE(2, P | W | U));
	ck_assert_uint_eq(pages[1][255], PTE(10, P | W));

	/* Now every frame goes back, once. */
	for (uint64_t m = 1; m <= 11; m++)
		ck_assert_int_eq(frame_relinquish(&ft, m, DOM_A), 0);
	ck_assert_uint_eq(released.calls, 11);
	for (uint64_t m = 1; m <= 11; m++)
		ck_assert_uint_eq(released.by_mfn[m], 1);
}
END_TEST

START_TEST(tree_with_pinned_inner_tables)
{
	build_tree();
	ck_assert_int_eq(frame_pin(&ft, 4, DOM_A, FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), 0);
	ck_assert_int_eq(frame_pin(&ft, 7, DOM_A, FRAME_TYPE_L2), 0);
	check_frame(4, DOM_A, ALLOC | PIN, 3, FRAME_TYPE_L1, 2);
	check_frame(7, DOM_A, ALLOC | PIN, 3, FRAME_TYPE_L2, 2);
	/* Still linked: the inner pins cannot go. */
	ck_assert_int_eq(frame_unpin(&ft, 4, DOM_A), -EBUSY);
	ck_assert_int_eq(frame_unpin(&ft, 7, DOM_A), -EBUSY);
	/* Unpinning the root leaves the pinned subtrees validated. */
	ck_assert_int_eq(frame_unpin(&ft, 1, DOM_A), 0);
	check_frame(1, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	check_frame(2, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	check_frame(3, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	check_frame(4, DOM_A, ALLOC | PIN, 2, FRAME_TYPE_L1, 1);
	check_frame(7, DOM_A, ALLOC | PIN, 2, FRAME_TYPE_L2, 1);
	check_frame(8, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	check_frame(5, DOM_A, ALLOC, 3, FRAME_TYPE_WRITABLE, 2);
	ck_assert_int_eq(frame_unpin(&ft, 4, DOM_A), 0);
	ck_assert_int_eq(frame_unpin(&ft, 7, DOM_A), 0);
	for (uint64_t m = 1; m <= 11; m++)
		check_frame(m, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

START_TEST(l1_linked_twice)
{
	/* Domain 0 this time: domid 0 is a domain like any other. */
	give_range(1, 4, 0);
	pages[1][0] = PTE(2, P | W);
	pages[1][1] = PTE(2, P | U);
	pages[2][0] = PTE(3, P | W);
	pages[2][1] = PTE(4, P);
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, 0, FRAME_TYPE_L2), 0);
	check_frame(2, 0, ALLOC, 3, FRAME_TYPE_L1, 2);
	/* Validated once: its entries hold one reference each. */
	check_frame(3, 0, ALLOC, 2, FRAME_TYPE_WRITABLE, 1);
	check_frame(4, 0, ALLOC, 2, FRAME_TYPE_NONE, 0);
	ck_assert_int_eq(frame_unpin(&ft, 1, 0), 0);
	check_snapshot();
}
END_TEST

START_TEST(release_domain_with_trees)
{
	build_tree();
	/* Domain B: a pinned L2 -> L1 -> data, and a frame A's table may
	 * not touch. */
	give_range(40, 43, DOM_B);
	pages[40][0] = PTE(41, P | W);
	pages[41][0] = PTE(42, P | W);
	ck_assert_int_eq(frame_pin(&ft, 40, DOM_B, FRAME_TYPE_L2), 0);
	ck_assert_int_eq(frame_pin(&ft, 4, DOM_A, FRAME_TYPE_L1), 0);
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), 0);
	/* A second, separate root of A's, pinned, sharing L3 10. */
	give(20, DOM_A);
	pages[20][1] = PTE(10, P | W);
	ck_assert_int_eq(frame_pin(&ft, 20, DOM_A, FRAME_TYPE_L4), 0);
	check_frame(10, DOM_A, ALLOC, 3, FRAME_TYPE_L3, 2);
	struct frame before[NR_FRAMES];
	memcpy(before, frames, sizeof(frames));

	ck_assert_uint_eq(frame_release_domain(&ft, DOM_A), 0);
	for (uint64_t m = 1; m <= 11; m++) {
		ck_assert_msg(released.by_mfn[m] == 1,
			      "frame %lu released %u times", (unsigned long)m,
			      released.by_mfn[m]);
		check_frame(m, FRAME_OWNER_NONE, 0, 0, FRAME_TYPE_NONE, 0);
	}
	ck_assert_uint_eq(released.by_mfn[20], 1);
	ck_assert_uint_eq(released.calls, 12);
	ck_assert_uint_eq(fk.clear_calls, 2);
	for (uint64_t m = 40; m <= 43; m++)
		ck_assert(!memcmp(&frames[m], &before[m], sizeof(frames[m])));
	check_frame(40, DOM_B, ALLOC | PIN, 2, FRAME_TYPE_L2, 1);
}
END_TEST

/* ---- foreign (grant) entries ---------------------------------------- */

START_TEST(entry_is_foreign)
{
	give(1, DOM_A);
	give(2, DOM_B);
	ck_assert(pt_entry_is_foreign(&ft, PTE(2, P), 1, DOM_A));
	ck_assert(pt_entry_is_foreign(&ft, PTE(2, P | W | U), 1, DOM_A));
	ck_assert(!pt_entry_is_foreign(&ft, PTE(2, P), 1, DOM_B));
	ck_assert(!pt_entry_is_foreign(&ft, PTE(1, P), 1, DOM_A));
	/* Not present, not an L1 entry, no such frame: not foreign. */
	ck_assert(!pt_entry_is_foreign(&ft, PTE(2, W), 1, DOM_A));
	ck_assert(!pt_entry_is_foreign(&ft, PTE(2, P), 2, DOM_A));
	ck_assert(!pt_entry_is_foreign(&ft, PTE(2, P), 4, DOM_A));
	ck_assert(!pt_entry_is_foreign(&ft, PTE(NR_FRAMES, P), 1, DOM_A));
	ck_assert(!pt_entry_is_foreign(&ft, PTE(0xffffffffffULL, P), 1, DOM_A));
}
END_TEST

START_TEST(entry_put_leaves_foreign_alone)
{
	give(1, DOM_A);
	give(2, DOM_B);
	/* The grant table's references for A's mapping of B's frame. */
	ck_assert_int_eq(frame_get_ref_and_type(&ft, 2, DOM_B,
						FRAME_TYPE_WRITABLE), 0);
	take_snapshot();
	pt_entry_put(&ft, PTE(2, P | W), 1, DOM_A);
	pt_entry_put(&ft, PTE(2, P), 1, DOM_A);
	check_snapshot();
	/* A validated L1 into which a grant mapping was written later: its
	 * devalidation drops its own entries only. */
	give(3, DOM_A);
	give(4, DOM_A);
	pages[3][0] = PTE(4, P | W);
	ck_assert_int_eq(frame_pin(&ft, 3, DOM_A, FRAME_TYPE_L1), 0);
	pages[3][1] = PTE(2, P | W | U);	/* grant map */
	ck_assert_int_eq(frame_unpin(&ft, 3, DOM_A), 0);
	check_frame(2, DOM_B, ALLOC, 2, FRAME_TYPE_WRITABLE, 1);
	check_frame(3, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	check_frame(4, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	/* The same the other way round: it is the table's owner that
	 * decides what is foreign. */
	give(5, DOM_B);
	give(6, DOM_B);
	pages[5][0] = PTE(6, P | W);
	ck_assert_int_eq(frame_pin(&ft, 5, DOM_B, FRAME_TYPE_L1), 0);
	check_frame(6, DOM_B, ALLOC, 2, FRAME_TYPE_WRITABLE, 1);
	ck_assert_int_eq(frame_get_ref(&ft, 4, DOM_A), 0);
	pages[5][1] = PTE(4, P);		/* grant map of A's 4 */
	ck_assert_int_eq(frame_unpin(&ft, 5, DOM_B), 0);
	check_frame(6, DOM_B, ALLOC, 1, FRAME_TYPE_NONE, 0);
	check_frame(4, DOM_A, ALLOC, 2, FRAME_TYPE_NONE, 0);
	ck_assert_uint_eq(released.calls, 0);
}
END_TEST

/* ---- single entries ------------------------------------------------- */

START_TEST(entry_get_put)
{
	give_range(1, 3, DOM_A);
	take_snapshot();
	/* Not present: nothing, whatever else is set. */
	ck_assert_int_eq(pt_entry_get(&ft, 0, 1, DOM_A), 0);
	ck_assert_int_eq(pt_entry_get(&ft, ~PTE_PRESENT, 2, DOM_A), 0);
	pt_entry_put(&ft, ~PTE_PRESENT, 1, DOM_A);
	check_snapshot();
	/* Not present but naming RAM (an L1TF gadget): refused. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(2, 0), 1, DOM_A), -EINVAL);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(NR_FRAMES - 1, W), 3, DOM_A),
			 -EINVAL);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(NR_FRAMES, W), 3, DOM_A), 0);
	/* Cache attributes are refused at every level: PAT, PCD, PWT. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(2, P | PTE_PAT_4K), 1, DOM_A),
			 -EINVAL);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(2, P | PTE_PCD), 1, DOM_A),
			 -EINVAL);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(2, P | PTE_PWT), 1, DOM_A),
			 -EINVAL);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(2, P | PTE_PCD), 2, DOM_A),
			 -EINVAL);
	check_snapshot();
	/* PS is not allowed in an L2. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(3, P | PTE_LARGE), 2, DOM_A),
			 -EINVAL);
	/* D on a link: accepted and ignored, as the CPU ignores it. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(3, P | PTE_DIRTY), 3, DOM_A),
			 0);
	check_frame(3, DOM_A, ALLOC, 2, FRAME_TYPE_L2, 1);
	pt_entry_put(&ft, PTE(3, P | PTE_DIRTY), 3, DOM_A);
	check_frame(3, DOM_A, ALLOC, 1, FRAME_TYPE_NONE, 0);
	ck_assert_int_eq(pt_entry_get(&ft, PTE(3, P | PTE_DIRTY), 1, DOM_A),
			 0);
	pt_entry_put(&ft, PTE(3, P | PTE_DIRTY), 1, DOM_A);
	/* Writable L1 entry: reference and writable type. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(3, P | W), 1, DOM_A), 0);
	check_frame(3, DOM_A, ALLOC, 2, FRAME_TYPE_WRITABLE, 1);
	pt_entry_put(&ft, PTE(3, P | W), 1, DOM_A);
	/* An L2 entry: reference and L1 type (validating 3: empty). */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(3, P), 2, DOM_A), 0);
	check_frame(3, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	/* A writable type on the writable-mapped L1 then fails, with the
	 * reference given back. */
	ck_assert_int_eq(pt_entry_get(&ft, PTE(3, P | W), 1, DOM_A), -EBUSY);
	check_frame(3, DOM_A, ALLOC, 2, FRAME_TYPE_L1, 1);
	pt_entry_put(&ft, PTE(3, P), 2, DOM_A);
	check_snapshot();
}
END_TEST

/* ---- hypervisor slots ----------------------------------------------- */

START_TEST(hypervisor_slots_ignored_and_filled)
{
	give_range(1, 3, DOM_A);
	give(4, DOM_B);
	pages[1][0] = PTE(2, P | W);
	pages[2][0] = PTE(3, P);		/* an L3 linking an L2 */
	/* Guest junk in Keel's slots: bad flags, another domain's frame,
	 * the L4 itself, a frame that does not exist. */
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		pages[1][i] = 0xffffffffffffffffULL;
	pages[1][HYPERVISOR_L4_FIRST + 1] = PTE(4, P | W);
	pages[1][HYPERVISOR_L4_FIRST + 2] = PTE(1, P | W);
	pages[1][HYPERVISOR_L4_FIRST + 3] = PTE(NR_FRAMES, P);
	pages[1][HYPERVISOR_L4_LAST] = PTE(2, P | W);	/* L3 2 again */
	take_snapshot();

	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), 0);
	ck_assert_uint_eq(fk.fill_calls, 1);
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		ck_assert_uint_eq(pages[1][i], HV_SLOT(i));
	/* No reference was taken for any of the junk. */
	check_frame(1, DOM_A, ALLOC | PIN, 2, FRAME_TYPE_L4, 1);
	check_frame(2, DOM_A, ALLOC, 2, FRAME_TYPE_L3, 1);
	check_frame(4, DOM_B, ALLOC, 1, FRAME_TYPE_NONE, 0);

	ck_assert_int_eq(frame_unpin(&ft, 1, DOM_A), 0);
	ck_assert_uint_eq(fk.clear_calls, 1);
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		ck_assert_uint_eq(pages[1][i], 0);
	/* Keel's entries were not taken for guest links on the way out. */
	check_snapshot();
}
END_TEST

START_TEST(hypervisor_slots_left_on_failure)
{
	give_range(1, 2, DOM_A);
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		pages[1][i] = PTE(2, P | PTE_GLOBAL);
	pages[1][0] = PTE(2, P | W);
	pages[1][300] = PTE(2, P | PTE_LARGE);
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L4), -EINVAL);
	check_snapshot();
	ck_assert_uint_eq(fk.fill_calls, 0);
	ck_assert_uint_eq(fk.clear_calls, 0);
	ck_assert_uint_eq(pages[1][HYPERVISOR_L4_FIRST], PTE(2, P | PTE_GLOBAL));
}
END_TEST

START_TEST(hypervisor_slots_only_in_l4)
{
	/* The same indices in an L3 are the guest's, and checked. */
	give_range(1, 2, DOM_A);
	pages[1][HYPERVISOR_L4_FIRST] = PTE(2, P | PTE_GLOBAL);
	take_snapshot();
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L3), -EINVAL);
	check_snapshot();
	pages[1][HYPERVISOR_L4_FIRST] = 0;
	pages[1][HYPERVISOR_L4_LAST] = PTE(2, P | W);
	ck_assert_int_eq(frame_pin(&ft, 1, DOM_A, FRAME_TYPE_L3), 0);
	check_frame(2, DOM_A, ALLOC, 2, FRAME_TYPE_L2, 1);
	ck_assert_uint_eq(fk.fill_calls, 0);
	ck_assert_uint_eq(pages[1][HYPERVISOR_L4_LAST], PTE(2, P | W));
	ck_assert_int_eq(frame_unpin(&ft, 1, DOM_A), 0);
	ck_assert_uint_eq(fk.clear_calls, 0);
	ck_assert_uint_eq(pages[1][HYPERVISOR_L4_LAST], PTE(2, P | W));
	check_snapshot();
}
END_TEST

Suite *pt_validate_suite(void);

Suite *pt_validate_suite(void)
{
	Suite *s = suite_create("pt_validate");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, l1_good_entries);
	tcase_add_test(tc, l1_global_refused);
	tcase_add_test(tc, l1_reserved_bits_refused);
	tcase_add_test(tc, l1_bad_entry_first_and_last);
	tcase_add_test(tc, l1_no_such_frame);
	tcase_add_test(tc, l1_foreign_frame_refused);
	tcase_add_test(tc, upper_ps_refused);
	tcase_add_test(tc, upper_bad_flags_refused);
	tcase_add_test(tc, deep_failure_rolls_back);
	tcase_add_test(tc, writable_mapping_of_table_busy);
	tcase_add_test(tc, l1_maps_itself);
	tcase_add_test(tc, l1_maps_parent_writable);
	tcase_add_test(tc, l2_links_itself);
	tcase_add_test(tc, l4_links_itself);
	tcase_add_test(tc, upper_link_to_writable_frame_busy);
	tcase_add_test(tc, full_tree_pin_unpin);
	tcase_add_test(tc, tree_with_pinned_inner_tables);
	tcase_add_test(tc, l1_linked_twice);
	tcase_add_test(tc, release_domain_with_trees);
	tcase_add_test(tc, entry_is_foreign);
	tcase_add_test(tc, l1_iomem_for_the_hardware_domain);
	tcase_add_test(tc, entry_put_leaves_foreign_alone);
	tcase_add_test(tc, entry_get_put);
	tcase_add_test(tc, hypervisor_slots_ignored_and_filled);
	tcase_add_test(tc, hypervisor_slots_left_on_failure);
	tcase_add_test(tc, hypervisor_slots_only_in_l4);
	suite_add_tcase(s, tc);
	return s;
}
