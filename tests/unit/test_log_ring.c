/* Unit tests for the log ring buffer (hypervisor/common/log_ring.c). */
#include <stdlib.h>
#include <string.h>

#include <log_ring.h>

#include "unit.h"

static struct log_ring ring;
static char *ringbuf;

/* The ring's storage is a heap block of exactly @size bytes, so that
 * AddressSanitizer sees any access outside it. */
static void ring_setup(size_t size)
{
	ringbuf = malloc(size);
	ck_assert_ptr_nonnull(ringbuf);
	memset(ringbuf, '?', size);
	log_ring_init(&ring, ringbuf, size);
}

static void teardown(void)
{
	free(ringbuf);
	ringbuf = NULL;
}

static void write_str(const char *s)
{
	log_ring_write(&ring, s, strlen(s));
}

START_TEST(empty_ring)
{
	char out[8];
	uint64_t pos = 0;

	ring_setup(16);
	ck_assert_uint_eq(ring.head, 0);
	ck_assert_uint_eq(log_ring_tail(&ring), 0);
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 0);
	ck_assert_uint_eq(pos, 0);
	log_ring_write(&ring, "ignored", 0);
	ck_assert_uint_eq(ring.head, 0);
}
END_TEST

START_TEST(write_then_read)
{
	char out[32];
	uint64_t pos = 0;

	ring_setup(16);
	write_str("hello");
	ck_assert_uint_eq(ring.head, 5);
	ck_assert_uint_eq(log_ring_tail(&ring), 0);
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 5);
	ck_assert_mem_eq(out, "hello", 5);
	ck_assert_uint_eq(pos, 5);
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 0);
	ck_assert_uint_eq(pos, 5);

	write_str(" world");
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 6);
	ck_assert_mem_eq(out, " world", 6);
	ck_assert_uint_eq(pos, 11);

	/* Exactly full: nothing lost yet. */
	write_str("12345");
	ck_assert_uint_eq(ring.head, 16);
	ck_assert_uint_eq(log_ring_tail(&ring), 0);
	pos = 0;
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 16);
	ck_assert_mem_eq(out, "hello world12345", 16);
}
END_TEST

START_TEST(wrap_keeps_newest)
{
	char in[40], out[64];
	uint64_t pos = 0;

	ring_setup(16);
	for (int i = 0; i < 40; i++)
		in[i] = (char)('A' + i);
	log_ring_write(&ring, in, 10);
	log_ring_write(&ring, in + 10, 30);
	ck_assert_uint_eq(ring.head, 40);
	ck_assert_uint_eq(log_ring_tail(&ring), 24);
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 16);
	ck_assert_mem_eq(out, in + 24, 16);
	ck_assert_uint_eq(pos, 40);

	/* One write longer than the whole ring keeps its own tail. */
	char big[100];
	for (int i = 0; i < 100; i++)
		big[i] = (char)(i * 7);
	log_ring_write(&ring, big, sizeof(big));
	ck_assert_uint_eq(ring.head, 140);
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 16);
	ck_assert_mem_eq(out, big + 84, 16);
}
END_TEST

START_TEST(writes_straddle_the_end)
{
	char out[16];
	uint64_t pos = 0;

	ring_setup(8);
	write_str("abcdef");
	write_str("ghijkl");	/* wraps inside the buffer */
	ck_assert_uint_eq(log_ring_tail(&ring), 4);
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 8);
	ck_assert_mem_eq(out, "efghijkl", 8);
	ck_assert_mem_eq(ringbuf, "ijklefgh", 8);
}
END_TEST

START_TEST(reader_behind_is_clamped)
{
	char out[16];
	uint64_t pos = 3;

	ring_setup(8);
	write_str("0123456789ABCDEFGHIJ");	/* 20 bytes */
	ck_assert_uint_eq(log_ring_tail(&ring), 12);
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, 4), 4);
	ck_assert_mem_eq(out, "CDEF", 4);
	ck_assert_uint_eq(pos, 16);

	/* Falls behind again while it was not looking. */
	write_str("KLMNOPQRST");		/* head 30, tail 22 */
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 8);
	ck_assert_mem_eq(out, "MNOPQRST", 8);
	ck_assert_uint_eq(pos, 30);

	/* A position past the head reads nothing and stays put. */
	pos = 100;
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, sizeof(out)), 0);
	ck_assert_uint_eq(pos, 100);
}
END_TEST

START_TEST(partial_reads)
{
	char out[16], all[32];
	uint64_t pos = 0;
	size_t got = 0, n;

	ring_setup(32);
	write_str("The quick brown fox");
	while ((n = log_ring_read(&ring, &pos, out, 3)) > 0) {
		ck_assert_uint_le(n, 3);
		memcpy(all + got, out, n);
		got += n;
		ck_assert_uint_eq(pos, got);
	}
	ck_assert_uint_eq(got, 19);
	ck_assert_mem_eq(all, "The quick brown fox", 19);

	/* A zero-length read changes nothing. */
	pos = 4;
	ck_assert_uint_eq(log_ring_read(&ring, &pos, out, 0), 0);
	ck_assert_uint_eq(pos, 4);
}
END_TEST

START_TEST(random_against_model)
{
	enum { SIZE = 64, TOTAL = 200000 };
	char *history = malloc(TOTAL + 256);
	char out[200];
	uint64_t seed = 99, pos = 0;
	size_t written = 0;

	ck_assert_ptr_nonnull(history);
	ring_setup(SIZE);
	while (written < TOTAL) {
		size_t len = rng_below(&seed, 100);
		for (size_t i = 0; i < len; i++)
			history[written + i] = (char)rng_next(&seed);
		log_ring_write(&ring, history + written, len);
		written += len;
		ck_assert_uint_eq(ring.head, written);
		ck_assert_uint_eq(log_ring_tail(&ring),
				  written > SIZE ? written - SIZE : 0);

		if (rng_below(&seed, 3) == 0) {
			size_t want = rng_below(&seed, sizeof(out));
			uint64_t start = pos, tail = log_ring_tail(&ring);
			if (start < tail)
				start = tail;
			size_t expect = start < written ?
				MIN(want, written - start) : 0;
			size_t n = log_ring_read(&ring, &pos, out, want);
			ck_assert_uint_eq(n, expect);
			ck_assert_mem_eq(out, history + start, n);
			ck_assert_uint_eq(pos, start + n);
		}
	}
	free(history);
}
END_TEST

Suite *log_ring_suite(void)
{
	Suite *s = suite_create("log_ring");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, empty_ring);
	tcase_add_test(tc, write_then_read);
	tcase_add_test(tc, wrap_keeps_newest);
	tcase_add_test(tc, writes_straddle_the_end);
	tcase_add_test(tc, reader_behind_is_clamped);
	tcase_add_test(tc, partial_reads);
	tcase_add_test(tc, random_against_model);
	suite_add_tcase(s, tc);
	return s;
}
