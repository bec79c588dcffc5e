/* Unit tests for the hypervisor heap (hypervisor/common/heap.c). */
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <heap.h>

#include "unit.h"

/*
 * The page source: aligned_alloc() blocks of 4096 << order bytes, each
 * recorded so that frees of unknown blocks, wrong orders and leaks are
 * caught. With @defer, freed blocks stay allocated (but are marked dead)
 * until teardown, so a double free can look at the old header without a
 * use-after-free. With @fake_large, every request gets a single page: the
 * heap writes only its header, so huge objects can be tested cheaply.
 */
struct src_block {
	void *p;
	unsigned int order;
	bool live;
};

struct page_src {
	struct src_block *blocks;
	size_t nblocks, cap;
	uint64_t live_pages;
	uint64_t alloc_calls, free_calls;
	bool fail;
	bool defer;
	bool fake_large;
};

static struct page_src src;
static struct heap heap;

static void *src_alloc(void *ctx, unsigned int order)
{
	struct page_src *s = ctx;

	ck_assert_ptr_eq(s, &src);
	s->alloc_calls++;
	if (s->fail)
		return NULL;
	ck_assert_uint_le(order, 30);
	size_t bytes = s->fake_large ? PAGE_SIZE : PAGE_SIZE << order;
	void *p = aligned_alloc(PAGE_SIZE, bytes);
	ck_assert_ptr_nonnull(p);
	memset(p, 0xa5, bytes);	/* the heap must not expect zeroed pages */
	if (s->nblocks == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->blocks = realloc(s->blocks, s->cap * sizeof(*s->blocks));
		ck_assert_ptr_nonnull(s->blocks);
	}
	s->blocks[s->nblocks++] = (struct src_block){ p, order, true };
	s->live_pages += 1ULL << order;
	return p;
}

static void src_free(void *ctx, void *pages, unsigned int order)
{
	struct page_src *s = ctx;
	size_t i;

	ck_assert_ptr_eq(s, &src);
	s->free_calls++;
	for (i = 0; i < s->nblocks; i++)
		if (s->blocks[i].p == pages && s->blocks[i].live)
			break;
	ck_assert_msg(i < s->nblocks, "heap freed pages it does not own: %p",
		      pages);
	ck_assert_uint_eq(s->blocks[i].order, order);
	s->live_pages -= 1ULL << order;
	if (s->defer) {
		s->blocks[i].live = false;
		return;
	}
	free(pages);
	s->blocks[i] = s->blocks[--s->nblocks];
}

static void setup(void)
{
	struct heap_page_source ps = {
		.alloc_pages = src_alloc,
		.free_pages = src_free,
		.ctx = &src,
	};

	memset(&src, 0, sizeof(src));
	heap_init(&heap, &ps);
}

static void teardown(void)
{
	for (size_t i = 0; i < src.nblocks; i++)
		free(src.blocks[i].p);
	free(src.blocks);
	memset(&src, 0, sizeof(src));
}

static size_t class_size(size_t size)
{
	size_t c = 16;

	while (c < size)
		c <<= 1;
	return c;
}

/* Pages a large object of @size bytes takes (header included). */
static unsigned int large_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size + 128)
		order++;
	return order;
}

static void assert_empty(void)
{
	ck_assert_uint_eq(heap.stats.objects_in_use, 0);
	ck_assert_uint_eq(heap.stats.bytes_in_use, 0);
	ck_assert_uint_eq(heap.stats.pages_in_use, 0);
	ck_assert_uint_eq(src.live_pages, 0);
}

START_TEST(init_state)
{
	ck_assert_ptr_eq(heap.source.ctx, &src);
	ck_assert_ptr_eq(heap.source.alloc_pages, src_alloc);
	for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++)
		ck_assert_ptr_null(heap.partial[i]);
	ck_assert_uint_eq(heap.stats.failed_allocs, 0);
	ck_assert_uint_eq(heap.stats.bad_frees, 0);
	assert_empty();
	ck_assert_int_eq(heap_free(&heap, NULL), 0);
	ck_assert_uint_eq(heap.stats.bad_frees, 0);
	ck_assert_uint_eq(heap_object_size(&heap, NULL), 0);
}
END_TEST

START_TEST(small_size_classes)
{
	static const size_t sizes[] = {
		0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128, 129, 200,
		256, 257, 500, 512, 513, 1000, 1024, 1025, 1500, 2047, 2048,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t want = class_size(sizes[i] ? sizes[i] : 1);
		uint8_t *p = heap_alloc(&heap, sizes[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		ck_assert_uint_eq(heap_object_size(&heap, p), want);
		ck_assert_uint_eq(heap.stats.bytes_in_use, want);
		ck_assert_uint_eq(heap.stats.objects_in_use, 1);
		ck_assert_uint_eq(heap.stats.pages_in_use, 1);
		ck_assert_uint_eq(src.live_pages, 1);
		memset(p, 0x5a, want);	/* the whole class size is usable */
		ck_assert_int_eq(heap_free(&heap, p), 0);
		assert_empty();
	}
	ck_assert_uint_eq(heap.stats.bad_frees, 0);
	ck_assert_uint_eq(heap.stats.failed_allocs, 0);
}
END_TEST

START_TEST(large_sizes)
{
	static const size_t sizes[] = {
		2049, 3000, 3968, 3969, 4096, 8064, 8065, 10000, 65536,
		(1 << 20), (1 << 20) + 1,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int order = large_order(sizes[i]);
		size_t usable = (PAGE_SIZE << order) - 128;
		uint8_t *p = heap_alloc(&heap, sizes[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		ck_assert_uint_ge(usable, sizes[i]);
		ck_assert_uint_eq(heap_object_size(&heap, p), usable);
		ck_assert_uint_eq(heap.stats.bytes_in_use, sizes[i]);
		ck_assert_uint_eq(heap.stats.objects_in_use, 1);
		ck_assert_uint_eq(heap.stats.pages_in_use, 1ULL << order);
		ck_assert_uint_eq(src.live_pages, 1ULL << order);
		memset(p, 0x5a, usable);
		ck_assert_int_eq(heap_free(&heap, p), 0);
		assert_empty();
	}
	ck_assert_uint_eq(large_order(3968), 0);
	ck_assert_uint_eq(large_order(3969), 1);
	ck_assert_uint_eq(heap.stats.bad_frees, 0);
}
END_TEST

START_TEST(slots_per_page)
{
	/* (4096 - 128) / class size objects fit in one page. */
	static void *objs[249], *more[249];

	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++) {
		size_t size = (size_t)16 << c;
		unsigned int per_page = (PAGE_SIZE - 128) / size;

		for (unsigned int i = 0; i < per_page; i++) {
			objs[i] = heap_alloc(&heap, size);
			ck_assert_ptr_nonnull(objs[i]);
			ck_assert_uint_eq(heap.stats.pages_in_use, 1);
		}
		objs[per_page] = heap_alloc(&heap, size);
		ck_assert_ptr_nonnull(objs[per_page]);
		ck_assert_uint_eq(heap.stats.pages_in_use, 2);
		ck_assert_uint_eq(src.live_pages, 2);

		if (per_page == 1) {
			/* The 2048 class: one object per page. */
			ck_assert_int_eq(heap_free(&heap, objs[0]), 0);
			ck_assert_uint_eq(heap.stats.pages_in_use, 1);
			ck_assert_int_eq(heap_free(&heap, objs[1]), 0);
			assert_empty();
			continue;
		}

		/* Free a slot on the first page: the next per_page objects
		 * fit in that hole and the rest of the second page. */
		void *victim = objs[0];
		bool reused = false;
		ck_assert_int_eq(heap_free(&heap, victim), 0);
		ck_assert_uint_eq(heap.stats.pages_in_use, 2);
		for (unsigned int k = 0; k < per_page; k++) {
			more[k] = heap_alloc(&heap, size);
			ck_assert_ptr_nonnull(more[k]);
			reused |= more[k] == victim;
			ck_assert_uint_eq(heap.stats.pages_in_use, 2);
		}
		ck_assert(reused);
		void *q = heap_alloc(&heap, size);
		ck_assert_ptr_nonnull(q);
		ck_assert_uint_eq(heap.stats.pages_in_use, 3);
		ck_assert_int_eq(heap_free(&heap, q), 0);
		ck_assert_uint_eq(heap.stats.pages_in_use, 2);

		for (unsigned int k = 0; k < per_page; k++)
			ck_assert_int_eq(heap_free(&heap, more[k]), 0);
		for (unsigned int i = 1; i <= per_page; i++)
			ck_assert_int_eq(heap_free(&heap, objs[i]), 0);
		assert_empty();
	}
}
END_TEST

START_TEST(freed_slot_is_reused)
{
	void *a = heap_alloc(&heap, 64);
	void *b = heap_alloc(&heap, 64);
	void *c = heap_alloc(&heap, 64);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(heap_free(&heap, b), 0);
	ck_assert_ptr_eq(heap_alloc(&heap, 50), b);
	ck_assert_uint_eq(heap.stats.pages_in_use, 1);
	ck_assert_uint_eq(heap.stats.objects_in_use, 3);
	ck_assert_int_eq(heap_free(&heap, a), 0);
	ck_assert_int_eq(heap_free(&heap, b), 0);
	ck_assert_int_eq(heap_free(&heap, c), 0);
	assert_empty();
}
END_TEST

struct obj {
	uint8_t *p;
	size_t size;
	uint32_t id;
};

static void fill(const struct obj *o)
{
	for (size_t i = 0; i < o->size; i++)
		o->p[i] = (uint8_t)(o->id * 131 + i * 7 + (i >> 8));
}

static void verify(const struct obj *o)
{
	for (size_t i = 0; i < o->size; i++)
		if (o->p[i] != (uint8_t)(o->id * 131 + i * 7 + (i >> 8)))
			ck_abort_msg("object %u (%zu bytes at %p) corrupted at "
				     "byte %zu", o->id, o->size, (void *)o->p, i);
}

static int cmp_obj(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct obj *)a)->p;
	uintptr_t y = (uintptr_t)((const struct obj *)b)->p;

	return x < y ? -1 : x > y;
}

START_TEST(live_objects_do_not_overlap)
{
	enum { N = 3000 };
	static struct obj objs[N], sorted[N];
	uint64_t seed = 42;

	for (unsigned int i = 0; i < N; i++) {
		size_t size = rng_below(&seed, 10) < 8 ?
			1 + rng_below(&seed, 2048) :
			2049 + rng_below(&seed, 20000);
		objs[i] = (struct obj){ heap_alloc(&heap, size), size, i };
		ck_assert_ptr_nonnull(objs[i].p);
		ck_assert_uint_eq((uintptr_t)objs[i].p % 16, 0);
		ck_assert_uint_ge(heap_object_size(&heap, objs[i].p), size);
		fill(&objs[i]);
	}
	for (unsigned int i = 0; i < N; i++)
		verify(&objs[i]);

	/* Usable extents are pairwise disjoint. */
	memcpy(sorted, objs, sizeof(sorted));
	qsort(sorted, N, sizeof(sorted[0]), cmp_obj);
	for (unsigned int i = 0; i + 1 < N; i++)
		ck_assert_uint_le((uintptr_t)sorted[i].p +
				  heap_object_size(&heap, sorted[i].p),
				  (uintptr_t)sorted[i + 1].p);

	/* Free in a random order, checking the survivors as we go. */
	for (unsigned int i = N - 1; i > 0; i--) {
		unsigned int j = rng_below(&seed, i + 1);
		struct obj t = objs[i];
		objs[i] = objs[j];
		objs[j] = t;
	}
	for (unsigned int i = 0; i < N; i++) {
		verify(&objs[i]);
		ck_assert_int_eq(heap_free(&heap, objs[i].p), 0);
		if (i % 500 == 0)
			for (unsigned int k = i + 1; k < N; k++)
				verify(&objs[k]);
	}
	assert_empty();
	ck_assert_uint_eq(heap.stats.bad_frees, 0);
	for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++)
		ck_assert_ptr_null(heap.partial[i]);
}
END_TEST

START_TEST(double_free_small)
{
	void *a = heap_alloc(&heap, 32);
	void *b = heap_alloc(&heap, 32);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(heap_free(&heap, a), 0);
	ck_assert_uint_eq(heap_object_size(&heap, a), 0);
	ck_assert_int_eq(heap_free(&heap, a), -EINVAL);
	ck_assert_uint_eq(heap.stats.bad_frees, 1);
	ck_assert_uint_eq(heap.stats.objects_in_use, 1);
	ck_assert_uint_eq(heap.stats.bytes_in_use, 32);
	ck_assert_uint_eq(heap.stats.pages_in_use, 1);
	ck_assert_int_eq(heap_free(&heap, b), 0);
	assert_empty();
	ck_assert_uint_eq(heap.stats.bad_frees, 1);
}
END_TEST

START_TEST(double_free_after_page_returned)
{
	/* Keep returned pages readable so the stale headers can be looked
	 * at without a use-after-free. */
	src.defer = true;
	void *s = heap_alloc(&heap, 100);
	void *l = heap_alloc(&heap, 5000);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(heap_free(&heap, s), 0);
	ck_assert_int_eq(heap_free(&heap, l), 0);
	assert_empty();
	ck_assert_uint_eq(src.free_calls, 2);
	ck_assert_int_eq(heap_free(&heap, s), -EINVAL);
	ck_assert_int_eq(heap_free(&heap, l), -EINVAL);
	ck_assert_uint_eq(heap.stats.bad_frees, 2);
	ck_assert_uint_eq(src.free_calls, 2);
	ck_assert_uint_eq(heap_object_size(&heap, s), 0);
	ck_assert_uint_eq(heap_object_size(&heap, l), 0);
	assert_empty();
}
END_TEST

START_TEST(interior_pointers)
{
	uint8_t *a = heap_alloc(&heap, 64);
	uint8_t *big = heap_alloc(&heap, 2048);
	uint8_t *l = heap_alloc(&heap, 3000);
	uint8_t *l2 = heap_alloc(&heap, 3 * PAGE_SIZE);
	struct heap_stats before;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_nonnull(l2);
	memset(l2, 0, 3 * PAGE_SIZE);
	before = heap.stats;

	uint8_t *bad[] = {
		a + 1, a + 16, a + 32, a + 63,	/* inside a slot */
		a + 64,				/* the next, never used slot */
		big + 16, big + 2048,		/* past the only 2048 slot */
		l + 16, l + 1, l + 2999,	/* inside a large object */
		l - 128, l - 16,		/* the page and its header */
		l2 + PAGE_SIZE - 128,		/* start of its second page */
		l2 + PAGE_SIZE,			/* offset 128 of later pages */
		l2 + 2 * PAGE_SIZE,
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(heap_free(&heap, bad[i]) == -EINVAL,
			      "bad pointer %u was accepted", i);
		ck_assert_uint_eq(heap_object_size(&heap, bad[i]), 0);
	}
	ck_assert_uint_eq(heap.stats.bad_frees, ARRAY_SIZE(bad));
	ck_assert_uint_eq(heap.stats.objects_in_use, before.objects_in_use);
	ck_assert_uint_eq(heap.stats.bytes_in_use, before.bytes_in_use);
	ck_assert_uint_eq(heap.stats.pages_in_use, before.pages_in_use);
	ck_assert_uint_eq(src.free_calls, 0);

	ck_assert_int_eq(heap_free(&heap, a), 0);
	ck_assert_int_eq(heap_free(&heap, big), 0);
	ck_assert_int_eq(heap_free(&heap, l), 0);
	ck_assert_int_eq(heap_free(&heap, l2), 0);
	assert_empty();
}
END_TEST

START_TEST(foreign_pointers)
{
	uint8_t *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	ck_assert_ptr_nonnull(page);
	memset(page, 0, PAGE_SIZE);
	void *a = heap_alloc(&heap, 16);
	ck_assert_ptr_nonnull(a);

	ck_assert_int_eq(heap_free(&heap, page), -EINVAL);
	ck_assert_int_eq(heap_free(&heap, page + 128), -EINVAL);
	ck_assert_int_eq(heap_free(&heap, page + 256), -EINVAL);
	ck_assert_int_eq(heap_free(&heap, page + PAGE_SIZE - 16), -EINVAL);
	ck_assert_uint_eq(heap_object_size(&heap, page + 128), 0);
	ck_assert_uint_eq(heap.stats.bad_frees, 4);
	ck_assert_uint_eq(heap.stats.objects_in_use, 1);

	ck_assert_int_eq(heap_free(&heap, a), 0);
	assert_empty();
	free(page);
}
END_TEST

START_TEST(page_source_failure)
{
	src.fail = true;
	ck_assert_ptr_null(heap_alloc(&heap, 16));
	ck_assert_uint_eq(heap.stats.failed_allocs, 1);
	ck_assert_ptr_null(heap_alloc(&heap, 5000));
	ck_assert_uint_eq(heap.stats.failed_allocs, 2);
	ck_assert_uint_eq(src.alloc_calls, 2);
	/* Too large to ask the page source at all. */
	ck_assert_ptr_null(heap_alloc(&heap, (size_t)1 << 41));
	ck_assert_ptr_null(heap_alloc(&heap, SIZE_MAX));
	ck_assert_uint_eq(heap.stats.failed_allocs, 4);
	ck_assert_uint_eq(src.alloc_calls, 2);
	assert_empty();

	/* A page with room serves its class without the source. */
	src.fail = false;
	void *a = heap_alloc(&heap, 16);
	ck_assert_ptr_nonnull(a);
	src.fail = true;
	void *b = heap_alloc(&heap, 10);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_null(heap_alloc(&heap, 32));
	ck_assert_uint_eq(heap.stats.failed_allocs, 5);
	ck_assert_uint_eq(heap.stats.objects_in_use, 2);
	ck_assert_uint_eq(heap.stats.pages_in_use, 1);
	ck_assert_int_eq(heap_free(&heap, a), 0);
	ck_assert_int_eq(heap_free(&heap, b), 0);
	assert_empty();
	ck_assert_uint_eq(heap.stats.bad_frees, 0);
}
END_TEST

START_TEST(huge_object_accounting)
{
	/* Objects past 4 GiB: only the header page is ever touched. */
	src.fake_large = true;
	size_t size = ((size_t)5 << 30) + 12345;
	void *p = heap_alloc(&heap, size);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(heap.stats.bytes_in_use, size);
	ck_assert_uint_eq(heap.stats.pages_in_use, 1ULL << 21);
	ck_assert_uint_eq(heap_object_size(&heap, p), (PAGE_SIZE << 21) - 128);
	ck_assert_int_eq(heap_free(&heap, p), 0);
	assert_empty();
}
END_TEST

START_TEST(random_stress)
{
	enum { MAXLIVE = 1000, STEPS = 40000 };
	static struct obj live[MAXLIVE];
	unsigned int nlive = 0;
	uint64_t seed = 0xfeed, bytes = 0;
	uint32_t next_id = 1;

	for (unsigned int step = 0; step < STEPS; step++) {
		if (nlive < MAXLIVE && (nlive == 0 || rng_below(&seed, 100) < 52)) {
			unsigned int kind = rng_below(&seed, 100);
			size_t size = kind < 60 ? rng_below(&seed, 257) :
				      kind < 92 ? 1 + rng_below(&seed, 2048) :
				      2049 + rng_below(&seed, 30000);
			uint8_t *p = heap_alloc(&heap, size);

			ck_assert_ptr_nonnull(p);
			ck_assert_uint_eq((uintptr_t)p % 16, 0);
			ck_assert_uint_ge(heap_object_size(&heap, p), size);
			live[nlive] = (struct obj){ p, size, next_id++ };
			fill(&live[nlive]);
			nlive++;
			bytes += size > 2048 ? size : class_size(size ? size : 1);
		} else {
			unsigned int k = rng_below(&seed, nlive);
			struct obj o = live[k];

			verify(&o);
			ck_assert_int_eq(heap_free(&heap, o.p), 0);
			bytes -= o.size > 2048 ? o.size :
				 class_size(o.size ? o.size : 1);
			live[k] = live[--nlive];
		}
		ck_assert_uint_eq(heap.stats.objects_in_use, nlive);
		ck_assert_uint_eq(heap.stats.bytes_in_use, bytes);
		ck_assert_uint_eq(heap.stats.pages_in_use, src.live_pages);
	}
	for (unsigned int i = 0; i < nlive; i++)
		verify(&live[i]);
	while (nlive) {
		nlive--;
		ck_assert_int_eq(heap_free(&heap, live[nlive].p), 0);
	}
	assert_empty();
	ck_assert_uint_eq(src.alloc_calls, src.free_calls);
	ck_assert_uint_eq(heap.stats.bad_frees, 0);
	ck_assert_uint_eq(heap.stats.failed_allocs, 0);
}
END_TEST

Suite *heap_suite(void)
{
	Suite *s = suite_create("heap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, init_state);
	tcase_add_test(tc, small_size_classes);
	tcase_add_test(tc, large_sizes);
	tcase_add_test(tc, slots_per_page);
	tcase_add_test(tc, freed_slot_is_reused);
	tcase_add_test(tc, live_objects_do_not_overlap);
	tcase_add_test(tc, double_free_small);
	tcase_add_test(tc, double_free_after_page_returned);
	tcase_add_test(tc, interior_pointers);
	tcase_add_test(tc, foreign_pointers);
	tcase_add_test(tc, page_source_failure);
	tcase_add_test(tc, huge_object_accounting);
	tcase_add_test(tc, random_stress);
	suite_add_tcase(s, tc);
	return s;
}
