/* keel-test: privileged=1 */
/* The control domain's calls: domctl getinfo and physinfo, console_read. */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "control_allowed";

static char logbuf[160 * 1024];

static const char *find(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return hay + i;
	return NULL;
}

static void check_getinfo(void)
{
	struct keel_domctl_getinfo info;

	memset(&info, 0x5a, sizeof(info));
	info.domid = (keel_domid_t)rt_boot.domid;
	long rc = keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
					(unsigned long)&info);
	CHECK_EQ(rc, 0);
	printf("getinfo(%u): name \"%s\", flags %#x, vcpus %u/%u, weight %u, "
	       "pages %llu, cpu %llu ns\n", info.domid, info.name, info.flags,
	       info.nr_vcpus_up, info.nr_vcpus, info.weight,
	       (unsigned long long)info.nr_pages,
	       (unsigned long long)info.cpu_time_ns);
	CHECK_EQ(info.domid, rt_boot.domid);
	CHECK(!strcmp(info.name, test_name), "name \"%s\", expected \"%s\"",
	      info.name, test_name);
	CHECK(!strcmp(info.name, rt_boot.name), "name differs from the FDT's");
	CHECK_EQ(info.nr_vcpus, rt_boot.nr_vcpus);
	CHECK_EQ(info.nr_vcpus, 1);
	CHECK_EQ(info.nr_vcpus_up, 1);
	CHECK_EQ(info.weight, 256);
	CHECK_EQ(info.nr_pages, rt_boot.nr_pages);
	CHECK_EQ(info.flags, KEEL_DOMINFO_running | KEEL_DOMINFO_privileged);
	CHECK_EQ(info.shutdown_reason, 0);
	CHECK(info.cpu_time_ns > 0, "cpu_time_ns is 0");

	/* cpu time grows while we spin, but never faster than the clock
	 * (one vCPU). */
	uint64_t w0 = rt_now_ns();
	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
				       (unsigned long)&info), 0);
	uint64_t t0 = info.cpu_time_ns;
	while (rt_now_ns() < w0 + 2000000)
		;
	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
				       (unsigned long)&info), 0);
	uint64_t w1 = rt_now_ns();
	printf("cpu_time_ns %llu -> %llu over %llu ns of wall time\n",
	       (unsigned long long)t0, (unsigned long long)info.cpu_time_ns,
	       (unsigned long long)(w1 - w0));
	CHECK(info.cpu_time_ns > t0, "cpu_time_ns did not grow while spinning");
	CHECK(info.cpu_time_ns - t0 <= w1 - w0,
	      "cpu_time_ns grew by %llu ns in %llu ns of wall time",
	      (unsigned long long)(info.cpu_time_ns - t0),
	      (unsigned long long)(w1 - w0));

	static const uint32_t missing[] = { 30000, KEEL_DOMID_SELF, 0xffff };
	for (unsigned int i = 0; i < 3; i++) {
		memset(&info, 0, sizeof(info));
		info.domid = (keel_domid_t)missing[i];
		rc = keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
					   (unsigned long)&info);
		printf("getinfo(%u) = %ld\n", missing[i], rc);
		CHECK_EQ(rc, -KEEL_ESRCH);
	}
	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_getinfo, 0x10000000),
		 -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
				       0xffff830000000000UL), -KEEL_EFAULT);
}

static void check_physinfo(void)
{
	struct keel_domctl_physinfo p;

	memset(&p, 0x5a, sizeof(p));
	long rc = keel_hypercall_domctl(KEEL_DOMCTL_physinfo, (unsigned long)&p);
	CHECK_EQ(rc, 0);
	printf("physinfo: %u CPUs, %llu frames, %llu free\n", p.nr_cpus,
	       (unsigned long long)p.total_frames,
	       (unsigned long long)p.free_frames);
	CHECK(p.nr_cpus >= 1 && p.nr_cpus <= 64, "nr_cpus %u", p.nr_cpus);
	CHECK_EQ(p.pad, 0);
	CHECK(p.free_frames > 0, "no free frames");
	CHECK(p.total_frames > p.free_frames, "total %llu <= free %llu",
	      (unsigned long long)p.total_frames,
	      (unsigned long long)p.free_frames);
	/* This domain's own pages are not free. */
	CHECK(p.total_frames - p.free_frames >= rt_boot.nr_pages,
	      "used frames %llu < this domain's %llu pages",
	      (unsigned long long)(p.total_frames - p.free_frames),
	      (unsigned long long)rt_boot.nr_pages);
	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_physinfo, 0x10000000),
		 -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_physinfo,
				       0x8000000000000000UL), -KEEL_EFAULT);

	static const unsigned long unknown[] = { 11, 12, 0xffffffffUL, ~0UL };
	for (unsigned int i = 0; i < 4; i++) {
		rc = keel_hypercall_domctl(unknown[i], (unsigned long)&p);
		printf("domctl(%#lx) = %ld\n", unknown[i], rc);
		CHECK_EQ(rc, -KEEL_ENOSYS);
	}
}

static void check_console_read(void)
{
	static char buf[8192];
	uint64_t pos = 0;

	/* A marker line of our own that must show up in the log. */
	printf("console_read marker %x-%x\n", 0xc0ffee, rt_boot.domid);
	char marker[64];
	format_string(marker, sizeof(marker), "(d%u) console_read marker %x-%x",
		      rt_boot.domid, 0xc0ffee, rt_boot.domid);

	long rc = keel_hypercall_console_read((unsigned long)buf, 4096,
					      (unsigned long)&pos);
	printf("console_read(pos 0, 4096) = %ld, pos now %llu\n", rc,
	       (unsigned long long)pos);
	CHECK(rc > 0 && rc <= 4096, "first read returned %ld", rc);
	CHECK(pos >= (uint64_t)rc, "pos %llu < bytes read %ld",
	      (unsigned long long)pos, rc);
	bool wrapped = pos != (uint64_t)rc;
	size_t total = rc > 0 ? (size_t)rc : 0;
	memcpy(logbuf, buf, total);
	if (!wrapped) {
		CHECK(find(buf, total, "Keel") != NULL,
		      "the first 4096 log bytes lack \"Keel\"");
		CHECK(!strncmp(buf, "Keel ", 5) || find(buf, total, "Keel ") != NULL,
		      "no boot banner");
	}

	/* Read on to the end; each read advances pos by what it returned. */
	unsigned int reads = 1;
	for (;;) {
		uint64_t before = pos;
		rc = keel_hypercall_console_read((unsigned long)buf, 8192,
						 (unsigned long)&pos);
		reads++;
		CHECK(rc >= 0 && rc <= 4096, "read returned %ld (max 4096)", rc);
		if (rc <= 0)
			break;
		CHECK(pos - before >= (uint64_t)rc, "pos advanced by %llu for %ld "
		      "bytes", (unsigned long long)(pos - before), rc);
		if (total + rc <= sizeof(logbuf)) {
			memcpy(logbuf + total, buf, rc);
			total += rc;
		}
		if (reads > 200) {
			CHECK(0, "log never ends");
			break;
		}
	}
	printf("read %u bytes of log in %u calls, pos %llu\n",
	       (unsigned int)total, reads, (unsigned long long)pos);
	CHECK(find(logbuf, total, marker) != NULL,
	      "own console line \"%s\" not found in the log", marker);

	/* At the end: 0 bytes, pos unchanged (unless someone logged). */
	uint64_t end_pos = pos;
	rc = keel_hypercall_console_read((unsigned long)buf, 0,
					 (unsigned long)&pos);
	CHECK_EQ(rc, 0);
	CHECK_EQ(pos, end_pos);

	/* Bad pointers: -EFAULT; a bad buffer leaves *pos unchanged. */
	uint64_t p0 = 0;
	rc = keel_hypercall_console_read(0x10000000, 64, (unsigned long)&p0);
	CHECK_EQ(rc, -KEEL_EFAULT);
	CHECK_EQ(p0, 0);
	rc = keel_hypercall_console_read(0xffff830000000000UL, 64,
					 (unsigned long)&p0);
	CHECK_EQ(rc, -KEEL_EFAULT);
	CHECK_EQ(p0, 0);
	CHECK_EQ(keel_hypercall_console_read((unsigned long)buf, 64, 0x10000000),
		 -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_console_read((unsigned long)buf, 64,
					     0x0000800000000000UL), -KEEL_EFAULT);
	printf("console_read with bad pointers: -EFAULT, pos unchanged\n");
}

void test_main(void)
{
	CHECK(rt_boot.privileged, "the boot FDT does not say privileged");
	check_physinfo();
	check_getinfo();
	check_console_read();
}
