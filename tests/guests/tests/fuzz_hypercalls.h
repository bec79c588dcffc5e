/*
 * The hypercall fuzzer (not a test by itself: fuzz_hypercalls.c and
 * fuzz_hypercalls_control.c are). It makes `iterations` hypercalls (guest
 * command line, default 100000) with random numbers and structured-random
 * arguments, from a seed on the command line, and prints the seed first so
 * any failure can be replayed. The hypervisor must answer every call;
 * the runner then checks that it survived and that no frame leaked.
 *
 * Calls that would end or derail the fuzzer itself are steered: shutdown,
 * iret, block and taking vCPU 0 down are left out, trap-table and
 * callback calls only get bad pointers, and what the runtime depends on
 * (segment bases, FPU TS, the timer port) is put back after each call.
 */
#include "keeltest.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t parse_u64(const char *s, uint64_t dflt)
{
	uint64_t v = 0;

	if (!s || *s < '0' || *s > '9')
		return dflt;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

/* Valid pointers go here or into the guest's free memory, never into the
 * fuzzer's own image: the hypervisor writes real results through them.
 * The third page is slack for structures that straddle the second's end. */
static uint8_t scratch[3 * 4096] __attribute__((aligned(4096)));

/* An argument: sometimes a number, sometimes an address of some kind. */
static uint64_t random_arg(void)
{
	switch (rnd() % 12) {
	case 0: return 0;
	case 1: return rnd() % 16;
	case 2: return rnd() % 5000;
	case 3: return rnd();
	case 4: return (uint64_t)scratch + rnd() % 8192;
	case 5: return (uint64_t)scratch + 8192 - rnd() % 64;
	case 6: return 0xffff800000000000ULL + (rnd() % 0x80000000000ULL);
	case 7: return 0x0000800000000000ULL - rnd() % 64;
	case 8: return 0x8000000000000000ULL | rnd();
	case 9: return rt_boot.virt_base + rt_boot.nr_pages * 4096 + rnd() % 8192;
	case 10: return rt_boot.free_vaddr +
			rnd() % (rt_boot.free_end - rt_boot.free_vaddr - 4096);
	default: return ~0ULL - rnd() % 4096;
	}
}

static uint64_t bad_pointer(void)
{
	static const uint64_t bad[] = {
		0xffff82d080200000ULL, 0xffff830000000000ULL,
		0x0000800000000000ULL, 0x8000000000000000ULL, 0x10000000ULL,
	};
	return bad[rnd() % 5];
}

static void fuzz(void)
{
	uint64_t seed = parse_u64(rt_cmdline_value("seed"), 1);
	uint64_t iterations = parse_u64(rt_cmdline_value("iterations"), 100000);
	unsigned long long counts[4] = { 0 };	/* 0, positive, errors, ENOSYS */
	/* Taken now: after a fuzzed GS base, %gs cannot find it. */
	unsigned long self = (unsigned long)rt_percpu_self();

	rng_state = seed;
	printf("fuzzing seed=%llu iterations=%llu privileged=%d\n",
	       (unsigned long long)seed, (unsigned long long)iterations,
	       rt_boot.privileged);
	for (uint64_t i = 0; i < iterations; i++) {
		uint64_t nr = rnd() % 20;
		uint64_t a[5];

		for (int k = 0; k < 5; k++)
			a[k] = random_arg();
		if (rnd() % 16 == 0)
			nr = rnd();		/* far out of the table */
		/* Keep the fuzzer itself alive. */
		if (nr == KEEL_HC_iret)
			continue;
		if (nr == KEEL_HC_sched_op && (a[0] == KEEL_SCHEDOP_shutdown ||
					       a[0] == KEEL_SCHEDOP_block))
			a[0] = KEEL_SCHEDOP_yield;
		if (nr == KEEL_HC_sched_op && a[0] == KEEL_SCHEDOP_poll)
			a[1] = bad_pointer();	/* a random poll could sleep long */
		if (nr == KEEL_HC_vcpu_op && a[0] == KEEL_VCPUOP_down)
			a[0] = KEEL_VCPUOP_is_up;
		if (nr == KEEL_HC_set_trap_table || nr == KEEL_HC_set_callbacks) {
			a[0] = bad_pointer();
			a[1] = 1 + a[1] % 256;	/* count 0 would clear the table */
		}
		if (nr == KEEL_HC_console_write && a[1] > 64)
			a[1] %= 64;		/* keep the log readable */
		if (nr == KEEL_HC_console_read)
			a[1] %= 256;

		long rc = keel_hypercall_raw(nr, a[0], a[1], a[2], a[3], a[4]);
		counts[rc == 0 ? 0 : rc > 0 ? 1 : rc == -KEEL_ENOSYS ? 3 : 2]++;

		/* Put back what the runtime relies on. */
		if (nr == KEEL_HC_set_segment_base || nr == KEEL_HC_fpu_taskswitch ||
		    nr == KEEL_HC_stack_switch) {
			keel_hypercall_fpu_taskswitch(0);
			keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_KERNEL,
							self);
		}
		/* Fuzzed console writes leave partial lines: end them first. */
		if (i % 20000 == 19999)
			printf("\n%llu calls: %llu zero, %llu positive, %llu errors, "
			       "%llu ENOSYS\n", (unsigned long long)(i + 1),
			       counts[0], counts[1], counts[2], counts[3]);
	}
	keel_hypercall_set_timer(0);
	printf("\n");
	/* Still healthy: a plain call answers as documented. */
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
}
