/* Shared body of fpu_isolation_a and _b (not a test by itself). */
#include "keeltest.h"

#define SWITCHES 10000

static uint8_t want[16 * 32] __attribute__((aligned(32)));
static uint8_t got[16 * 32] __attribute__((aligned(32)));

static bool has_avx(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(1), "c"(0));
	return (c & (1u << 28)) && (c & (1u << 27));
}

#define LOAD(n) "vmovdqu " #n "*32(%0), %%ymm" #n "\n\t"
#define STORE(n) "vmovdqu %%ymm" #n ", " #n "*32(%0)\n\t"
#define LOAD_X(n) "movdqu " #n "*32(%0), %%xmm" #n "\n\t"
#define STORE_X(n) "movdqu %%xmm" #n ", " #n "*32(%0)\n\t"

static void load_all(bool avx)
{
	if (avx)
		__asm__ volatile(LOAD(0) LOAD(1) LOAD(2) LOAD(3) LOAD(4) LOAD(5)
				 LOAD(6) LOAD(7) LOAD(8) LOAD(9) LOAD(10)
				 LOAD(11) LOAD(12) LOAD(13) LOAD(14) LOAD(15)
				 : : "r"(want) : "memory");
	else
		__asm__ volatile(LOAD_X(0) LOAD_X(1) LOAD_X(2) LOAD_X(3)
				 LOAD_X(4) LOAD_X(5) LOAD_X(6) LOAD_X(7)
				 LOAD_X(8) LOAD_X(9) LOAD_X(10) LOAD_X(11)
				 LOAD_X(12) LOAD_X(13) LOAD_X(14) LOAD_X(15)
				 : : "r"(want) : "memory");
}

static void store_all(bool avx)
{
	if (avx)
		__asm__ volatile(STORE(0) STORE(1) STORE(2) STORE(3) STORE(4)
				 STORE(5) STORE(6) STORE(7) STORE(8) STORE(9)
				 STORE(10) STORE(11) STORE(12) STORE(13)
				 STORE(14) STORE(15) : : "r"(got) : "memory");
	else
		__asm__ volatile(STORE_X(0) STORE_X(1) STORE_X(2) STORE_X(3)
				 STORE_X(4) STORE_X(5) STORE_X(6) STORE_X(7)
				 STORE_X(8) STORE_X(9) STORE_X(10) STORE_X(11)
				 STORE_X(12) STORE_X(13) STORE_X(14) STORE_X(15)
				 : : "r"(got) : "memory");
}

void test_main(void)
{
	const char *p = rt_cmdline_value("pattern");
	unsigned int pattern = p && p[0] == '0' && p[1] == 'x' ?
		(unsigned int)((p[2] >= 'a' ? p[2] - 'a' + 10 : p[2] - '0') * 16 +
			       (p[3] >= 'a' ? p[3] - 'a' + 10 : p[3] - '0')) : 0x77;
	bool avx = has_avx();
	unsigned int bytes = avx ? 32 : 16;
	/* Rounding toward zero for domain a, up for b: MXCSR differs too. */
	uint32_t mxcsr_want = 0x1f80 | (pattern == 0xa5 ? 0x6000 : 0x4000);
	uint32_t mxcsr_got;

	for (unsigned int i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(pattern ^ i ^ (i >> 5));
	printf("pattern %#x, %s registers, %u switches\n", pattern,
	       avx ? "ymm (AVX)" : "xmm (SSE)", SWITCHES);

	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr_want));
	load_all(avx);
	unsigned int bad = 0;
	for (unsigned int n = 0; n < SWITCHES && bad < 5; n++) {
		CHECK_EQ(rt_yield(), 0);
		store_all(avx);
		__asm__ volatile("stmxcsr %0" : "=m"(mxcsr_got));
		for (unsigned int r = 0; r < 16; r++) {
			if (memcmp(&got[r * 32], &want[r * 32], bytes)) {
				CHECK(false, "register %u changed after switch %u",
				      r, n);
				bad++;
			}
		}
		if (mxcsr_got != mxcsr_want) {
			CHECK(false, "MXCSR %#x after switch %u", mxcsr_got, n);
			bad++;
		}
	}
}
