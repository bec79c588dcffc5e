/* keel-test: group=domctl_reap_busy privileged=1 mem=8M vcpus=2 cpus=2 timeout=120 */
/*
 * A destroyed domain is freed even when no CPU ever goes idle. Keel's
 * reaper runs in the idle loop; here both of the machine's CPUs stay
 * busy with this domain's two vCPUs, which never block or yield, while
 * vCPU 0 destroys children and polls for their end:
 *  - a kept child (keep_on_shutdown=1) that has shut down: destroy stops
 *    no vCPU, so it must send a CPU through the reaper itself;
 *  - a running child (hold=1), whose vCPU leaves its CPU as it stops.
 * Each must be gone, and every frame back, within 10 s.
 */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "domctl_reap_busy";

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl kept_image, kept_image_end, spin_image, spin_image_end\n"
	"kept_image:\n"
	".incbin \"" SHUTDOWN_REQUEST_CHILD_ELF "\"\n"
	"kept_image_end:\n"
	".balign 16\n"
	"spin_image:\n"
	".incbin \"" SOAK_CHILD_ELF "\"\n"
	"spin_image_end:\n"
	".popsection\n");
extern const char kept_image[], kept_image_end[];
extern const char spin_image[], spin_image_end[];

static volatile int vcpu1_started, stop_spinning;

/* vCPU 1: keep the other CPU busy, never blocking nor yielding. */
static void vcpu1_main(void *arg)
{
	(void)arg;
	vcpu1_started = 1;
	while (!stop_spinning)
		rt_barrier();
	for (;;)
		rt_block();
}

static long domctl(unsigned int cmd, unsigned long arg)
{
	return keel_hypercall_domctl(cmd, arg);
}

static uint16_t create(const char *image, const char *end,
		       const char *config)
{
	struct keel_domctl_create_domain op = {
		.image = (unsigned long)image,
		.image_size = (uint64_t)(end - image),
		.config = (unsigned long)config,
	};

	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op), 0);
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, op.domid), 0);
	return op.domid;
}

static long info_of(uint16_t domid, struct keel_domctl_getinfo *info)
{
	info->domid = domid;
	return domctl(KEEL_DOMCTL_getinfo, (unsigned long)info);
}

/* Spin (no block, no yield) until @done or 10 s. */
static bool spin_until(bool (*done)(uint16_t), uint16_t domid)
{
	uint64_t deadline = rt_now_ns() + 10000000000ULL;

	while (!done(domid))
		if (rt_now_ns() >= deadline)
			return false;
	return true;
}

static bool is_shut_down(uint16_t domid)
{
	struct keel_domctl_getinfo info;

	return !info_of(domid, &info) &&
	       (info.flags & KEEL_DOMINFO_shutdown);
}

static bool is_gone(uint16_t domid)
{
	struct keel_domctl_getinfo info;

	return info_of(domid, &info) == -KEEL_ESRCH;
}

static uint64_t frames_before;

static bool frames_back(uint16_t domid)
{
	(void)domid;
	return rt_free_frames() == frames_before;
}

void test_main(void)
{
	char want[80];

	frames_before = rt_free_frames();
	CHECK_EQ(rt_boot.nr_vcpus, 2);
	CHECK_EQ(rt_vcpu_start(1, vcpu1_main, NULL), 0);
	CHECK(rt_wait_for(&vcpu1_started, 1000000000ULL),
	      "vCPU 1 did not start");

	/* A kept child, shut down; then destroyed with both CPUs busy. */
	uint16_t kept = create(kept_image, kept_image_end,
			       "name=kept mem=1M user=16K keep_on_shutdown=1 "
			       "-- wait=1");
	uint64_t pos = rt_log_end();
	format_string(want, sizeof(want), "(d%u) waiting for a shutdown "
		      "request", kept);
	CHECK(rt_log_wait_for(&pos, want), "the kept child never waited");
	struct keel_domctl_request_shutdown req = {
		.domid = kept, .reason = KEEL_SHUTDOWN_poweroff };
	CHECK_EQ(domctl(KEEL_DOMCTL_request_shutdown, (unsigned long)&req),
		 0);
	CHECK(spin_until(is_shut_down, kept), "the kept child did not shut "
	      "down");
	CHECK_EQ(domctl(KEEL_DOMCTL_destroy_domain, kept), 0);
	CHECK(spin_until(is_gone, kept), "the kept child was not freed "
	      "within 10 s with every CPU busy");
	printf("kept child %u destroyed and freed, no CPU idle\n", kept);

	/* A running child, destroyed the same way. */
	uint16_t spinner = create(spin_image, spin_image_end,
				  "name=spinner mem=1M user=16K -- hold=1");
	CHECK_EQ(domctl(KEEL_DOMCTL_destroy_domain, spinner), 0);
	CHECK(spin_until(is_gone, spinner), "the running child was not "
	      "freed within 10 s with every CPU busy");
	CHECK(spin_until(frames_back, 0), "%llu frames free, %llu before",
	      (unsigned long long)rt_free_frames(),
	      (unsigned long long)frames_before);
	printf("running child %u destroyed and freed; every frame back\n",
	       spinner);
	stop_spinning = 1;
}
