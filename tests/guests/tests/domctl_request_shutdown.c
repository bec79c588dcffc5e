/* keel-test: group=domctl_request_shutdown privileged=1 mem=8M cpus=2 timeout=120 */
/*
 * domctl request_shutdown and getvcpuinfo (ABI 1.3), as the control
 * domain, on children that run shutdown_request_child with wait=1:
 *  - a request reaches the child (its VIRQ, and the reason in shared
 *    info), which shuts down with that reason: reboot for one child,
 *    poweroff for another, and one asked before it has even started;
 *  - bad requests (a reason other than poweroff and reboot, padding, the
 *    caller itself, a missing domain) are refused;
 *  - getvcpuinfo reports the caller's own vCPU as running on a CPU, a
 *    child not yet started as down, a blocked child as blocked, and
 *    refuses a vCPU index past the last.
 * A group of its own: its free-frame count must not move with others'.
 */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "domctl_request_shutdown";

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl child_image, child_image_end\n"
	"child_image:\n"
	".incbin \"" SHUTDOWN_REQUEST_CHILD_ELF "\"\n"
	"child_image_end:\n"
	".popsection\n");
extern const char child_image[], child_image_end[];

static long domctl(unsigned int cmd, unsigned long arg)
{
	return keel_hypercall_domctl(cmd, arg);
}

static uint16_t create_child(void)
{
	static const char config[] = "name=shutdown_request_child mem=1M "
				     "user=16K -- wait=1";
	struct keel_domctl_create_domain op = {
		.image = (unsigned long)child_image,
		.image_size = (uint64_t)(child_image_end - child_image),
		.config = (unsigned long)config,
	};

	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op), 0);
	return op.domid;
}

static long request(uint32_t domid, uint32_t reason, uint16_t pad)
{
	struct keel_domctl_request_shutdown req = {
		.domid = (keel_domid_t)domid, .pad = pad, .reason = reason,
	};

	return domctl(KEEL_DOMCTL_request_shutdown, (unsigned long)&req);
}

static struct keel_domctl_getvcpuinfo vcpu_info_of(uint16_t domid,
						   uint32_t vcpu, long *rc)
{
	struct keel_domctl_getvcpuinfo info = { .domid = domid, .vcpu = vcpu };

	*rc = domctl(KEEL_DOMCTL_getvcpuinfo, (unsigned long)&info);
	return info;
}

/* Ask @child to shut down with @reason and see it go with it. */
static void ask_and_watch(uint16_t child, uint32_t reason, const char *name)
{
	char want[96];
	uint64_t pos = rt_log_end();

	CHECK_EQ(request(child, reason, 0), 0);
	format_string(want, sizeof(want), "Domain %u (shutdown_request_child) "
		      "exited: %s", child, name);
	CHECK(rt_log_wait_for(&pos, want), "no \"%s\" in 30 s", want);
	printf("domain %u shut down with %s, as asked\n", child, name);
}

void test_main(void)
{
	uint64_t before = rt_free_frames();
	long rc;

	/* Our own vCPU: running, here. */
	struct keel_domctl_getvcpuinfo me = vcpu_info_of(rt_boot.domid, 0, &rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(me.state, KEEL_VCPUINFO_running);
	CHECK(me.cpu_time_ns > 0, "no CPU time");
	CHECK(me.processor < 2, "processor %u", me.processor);
	vcpu_info_of(rt_boot.domid, 1, &rc);
	CHECK_EQ(rc, -KEEL_ENOENT);
	vcpu_info_of(0x7000, 0, &rc);
	CHECK_EQ(rc, -KEEL_ESRCH);
	struct keel_domctl_getvcpuinfo bad = { .domid = rt_boot.domid, .pad = 1 };
	CHECK_EQ(domctl(KEEL_DOMCTL_getvcpuinfo, (unsigned long)&bad),
		 -KEEL_EINVAL);
	CHECK_EQ(domctl(KEEL_DOMCTL_getvcpuinfo, 0x10000000), -KEEL_EFAULT);

	/* Refusals. */
	uint16_t child = create_child();
	CHECK_EQ(request(child, KEEL_SHUTDOWN_crash, 0), -KEEL_EINVAL);
	CHECK_EQ(request(child, 77, 0), -KEEL_EINVAL);
	CHECK_EQ(request(child, KEEL_SHUTDOWN_poweroff, 1), -KEEL_EINVAL);
	CHECK_EQ(request(rt_boot.domid, KEEL_SHUTDOWN_poweroff, 0), -KEEL_EINVAL);
	CHECK_EQ(request(0x7000, KEEL_SHUTDOWN_poweroff, 0), -KEEL_ESRCH);
	CHECK_EQ(domctl(KEEL_DOMCTL_request_shutdown, 0x10000000), -KEEL_EFAULT);
	printf("bad requests refused\n");

	/* Not started yet: its vCPU is down. Started, it binds the VIRQ and
	 * blocks; then it is asked to reboot. */
	struct keel_domctl_getvcpuinfo c = vcpu_info_of(child, 0, &rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(c.state, KEEL_VCPUINFO_down);
	uint64_t pos = rt_log_end();
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child), 0);
	char want[80];
	format_string(want, sizeof(want), "(d%u) waiting for a shutdown request",
		      child);
	CHECK(rt_log_wait_for(&pos, want), "the child never waited");
	uint64_t deadline = rt_now_ns() + 10000000000ULL;
	do {
		c = vcpu_info_of(child, 0, &rc);
		CHECK_EQ(rc, 0);
		CHECK(rt_now_ns() < deadline, "the child's vCPU is %u, not "
		      "blocked, after 10 s", c.state);
		rt_yield();
	} while (c.state != KEEL_VCPUINFO_blocked);
	printf("getvcpuinfo: the waiting child's vCPU is blocked\n");
	ask_and_watch(child, KEEL_SHUTDOWN_reboot, "reboot");

	/* A running child, asked to power off. */
	child = create_child();
	pos = rt_log_end();
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child), 0);
	format_string(want, sizeof(want), "(d%u) waiting for a shutdown request",
		      child);
	CHECK(rt_log_wait_for(&pos, want), "the second child never waited");
	ask_and_watch(child, KEEL_SHUTDOWN_poweroff, "poweroff");

	/* Asked before it started: the field alone tells it. */
	child = create_child();
	CHECK_EQ(request(child, KEEL_SHUTDOWN_poweroff, 0), 0);
	pos = rt_log_end();
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child), 0);
	format_string(want, sizeof(want), "Domain %u (shutdown_request_child) "
		      "exited: poweroff", child);
	CHECK(rt_log_wait_for(&pos, want), "the early request was lost");
	printf("a request made before the start was seen\n");

	/* Every child gone, every frame back. */
	deadline = rt_now_ns() + 10000000000ULL;
	while (rt_free_frames() != before) {
		CHECK(rt_now_ns() < deadline, "%llu frames free, %llu before",
		      (unsigned long long)rt_free_frames(),
		      (unsigned long long)before);
		rt_yield();
	}
}
