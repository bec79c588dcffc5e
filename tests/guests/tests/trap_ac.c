/* #AC: with AC set in RFLAGS, a misaligned load in ring 3 raises #AC
 * (error code 0) -- if CR0.AM is set and the CPU model checks alignment. */
#include "keeltest.h"

const char test_name[] = "trap_ac";

#define AC (1ULL << 18)

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	static uint8_t buf[16] __attribute__((aligned(16))) = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint64_t at, fl_in = 0, fl_out;
	uint32_t val = 0;

	vi->fault_vector = 0xdead;
	rt_trap_reset();
	__asm__ volatile("pushfq\n\t"
			 "orq %4, (%%rsp)\n\t"
			 "popfq\n\t"
			 "pushfq\n\t"
			 "pop %2\n\t"
			 "lea 1f(%%rip), %0\n\t"
			 "1: movl 1(%3), %1\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 "pushfq\n\t"
			 "andq %5, (%%rsp)\n\t"
			 "popfq\n\t"
			 : "=&r"(at), "+r"(val), "+r"(fl_in)
			 : "r"(buf), "i"(AC), "i"(~AC)
			 : "memory", "cc");
	__asm__ volatile("pushfq; pop %0" : "=r"(fl_out));
	CHECK(fl_in & AC, "AC did not stick in RFLAGS (%#llx)",
	      (unsigned long long)fl_in);
	CHECK((fl_out & AC) == 0, "AC still set afterwards");
	if (rt_last_trap.count == 0) {
		CHECK_EQ(val, 0x05040302);
		printf("misaligned load with AC set: no trap, read %#x\n", val);
		test_skip("alignment checks are not emulated by this CPU "
			  "(or CR0.AM is clear)");
	}
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 17);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(rt_last_trap.vinfo_vector, 17);
	printf("misaligned load with AC set: vector %u, error %#llx at %#llx\n",
	       rt_last_trap.vector, (unsigned long long)rt_last_trap.error_code,
	       (unsigned long long)rt_last_trap.rip);
}
