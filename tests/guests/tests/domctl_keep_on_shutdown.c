/* keel-test: group=domctl_keep_on_shutdown privileged=1 mem=8M cpus=2 timeout=120 */
/*
 * keep_on_shutdown=1 and KEEL_VIRQ_DOM_EXC (ABI 1.4), as the control
 * domain, on children that run shutdown_request_child with wait=1:
 *  - a kept child that shuts down raises DOM_EXC here, and stays:
 *    getinfo shows it shut down with its reason and its memory, even
 *    after the reaper has freed a later, unkept child;
 *  - it cannot be started, paused or asked to shut down again;
 *  - destroy_domain lets it go (KEEL_DOMINFO_dying, then DOM_EXC again
 *    once it is freed), the log names its own reason (reboot), and
 *    every frame comes back;
 *  - an unkept child's shutdown raises DOM_EXC too;
 *  - a kept child still shut down when this, the only control domain,
 *    exits is freed by Keel: the runner's final frame count checks it.
 * A group of its own: its free-frame count must not move with others'.
 */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "domctl_keep_on_shutdown";

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

/* A started child, waiting for a shutdown request. */
static uint16_t start_child(bool keep)
{
	const char *config = keep ?
		"name=kept_child mem=1M user=16K keep_on_shutdown=1 -- wait=1" :
		"name=unkept_child mem=1M user=16K -- wait=1";
	struct keel_domctl_create_domain op = {
		.image = (unsigned long)child_image,
		.image_size = (uint64_t)(child_image_end - child_image),
		.config = (unsigned long)config,
	};
	char want[80];

	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op), 0);
	uint64_t pos = rt_log_end();
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, op.domid), 0);
	format_string(want, sizeof(want), "(d%u) waiting for a shutdown request",
		      op.domid);
	CHECK(rt_log_wait_for(&pos, want), "child %u never waited", op.domid);
	return op.domid;
}

static long request(uint16_t domid, uint32_t reason)
{
	struct keel_domctl_request_shutdown req = { .domid = domid,
						    .reason = reason };

	return domctl(KEEL_DOMCTL_request_shutdown, (unsigned long)&req);
}

static long info_of(uint16_t domid, struct keel_domctl_getinfo *info)
{
	info->domid = domid;
	return domctl(KEEL_DOMCTL_getinfo, (unsigned long)info);
}

/* The kept child after destroy_domain, before Keel has freed it. */
static bool is_dying_or_gone(long rc, const struct keel_domctl_getinfo *info)
{
	return rc == -KEEL_ESRCH || rc == -KEEL_EBUSY ||
	       (!rc && (info->flags & KEEL_DOMINFO_dying));
}

/* Wait for a DOM_EXC on @port until @domid's getinfo satisfies @done. */
static void wait_dom_exc(keel_port_t port, uint16_t domid,
			 bool (*done)(long rc, const struct keel_domctl_getinfo *),
			 const char *what)
{
	uint64_t deadline = rt_now_ns() + 30000000000ULL;
	struct keel_domctl_getinfo info;

	for (;;) {
		bool fired = rt_wait_port(port, deadline);
		CHECK(fired, "no DOM_EXC within 30 s, waiting for %s", what);
		if (!fired || done(info_of(domid, &info), &info))
			return;
	}
}

static bool is_shut_down(long rc, const struct keel_domctl_getinfo *info)
{
	return !rc && (info->flags & KEEL_DOMINFO_shutdown);
}

static bool is_gone(long rc, const struct keel_domctl_getinfo *info)
{
	(void)info;
	return rc == -KEEL_ESRCH;
}

void test_main(void)
{
	uint64_t before = rt_free_frames();
	struct keel_domctl_getinfo info;
	keel_port_t port, other;
	char want[96];
	long rc;

	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DOM_EXC, 1, &other), -KEEL_EINVAL);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DOM_EXC, 0, &port), 0);

	/* A kept child reboots: DOM_EXC, and it is still there. */
	uint16_t kept = start_child(true);
	uint64_t pos = rt_log_end();
	CHECK_EQ(request(kept, KEEL_SHUTDOWN_reboot), 0);
	wait_dom_exc(port, kept, is_shut_down, "the kept child's shutdown");
	CHECK_EQ(info_of(kept, &info), 0);
	CHECK(info.flags & KEEL_DOMINFO_shutdown, "flags %#x", info.flags);
	CHECK(!(info.flags & KEEL_DOMINFO_dying), "flags %#x", info.flags);
	CHECK_EQ(info.shutdown_reason, KEEL_SHUTDOWN_reboot);
	CHECK_EQ(info.nr_pages, 256);
	format_string(want, sizeof(want), "Domain %u (kept_child) shut down: "
		      "reboot; kept", kept);
	CHECK(rt_log_wait_for(&pos, want), "no \"%s\"", want);
	printf("kept child %u: shut down (reboot), still listed with its "
	       "memory; %llu frames free, %llu before\n", kept,
	       (unsigned long long)rt_free_frames(), (unsigned long long)before);

	/* An unkept child comes and goes; DOM_EXC for both its shutdown and
	 * its end. The reaper has run since the kept child shut down: the
	 * kept one must still be there. */
	uint16_t unkept = start_child(false);
	CHECK_EQ(request(unkept, KEEL_SHUTDOWN_poweroff), 0);
	wait_dom_exc(port, unkept, is_gone, "the unkept child's end");
	CHECK_EQ(info_of(kept, &info), 0);
	CHECK(info.flags & KEEL_DOMINFO_shutdown, "flags %#x", info.flags);
	printf("unkept child %u freed; kept child %u still there; %llu "
	       "frames free\n", unkept, kept,
	       (unsigned long long)rt_free_frames());

	/* A kept, shut-down domain does not come back by itself. */
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, kept), -KEEL_EINVAL);
	CHECK_EQ(domctl(KEEL_DOMCTL_pause_domain, kept), -KEEL_EINVAL);
	CHECK_EQ(request(kept, KEEL_SHUTDOWN_poweroff), -KEEL_EINVAL);
	printf("unpause, pause and request_shutdown refused\n");

	/* Destroy lets it go, keeping its reason. */
	pos = rt_log_end();
	CHECK_EQ(domctl(KEEL_DOMCTL_destroy_domain, kept), 0);
	rc = info_of(kept, &info);
	CHECK(is_dying_or_gone(rc, &info), "rc %ld flags %#x", rc, info.flags);
	wait_dom_exc(port, kept, is_gone, "the kept child's end");
	format_string(want, sizeof(want), "Domain %u (kept_child) exited: "
		      "reboot", kept);
	CHECK(rt_log_wait_for(&pos, want), "no \"%s\"", want);
	uint64_t deadline = rt_now_ns() + 10000000000ULL;
	uint64_t now;
	while ((now = rt_free_frames()) != before) {
		if (rt_now_ns() >= deadline) {
			CHECK(false, "%llu frames free, %llu before",
			      (unsigned long long)now,
			      (unsigned long long)before);
			break;
		}
		rt_yield();
	}
	printf("destroyed: every frame back\n");

	/* Left shut down as this domain exits: Keel frees it then. */
	kept = start_child(true);
	CHECK_EQ(request(kept, KEEL_SHUTDOWN_poweroff), 0);
	wait_dom_exc(port, kept, is_shut_down, "the last child's shutdown");
	printf("kept child %u left shut down for Keel to free\n", kept);
}
