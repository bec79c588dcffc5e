/*
 * `int n` to a vector the trap table marks KEEL_TRAP_USER_INT arrives as
 * that vector, from guest kernel and from guest user mode, with RIP after
 * the instruction, prefixes included. Keel takes the vector from the
 * instruction bytes, so this holds under QEMU's TCG, which reports the
 * #GP of a blocked `int n` as (n << 4) | 2, as on hardware: vectors 0x21
 * and 0x80 would come out as 0x42 and 0 from that error code.
 */
#include "keeltest.h"

const char test_name[] = "soft_int";

/* The runtime stub that handles the aliased vectors (an exception the
 * test never raises otherwise). */
#define STUB 15

static volatile unsigned int hits;
static volatile uint64_t hit_rip, hit_cs, hit_error;
static volatile uint32_t hit_vector;
static volatile uint64_t user_rips[2];
static volatile uint32_t user_vectors[2];

static bool hook(struct rt_regs *regs)
{
	if (regs->vector != STUB)
		return false;
	if (hits < 2) {
		user_rips[hits] = regs->rip;
		user_vectors[hits] = rt_vcpu_info()->fault_vector;
	}
	hits++;
	hit_rip = regs->rip;
	hit_cs = regs->cs;
	hit_error = regs->error_code;
	hit_vector = rt_vcpu_info()->fault_vector;
	return true;
}

static void expect(unsigned int vector, uint64_t after, uint64_t cs,
		   const char *what)
{
	rt_barrier();
	CHECK(hits == 1, "%s: %u deliveries", what, hits);
	CHECK(hit_vector == vector, "%s: vector %#x, expected %#x", what,
	      hit_vector, vector);
	CHECK(hit_rip == after, "%s: rip %#llx, expected %#llx", what,
	      (unsigned long long)hit_rip, (unsigned long long)after);
	CHECK_EQ(hit_cs, cs);
	CHECK_EQ(hit_error, 0);
	printf("%s: vector %#x at rip %#llx\n", what, hit_vector,
	       (unsigned long long)hit_rip);
	hits = 0;
}

/* In user mode: `int $0x80`, then `rex.w int $0x21`, then exit. */
extern const char user_ints[], user_int1_end[], user_int2_end[];
__asm__(".pushsection .user_text, \"ax\"\n"
	"user_ints:\n\t"
	"int $0x80\n"
	"user_int1_end:\n\t"
	".byte 0x48, 0xcd, 0x21\n"
	"user_int2_end:\n\t"
	"mov $60, %eax\n\t"
	"mov $0x5eed, %edi\n\t"
	"syscall\n"
	"1:\tjmp 1b\n"
	".popsection");

void test_main(void)
{
	static const unsigned int vectors[] = { 0x21, 0x80, 0xff, 0x31 };
	uint64_t after;

	for (unsigned int i = 0; i < 4; i++)
		CHECK_EQ(rt_trap_alias(vectors[i], KEEL_TRAP_USER_INT, STUB), 0);
	rt_trap_hook = hook;

	__asm__ volatile("lea 1f(%%rip), %0\n\tint $0x80\n1:" : "=r"(after)
			 : : "memory");
	expect(0x80, after, KEEL_GUEST_KERNEL_CS, "kernel int $0x80");
	__asm__ volatile("lea 1f(%%rip), %0\n\tint $0x21\n1:" : "=r"(after)
			 : : "memory");
	expect(0x21, after, KEEL_GUEST_KERNEL_CS, "kernel int $0x21");
	__asm__ volatile("lea 1f(%%rip), %0\n\tint $0xff\n1:" : "=r"(after)
			 : : "memory");
	expect(0xff, after, KEEL_GUEST_KERNEL_CS, "kernel int $0xff");
	/* Prefixes: REX.W, and an operand-size and a segment override. */
	__asm__ volatile("lea 1f(%%rip), %0\n\t.byte 0x48, 0xcd, 0x31\n1:"
			 : "=r"(after) : : "memory");
	expect(0x31, after, KEEL_GUEST_KERNEL_CS, "kernel rex.w int $0x31");
	__asm__ volatile("lea 1f(%%rip), %0\n\t.byte 0x66, 0x2e, 0xcd, 0x21\n1:"
			 : "=r"(after) : : "memory");
	expect(0x21, after, KEEL_GUEST_KERNEL_CS,
	       "kernel data16 cs int $0x21");

	/* From user mode: two deliveries, both with the user CS. */
	hits = 0;
	long code = rt_run_in_user((void (*)(void))user_ints, 0);
	CHECK_EQ(code, 0x5eed);
	CHECK(hits == 2, "user mode: %u deliveries", hits);
	CHECK_EQ(user_vectors[0], 0x80);
	/* User code runs from a copy in the user window. */
	extern const char __user_blob_start[];
	CHECK_EQ(user_rips[0], rt_boot.user_window_vaddr +
		 (uint64_t)(user_int1_end - __user_blob_start));
	CHECK_EQ(user_vectors[1], 0x21);
	CHECK_EQ(user_rips[1] - user_rips[0], user_int2_end - user_int1_end);
	CHECK_EQ(hit_cs, KEEL_GUEST_USER_CS);
	CHECK_EQ(hit_error, 0);
	printf("user mode: int $0x80 and rex.w int $0x21 delivered\n");
	rt_trap_hook = NULL;
}
