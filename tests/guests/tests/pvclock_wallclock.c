/* pvclock in vcpu_info: monotonic, even version, sane scale and flags;
 * VCPUOP_update_time bumps the version by 2; the wall clock in
 * shared_info is a plausible date. */
#include "keeltest.h"

const char test_name[] = "pvclock_wallclock";

void test_main(void)
{
	struct keel_vcpu_time_info *t = &rt_vcpu_info()->time;
	struct keel_shared_info *s = rt_boot.shared_info;

	/* Monotonic over 100000 reads. */
	uint64_t prev = rt_now_ns(), first = prev;
	unsigned int backwards = 0, odd = 0;
	uint64_t worst = 0;
	for (unsigned int i = 0; i < 100000; i++) {
		uint32_t v = __atomic_load_n(&t->version, __ATOMIC_SEQ_CST);
		if (v & 1)
			odd++;
		uint64_t now = rt_now_ns();
		if (now < prev) {
			backwards++;
			if (prev - now > worst)
				worst = prev - now;
		}
		prev = now;
	}
	printf("100000 reads over %llu us: %u backwards (worst %llu ns), %u odd "
	       "versions\n", (unsigned long long)(prev - first) / 1000,
	       backwards, (unsigned long long)worst, odd);
	CHECK_EQ(backwards, 0);
	CHECK_EQ(odd, 0);
	CHECK(prev > first, "time did not advance");

	printf("pvclock: version %u, mul %u, shift %d, flags %#x, system_time "
	       "%llu\n", t->version, t->tsc_to_system_mul, t->tsc_shift,
	       t->flags, (unsigned long long)t->system_time);
	CHECK_EQ(t->version & 1, 0);
	CHECK(t->version >= 2, "version %u: never written", t->version);
	CHECK(t->tsc_to_system_mul != 0, "tsc_to_system_mul is 0");
	CHECK(t->tsc_shift >= -31 && t->tsc_shift <= 31, "tsc_shift %d",
	      t->tsc_shift);
	CHECK(t->flags & KEEL_PVCLOCK_TSC_STABLE, "TSC_STABLE not set");
	CHECK(t->system_time > 0, "system_time 0");

	/* update_time: version +2 (retry if a reschedule also rewrote it). */
	unsigned int exact = 0;
	for (int i = 0; i < 10; i++) {
		uint32_t v0 = __atomic_load_n(&t->version, __ATOMIC_SEQ_CST);
		uint64_t st0 = t->system_time, ts0 = t->tsc_timestamp;
		CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_update_time, 0, 0), 0);
		uint32_t v1 = __atomic_load_n(&t->version, __ATOMIC_SEQ_CST);
		CHECK(v1 - v0 >= 2 && !((v1 - v0) & 1),
		      "update_time: version %u -> %u", v0, v1);
		CHECK(t->system_time > st0, "update_time: system_time did not "
		      "advance");
		CHECK(t->tsc_timestamp > ts0, "update_time: tsc_timestamp did "
		      "not advance");
		if (v1 - v0 == 2)
			exact++;
	}
	printf("update_time: version +2 in %u of 10 calls\n", exact);
	CHECK(exact >= 1, "update_time never bumped the version by exactly 2");
	/* Time stays monotonic across an update. */
	uint64_t b0 = rt_now_ns();
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_update_time, 0, 0), 0);
	uint64_t b1 = rt_now_ns();
	CHECK(b1 >= b0, "time went back %llu ns across update_time",
	      (unsigned long long)(b0 - b1));

	/* Wall clock at boot. */
	uint32_t wv = s->wc_version;
	uint64_t sec = (uint64_t)s->wc_sec_hi << 32 | s->wc_sec;
	printf("wall clock: version %u, sec %llu, nsec %u\n", wv,
	       (unsigned long long)sec, s->wc_nsec);
	CHECK_EQ(wv & 1, 0);
	CHECK(wv != 0, "wc_version 0: never written");
	CHECK(sec > 1577836800ULL, "wc_sec %llu is before 2020-01-01",
	      (unsigned long long)sec);
	CHECK(sec < 4102444800ULL, "wc_sec %llu is after 2100-01-01",
	      (unsigned long long)sec);
	CHECK(s->wc_nsec < 1000000000u, "wc_nsec %u", s->wc_nsec);
	CHECK_EQ(s->wc_sec_hi, 0);
}
