/* keel-test: group=domctl_pause privileged=1 mem=8M cpus=2 timeout=120 */
/*
 * domctl's pause_domain and getinfo_next (ABI 1.3), as the control
 * domain, on a child (soak_child, hold=1) that spins on the other CPU:
 *  - getinfo_next walks every domain in id order, and ends in ESRCH;
 *  - a domain built and not started reports KEEL_DOMINFO_paused, and
 *    cannot be paused;
 *  - a paused domain's CPU time stops growing and it is never running;
 *    unpausing lets it run again; pausing twice, or unpausing a domain
 *    that is not paused, is refused;
 *  - the caller cannot pause itself, and missing ids get ESRCH;
 *  - a paused domain can be destroyed, and every frame comes back.
 * A group of its own: its free-frame count must not move with others'.
 */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "domctl_pause";

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl soak_child_image, soak_child_image_end\n"
	"soak_child_image:\n"
	".incbin \"" SOAK_CHILD_ELF "\"\n"
	"soak_child_image_end:\n"
	".popsection\n");
extern const char soak_child_image[], soak_child_image_end[];

static long domctl(unsigned int cmd, unsigned long arg)
{
	return keel_hypercall_domctl(cmd, arg);
}

static struct keel_domctl_getinfo info_of(uint16_t domid)
{
	struct keel_domctl_getinfo info = { .domid = domid };

	CHECK_EQ(domctl(KEEL_DOMCTL_getinfo, (unsigned long)&info), 0);
	return info;
}

/* Yield for @ns of system time. */
static void wait_ns(uint64_t ns)
{
	uint64_t end = rt_now_ns() + ns;

	while (rt_now_ns() < end)
		rt_yield();
}

/* The child's CPU time, once it has grown past @after (bounded). */
static uint64_t cpu_time_growing_past(uint16_t domid, uint64_t after)
{
	uint64_t deadline = rt_now_ns() + 10000000000ULL;

	for (;;) {
		uint64_t t = info_of(domid).cpu_time_ns;

		if (t > after)
			return t;
		CHECK(rt_now_ns() < deadline, "domain %u's CPU time stayed at "
		      "%llu ns for 10 s", domid, (unsigned long long)t);
		rt_yield();
	}
}

static void check_walk(uint16_t child)
{
	struct keel_domctl_getinfo info = { .domid = 0 };
	unsigned int found = 0;
	uint16_t last = 0;

	for (;;) {
		long rc = domctl(KEEL_DOMCTL_getinfo_next,
				 (unsigned long)&info);
		if (rc == -KEEL_ESRCH)
			break;
		CHECK_EQ(rc, 0);
		printf("getinfo_next: domain %u (%s), flags %#x\n", info.domid,
		       info.name, info.flags);
		CHECK(!found || info.domid > last, "walk went back: %u after %u",
		      info.domid, last);
		if (info.domid == rt_boot.domid) {
			CHECK(!strcmp(info.name, test_name), "own name \"%s\"",
			      info.name);
			found |= 1;
		}
		if (info.domid == child) {
			CHECK(!strcmp(info.name, "paused_child"),
			      "child's name \"%s\"", info.name);
			CHECK_EQ(info.flags, KEEL_DOMINFO_paused);
			found |= 2;
		}
		last = info.domid;
		CHECK(info.domid < 0xffff, "walk reached id %u", info.domid);
		info.domid++;
	}
	CHECK_EQ(found, 3);
	info.domid = child + 1;
	CHECK_EQ(domctl(KEEL_DOMCTL_getinfo_next, (unsigned long)&info),
		 -KEEL_ESRCH);
	CHECK_EQ(domctl(KEEL_DOMCTL_getinfo_next, 0x10000000), -KEEL_EFAULT);
}

void test_main(void)
{
	static const char config[] = "name=paused_child mem=1M user=16K -- hold=1";
	struct keel_domctl_create_domain op = {
		.image = (unsigned long)soak_child_image,
		.image_size = (uint64_t)(soak_child_image_end - soak_child_image),
		.config = (unsigned long)config,
	};
	uint64_t before = rt_free_frames();

	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op), 0);
	uint16_t child = op.domid;

	check_walk(child);
	/* Not started: nothing to pause. */
	CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, child), -KEEL_EINVAL);
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child), 0);
	uint64_t t = cpu_time_growing_past(child, 0);
	CHECK_EQ(info_of(child).flags & KEEL_DOMINFO_paused, 0);

	for (unsigned int round = 0; round < 3; round++) {
		CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, child), 0);
		CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, child), -KEEL_EINVAL);
		/* It leaves its CPU on its next way back to the guest: a
		 * moment, which 20 ms covers many times over. */
		wait_ns(20000000);
		struct keel_domctl_getinfo a = info_of(child);
		wait_ns(50000000);
		struct keel_domctl_getinfo b = info_of(child);
		printf("round %u: paused: flags %#x, CPU time %llu -> %llu ns\n",
		       round, b.flags, (unsigned long long)a.cpu_time_ns,
		       (unsigned long long)b.cpu_time_ns);
		CHECK_EQ(b.flags & (KEEL_DOMINFO_paused | KEEL_DOMINFO_running),
			 KEEL_DOMINFO_paused);
		CHECK(b.cpu_time_ns == a.cpu_time_ns, "a paused domain ran for "
		      "%llu ns", (unsigned long long)(b.cpu_time_ns -
						       a.cpu_time_ns));
		CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child), 0);
		CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child),
			 -KEEL_EINVAL);
		t = cpu_time_growing_past(child, b.cpu_time_ns);
		CHECK_EQ(info_of(child).flags & KEEL_DOMINFO_paused, 0);
	}
	printf("paused and unpaused 3 times; CPU time %llu ns\n",
	       (unsigned long long)t);

	CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, rt_boot.domid), -KEEL_EINVAL);
	CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, KEEL_DOMID_SELF), -KEEL_ESRCH);
	CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, 0x7000), -KEEL_ESRCH);
	CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, 0x10000 + child),
		 -KEEL_ESRCH);

	/* Destroyed while paused: gone, and every frame back. */
	CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, child), 0);
	CHECK_EQ(domctl(KEEL_DOMCTL_destroy_domain, child), 0);
	uint64_t deadline = rt_now_ns() + 10000000000ULL;
	struct keel_domctl_getinfo gone = { .domid = child };
	while (domctl(KEEL_DOMCTL_getinfo, (unsigned long)&gone) !=
	       -KEEL_ESRCH) {
		CHECK(rt_now_ns() < deadline, "the paused child is still there "
		      "10 s after destroy");
		rt_yield();
	}
	CHECK_EQ(rt_free_frames(), before);
	printf("destroyed while paused; %llu frames free, as before\n",
	       (unsigned long long)before);
}
