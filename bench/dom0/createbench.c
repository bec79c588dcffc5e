/*
 * The dom0 benchmark's program (bench/dom0/run.py): in the control
 * domain, create a Linux guest from /etc/keel with libkeelctl, as pvctl
 * create does, and time each step with CLOCK_MONOTONIC. Under QEMU's
 * -icount shift=0 guest time counts executed instructions (dom0's, and
 * Keel's on its behalf), so each figure is instructions:
 *
 *   read_files          reading the kernel and initrd into memory
 *   create_domain       KEEL_DOMCTL_create_domain_initrd: Keel's builder,
 *                       the image copies included
 *   unpause             starting the guest
 *   first_console_byte  from the unpause to the first line the guest
 *                       writes to Keel's console, seen through
 *                       console_read (polled without pause)
 *   create_to_first_byte  all of it, as an operator waits for it
 *
 * Each is printed as "BENCH-OP name N"; the guest is destroyed after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keelctl.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

static void fail(const char *what, int rc)
{
	fprintf(stderr, "createbench: %s: %s\n", what, strerror(-rc));
	exit(1);
}

int main(void)
{
	static char log[KEEL_CONSOLE_READ_MAX + 64];
	struct keelctl *h;
	size_t image_len, initrd_len;
	uint64_t pos = 0;
	uint16_t domid;
	int rc;

	if ((rc = keelctl_open(&h)))
		fail("open", rc);
	/* Start reading Keel's log at its end. */
	while (keelctl_console_read(h, log, KEEL_CONSOLE_READ_MAX, &pos) > 0)
		;
	uint64_t t0 = now_ns();
	void *image = slurp("/etc/keel/vmlinux", &image_len);
	void *initrd = slurp("/etc/keel/guest.cpio", &initrd_len);
	if (!image || !initrd)
		fail("read /etc/keel", -ENOENT);
	uint64_t t1 = now_ns();
	rc = keelctl_domain_create(h, image, image_len, initrd, initrd_len,
				   "name=bench mem=64M vcpus=1 -- "
				   "console=hvc0 quiet", &domid);
	if (rc)
		fail("create", rc);
	uint64_t t2 = now_ns();
	if ((rc = keelctl_domain_unpause(h, domid)))
		fail("unpause", rc);
	uint64_t t3 = now_ns();

	char want[16];
	size_t wlen = (size_t)snprintf(want, sizeof(want), "(d%u) ", domid);
	uint64_t t4 = 0;
	size_t keep = 0;	/* bytes carried over from the last read */
	while (!t4) {
		long n = keelctl_console_read(h, log + keep,
					      KEEL_CONSOLE_READ_MAX, &pos);
		if (n < 0)
			fail("console_read", (int)n);
		size_t len = keep + (size_t)n;
		for (size_t i = 0; i + wlen <= len && !t4; i++)
			if (!memcmp(log + i, want, wlen))
				t4 = now_ns();
		/* A prefix split across two reads is found next time. */
		keep = len < wlen ? len : wlen - 1;
		memmove(log, log + len - keep, keep);
		if (now_ns() - t0 > 600000000000ull)
			fail("no console line from the guest", -ETIMEDOUT);
	}
	printf("BENCH-OP read_files %llu\n", (unsigned long long)(t1 - t0));
	printf("BENCH-OP create_domain %llu\n", (unsigned long long)(t2 - t1));
	printf("BENCH-OP unpause %llu\n", (unsigned long long)(t3 - t2));
	printf("BENCH-OP first_console_byte %llu\n",
	       (unsigned long long)(t4 - t3));
	printf("BENCH-OP create_to_first_byte %llu\n",
	       (unsigned long long)(t4 - t0));
	printf("BENCH-OP image_bytes %zu\n", image_len);
	printf("BENCH-OP initrd_bytes %zu\n", initrd_len);
	fflush(stdout);
	if ((rc = keelctl_domain_destroy(h, domid)) ||
	    (rc = keelctl_domain_wait_gone(h, NULL, domid, 60000)))
		fail("destroy", rc);
	keelctl_close(h);
	return 0;
}
