/* version: the ABI number, the feature bits, the version string, and the
 * errors of the call. */
#include "keeltest.h"

const char test_name[] = "version";

void test_main(void)
{
	long rc = keel_hypercall_version(KEEL_VERSION_ABI, 0);
	printf("version(ABI) = %#lx\n", rc);
	CHECK_EQ(rc, KEEL_ABI_VERSION);
	CHECK_EQ(rc, 0x00010007);	/* ABI 1.7 */

	/* The argument is ignored by ABI and FEATURES, even a bad pointer. */
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0xffff830000000000UL),
		 KEEL_ABI_VERSION);

	long f = keel_hypercall_version(KEEL_VERSION_FEATURES, 0);
	unsigned long need = KEEL_FEATURE_PVCLOCK | KEEL_FEATURE_ONESHOT |
			     KEEL_FEATURE_SMP;
	printf("version(FEATURES) = %#lx\n", f);
	CHECK(f >= 0, "FEATURES returned an error %ld", f);
	CHECK(((unsigned long)f & need) == need,
	      "FEATURES %#lx lacks PVCLOCK|ONESHOT|SMP", f);
	CHECK_EQ((unsigned long)f & ~0xfUL, 0);	/* no undefined bits */

	/* STRING writes exactly 64 bytes: a NUL-terminated string starting
	 * "Keel ", zero padded. Bytes past 64 stay as they were. */
	static char buf[96];
	memset(buf, 0x5a, sizeof(buf));
	rc = keel_hypercall_version(KEEL_VERSION_STRING, (unsigned long)buf);
	CHECK_EQ(rc, 0);
	size_t len = 0;
	while (len < 64 && buf[len])
		len++;
	CHECK(len < 64, "version string not NUL-terminated within 64 bytes");
	buf[95] = 0;
	printf("version(STRING) = \"%.*s\" (%u chars)\n", (int)len, buf,
	       (unsigned int)len);
	CHECK(len > 5, "version string too short");
	CHECK(!strncmp(buf, "Keel ", 5), "version string does not start "
	      "with \"Keel \"");
	for (size_t i = len; i < 64; i++)
		CHECK(buf[i] == 0, "byte %u of the string buffer not zero padded",
		      (unsigned int)i);
	for (size_t i = 64; i < 95; i++)
		CHECK((unsigned char)buf[i] == 0x5a,
		      "byte %u written past the 64-byte string", (unsigned int)i);

	uint64_t guard = rt_boot.virt_base + rt_boot.nr_pages * 4096;
	static const struct { const char *what; uint64_t p; } bad[] = {
		{ "NULL", 0 },
		{ "unmapped 0x10000000", 0x10000000 },
		{ "hypervisor image", 0xffff82d080200000UL },
		{ "hypervisor direct map", 0xffff830000000000UL },
		{ "non-canonical", 0x8000000000000000UL },
		{ "first non-canonical", 0x0000800000000000UL },
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = keel_hypercall_version(KEEL_VERSION_STRING, bad[i].p);
		printf("version(STRING, %s) = %ld\n", bad[i].what, rc);
		CHECK_EQ(rc, -KEEL_EFAULT);
	}
	rc = keel_hypercall_version(KEEL_VERSION_STRING, guard);
	printf("version(STRING, guard page) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EFAULT);
	/* A buffer that runs into the guard page: 32 bytes mapped, 32 not. */
	rc = keel_hypercall_version(KEEL_VERSION_STRING, guard - 32);
	printf("version(STRING, last 32 bytes before the guard page) = %ld\n",
	       rc);
	CHECK_EQ(rc, -KEEL_EFAULT);

	static const unsigned long unknown[] = { 3, 4, 100, 0xffffffffUL,
						 ~0UL, 1UL << 32 };
	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		rc = keel_hypercall_version(unknown[i], (unsigned long)buf);
		printf("version(%#lx) = %ld\n", unknown[i], rc);
		CHECK_EQ(rc, -KEEL_ENOSYS);
	}
}
