/* keel-test: group=soak privileged=1 mem=8M timeout=300 args="cycles=25" */
/*
 * Create and destroy a small PV guest (soak_child) many times, as the
 * control domain, and check after every cycle that the free-frame count
 * is back where it was: no frame of a guest, its page tables, its shared
 * info or its bookkeeping may leak. Every fifth child is told to stay
 * running (hold=1) and is destroyed by domctl while it runs; the others
 * power off by themselves.
 *
 * `make check` runs 25 cycles; `make soak` runs 1000 (cycles= on the
 * guest command line). It boots alone (its own group): other domains
 * exiting would move the free-frame count under it.
 */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "soak";

/* The child's ELF image, linked in by guests.mk. */
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

/* Wait (bounded) until @domid no longer exists. */
static bool wait_gone(uint16_t domid, uint64_t timeout_ns)
{
	uint64_t deadline = rt_now_ns() + timeout_ns;
	struct keel_domctl_getinfo info;

	do {
		info.domid = domid;
		if (domctl(KEEL_DOMCTL_getinfo, (unsigned long)&info) ==
		    -KEEL_ESRCH)
			return true;
		rt_yield();
	} while (rt_now_ns() < deadline);
	return false;
}

static uint16_t create_child(unsigned int n, bool hold)
{
	static char config[96];
	struct keel_domctl_create_domain op = {
		.image = (unsigned long)soak_child_image,
		.image_size = (uint64_t)(soak_child_image_end - soak_child_image),
		.config = (unsigned long)config,
	};

	format_string(config, sizeof(config), "name=soak_child mem=1M user=16K "
		      "-- cycle=%u%s", n, hold ? " hold=1" : "");
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op), 0);
	return op.domid;
}

static void check_bad_requests(void)
{
	struct keel_domctl_create_domain op = {
		.image = (unsigned long)soak_child_image,
		.image_size = (uint64_t)(soak_child_image_end - soak_child_image),
		.config = (unsigned long)"name=bad mem=1M",
	};
	uint64_t before = rt_free_frames();

	op.image_size = 0;
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op),
		 -KEEL_EINVAL);
	op.image_size = KEEL_DOMCTL_IMAGE_MAX + 1;
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op),
		 -KEEL_EINVAL);
	op.image_size = 64;	/* truncated: not an ELF the builder takes */
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op),
		 -KEEL_EINVAL);
	op.image_size = (uint64_t)(soak_child_image_end - soak_child_image);
	op.image = 0xffff830000000000ULL;
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op),
		 -KEEL_EFAULT);
	op.image = (unsigned long)soak_child_image;
	op.config = 0;
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op),
		 -KEEL_EFAULT);
	op.config = (unsigned long)"name=huge mem=60G";
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op),
		 -KEEL_ENOMEM);
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, 0x7000), -KEEL_ESRCH);
	CHECK_EQ(domctl(KEEL_DOMCTL_destroy_domain, 0x7000), -KEEL_ESRCH);
	CHECK_EQ(domctl(KEEL_DOMCTL_destroy_domain, rt_boot.domid),
		 -KEEL_EINVAL);
	CHECK_EQ(rt_free_frames(), before);
	printf("bad create/unpause/destroy requests refused, nothing leaked\n");
}

void test_main(void)
{
	const char *arg = rt_cmdline_value("cycles");
	unsigned int cycles = 0;

	for (const char *p = arg; p && *p >= '0' && *p <= '9'; p++)
		cycles = cycles * 10 + (unsigned int)(*p - '0');
	CHECK(cycles > 0, "no cycles= on the command line");

	check_bad_requests();
	uint64_t before = rt_free_frames();
	printf("soak: %u cycles; %llu frames free before\n", cycles,
	       (unsigned long long)before);
	for (unsigned int n = 0; n < cycles; n++) {
		bool hold = n % 5 == 4;
		uint16_t domid = create_child(n, hold);

		CHECK(rt_free_frames() < before, "cycle %u: creating took no memory",
		      n);
		CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, domid), 0);
		long again = domctl(KEEL_DOMCTL_unpause_domain, domid);
		if (hold) {
			/* Still running: a second unpause is refused. */
			CHECK_EQ(again, -KEEL_EINVAL);
			CHECK_EQ(domctl(KEEL_DOMCTL_destroy_domain, domid), 0);
		} else {
			/* Refused too, or the child already powered off and
			 * is gone. */
			CHECK(again == -KEEL_EINVAL || again == -KEEL_ESRCH,
			      "cycle %u: second unpause returned %ld", n,
			      again);
		}
		CHECK(wait_gone(domid, 10000000000ULL),
		      "cycle %u: domain %u still there after 10 s", n, domid);
		uint64_t now = rt_free_frames();
		CHECK(now == before, "cycle %u: %llu frames free, %llu before",
		      n, (unsigned long long)now, (unsigned long long)before);
		if ((n + 1) % 100 == 0 || n + 1 == cycles)
			printf("soak: %u cycles done, %llu frames free\n", n + 1,
			       (unsigned long long)now);
	}
}
