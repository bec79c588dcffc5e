/* keel-test: vcpus=2 */
/* VCPUOP_*: is_up, up, down, initialise (and its checks), get_runstate,
 * update_time, and the vCPU-number and sub-command errors. */
#include "keeltest.h"

const char test_name[] = "vcpu_op";

static volatile int started, stop;
static volatile unsigned int started_id = 99;

static void vcpu1_main(void *arg)
{
	(void)arg;
	started_id = rt_vcpu_id();
	started = 1;
	while (!stop)
		rt_wait_for(&stop, 100000000ULL);
}

/* Never runs: an initialised-but-not-up vCPU. */
static void never_runs(void)
{
	for (;;)
		;
}

static long vop(unsigned long cmd, unsigned long vcpu, const void *arg)
{
	return keel_hypercall_vcpu_op(cmd, vcpu, (unsigned long)arg);
}

/* Poll is_up without pausing, so that what follows comes right after
 * the vCPU is reported down. */
static bool wait_down(unsigned int id)
{
	uint64_t deadline = rt_now_ns() + 2000000000ULL;

	while (vop(KEEL_VCPUOP_is_up, id, 0) != 0)
		if (rt_now_ns() >= deadline)
			return false;
	return true;
}

/* rt_vcpu_start, retried while vCPU 1 is still leaving its CPU after a
 * down (initialise says -EBUSY then). */
static long start_vcpu1(void)
{
	uint64_t deadline = rt_now_ns() + 1000000000ULL;
	long rc;

	while ((rc = rt_vcpu_start(1, vcpu1_main, NULL)) == -KEEL_EBUSY &&
	       rt_now_ns() < deadline)
		rt_yield();
	return rc;
}

static uint8_t stack1[4096] __attribute__((aligned(16)));

void test_main(void)
{
	struct keel_vcpu_runstate rs;
	long rc;

	CHECK_EQ(rt_boot.nr_vcpus, 2);
	CHECK_EQ(vop(KEEL_VCPUOP_is_up, 0, 0), 1);
	CHECK_EQ(vop(KEEL_VCPUOP_is_up, 1, 0), 0);
	printf("is_up(0) = 1, is_up(1) = 0\n");

	rc = vop(KEEL_VCPUOP_up, 1, 0);
	printf("up(1) before initialise = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EINVAL);

	rc = vop(KEEL_VCPUOP_initialise, 1, (void *)0x10000000);
	printf("initialise(1, unmapped) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EFAULT);
	CHECK_EQ(vop(KEEL_VCPUOP_initialise, 1, (void *)0xffff830000000000UL),
		 -KEEL_EFAULT);

	struct keel_vcpu_context good = {
		.rip = (uint64_t)never_runs,
		.rsp = (uint64_t)stack1 + sizeof(stack1),
	};
	static const struct { const char *what; uint64_t rip, rsp; } bad[] = {
		{ "rip in the hypervisor image", 0xffff82d080200000ULL, 0 },
		{ "rip in the direct map", 0xffff830000000000ULL, 0 },
		{ "rip non-canonical", 0x8000000000000000ULL, 0 },
		{ "rip first non-canonical", 0x0000800000000000ULL, 0 },
		{ "rsp in the hypervisor", 0, 0xffff830000001000ULL },
		{ "rsp non-canonical", 0, 0x8000000000000000ULL },
		{ "rsp first non-canonical", 0, 0x0000800000000000ULL },
	};
	bool accepted = false;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct keel_vcpu_context ctx = good;
		if (bad[i].rip)
			ctx.rip = bad[i].rip;
		if (bad[i].rsp)
			ctx.rsp = bad[i].rsp;
		rc = vop(KEEL_VCPUOP_initialise, 1, &ctx);
		printf("initialise(1, %s) = %ld\n", bad[i].what, rc);
		CHECK_EQ(rc, -KEEL_EINVAL);
		if (rc == 0)
			accepted = true;
	}
	if (accepted) {
		/* Do not start a vCPU on a bad context: discard it. */
		CHECK_EQ(vop(KEEL_VCPUOP_down, 1, 0), 0);
	} else {
		/* None of those initialised it. */
		CHECK_EQ(vop(KEEL_VCPUOP_up, 1, 0), -KEEL_EINVAL);
	}
	CHECK_EQ(vop(KEEL_VCPUOP_is_up, 1, 0), 0);

	/* A down vCPU may be initialised again and again. */
	CHECK_EQ(vop(KEEL_VCPUOP_initialise, 1, &good), 0);
	CHECK_EQ(vop(KEEL_VCPUOP_initialise, 1, &good), 0);
	CHECK_EQ(vop(KEEL_VCPUOP_is_up, 1, 0), 0);
	printf("initialise(1) twice while down: 0, 0; still down\n");
	/* initialise of a vCPU that is up: -EEXIST, vCPU 0 included. */
	CHECK_EQ(vop(KEEL_VCPUOP_initialise, 0, &good), -KEEL_EEXIST);

	/* vCPU numbers out of range: -ENOENT for every command. */
	static const unsigned long badid[] = { 2, 31, 32, 1000, ~0UL };
	for (unsigned int i = 0; i < 5; i++) {
		for (unsigned long cmd = 0; cmd <= 6; cmd++)
			CHECK(vop(cmd, badid[i], &rs) == -KEEL_ENOENT,
			      "vcpu_op(%lu, vcpu %#lx) = %ld", cmd, badid[i],
			      vop(cmd, badid[i], &rs));
		CHECK_EQ(vop(99, badid[i], 0), -KEEL_ENOENT);
	}
	printf("vcpu ids 2, 31, 32, 1000, ~0: -ENOENT for every command\n");

	static const unsigned long unknown[] = { 6, 7, 99, 0xffffffffUL, ~0UL };
	for (unsigned int i = 0; i < 5; i++) {
		rc = vop(unknown[i], 0, &rs);
		CHECK_EQ(rc, -KEEL_ENOSYS);
	}
	printf("unknown commands: -ENOSYS\n");

	/* get_runstate of the caller: running, time growing. */
	memset(&rs, 0x5a, sizeof(rs));
	uint64_t w0 = rt_now_ns();
	CHECK_EQ(vop(KEEL_VCPUOP_get_runstate, 0, &rs), 0);
	uint64_t t0 = rs.cpu_time_ns;
	printf("runstate(0): state %u, cpu %llu ns, pcpu %u\n", rs.state,
	       (unsigned long long)rs.cpu_time_ns, rs.pcpu);
	CHECK_EQ(rs.state, KEEL_RUNSTATE_running);
	CHECK(rs.cpu_time_ns > 0, "cpu_time_ns is 0");
	CHECK(rs.pcpu < 64, "pcpu %u", rs.pcpu);
	while (rt_now_ns() < w0 + 3000000)
		;
	CHECK_EQ(vop(KEEL_VCPUOP_get_runstate, 0, &rs), 0);
	uint64_t w1 = rt_now_ns();
	printf("after 3 ms of spinning: cpu %llu ns (+%llu in %llu ns)\n",
	       (unsigned long long)rs.cpu_time_ns,
	       (unsigned long long)(rs.cpu_time_ns - t0),
	       (unsigned long long)(w1 - w0));
	/* It grew, and by no more than the wall time (the caller's own
	 * count includes the current run). */
	CHECK(rs.cpu_time_ns > t0, "cpu time did not grow");
	CHECK(rs.cpu_time_ns - t0 <= w1 - w0, "cpu time grew by %llu ns in "
	      "%llu ns", (unsigned long long)(rs.cpu_time_ns - t0),
	      (unsigned long long)(w1 - w0));
	CHECK_EQ(rs.state, KEEL_RUNSTATE_running);
	CHECK_EQ(vop(KEEL_VCPUOP_get_runstate, 1, &rs), 0);
	CHECK_EQ(rs.state, KEEL_RUNSTATE_down);
	CHECK_EQ(rs.cpu_time_ns, 0);

	/* update_time: only for the caller. */
	CHECK_EQ(vop(KEEL_VCPUOP_update_time, 0, 0), 0);
	CHECK_EQ(vop(KEEL_VCPUOP_update_time, 1, 0), -KEEL_EINVAL);

	/* Start vCPU 1 for real. */
	CHECK_EQ(rt_vcpu_start(1, vcpu1_main, NULL), 0);
	CHECK(rt_wait_for(&started, 1000000000ULL), "vCPU 1 did not start");
	CHECK_EQ(started_id, 1);
	CHECK_EQ(vop(KEEL_VCPUOP_is_up, 1, 0), 1);
	rc = vop(KEEL_VCPUOP_initialise, 1, &good);
	printf("vCPU 1 up; initialise(1) again = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EEXIST);
	CHECK_EQ(vop(KEEL_VCPUOP_up, 1, 0), 0);	/* already up: no-op */
	CHECK_EQ(vop(KEEL_VCPUOP_get_runstate, 1, &rs), 0);
	printf("runstate(1): state %u, cpu %llu ns\n", rs.state,
	       (unsigned long long)rs.cpu_time_ns);
	CHECK(rs.state == KEEL_RUNSTATE_running ||
	      rs.state == KEEL_RUNSTATE_runnable ||
	      rs.state == KEEL_RUNSTATE_blocked, "state %u", rs.state);
	CHECK(rs.cpu_time_ns > 0, "vCPU 1 ran for 0 ns");

	/* It stops itself (the runtime takes it down when its function
	 * returns); its context is then gone: once is_up says 0, up must
	 * refuse, and the vCPU must not come back by itself. */
	stop = 1;
	CHECK(wait_down(1), "vCPU 1 did not go down");
	CHECK_EQ(vop(KEEL_VCPUOP_up, 1, 0), -KEEL_EINVAL);
	CHECK_EQ(vop(KEEL_VCPUOP_get_runstate, 1, &rs), 0);
	CHECK_EQ(rs.state, KEEL_RUNSTATE_down);
	/* Again, 20 times: start, let it take itself down, try up at once. */
	unsigned int cycles;
	for (cycles = 0; cycles < 20 && !test_failures; cycles++) {
		started = 0;
		stop = 0;
		CHECK_EQ(start_vcpu1(), 0);
		CHECK(rt_wait_for(&started, 1000000000ULL), "vCPU 1 did not "
		      "start (cycle %u)", cycles);
		stop = 1;
		CHECK(wait_down(1), "vCPU 1 did not go down (cycle %u)", cycles);
		rc = vop(KEEL_VCPUOP_up, 1, 0);
		CHECK(rc == -KEEL_EINVAL, "cycle %u: up(1) right after it took "
		      "itself down = %ld, expected -EINVAL", cycles, rc);
		CHECK_EQ(vop(KEEL_VCPUOP_get_runstate, 1, &rs), 0);
		CHECK(rs.state == KEEL_RUNSTATE_down, "cycle %u: vCPU 1 state %u "
		      "after going down", cycles, rs.state);
	}
	printf("vCPU 1 took itself down %u times; up(1) = -EINVAL each time\n",
	       cycles + 1);

	/* Start it again, then take it down from vCPU 0. */
	started = 0;
	stop = 0;
	CHECK_EQ(start_vcpu1(), 0);
	CHECK(rt_wait_for(&started, 1000000000ULL), "vCPU 1 did not restart");
	CHECK_EQ(vop(KEEL_VCPUOP_down, 1, 0), 0);
	CHECK_EQ(vop(KEEL_VCPUOP_is_up, 1, 0), 0);
	CHECK_EQ(vop(KEEL_VCPUOP_up, 1, 0), -KEEL_EINVAL);
	printf("down(1) from vCPU 0: is_up(1) = 0, up(1) = -EINVAL\n");
}
