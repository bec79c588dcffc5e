/* Unit tests for the byte token bucket (hypervisor/common/ratelimit.c). */
#include <ratelimit.h>
#include <system_time.h>

#include "unit.h"

#define SEC NSEC_PER_SEC

START_TEST(unlimited_takes_everything)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 0, 0, 0);
	ck_assert_uint_eq(ratelimit_take(&rl, 1000000, 0), 1000000);
	ck_assert_uint_eq(ratelimit_take(&rl, UINT64_MAX, 1), UINT64_MAX);
}
END_TEST

START_TEST(starts_full_then_refuses)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 4000, 5 * SEC);
	ck_assert_uint_eq(ratelimit_take(&rl, 3000, 5 * SEC), 3000);
	/* Only the rest of the burst: a short take. */
	ck_assert_uint_eq(ratelimit_take(&rl, 3000, 5 * SEC), 1000);
	ck_assert_uint_eq(ratelimit_take(&rl, 1, 5 * SEC), 0);
}
END_TEST

START_TEST(refills_at_the_rate)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 4000, 0);
	ck_assert_uint_eq(ratelimit_take(&rl, 4000, 0), 4000);
	/* 1 ms is one byte at 1000 bytes/s. */
	ck_assert_uint_eq(ratelimit_take(&rl, 10, 999999), 0);
	ck_assert_uint_eq(ratelimit_take(&rl, 10, 1000000), 1);
	ck_assert_uint_eq(ratelimit_take(&rl, 1000, 1000000 + SEC / 2), 500);
	ck_assert_uint_eq(ratelimit_take(&rl, 1, 1000000 + SEC / 2), 0);
}
END_TEST

START_TEST(idle_never_exceeds_burst)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 4000, 0);
	ck_assert_uint_eq(ratelimit_take(&rl, 4000, 0), 4000);
	/* A year idle, and a clock near its end: still one burst. */
	ck_assert_uint_eq(ratelimit_take(&rl, 100000, 365ULL * 86400 * SEC),
			  4000);
	ck_assert_uint_eq(ratelimit_take(&rl, 100000, UINT64_MAX - 1), 4000);
	ck_assert_uint_eq(ratelimit_take(&rl, 1, UINT64_MAX - 1), 0);
}
END_TEST

START_TEST(clock_going_back_adds_nothing)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 100, 10 * SEC);
	ck_assert_uint_eq(ratelimit_take(&rl, 100, 10 * SEC), 100);
	ck_assert_uint_eq(ratelimit_take(&rl, 100, 5 * SEC), 0);
	ck_assert_uint_eq(ratelimit_take(&rl, 100, 10 * SEC + SEC / 100), 10);
}
END_TEST

START_TEST(extreme_rates_and_bursts)
{
	struct ratelimit rl;

	/* Faster than a byte a nanosecond: one byte a nanosecond. */
	ratelimit_init(&rl, UINT64_MAX, 10, 0);
	ck_assert_uint_eq(ratelimit_take(&rl, 20, 0), 10);
	ck_assert_uint_eq(ratelimit_take(&rl, 20, 5), 5);
	/* One byte a second, a huge burst: no overflow. */
	ratelimit_init(&rl, 1, UINT64_MAX, 0);
	ck_assert_uint_eq(ratelimit_take(&rl, UINT64_MAX, 0),
			  UINT64_MAX / (SEC + 1));
	/* A burst of 0 lets nothing through. */
	ratelimit_init(&rl, 1000, 0, 0);
	ck_assert_uint_eq(ratelimit_take(&rl, 1, 100 * SEC), 0);
}
END_TEST

START_TEST(take_all_or_nothing)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 100, 0);
	ck_assert(ratelimit_take_all(&rl, 60, 0));
	ck_assert(!ratelimit_take_all(&rl, 60, 0));	/* 40 left: none taken */
	ck_assert(ratelimit_take_all(&rl, 40, 0));
	ck_assert(!ratelimit_take_all(&rl, 1, 0));
	ck_assert(ratelimit_take_all(&rl, 10, SEC / 100));
	ck_assert(!ratelimit_take_all(&rl, 101, 100 * SEC));	/* > burst */
	ck_assert(ratelimit_take_all(&rl, 100, 100 * SEC));
	ratelimit_init(&rl, 0, 0, 0);
	ck_assert(ratelimit_take_all(&rl, UINT64_MAX, 0));
}
END_TEST

/* Over a long random run, what was taken never exceeds burst + rate *
 * elapsed, and a writer that asks all the time gets close to that. */
START_TEST(random_run_respects_the_bound)
{
	uint64_t seed = 12345;
	struct ratelimit rl;
	const uint64_t rate = 8192, burst = 32768;
	uint64_t now = 0, taken = 0;

	ratelimit_init(&rl, rate, burst, now);
	for (int i = 0; i < 200000; i++) {
		now += rng_next(&seed) % 200000;	/* up to 200 us */
		uint64_t want = rng_next(&seed) % 300;
		uint64_t got = ratelimit_take(&rl, want, now);
		ASSERT_FAST(got <= want);
		taken += got;
		/* ns_per_byte rounds down, so the true rate is a hair over
		 * @rate: allow for it. */
		ASSERT_FAST(taken <= burst + now / (SEC / rate) + 1);
	}
	ck_assert_uint_ge(taken + 300, burst + now / (SEC / rate) - burst);
}
END_TEST

Suite *ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, unlimited_takes_everything);
	tcase_add_test(tc, starts_full_then_refuses);
	tcase_add_test(tc, refills_at_the_rate);
	tcase_add_test(tc, idle_never_exceeds_burst);
	tcase_add_test(tc, clock_going_back_adds_nothing);
	tcase_add_test(tc, extreme_rates_and_bursts);
	tcase_add_test(tc, take_all_or_nothing);
	tcase_add_test(tc, random_run_respects_the_bound);
	suite_add_tcase(s, tc);
	return s;
}
