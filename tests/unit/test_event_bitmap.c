/* Unit tests for the shared-info event bitmaps
 * (hypervisor/common/event_bitmap.c). */
#include <stdlib.h>
#include <string.h>

#include <event_bitmap.h>

#include "unit.h"

static struct keel_shared_info *s;
static struct keel_vcpu_info *vi;

static void setup(void)
{
	s = calloc(1, sizeof(*s));
	ck_assert_ptr_nonnull(s);
	vi = &s->vcpu_info[0];
}

static void teardown(void)
{
	free(s);
	s = NULL;
	vi = NULL;
}

static bool pending_bit(unsigned int port)
{
	return s->evtchn_pending[port / 64] >> (port % 64) & 1;
}

static void mask(unsigned int port)
{
	s->evtchn_mask[port / 64] |= 1ULL << (port % 64);
}

/* Number of pending bits; the tests use it to check that no other port
 * was touched. */
static unsigned int bits_set(void)
{
	unsigned int n = 0;

	for (unsigned int w = 0; w < KEEL_NR_EVENT_CHANNELS / 64; w++)
		n += (unsigned int)__builtin_popcountll(s->evtchn_pending[w]);
	return n;
}

START_TEST(set_pending_first_time)
{
	ck_assert(event_bitmap_set_pending(s, vi, 5));
	ck_assert(pending_bit(5));
	ck_assert_uint_eq(vi->evtchn_pending_sel, 1ULL << 0);
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
	ck_assert_uint_eq(bits_set(), 1);
	ck_assert(event_bitmap_test_pending(s, 5));
	ck_assert(!event_bitmap_test_pending(s, 4));
	ck_assert(!event_bitmap_test_pending(s, 6));
}
END_TEST

START_TEST(set_pending_twice)
{
	ck_assert(event_bitmap_set_pending(s, vi, 70));
	ck_assert(!event_bitmap_set_pending(s, vi, 70));
	ck_assert(pending_bit(70));
	ck_assert_uint_eq(bits_set(), 1);

	/* Even after the guest acknowledged the upcall, a port that is still
	 * pending does not notify again. */
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	ck_assert(!event_bitmap_set_pending(s, vi, 70));
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
	ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
}
END_TEST

START_TEST(set_pending_while_upcall_pending)
{
	/* A second port while the upcall is still pending: selector bit set,
	 * but no new upcall is needed. */
	ck_assert(event_bitmap_set_pending(s, vi, 1));
	ck_assert(!event_bitmap_set_pending(s, vi, 200));
	ck_assert(pending_bit(200));
	ck_assert_uint_eq(vi->evtchn_pending_sel, 1ULL << 0 | 1ULL << 3);

	/* Once the guest clears upcall_pending, a new port notifies. */
	vi->evtchn_upcall_pending = 0;
	ck_assert(event_bitmap_set_pending(s, vi, 201));
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
}
END_TEST

START_TEST(set_pending_masked)
{
	mask(130);
	ck_assert(!event_bitmap_set_pending(s, vi, 130));
	ck_assert(pending_bit(130));
	ck_assert(event_bitmap_test_pending(s, 130));
	ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
	/* Again: still nothing. */
	ck_assert(!event_bitmap_set_pending(s, vi, 130));
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
	/* The mask is left alone. */
	ck_assert_uint_eq(s->evtchn_mask[2], 1ULL << 2);
}
END_TEST

START_TEST(unmask_pending)
{
	mask(130);
	ck_assert(!event_bitmap_set_pending(s, vi, 130));
	ck_assert(event_bitmap_unmask(s, vi, 130));
	ck_assert_uint_eq(s->evtchn_mask[2], 0);
	ck_assert(pending_bit(130));
	ck_assert_uint_eq(vi->evtchn_pending_sel, 1ULL << 2);
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
	/* Unmasked now: a second unmask still reports it pending. */
	ck_assert(event_bitmap_unmask(s, vi, 130));
}
END_TEST

START_TEST(unmask_not_pending)
{
	mask(4095);
	mask(4094);
	ck_assert(!event_bitmap_unmask(s, vi, 4095));
	ck_assert_uint_eq(s->evtchn_mask[63], 1ULL << 62);
	ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
	/* Unmasking a port that was never masked. */
	ck_assert(!event_bitmap_unmask(s, vi, 0));
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
	/* After unmask, set_pending notifies. */
	ck_assert(event_bitmap_set_pending(s, vi, 4095));
	ck_assert_uint_eq(vi->evtchn_pending_sel, 1ULL << 63);
}
END_TEST

START_TEST(test_and_clear)
{
	ck_assert(!event_bitmap_test_pending(s, 64));
	ck_assert(event_bitmap_set_pending(s, vi, 64));
	ck_assert(!event_bitmap_set_pending(s, vi, 65));
	ck_assert(event_bitmap_test_pending(s, 64));
	ck_assert(event_bitmap_test_pending(s, 65));

	event_bitmap_clear(s, 64);
	ck_assert(!event_bitmap_test_pending(s, 64));
	ck_assert(event_bitmap_test_pending(s, 65));
	ck_assert_uint_eq(s->evtchn_pending[1], 1ULL << 1);
	/* Clearing does not touch the selector or the upcall flag. */
	ck_assert_uint_eq(vi->evtchn_pending_sel, 1ULL << 1);
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
	/* Clearing a port that is not pending is harmless. */
	event_bitmap_clear(s, 64);
	event_bitmap_clear(s, 3000);
	ck_assert_uint_eq(bits_set(), 1);

	/* Cleared, and the upcall acknowledged: it notifies again. */
	event_bitmap_clear(s, 65);
	vi->evtchn_upcall_pending = 0;
	ck_assert(event_bitmap_set_pending(s, vi, 64));
}
END_TEST

START_TEST(out_of_range)
{
	static const unsigned int ports[] = {
		KEEL_NR_EVENT_CHANNELS, KEEL_NR_EVENT_CHANNELS + 1,
		KEEL_NR_EVENT_CHANNELS + 64, 0x7fffffffu, 0xffffffffu,
	};
	struct keel_shared_info *copy = malloc(sizeof(*s));

	ck_assert_ptr_nonnull(copy);
	/* Some state to compare against. */
	mask(7);
	event_bitmap_set_pending(s, vi, 9);
	memset(s->evtchn_mask, 0xff, sizeof(s->evtchn_mask[0]) * 2);
	memcpy(copy, s, sizeof(*s));

	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
		vi->evtchn_upcall_pending = 0;
		copy->vcpu_info[0].evtchn_upcall_pending = 0;
		ck_assert(!event_bitmap_set_pending(s, vi, ports[i]));
		ck_assert(!event_bitmap_unmask(s, vi, ports[i]));
		ck_assert(!event_bitmap_test_pending(s, ports[i]));
		event_bitmap_clear(s, ports[i]);
		ck_assert(memcmp(copy, s, sizeof(*s)) == 0);
	}
	free(copy);
}
END_TEST

START_TEST(selector_per_word)
{
	for (unsigned int w = 0; w < KEEL_NR_EVENT_CHANNELS / 64; w++) {
		unsigned int port = w * 64 + (w * 13) % 64;

		vi->evtchn_pending_sel = 0;
		vi->evtchn_upcall_pending = 0;
		ck_assert(event_bitmap_set_pending(s, vi, port));
		ck_assert_uint_eq(vi->evtchn_pending_sel, 1ULL << w);
		ck_assert_uint_eq(s->evtchn_pending[w], 1ULL << (port % 64));
	}
	ck_assert_uint_eq(bits_set(), KEEL_NR_EVENT_CHANNELS / 64);

	/* Without clearing: the selector accumulates, one bit per word. */
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	ck_assert(event_bitmap_set_pending(s, vi, 0 * 64 + 63));
	ck_assert(!event_bitmap_set_pending(s, vi, 10 * 64 + 1));
	ck_assert(!event_bitmap_set_pending(s, vi, 10 * 64 + 2));
	ck_assert(!event_bitmap_set_pending(s, vi, 63 * 64 + 0));
	ck_assert_uint_eq(vi->evtchn_pending_sel,
			  1ULL << 0 | 1ULL << 10 | 1ULL << 63);
}
END_TEST

/* Another vCPU's info is not touched. */
START_TEST(other_vcpu_untouched)
{
	struct keel_vcpu_info *v1 = &s->vcpu_info[1];

	ck_assert(event_bitmap_set_pending(s, v1, 300));
	ck_assert_uint_eq(v1->evtchn_pending_sel, 1ULL << 4);
	ck_assert_uint_eq(v1->evtchn_upcall_pending, 1);
	ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
}
END_TEST

/* Random operations against a simple model. */
START_TEST(random_against_model)
{
	static bool pending[KEEL_NR_EVENT_CHANNELS], masked[KEEL_NR_EVENT_CHANNELS];
	uint64_t seed = 0x45564e54424d4150ULL;
	uint64_t sel = 0;
	bool upcall = false;

	memset(pending, 0, sizeof(pending));
	memset(masked, 0, sizeof(masked));
	for (int iter = 0; iter < 200000; iter++) {
		unsigned int port = (unsigned int)rng_below(&seed,
						KEEL_NR_EVENT_CHANNELS + 8);
		bool in = port < KEEL_NR_EVENT_CHANNELS;
		bool r, want;

		switch (rng_below(&seed, 6)) {
		case 0:
		case 1:
			r = event_bitmap_set_pending(s, vi, port);
			want = false;
			if (in && !pending[port]) {
				pending[port] = true;
				if (!masked[port]) {
					sel |= 1ULL << (port / 64);
					want = !upcall;
					upcall = true;
				}
			}
			ASSERT_FAST(r == want);
			break;
		case 2:
			r = event_bitmap_unmask(s, vi, port);
			want = in && pending[port];
			if (in)
				masked[port] = false;
			if (want) {
				sel |= 1ULL << (port / 64);
				upcall = true;
			}
			ASSERT_FAST(r == want);
			break;
		case 3:
			event_bitmap_clear(s, port);
			if (in)
				pending[port] = false;
			break;
		case 4:
			/* The guest masks a port. */
			if (in) {
				mask(port);
				masked[port] = true;
			}
			break;
		default:
			/* The guest takes the upcall. */
			if (rng_below(&seed, 4) == 0) {
				vi->evtchn_upcall_pending = 0;
				vi->evtchn_pending_sel = 0;
				upcall = false;
				sel = 0;
			}
			break;
		}
		ASSERT_FAST(event_bitmap_test_pending(s, port) ==
			    (in && pending[port]));
		ASSERT_FAST(vi->evtchn_pending_sel == sel);
		ASSERT_FAST(vi->evtchn_upcall_pending == upcall);
	}
	for (unsigned int p = 0; p < KEEL_NR_EVENT_CHANNELS; p++)
		ASSERT_FAST(pending_bit(p) == pending[p]);
}
END_TEST

Suite *event_bitmap_suite(void)
{
	Suite *su = suite_create("event_bitmap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, set_pending_first_time);
	tcase_add_test(tc, set_pending_twice);
	tcase_add_test(tc, set_pending_while_upcall_pending);
	tcase_add_test(tc, set_pending_masked);
	tcase_add_test(tc, unmask_pending);
	tcase_add_test(tc, unmask_not_pending);
	tcase_add_test(tc, test_and_clear);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, selector_per_word);
	tcase_add_test(tc, other_vcpu_untouched);
	tcase_add_test(tc, random_against_model);
	suite_add_tcase(su, tc);
	return su;
}
