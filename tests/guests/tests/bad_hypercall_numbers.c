/* Hypercall numbers outside the table return -ENOSYS, whatever the
 * arguments, and leave the domain able to make valid calls. */
#include "keeltest.h"

const char test_name[] = "bad_hypercall_numbers";

static void probe(unsigned long nr)
{
	/* Arguments that would be harmful if a handler ran with them. */
	long rc = keel_hypercall_raw(nr, 0xffff830000000000UL, 2, 0, 0, 0);

	if (rc != -KEEL_ENOSYS)
		printf("hypercall %#lx = %ld\n", nr, rc);
	CHECK(rc == -KEEL_ENOSYS, "hypercall %#lx returned %ld, expected %d",
	      nr, rc, -KEEL_ENOSYS);
}

/* Every register but rax, rcx and r11 survives a hypercall. */
static void check_preserved(unsigned long nr, long want)
{
	register uint64_t rax __asm__("rax") = nr;
	register uint64_t rdi __asm__("rdi") = KEEL_VERSION_ABI;
	register uint64_t rsi __asm__("rsi") = 0x2222222222222222ULL;
	register uint64_t rdx __asm__("rdx") = 0x3333333333333333ULL;
	register uint64_t r10 __asm__("r10") = 0x4444444444444444ULL;
	register uint64_t r8 __asm__("r8") = 0x5555555555555555ULL;
	register uint64_t r9 __asm__("r9") = 0x6666666666666666ULL;
	register uint64_t rbx __asm__("rbx") = 0x7777777777777777ULL;
	register uint64_t r12 __asm__("r12") = 0x8888888888888888ULL;
	register uint64_t r13 __asm__("r13") = 0x9999999999999999ULL;
	register uint64_t r14 __asm__("r14") = 0xaaaaaaaaaaaaaaaaULL;
	register uint64_t r15 __asm__("r15") = 0xbbbbbbbbbbbbbbbbULL;

	__asm__ volatile("syscall"
			 : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10),
			   "+r"(r8), "+r"(r9), "+r"(rbx), "+r"(r12), "+r"(r13),
			   "+r"(r14), "+r"(r15)
			 : : "rcx", "r11", "memory");
	CHECK_EQ((long)rax, want);
	CHECK_EQ(rdi, KEEL_VERSION_ABI);
	CHECK(rsi == 0x2222222222222222ULL, "rsi changed: %#llx",
	      (unsigned long long)rsi);
	CHECK(rdx == 0x3333333333333333ULL, "rdx changed: %#llx",
	      (unsigned long long)rdx);
	CHECK(r10 == 0x4444444444444444ULL, "r10 changed: %#llx",
	      (unsigned long long)r10);
	CHECK(r8 == 0x5555555555555555ULL, "r8 changed: %#llx",
	      (unsigned long long)r8);
	CHECK(r9 == 0x6666666666666666ULL, "r9 changed: %#llx",
	      (unsigned long long)r9);
	CHECK(rbx == 0x7777777777777777ULL, "rbx changed: %#llx",
	      (unsigned long long)rbx);
	CHECK(r12 == 0x8888888888888888ULL, "r12 changed");
	CHECK(r13 == 0x9999999999999999ULL, "r13 changed");
	CHECK(r14 == 0xaaaaaaaaaaaaaaaaULL, "r14 changed");
	CHECK(r15 == 0xbbbbbbbbbbbbbbbbULL, "r15 changed");
	printf("hypercall %#lx: result %ld, registers preserved\n", nr,
	       (long)rax);
}

void test_main(void)
{
	CHECK_EQ(KEEL_HC_COUNT, 23);
	/* The gap in the table (15) and everything past it. */
	probe(15);
	probe(KEEL_HC_COUNT);
	for (unsigned long nr = KEEL_HC_COUNT; nr <= 40; nr++)
		probe(nr);
	printf("numbers 15 and %d..40: -ENOSYS\n", KEEL_HC_COUNT);

	static const unsigned long big[] = {
		1000, 0xffffffffUL, ~0UL, 1UL << 40,
		/* Values whose low bits name a valid call: no truncation. */
		1UL << 32, (1UL << 32) | KEEL_HC_version,
		(1UL << 63) | KEEL_HC_console_write, 0x100000000UL | 9,
		0x8000000000000000UL, (unsigned long)-KEEL_HC_COUNT,
	};
	for (unsigned int i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		probe(big[i]);
		printf("number %#lx: -ENOSYS\n", big[i]);
	}

	check_preserved(1000, -KEEL_ENOSYS);
	check_preserved(KEEL_HC_COUNT, -KEEL_ENOSYS);
	check_preserved(KEEL_HC_version, KEEL_ABI_VERSION);

	/* Still alive and served. */
	long rc = keel_hypercall_version(KEEL_VERSION_ABI, 0);
	printf("version afterwards = %#lx\n", rc);
	CHECK_EQ(rc, KEEL_ABI_VERSION);
	rc = keel_hypercall_raw(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0, 0, 0);
	CHECK_EQ(rc, KEEL_ABI_VERSION);
	static const char msg[] = "console_write via the raw wrapper\n";
	rc = keel_hypercall_raw(KEEL_HC_console_write, (unsigned long)msg,
				sizeof(msg) - 1, 0, 0, 0);
	CHECK_EQ(rc, sizeof(msg) - 1);
}
