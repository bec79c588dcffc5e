/* Unit tests for sorted range lists (hypervisor/common/range.c). */
#include <string.h>

#include <errno.h>
#include <range.h>

#include "unit.h"

static struct range_list list;

static void setup(void)
{
	memset(&list, 0xcc, sizeof(list));
	range_list_init(&list);
}

/* The list must be exactly @n ranges given as start, end pairs. */
static void expect_ranges(unsigned int n, const uint64_t *pairs)
{
	ck_assert_uint_eq(list.count, n);
	for (unsigned int i = 0; i < n; i++) {
		ck_assert_msg(list.r[i].start == pairs[2 * i] &&
			      list.r[i].end == pairs[2 * i + 1],
			      "range %u is [%#llx, %#llx), expected [%#llx, %#llx)",
			      i, (unsigned long long)list.r[i].start,
			      (unsigned long long)list.r[i].end,
			      (unsigned long long)pairs[2 * i],
			      (unsigned long long)pairs[2 * i + 1]);
	}
}

#define EXPECT_RANGES(...)                                                    \
	do {                                                                  \
		static const uint64_t p_[] = { __VA_ARGS__ };                 \
		expect_ranges(ARRAY_SIZE(p_) / 2, p_);                        \
	} while (0)

/* Sorted, non-empty, disjoint and not touching. */
static void check_canonical(void)
{
	ck_assert_uint_le(list.count, RANGE_LIST_MAX);
	for (unsigned int i = 0; i < list.count; i++) {
		ASSERT_FAST(list.r[i].start < list.r[i].end);
		if (i)
			ASSERT_FAST(list.r[i - 1].end < list.r[i].start);
	}
}

START_TEST(contains)
{
	struct range_list l;

	range_list_init(&l);
	ck_assert(!range_list_contains(&l, 0));
	range_list_add(&l, 0x1000, 0x3000);
	range_list_add(&l, 0x8000, 0x9000);
	ck_assert(!range_list_contains(&l, 0xfff));
	ck_assert(range_list_contains(&l, 0x1000));
	ck_assert(range_list_contains(&l, 0x2fff));
	ck_assert(!range_list_contains(&l, 0x3000));
	ck_assert(range_list_contains(&l, 0x8800));
	ck_assert(!range_list_contains(&l, 0x9000));
}
END_TEST

START_TEST(intersects)
{
	struct range_list l;

	range_list_init(&l);
	ck_assert(!range_list_intersects(&l, 0, UINT64_MAX));
	range_list_add(&l, 0x1000, 0x3000);
	range_list_add(&l, 0x8000, 0x9000);
	ck_assert(!range_list_intersects(&l, 0, 0x1000));
	ck_assert(range_list_intersects(&l, 0, 0x1001));
	ck_assert(range_list_intersects(&l, 0x2fff, 0x3000));
	ck_assert(!range_list_intersects(&l, 0x3000, 0x8000));
	ck_assert(range_list_intersects(&l, 0x3000, 0x8001));
	ck_assert(range_list_intersects(&l, 0, UINT64_MAX));
	ck_assert(!range_list_intersects(&l, 0x9000, UINT64_MAX));
}
END_TEST

START_TEST(empty_list)
{
	ck_assert_uint_eq(list.count, 0);
	ck_assert_uint_eq(range_list_total(&list), 0);
	ck_assert_int_eq(range_list_remove(&list, 0, 100), 0);
	ck_assert_uint_eq(list.count, 0);
}
END_TEST

START_TEST(add_keeps_order)
{
	ck_assert_int_eq(range_list_add(&list, 50, 60), 0);
	ck_assert_int_eq(range_list_add(&list, 10, 20), 0);
	ck_assert_int_eq(range_list_add(&list, 90, 100), 0);
	ck_assert_int_eq(range_list_add(&list, 30, 40), 0);
	EXPECT_RANGES(10, 20, 30, 40, 50, 60, 90, 100);
	ck_assert_uint_eq(range_list_total(&list), 40);

	/* Empty and reversed ranges are no-ops. */
	ck_assert_int_eq(range_list_add(&list, 70, 70), 0);
	ck_assert_int_eq(range_list_add(&list, 80, 75), 0);
	EXPECT_RANGES(10, 20, 30, 40, 50, 60, 90, 100);
}
END_TEST

START_TEST(add_merges)
{
	/* Touching on either side. */
	ck_assert_int_eq(range_list_add(&list, 10, 20), 0);
	ck_assert_int_eq(range_list_add(&list, 20, 30), 0);
	EXPECT_RANGES(10, 30);
	ck_assert_int_eq(range_list_add(&list, 5, 10), 0);
	EXPECT_RANGES(5, 30);

	/* Overlapping. */
	ck_assert_int_eq(range_list_add(&list, 25, 35), 0);
	EXPECT_RANGES(5, 35);
	ck_assert_int_eq(range_list_add(&list, 0, 7), 0);
	EXPECT_RANGES(0, 35);

	/* Inside an existing range. */
	ck_assert_int_eq(range_list_add(&list, 10, 20), 0);
	EXPECT_RANGES(0, 35);

	/* Bridging several. */
	ck_assert_int_eq(range_list_add(&list, 50, 60), 0);
	ck_assert_int_eq(range_list_add(&list, 70, 80), 0);
	ck_assert_int_eq(range_list_add(&list, 90, 95), 0);
	ck_assert_int_eq(range_list_add(&list, 200, 210), 0);
	EXPECT_RANGES(0, 35, 50, 60, 70, 80, 90, 95, 200, 210);
	ck_assert_int_eq(range_list_add(&list, 55, 90), 0);
	EXPECT_RANGES(0, 35, 50, 95, 200, 210);
	ck_assert_int_eq(range_list_add(&list, 35, 50), 0);
	EXPECT_RANGES(0, 95, 200, 210);
	ck_assert_int_eq(range_list_add(&list, 0, 1000), 0);
	EXPECT_RANGES(0, 1000);
	ck_assert_uint_eq(range_list_total(&list), 1000);

	/* Up to the top of the address space. */
	ck_assert_int_eq(range_list_add(&list, UINT64_MAX - 10, UINT64_MAX), 0);
	EXPECT_RANGES(0, 1000, UINT64_MAX - 10, UINT64_MAX);
}
END_TEST

START_TEST(remove_cases)
{
	ck_assert_int_eq(range_list_add(&list, 0, 100), 0);

	/* Split. */
	ck_assert_int_eq(range_list_remove(&list, 40, 60), 0);
	EXPECT_RANGES(0, 40, 60, 100);
	/* Trim the start of one, the end of another. */
	ck_assert_int_eq(range_list_remove(&list, 0, 10), 0);
	EXPECT_RANGES(10, 40, 60, 100);
	ck_assert_int_eq(range_list_remove(&list, 90, 120), 0);
	EXPECT_RANGES(10, 40, 60, 90);
	/* Nothing there. */
	ck_assert_int_eq(range_list_remove(&list, 40, 60), 0);
	ck_assert_int_eq(range_list_remove(&list, 0, 10), 0);
	ck_assert_int_eq(range_list_remove(&list, 500, 600), 0);
	ck_assert_int_eq(range_list_remove(&list, 30, 30), 0);
	ck_assert_int_eq(range_list_remove(&list, 35, 20), 0);
	EXPECT_RANGES(10, 40, 60, 90);
	/* Delete whole ranges. */
	ck_assert_int_eq(range_list_remove(&list, 10, 40), 0);
	EXPECT_RANGES(60, 90);
	ck_assert_int_eq(range_list_remove(&list, 0, 1000), 0);
	ck_assert_uint_eq(list.count, 0);
	ck_assert_uint_eq(range_list_total(&list), 0);
}
END_TEST

START_TEST(remove_across_ranges)
{
	ck_assert_int_eq(range_list_add(&list, 0, 10), 0);
	ck_assert_int_eq(range_list_add(&list, 20, 30), 0);
	ck_assert_int_eq(range_list_add(&list, 40, 50), 0);
	ck_assert_int_eq(range_list_add(&list, 60, 70), 0);

	/* Trims the first and last, deletes the ones between. */
	ck_assert_int_eq(range_list_remove(&list, 5, 45), 0);
	EXPECT_RANGES(0, 5, 45, 50, 60, 70);
	/* Deletes two neighbours at once. */
	ck_assert_int_eq(range_list_remove(&list, 0, 50), 0);
	EXPECT_RANGES(60, 70);
	ck_assert_uint_eq(range_list_total(&list), 10);
}
END_TEST

START_TEST(totals)
{
	ck_assert_int_eq(range_list_add(&list, 0x100000, 0x200000), 0);
	ck_assert_int_eq(range_list_add(&list, 0x300000, 0x300001), 0);
	ck_assert_int_eq(range_list_add(&list, 1ULL << 40, 1ULL << 41), 0);
	ck_assert_uint_eq(range_list_total(&list), 0x100001 + (1ULL << 40));
	ck_assert_int_eq(range_list_remove(&list, 0x180000, 0x190000), 0);
	ck_assert_uint_eq(range_list_total(&list), 0xf0001 + (1ULL << 40));
}
END_TEST

static void fill_list(void)
{
	for (unsigned int i = 0; i < RANGE_LIST_MAX; i++)
		ck_assert_int_eq(range_list_add(&list, 100 * i + 10,
						100 * i + 20), 0);
	ck_assert_uint_eq(list.count, RANGE_LIST_MAX);
}

START_TEST(full_list_add)
{
	struct range_list copy;

	fill_list();
	memcpy(&copy, &list, sizeof(copy));
	ck_assert_int_eq(range_list_add(&list, 0, 5), -ENOSPC);
	ck_assert_int_eq(range_list_add(&list, 50, 60), -ENOSPC);
	ck_assert_int_eq(range_list_add(&list, 100000, 100001), -ENOSPC);
	ck_assert_mem_eq(&list, &copy, sizeof(copy));

	/* Adds that merge still work on a full list. */
	ck_assert_int_eq(range_list_add(&list, 20, 30), 0);
	ck_assert_uint_eq(list.count, RANGE_LIST_MAX);
	ck_assert_int_eq(range_list_add(&list, 15, 110), 0);
	ck_assert_uint_eq(list.count, RANGE_LIST_MAX - 1);
	ck_assert_uint_eq(list.r[0].start, 10);
	ck_assert_uint_eq(list.r[0].end, 120);
	/* Now there is room for one more. */
	ck_assert_int_eq(range_list_add(&list, 0, 5), 0);
	ck_assert_int_eq(range_list_add(&list, 6, 7), -ENOSPC);
	check_canonical();
}
END_TEST

START_TEST(full_list_remove)
{
	struct range_list copy;

	fill_list();
	memcpy(&copy, &list, sizeof(copy));
	/* A split needs a new entry: refused, and nothing changes. */
	ck_assert_int_eq(range_list_remove(&list, 12, 18), -ENOSPC);
	ck_assert_mem_eq(&list, &copy, sizeof(copy));
	ck_assert_int_eq(range_list_remove(&list, 100 * 127 + 11, 100 * 127 + 12),
			 -ENOSPC);
	ck_assert_mem_eq(&list, &copy, sizeof(copy));

	/* Trims and deletions need no room. */
	ck_assert_int_eq(range_list_remove(&list, 0, 15), 0);
	ck_assert_uint_eq(list.r[0].start, 15);
	ck_assert_int_eq(range_list_remove(&list, 115, 300), 0);
	ck_assert_uint_eq(list.count, RANGE_LIST_MAX - 1);
	ck_assert_uint_eq(list.r[1].start, 110);
	ck_assert_uint_eq(list.r[1].end, 115);
	ck_assert_uint_eq(list.r[2].start, 310);
	/* And with room again, the split works. */
	ck_assert_int_eq(range_list_remove(&list, 312, 318), 0);
	ck_assert_uint_eq(list.count, RANGE_LIST_MAX);
	ck_assert_uint_eq(list.r[2].end, 312);
	ck_assert_uint_eq(list.r[3].start, 318);
	check_canonical();
}
END_TEST

START_TEST(random_against_bitmap)
{
	enum { U = 2048 };
	static bool bits[U];
	uint64_t seed = 2024;

	for (unsigned int step = 0; step < 20000; step++) {
		uint64_t a = rng_below(&seed, U), len = rng_below(&seed, 64);
		uint64_t b = MIN(a + len, (uint64_t)U);
		bool add = rng_below(&seed, 2);
		struct range_list copy;
		int rc;

		memcpy(&copy, &list, sizeof(copy));
		rc = add ? range_list_add(&list, a, b) :
			   range_list_remove(&list, a, b);
		if (rc == -ENOSPC) {
			ck_assert_mem_eq(&list, &copy, sizeof(copy));
			continue;
		}
		ck_assert_int_eq(rc, 0);
		for (uint64_t i = a; i < b; i++)
			bits[i] = add;
		check_canonical();

		/* Rebuild the bitmap from the list and compare. */
		uint64_t total = 0;
		unsigned int k = 0;
		for (uint64_t i = 0; i < U; i++) {
			while (k < list.count && list.r[k].end <= i)
				k++;
			bool in = k < list.count && list.r[k].start <= i;
			if (in != bits[i])
				ck_abort_msg("step %u: bit %llu is %d in the list",
					     step, (unsigned long long)i, in);
			total += bits[i];
		}
		ck_assert_uint_eq(range_list_total(&list), total);
	}
}
END_TEST

Suite *range_suite(void)
{
	Suite *s = suite_create("range");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, empty_list);
	tcase_add_test(tc, contains);
	tcase_add_test(tc, intersects);
	tcase_add_test(tc, add_keeps_order);
	tcase_add_test(tc, add_merges);
	tcase_add_test(tc, remove_cases);
	tcase_add_test(tc, remove_across_ranges);
	tcase_add_test(tc, totals);
	tcase_add_test(tc, full_list_add);
	tcase_add_test(tc, full_list_remove);
	tcase_add_test(tc, random_against_bitmap);
	suite_add_tcase(s, tc);
	return s;
}
