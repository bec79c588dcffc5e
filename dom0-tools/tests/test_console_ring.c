/*
 * Check tests for the backend's side of the PV console ring
 * (dom0-tools/console/console_ring.c), with a page in memory standing in
 * for the granted one and the tests as the frontend, hostile ones
 * included; tools_main.c runs them.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <keel/io/console.h>

#include "console_ring.h"

/* The fake grant: the page, every write's pieces in order, and a way
 * to make every copy fail (a revoked grant). */
static uint8_t page[4096];
static unsigned int notifies, reads;
static uint16_t written_offsets[16];
static unsigned int nr_written;
static int fail_with;

static int fake_read(void *opaque, uint16_t offset, void *buf, uint16_t len)
{
	(void)opaque;
	ck_assert_uint_le((unsigned int)offset + len, sizeof(page));
	ck_assert_uint_gt(len, 0);
	if (fail_with)
		return fail_with;
	reads++;
	memcpy(buf, page + offset, len);
	return 0;
}

static int fake_write(void *opaque, const struct console_ring_piece *pieces,
		      unsigned int n)
{
	(void)opaque;
	if (fail_with)
		return fail_with;
	for (unsigned int i = 0; i < n; i++) {
		ck_assert_uint_le((unsigned int)pieces[i].offset + pieces[i].len,
				  sizeof(page));
		memcpy(page + pieces[i].offset, pieces[i].data, pieces[i].len);
		if (nr_written < 16)
			written_offsets[nr_written++] = pieces[i].offset;
	}
	return 0;
}

static int fake_notify(void *opaque)
{
	(void)opaque;
	notifies++;
	return 0;
}

static const struct console_ring_io io = {
	.read = fake_read, .write = fake_write, .notify = fake_notify,
};

static void set_index(unsigned int offset, uint32_t v)
{
	memcpy(page + offset, &v, 4);
}

static uint32_t index_at(unsigned int offset)
{
	uint32_t v;

	memcpy(&v, page + offset, 4);
	return v;
}

/* The frontend's output: bytes at out[prod...], then out_prod. */
static void frontend_write(const char *s)
{
	uint32_t prod = index_at(KEEL_CONSOLE_RING_OUT_PROD);

	for (; *s; s++)
		page[KEEL_CONSOLE_RING_OUT + prod++ % KEEL_CONSOLE_OUT_SIZE] =
			(uint8_t)*s;
	set_index(KEEL_CONSOLE_RING_OUT_PROD, prod);
}

static void setup(void)
{
	memset(page, 0, sizeof(page));
	notifies = reads = nr_written = 0;
	fail_with = 0;
}

START_TEST(test_output)
{
	struct console_ring r;
	char buf[KEEL_CONSOLE_OUT_SIZE];

	setup();
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	ck_assert_int_eq(console_ring_take_output(&r, buf), 0);
	ck_assert_uint_eq(notifies, 0);
	frontend_write("hello\n");
	ck_assert_int_eq(console_ring_take_output(&r, buf), 6);
	ck_assert_mem_eq(buf, "hello\n", 6);
	ck_assert_uint_eq(index_at(KEEL_CONSOLE_RING_OUT_CONS), 6);
	ck_assert_uint_eq(notifies, 1);
	ck_assert_int_eq(console_ring_take_output(&r, buf), 0);
}
END_TEST

/* Across the ring's end, and with the indices past 2^32. */
START_TEST(test_output_wraps)
{
	struct console_ring r;
	char buf[KEEL_CONSOLE_OUT_SIZE];

	setup();
	set_index(KEEL_CONSOLE_RING_OUT_PROD, 0xfffffffcu);
	set_index(KEEL_CONSOLE_RING_OUT_CONS, 0xfffffffcu);
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	frontend_write("0123456789");
	ck_assert_int_eq(console_ring_take_output(&r, buf), 10);
	ck_assert_mem_eq(buf, "0123456789", 10);
	ck_assert_uint_eq(index_at(KEEL_CONSOLE_RING_OUT_CONS), 6);
	/* A whole ring at once. */
	char full[KEEL_CONSOLE_OUT_SIZE + 1];
	for (unsigned int i = 0; i < KEEL_CONSOLE_OUT_SIZE; i++)
		full[i] = (char)('a' + i % 26);
	full[KEEL_CONSOLE_OUT_SIZE] = '\0';
	frontend_write(full);
	ck_assert_int_eq(console_ring_take_output(&r, buf),
			 KEEL_CONSOLE_OUT_SIZE);
	ck_assert_mem_eq(buf, full, KEEL_CONSOLE_OUT_SIZE);
}
END_TEST

/* A producer more than a ring ahead, or behind the consumer: the ring
 * is broken for good, and no byte past the indices is read. */
START_TEST(test_output_hostile_producer)
{
	static const uint32_t bad[] = { KEEL_CONSOLE_OUT_SIZE + 1, 0xffffffffu,
					0x80000000u };
	for (unsigned int i = 0; i < 3; i++) {
		struct console_ring r;
		char buf[KEEL_CONSOLE_OUT_SIZE];

		setup();
		ck_assert_int_eq(console_ring_attach(&r, &io), 0);
		set_index(KEEL_CONSOLE_RING_OUT_PROD, bad[i]);
		reads = 0;
		ck_assert_int_eq(console_ring_take_output(&r, buf), -EPROTO);
		ck_assert(r.broken);
		ck_assert_ptr_nonnull(strstr(r.why, "output producer"));
		ck_assert_uint_eq(reads, 1);	/* the indices only */
		ck_assert_uint_eq(notifies, 0);
		/* Put right again: still broken. */
		set_index(KEEL_CONSOLE_RING_OUT_PROD, 0);
		ck_assert_int_eq(console_ring_take_output(&r, buf), -EPROTO);
		ck_assert_int_eq(console_ring_give_input(&r, "x", 1), -EPROTO);
	}
}
END_TEST

/* The backend's own indices are its own: a frontend that rewrites
 * out_cons on the page changes nothing. */
START_TEST(test_output_ignores_page_consumer)
{
	struct console_ring r;
	char buf[KEEL_CONSOLE_OUT_SIZE];

	setup();
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	frontend_write("abc");
	set_index(KEEL_CONSOLE_RING_OUT_CONS, 1000);
	ck_assert_int_eq(console_ring_take_output(&r, buf), 3);
	ck_assert_mem_eq(buf, "abc", 3);
	ck_assert_uint_eq(index_at(KEEL_CONSOLE_RING_OUT_CONS), 3);
}
END_TEST

START_TEST(test_attach_hostile)
{
	struct console_ring r;

	setup();
	set_index(KEEL_CONSOLE_RING_OUT_PROD, 5000);
	ck_assert_int_eq(console_ring_attach(&r, &io), -EPROTO);
	ck_assert(r.broken);
	setup();
	set_index(KEEL_CONSOLE_RING_IN_PROD, 2000);
	ck_assert_int_eq(console_ring_attach(&r, &io), -EPROTO);
	ck_assert_ptr_nonnull(strstr(r.why, "input producer"));
	/* An earlier backend's indices, consistent: taken over. */
	setup();
	set_index(KEEL_CONSOLE_RING_OUT_PROD, 120);
	set_index(KEEL_CONSOLE_RING_OUT_CONS, 100);
	set_index(KEEL_CONSOLE_RING_IN_PROD, 40);
	set_index(KEEL_CONSOLE_RING_IN_CONS, 30);
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	ck_assert_uint_eq(r.out_cons, 100);
	ck_assert_uint_eq(r.in_prod, 40);
}
END_TEST

/* Input: the bytes first, then the producer; wrapped in two pieces. */
START_TEST(test_input)
{
	struct console_ring r;

	setup();
	set_index(KEEL_CONSOLE_RING_IN_PROD, KEEL_CONSOLE_IN_SIZE - 2);
	set_index(KEEL_CONSOLE_RING_IN_CONS, KEEL_CONSOLE_IN_SIZE - 2);
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	ck_assert_int_eq(console_ring_give_input(&r, "ls\n", 3), 3);
	ck_assert_uint_eq(page[KEEL_CONSOLE_RING_IN + KEEL_CONSOLE_IN_SIZE - 2],
			  'l');
	ck_assert_uint_eq(page[KEEL_CONSOLE_RING_IN + KEEL_CONSOLE_IN_SIZE - 1],
			  's');
	ck_assert_uint_eq(page[KEEL_CONSOLE_RING_IN], '\n');
	ck_assert_uint_eq(index_at(KEEL_CONSOLE_RING_IN_PROD),
			  KEEL_CONSOLE_IN_SIZE + 1);
	ck_assert_uint_eq(nr_written, 3);
	ck_assert_uint_eq(written_offsets[2], KEEL_CONSOLE_RING_IN_PROD);
	ck_assert_uint_eq(notifies, 1);
}
END_TEST

/* A full input ring takes nothing; room comes as the frontend reads. */
START_TEST(test_input_full)
{
	struct console_ring r;
	char big[KEEL_CONSOLE_IN_SIZE + 100];

	setup();
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	ck_assert_int_eq(console_ring_give_input(&r, big, sizeof(big)),
			 KEEL_CONSOLE_IN_SIZE);
	ck_assert_int_eq(console_ring_give_input(&r, big, 10), 0);
	set_index(KEEL_CONSOLE_RING_IN_CONS, 7);
	ck_assert_int_eq(console_ring_give_input(&r, big, 10), 7);
}
END_TEST

/* An input consumer ahead of what was produced: broken. */
START_TEST(test_input_hostile_consumer)
{
	struct console_ring r;

	setup();
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	set_index(KEEL_CONSOLE_RING_IN_CONS, 5);
	nr_written = 0;
	ck_assert_int_eq(console_ring_give_input(&r, "abc", 3), -EPROTO);
	ck_assert_uint_eq(nr_written, 0);
	ck_assert(r.broken);
}
END_TEST

/* A revoked grant: the copy's error, and the ring is not broken. */
START_TEST(test_copy_errors)
{
	struct console_ring r;
	char buf[KEEL_CONSOLE_OUT_SIZE];

	setup();
	ck_assert_int_eq(console_ring_attach(&r, &io), 0);
	frontend_write("abc");
	fail_with = -EPERM;
	ck_assert_int_eq(console_ring_take_output(&r, buf), -EPERM);
	ck_assert_int_eq(console_ring_give_input(&r, "x", 1), -EPERM);
	ck_assert(!r.broken);
	fail_with = 0;
	ck_assert_int_eq(console_ring_take_output(&r, buf), 3);
}
END_TEST

Suite *console_ring_suite(void)
{
	Suite *s = suite_create("console_ring");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_output);
	tcase_add_test(tc, test_output_wraps);
	tcase_add_test(tc, test_output_hostile_producer);
	tcase_add_test(tc, test_output_ignores_page_consumer);
	tcase_add_test(tc, test_attach_hostile);
	tcase_add_test(tc, test_input);
	tcase_add_test(tc, test_input_full);
	tcase_add_test(tc, test_input_hostile_consumer);
	tcase_add_test(tc, test_copy_errors);
	suite_add_tcase(s, tc);
	return s;
}
