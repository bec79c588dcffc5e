/* keel-test: group=domctl_create_initrd privileged=1 mem=8M timeout=120 */
/*
 * domctl create_domain_initrd (ABI 1.3), as the control domain: the
 * child, boot_initrd's image, is built with an initrd from this domain's
 * memory and must find every byte of it where the boot protocol says
 * (boot_initrd checks that, and reports on Keel's console, which this
 * test reads back). Bad requests (sizes out of range, an initrd that is
 * unmapped, in the hypervisor, or larger than the domain) are refused
 * without a domain or a frame left behind.
 * A group of its own: its free-frame count must not move with others'.
 */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "domctl_create_initrd";

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl child_image, child_image_end\n"
	"child_image:\n"
	".incbin \"" BOOT_INITRD_ELF "\"\n"
	"child_image_end:\n"
	".popsection\n");
extern const char child_image[], child_image_end[];

#define INITRD_BYTES 20001	/* what boot_initrd expects */

static uint8_t initrd[INITRD_BYTES];
static char logbuf[4096];

static long domctl(unsigned int cmd, unsigned long arg)
{
	return keel_hypercall_domctl(cmd, arg);
}

static struct keel_domctl_create_domain_initrd request(const char *config)
{
	return (struct keel_domctl_create_domain_initrd){
		.domain = {
			.image = (unsigned long)child_image,
			.image_size = (uint64_t)(child_image_end - child_image),
			.config = (unsigned long)config,
		},
		.initrd = (unsigned long)initrd,
		.initrd_size = INITRD_BYTES,
	};
}

static long create(struct keel_domctl_create_domain_initrd *op)
{
	return domctl(KEEL_DOMCTL_create_domain_initrd, (unsigned long)op);
}

/* Whether Keel's log, from *@pos on, has @needle yet. */
static bool log_has(uint64_t *pos, const char *needle)
{
	size_t m = strlen(needle);
	long n;

	while ((n = keel_hypercall_console_read((unsigned long)logbuf,
						sizeof(logbuf),
						(unsigned long)pos)) > 0)
		for (long i = 0; i + (long)m <= n; i++)
			if (!memcmp(logbuf + i, needle, m))
				return true;
	/* A line split across two reads is found on the next call, which
	 * starts a little before. */
	if (*pos > m)
		*pos -= m;
	return false;
}

void test_main(void)
{
	static const char config[] = "name=boot_initrd mem=8M user=0";
	uint64_t before = rt_free_frames();
	struct keel_domctl_create_domain_initrd op;

	for (unsigned int i = 0; i < INITRD_BYTES; i++)
		initrd[i] = (uint8_t)(i * 131 + 7);

	/* Refused, and nothing left behind. */
	op = request(config);
	op.initrd_size = 0;
	CHECK_EQ(create(&op), -KEEL_EINVAL);
	op.initrd_size = KEEL_DOMCTL_INITRD_MAX + 1;
	CHECK_EQ(create(&op), -KEEL_EINVAL);
	op = request(config);
	op.initrd = 0x10000000;		/* unmapped */
	CHECK_EQ(create(&op), -KEEL_EFAULT);
	op.initrd = 0xffff830000000000ULL;	/* the hypervisor's */
	CHECK_EQ(create(&op), -KEEL_EFAULT);
	/* Mapped at first, then not: the fault comes part-way through the
	 * build, which must undo all of it. */
	op = request(config);
	op.initrd = rt_boot.virt_base + rt_boot.mapped_pages * 4096 - 4096;
	op.initrd_size = 3 * 4096;
	CHECK_EQ(create(&op), -KEEL_EFAULT);
	op = request("name=boot_initrd mem=4M user=0");
	op.initrd_size = KEEL_DOMCTL_INITRD_MAX;	/* larger than mem */
	CHECK_EQ(create(&op), -KEEL_EINVAL);
	op = request(config);
	op.domain.pad[1] = 1;
	CHECK_EQ(create(&op), -KEEL_EINVAL);
	CHECK_EQ(domctl(KEEL_DOMCTL_create_domain_initrd, 0x10000000),
		 -KEEL_EFAULT);
	CHECK_EQ(rt_free_frames(), before);
	printf("bad create_domain_initrd requests refused, nothing leaked\n");

	/* The real thing. */
	op = request(config);
	CHECK_EQ(create(&op), 0);
	uint16_t child = op.domain.domid;
	printf("created domain %u with a %u-byte initrd\n", child,
	       INITRD_BYTES);
	char want[64];
	format_string(want, sizeof(want), "(d%u) RESULT: PASS boot_initrd",
		      child);
	uint64_t pos = 0;
	while (keel_hypercall_console_read((unsigned long)logbuf,
					   sizeof(logbuf),
					   (unsigned long)&pos) > 0)
		;	/* start at the end of what is there now */
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child), 0);

	uint64_t deadline = rt_now_ns() + 30000000000ULL;
	bool passed = false;
	struct keel_domctl_getinfo info = { .domid = child };
	for (;;) {
		passed = passed || log_has(&pos, want);
		info.domid = child;
		if (passed && domctl(KEEL_DOMCTL_getinfo, (unsigned long)&info)
			      == -KEEL_ESRCH)
			break;
		CHECK(rt_now_ns() < deadline, "after 30 s: %s",
		      passed ? "the child is still there" :
			       "no PASS from the child");
		rt_yield();
	}
	printf("the child found its initrd and is gone\n");
	CHECK_EQ(rt_free_frames(), before);
}
