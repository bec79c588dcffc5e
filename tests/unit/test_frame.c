/* Unit tests for the buddy frame allocator (hypervisor/common/frame.c). */
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <frame.h>

#include "unit.h"

static struct frame_pool pool;
static struct frame *table;
static uint64_t table_frames;

static void pool_setup(uint64_t nr_frames)
{
	table = calloc(nr_frames, sizeof(*table));
	ck_assert_ptr_nonnull(table);
	table_frames = nr_frames;
	frame_pool_init(&pool, table, nr_frames);
}

static void teardown(void)
{
	free(table);
	table = NULL;
}

/*
 * Walk the whole pool and check every invariant the allocator relies on:
 * each free list holds naturally aligned heads of its order, free_count
 * and free_frames match the lists, and the frame states add up to the
 * managed/free/used counters.
 */
static void check_pool(void)
{
	uint64_t listed_free = 0;

	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
		uint64_t n = 0;
		uint32_t prev = FRAME_NONE;

		for (uint32_t f = pool.free_head[o]; f != FRAME_NONE;
		     f = table[f].next) {
			ASSERT_FAST(f < table_frames);
			ASSERT_FAST(f + (1ULL << o) <= table_frames);
			ASSERT_FAST((f & ((1ULL << o) - 1)) == 0);
			ASSERT_FAST(table[f].state == FRAME_STATE_FREE);
			ASSERT_FAST(table[f].is_head == 1);
			ASSERT_FAST(table[f].order == o);
			ASSERT_FAST(table[f].prev == prev);
			for (uint64_t i = 1; i < (1ULL << o); i++) {
				ASSERT_FAST(table[f + i].state == FRAME_STATE_FREE);
				ASSERT_FAST(table[f + i].is_head == 0);
			}
			prev = f;
			ASSERT_FAST(++n <= table_frames);
		}
		ck_assert_uint_eq(n, pool.free_count[o]);
		listed_free += n << o;
	}
	ck_assert_uint_eq(listed_free, pool.free_frames);

	uint64_t nfree = 0, nalloc = 0;
	for (uint64_t f = 0; f < table_frames; f++) {
		if (table[f].state == FRAME_STATE_FREE)
			nfree++;
		else if (table[f].state == FRAME_STATE_ALLOCATED)
			nalloc++;
		else
			ASSERT_FAST(table[f].state == FRAME_STATE_UNMANAGED);
	}
	ck_assert_uint_eq(nfree, pool.free_frames);
	ck_assert_uint_eq(nalloc, frame_pool_used(&pool));
	ck_assert_uint_eq(pool.managed_frames, nfree + nalloc);
	ck_assert_uint_eq(pool.managed_frames,
			  pool.free_frames + frame_pool_used(&pool));
}

/* Snapshot of the counters, to show that a refused call changed nothing. */
struct counters {
	uint64_t free_count[FRAME_MAX_ORDER + 1];
	uint32_t free_head[FRAME_MAX_ORDER + 1];
	uint64_t managed, free;
};

static void snapshot(struct counters *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->free_count, pool.free_count, sizeof(c->free_count));
	memcpy(c->free_head, pool.free_head, sizeof(c->free_head));
	c->managed = pool.managed_frames;
	c->free = pool.free_frames;
}

static void assert_unchanged(const struct counters *c)
{
	struct counters now;

	snapshot(&now);
	ck_assert_mem_eq(&now, c, sizeof(now));
}

static unsigned int nonzero_orders(void)
{
	unsigned int n = 0;

	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++)
		n += pool.free_count[o] != 0;
	return n;
}

START_TEST(init_is_empty)
{
	pool_setup(64);
	ck_assert_ptr_eq(pool.frames, table);
	ck_assert_uint_eq(pool.nr_frames, 64);
	ck_assert_uint_eq(pool.managed_frames, 0);
	ck_assert_uint_eq(pool.free_frames, 0);
	ck_assert_uint_eq(frame_pool_used(&pool), 0);
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
		ck_assert_uint_eq(pool.free_head[o], FRAME_NONE);
		ck_assert_uint_eq(pool.free_count[o], 0);
	}
	ck_assert_uint_eq(frame_pool_alloc(&pool, 0), FRAME_NONE);
	check_pool();
}
END_TEST

START_TEST(add_range_aligned_is_one_block)
{
	pool_setup(1024);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 1024), 0);
	ck_assert_uint_eq(pool.managed_frames, 1024);
	ck_assert_uint_eq(pool.free_frames, 1024);
	ck_assert_uint_eq(pool.free_count[10], 1);
	ck_assert_uint_eq(pool.free_head[10], 0);
	ck_assert_uint_eq(nonzero_orders(), 1);
	check_pool();
}
END_TEST

START_TEST(add_range_unaligned_is_cut)
{
	/* [3, 103): 3/0, 4/2, 8/3, 16/4, 32/5, 64/5, 96/2, 100/1, 102/0 */
	static const uint64_t expect[] = { 2, 1, 2, 1, 1, 2 };

	pool_setup(256);
	ck_assert_int_eq(frame_pool_add_range(&pool, 3, 100), 0);
	ck_assert_uint_eq(pool.managed_frames, 100);
	ck_assert_uint_eq(pool.free_frames, 100);
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++)
		ck_assert_uint_eq(pool.free_count[o],
				  o < ARRAY_SIZE(expect) ? expect[o] : 0);
	ck_assert_uint_eq(table[2].state, FRAME_STATE_UNMANAGED);
	ck_assert_uint_eq(table[103].state, FRAME_STATE_UNMANAGED);
	check_pool();
}
END_TEST

START_TEST(add_range_pieces_coalesce)
{
	pool_setup(64);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 5), 0);
	ck_assert_int_eq(frame_pool_add_range(&pool, 5, 3), 0);
	ck_assert_uint_eq(pool.free_count[3], 1);
	ck_assert_uint_eq(nonzero_orders(), 1);
	ck_assert_int_eq(frame_pool_add_range(&pool, 8, 8), 0);
	ck_assert_int_eq(frame_pool_add_range(&pool, 32, 32), 0);
	ck_assert_int_eq(frame_pool_add_range(&pool, 16, 16), 0);
	ck_assert_uint_eq(pool.free_count[6], 1);
	ck_assert_uint_eq(pool.free_head[6], 0);
	ck_assert_uint_eq(nonzero_orders(), 1);
	ck_assert_uint_eq(pool.managed_frames, 64);
	check_pool();
}
END_TEST

START_TEST(add_range_refuses_bad_ranges)
{
	struct counters c;

	pool_setup(128);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 64), 0);
	snapshot(&c);
	ck_assert_int_eq(frame_pool_add_range(&pool, 32, 64), -EINVAL);
	ck_assert_int_eq(frame_pool_add_range(&pool, 60, 10), -EINVAL);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 1), -EINVAL);
	ck_assert_int_eq(frame_pool_add_range(&pool, 63, 1), -EINVAL);
	ck_assert_int_eq(frame_pool_add_range(&pool, 100, 29), -EINVAL);
	ck_assert_int_eq(frame_pool_add_range(&pool, 129, 0), -EINVAL);
	ck_assert_int_eq(frame_pool_add_range(&pool, 1, UINT64_MAX), -EINVAL);
	ck_assert_int_eq(frame_pool_add_range(&pool, UINT64_MAX, 2), -EINVAL);
	assert_unchanged(&c);
	for (uint64_t f = 64; f < 128; f++)
		ck_assert_uint_eq(table[f].state, FRAME_STATE_UNMANAGED);

	/* Allocated frames are managed too. */
	uint64_t a = frame_pool_alloc(&pool, 0);
	ck_assert_uint_ne(a, FRAME_NONE);
	snapshot(&c);
	ck_assert_int_eq(frame_pool_add_range(&pool, a, 1), -EINVAL);
	assert_unchanged(&c);

	ck_assert_int_eq(frame_pool_add_range(&pool, 64, 64), 0);
	ck_assert_uint_eq(pool.managed_frames, 128);
	ck_assert_int_eq(frame_pool_add_range(&pool, 128, 0), 0);
	ck_assert_uint_eq(pool.managed_frames, 128);
	check_pool();
}
END_TEST

START_TEST(alloc_orders_aligned_and_disjoint)
{
	uint64_t got[10];
	uint8_t *owner;

	pool_setup(1024);
	owner = calloc(1024, 1);
	ck_assert_ptr_nonnull(owner);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 1024), 0);

	uint64_t used = 0;
	for (unsigned int o = 0; o < 10; o++) {
		got[o] = frame_pool_alloc(&pool, o);
		ck_assert_uint_ne(got[o], FRAME_NONE);
		ck_assert_uint_eq(got[o] & ((1ULL << o) - 1), 0);
		ck_assert_uint_le(got[o] + (1ULL << o), 1024);
		ck_assert_uint_eq(table[got[o]].is_head, 1);
		ck_assert_uint_eq(table[got[o]].order, o);
		for (uint64_t f = got[o]; f < got[o] + (1ULL << o); f++) {
			ck_assert_uint_eq(owner[f], 0);
			owner[f] = 1;
			ck_assert_uint_eq(table[f].state, FRAME_STATE_ALLOCATED);
		}
		used += 1ULL << o;
		ck_assert_uint_eq(frame_pool_used(&pool), used);
		ck_assert_uint_eq(pool.free_frames, 1024 - used);
		check_pool();
	}
	/* 1023 frames are used; exactly one order-0 frame is left. */
	ck_assert_uint_eq(pool.free_frames, 1);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 1), FRAME_NONE);
	uint64_t last = frame_pool_alloc(&pool, 0);
	ck_assert_uint_ne(last, FRAME_NONE);
	ck_assert_uint_eq(owner[last], 0);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 0), FRAME_NONE);

	ck_assert_int_eq(frame_pool_free(&pool, last, 0), 0);
	for (unsigned int o = 0; o < 10; o++) {
		ck_assert_int_eq(frame_pool_free(&pool, got[o], o), 0);
		check_pool();
	}
	ck_assert_uint_eq(pool.free_frames, 1024);
	ck_assert_uint_eq(pool.free_count[10], 1);
	ck_assert_uint_eq(nonzero_orders(), 1);
	free(owner);
}
END_TEST

START_TEST(alloc_alignment_in_unaligned_range)
{
	unsigned int n = 0;

	pool_setup(1024);
	ck_assert_int_eq(frame_pool_add_range(&pool, 1, 1022), 0);
	for (;;) {
		uint64_t f = frame_pool_alloc(&pool, 3);
		if (f == FRAME_NONE)
			break;
		ck_assert_uint_eq(f % 8, 0);
		ck_assert_uint_ge(f, 8);
		ck_assert_uint_le(f + 8, 1016);
		n++;
	}
	/* Whole aligned 8-frame blocks inside [1, 1023): 8 .. 1015. */
	ck_assert_uint_eq(n, 126);
	ck_assert_uint_eq(pool.free_frames, 1022 - 126 * 8);
	for (unsigned int i = 0; i < 1022 - 126 * 8; i++) {
		uint64_t f = frame_pool_alloc(&pool, 0);
		ck_assert_uint_ne(f, FRAME_NONE);
		ck_assert(f < 8 || f >= 1016);
		ck_assert_uint_ge(f, 1);
		ck_assert_uint_lt(f, 1023);
	}
	ck_assert_uint_eq(frame_pool_alloc(&pool, 0), FRAME_NONE);
	ck_assert_uint_eq(pool.free_frames, 0);
	check_pool();
}
END_TEST

START_TEST(free_everything_coalesces)
{
	enum { N = 4096 };
	static uint64_t got[N];
	uint64_t seed = 12345;

	pool_setup(N);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, N), 0);
	for (unsigned int i = 0; i < N; i++) {
		got[i] = frame_pool_alloc(&pool, 0);
		ck_assert_uint_ne(got[i], FRAME_NONE);
	}
	ck_assert_uint_eq(frame_pool_alloc(&pool, 0), FRAME_NONE);
	ck_assert_uint_eq(pool.free_frames, 0);
	check_pool();
	/* Free in a shuffled order. */
	for (unsigned int i = N - 1; i > 0; i--) {
		unsigned int j = rng_below(&seed, i + 1);
		uint64_t t = got[i];
		got[i] = got[j];
		got[j] = t;
	}
	for (unsigned int i = 0; i < N; i++)
		ck_assert_int_eq(frame_pool_free(&pool, got[i], 0), 0);
	check_pool();
	ck_assert_uint_eq(pool.free_frames, N);
	ck_assert_uint_eq(pool.free_count[12], 1);
	ck_assert_uint_eq(nonzero_orders(), 1);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 12), 0);
}
END_TEST

START_TEST(fragmentation)
{
	enum { N = 256 };
	static uint8_t allocated[N];

	pool_setup(N);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, N), 0);
	for (unsigned int i = 0; i < N; i++) {
		uint64_t f = frame_pool_alloc(&pool, 0);
		ck_assert_uint_lt(f, N);
		ck_assert_uint_eq(allocated[f], 0);
		allocated[f] = 1;
	}
	ck_assert_uint_eq(frame_pool_alloc(&pool, 0), FRAME_NONE);

	/* Free every other frame: 128 free frames, no two of them buddies. */
	for (unsigned int f = 0; f < N; f += 2)
		ck_assert_int_eq(frame_pool_free(&pool, f, 0), 0);
	ck_assert_uint_eq(pool.free_frames, N / 2);
	ck_assert_uint_eq(pool.free_count[0], N / 2);
	ck_assert_uint_eq(nonzero_orders(), 1);
	check_pool();
	for (unsigned int o = 1; o <= 8; o++)
		ck_assert_uint_eq(frame_pool_alloc(&pool, o), FRAME_NONE);
	ck_assert_uint_eq(pool.free_frames, N / 2);

	for (unsigned int f = 1; f < N; f += 2)
		ck_assert_int_eq(frame_pool_free(&pool, f, 0), 0);
	check_pool();
	ck_assert_uint_eq(pool.free_count[8], 1);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 8), 0);
	ck_assert_uint_eq(pool.free_frames, 0);
}
END_TEST

START_TEST(exhaustion)
{
	pool_setup(64);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 64), 0);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 7), FRAME_NONE);
	ck_assert_uint_eq(frame_pool_alloc(&pool, FRAME_MAX_ORDER + 1), FRAME_NONE);
	ck_assert_uint_eq(frame_pool_alloc(&pool, UINT32_MAX), FRAME_NONE);
	ck_assert_uint_eq(pool.free_frames, 64);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 6), 0);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 0), FRAME_NONE);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 6), FRAME_NONE);
	ck_assert_uint_eq(pool.free_frames, 0);
	ck_assert_uint_eq(frame_pool_used(&pool), 64);
	check_pool();
	ck_assert_int_eq(frame_pool_free(&pool, 0, 6), 0);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 5), 0);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 5), 32);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 5), FRAME_NONE);
	check_pool();
}
END_TEST

START_TEST(max_order_blocks_do_not_merge)
{
	const uint64_t n = 2ULL << FRAME_MAX_ORDER;

	pool_setup(n);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, n), 0);
	ck_assert_uint_eq(pool.free_count[FRAME_MAX_ORDER], 2);
	ck_assert_uint_eq(nonzero_orders(), 1);
	uint64_t a = frame_pool_alloc(&pool, FRAME_MAX_ORDER);
	uint64_t b = frame_pool_alloc(&pool, FRAME_MAX_ORDER);
	ck_assert_uint_ne(a, FRAME_NONE);
	ck_assert_uint_ne(b, FRAME_NONE);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(a % (1ULL << FRAME_MAX_ORDER), 0);
	ck_assert_uint_eq(b % (1ULL << FRAME_MAX_ORDER), 0);
	ck_assert_uint_eq(frame_pool_alloc(&pool, 0), FRAME_NONE);
	ck_assert_int_eq(frame_pool_free(&pool, a, FRAME_MAX_ORDER), 0);
	ck_assert_int_eq(frame_pool_free(&pool, b, FRAME_MAX_ORDER), 0);
	ck_assert_uint_eq(pool.free_count[FRAME_MAX_ORDER], 2);
	ck_assert_uint_eq(pool.free_frames, n);
	check_pool();
}
END_TEST

START_TEST(bad_frees_are_refused)
{
	struct counters c;

	pool_setup(128);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 64), 0);
	uint64_t a = frame_pool_alloc(&pool, 2);
	uint64_t b = frame_pool_alloc(&pool, 0);
	ck_assert_uint_ne(a, FRAME_NONE);
	ck_assert_uint_ne(b, FRAME_NONE);
	/* b's buddy, free and never allocated */
	uint64_t never = b ^ 1;
	ck_assert_uint_eq(table[never].state, FRAME_STATE_FREE);
	check_pool();
	snapshot(&c);

	ck_assert_int_eq(frame_pool_free(&pool, a, 1), -EINVAL);	/* order */
	ck_assert_int_eq(frame_pool_free(&pool, a, 3), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, a + 1, 2), -EINVAL);	/* interior */
	ck_assert_int_eq(frame_pool_free(&pool, a + 1, 0), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, a + 2, 1), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, never, 0), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, 32, 5), -EINVAL);	/* free head */
	ck_assert_int_eq(frame_pool_free(&pool, 100, 0), -EINVAL);	/* unmanaged */
	ck_assert_int_eq(frame_pool_free(&pool, 128, 0), -EINVAL);	/* past table */
	ck_assert_int_eq(frame_pool_free(&pool, UINT64_MAX, 0), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, a, FRAME_MAX_ORDER + 1), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, a, UINT32_MAX), -EINVAL);
	assert_unchanged(&c);
	check_pool();

	ck_assert_int_eq(frame_pool_free(&pool, a, 2), 0);
	ck_assert_uint_eq(pool.free_frames, c.free + 4);
	snapshot(&c);
	ck_assert_int_eq(frame_pool_free(&pool, a, 2), -EINVAL);	/* double */
	assert_unchanged(&c);

	ck_assert_int_eq(frame_pool_free(&pool, b, 0), 0);
	snapshot(&c);
	/* b merged with its buddy and further: neither half is a block head
	 * of order 0 any more. */
	ck_assert_int_eq(frame_pool_free(&pool, b, 0), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, never, 0), -EINVAL);
	ck_assert_int_eq(frame_pool_free(&pool, 0, 6), -EINVAL);
	assert_unchanged(&c);
	ck_assert_uint_eq(pool.free_frames, 64);
	ck_assert_uint_eq(pool.free_count[6], 1);
	check_pool();
}
END_TEST

struct block {
	uint64_t first;
	unsigned int order;
};

START_TEST(random_alloc_free)
{
	enum { N = 4096, MAXLIVE = 2048, STEPS = 30000 };
	static struct block live[MAXLIVE];
	static uint32_t owner[N];	/* 0: none, else block index + 1 */
	uint64_t start_count[FRAME_MAX_ORDER + 1];
	unsigned int nlive = 0;
	uint64_t used = 0, seed = 0x5eed;
	unsigned int fails = 0;

	pool_setup(N);
	/* A few holes, as a real memory map has. */
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 1000), 0);
	ck_assert_int_eq(frame_pool_add_range(&pool, 1003, 1997), 0);
	ck_assert_int_eq(frame_pool_add_range(&pool, 3001, N - 3001), 0);
	ck_assert_uint_eq(pool.managed_frames, N - 4);
	check_pool();
	memcpy(start_count, pool.free_count, sizeof(start_count));

	for (unsigned int step = 0; step < STEPS; step++) {
		bool do_alloc = nlive == 0 ||
			(nlive < MAXLIVE && rng_below(&seed, 100) < 55);

		if (do_alloc) {
			unsigned int order = rng_below(&seed, 100) < 70 ? 0 :
					     rng_below(&seed, 7);
			uint64_t f = frame_pool_alloc(&pool, order);

			if (f == FRAME_NONE) {
				fails++;
				/* Refusal only when no free block is big
				 * enough. */
				for (unsigned int o = order; o <= FRAME_MAX_ORDER; o++)
					ck_assert_uint_eq(pool.free_count[o], 0);
			} else {
				ck_assert_uint_eq(f & ((1ULL << order) - 1), 0);
				ck_assert_uint_le(f + (1ULL << order), N);
				for (uint64_t i = f; i < f + (1ULL << order); i++) {
					ASSERT_FAST(owner[i] == 0);
					ASSERT_FAST(table[i].state ==
						    FRAME_STATE_ALLOCATED);
					owner[i] = nlive + 1;
				}
				live[nlive].first = f;
				live[nlive].order = order;
				nlive++;
				used += 1ULL << order;
			}
		} else {
			unsigned int k = rng_below(&seed, nlive);
			struct block b = live[k];

			ck_assert_int_eq(frame_pool_free(&pool, b.first, b.order), 0);
			for (uint64_t i = b.first; i < b.first + (1ULL << b.order); i++) {
				ASSERT_FAST(owner[i] == k + 1);
				owner[i] = 0;
			}
			used -= 1ULL << b.order;
			/* Move the last block into slot k. */
			nlive--;
			if (k != nlive) {
				live[k] = live[nlive];
				for (uint64_t i = live[k].first;
				     i < live[k].first + (1ULL << live[k].order); i++)
					owner[i] = k + 1;
			}
		}
		ck_assert_uint_eq(frame_pool_used(&pool), used);
		ck_assert_uint_eq(pool.managed_frames,
				  pool.free_frames + frame_pool_used(&pool));
		if (step % 1000 == 0)
			check_pool();
	}
	check_pool();

	while (nlive) {
		nlive--;
		ck_assert_int_eq(frame_pool_free(&pool, live[nlive].first,
						 live[nlive].order), 0);
	}
	check_pool();
	ck_assert_uint_eq(pool.free_frames, N - 4);
	ck_assert_uint_eq(frame_pool_used(&pool), 0);
	/* Everything coalesced back to the blocks add_range made. */
	ck_assert_mem_eq(pool.free_count, start_count, sizeof(start_count));
	/* The sequence did run the pool dry now and then. */
	ck_assert_uint_gt(fails, 0);
}
END_TEST

START_TEST(claim_range_takes_exactly_those_frames)
{
	pool_setup(4096);
	ck_assert_int_eq(frame_pool_add_range(&pool, 16, 4000), 0);
	uint64_t before = pool.free_frames;
	uint64_t start_count[FRAME_MAX_ORDER + 1];
	memcpy(start_count, pool.free_count, sizeof(start_count));

	/* Straddling several blocks, unaligned at both ends. */
	ck_assert_int_eq(frame_pool_claim_range(&pool, 1000, 1500), 0);
	check_pool();
	ck_assert_uint_eq(pool.free_frames, before - 1500);
	for (uint64_t f = 990; f < 2510; f++) {
		bool in = f >= 1000 && f < 2500;
		ck_assert_uint_eq(table[f].state, in ? FRAME_STATE_ALLOCATED :
						       FRAME_STATE_FREE);
		if (in)
			ck_assert(table[f].is_head && table[f].order == 0);
	}
	/* A range with a taken frame in it: nothing changes. */
	ck_assert_int_eq(frame_pool_claim_range(&pool, 2400, 200), -EBUSY);
	ck_assert_int_eq(frame_pool_claim_range(&pool, 4000, 200), -EINVAL);
	ck_assert_int_eq(frame_pool_claim_range(&pool, 10, 10), -EBUSY);
	ck_assert_uint_eq(pool.free_frames, before - 1500);
	check_pool();
	/* Each frame goes back on its own, and all merges again. */
	for (uint64_t f = 1000; f < 2500; f++)
		ck_assert_int_eq(frame_pool_free(&pool, f, 0), 0);
	check_pool();
	ck_assert_uint_eq(pool.free_frames, before);
	ck_assert_mem_eq(pool.free_count, start_count, sizeof(start_count));
}
END_TEST

START_TEST(find_free_run_from_the_top)
{
	pool_setup(8192);
	ck_assert_int_eq(frame_pool_add_range(&pool, 0, 8000), 0);
	/* The highest 512-aligned run of 1000 that fits below 8000. */
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 1000, 512, 0, 0),
			  6656);
	/* A frame taken in its way pushes it down. */
	ck_assert_int_eq(frame_pool_claim_range(&pool, 7000, 1), 0);
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 1000, 512, 0, 0),
			  5632);
	/* Its first 600 frames may not cross a multiple of 4096: they do
	 * not; of 2048: they would, at 6144. */
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 1000, 512, 4096,
						   600), 5632);
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 1000, 512, 2048,
						   600), 5120);
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 3000, 1, 0, 0),
			  4000);
	/* Too big, or nowhere. */
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 7500, 1, 0, 0),
			  FRAME_NONE);
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 100, 3, 0, 0),
			  FRAME_NONE);
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 0, 1, 0, 0),
			  FRAME_NONE);
	ck_assert_uint_eq(frame_pool_find_free_run(&pool, 9000, 1, 0, 0),
			  FRAME_NONE);
	/* Found, then claimed. */
	uint64_t f = frame_pool_find_free_run(&pool, 1000, 512, 0, 0);
	ck_assert_int_eq(frame_pool_claim_range(&pool, f, 1000), 0);
	check_pool();
}
END_TEST

Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, init_is_empty);
	tcase_add_test(tc, add_range_aligned_is_one_block);
	tcase_add_test(tc, add_range_unaligned_is_cut);
	tcase_add_test(tc, add_range_pieces_coalesce);
	tcase_add_test(tc, add_range_refuses_bad_ranges);
	tcase_add_test(tc, alloc_orders_aligned_and_disjoint);
	tcase_add_test(tc, alloc_alignment_in_unaligned_range);
	tcase_add_test(tc, free_everything_coalesces);
	tcase_add_test(tc, fragmentation);
	tcase_add_test(tc, exhaustion);
	tcase_add_test(tc, max_order_blocks_do_not_merge);
	tcase_add_test(tc, bad_frees_are_refused);
	tcase_add_test(tc, random_alloc_free);
	tcase_add_test(tc, claim_range_takes_exactly_those_frames);
	tcase_add_test(tc, find_free_run_from_the_top);
	suite_add_tcase(s, tc);
	return s;
}
