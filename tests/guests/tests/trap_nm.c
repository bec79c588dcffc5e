/* #NM: fpu_taskswitch(1) makes the next SSE instruction fault; the
 * hypervisor clears the virtual TS as it delivers the #NM. */
#include "keeltest.h"

const char test_name[] = "trap_nm";

/* pxor %xmm0, %xmm0 at label 1; returns its address. */
static uint64_t sse_op(void)
{
	uint64_t at;

	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: pxor %%xmm0, %%xmm0\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	return at;
}

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint64_t at;

	/* Without TS, no fault. */
	CHECK_EQ(keel_hypercall_fpu_taskswitch(0), 0);
	rt_trap_reset();
	sse_op();
	CHECK_EQ(rt_last_trap.count, 0);

	CHECK_EQ(keel_hypercall_fpu_taskswitch(1), 0);
	vi->fault_vector = 0xdead;
	vi->fault_error_code = 0xdead;
	rt_trap_reset();
	at = sse_op();
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 7);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 7);
	CHECK_EQ(rt_last_trap.vinfo_error_code, 0);
	printf("after fpu_taskswitch(1): pxor -> vector %u at %#llx "
	       "(pxor at %#llx)\n", rt_last_trap.vector,
	       (unsigned long long)rt_last_trap.rip, (unsigned long long)at);

	/* The #NM cleared the virtual TS: SSE works again, repeatedly. */
	rt_trap_reset();
	sse_op();
	sse_op();
	CHECK_EQ(rt_last_trap.count, 0);
	/* ... across a hypercall and a reschedule too. */
	rt_yield();
	sse_op();
	CHECK_EQ(rt_last_trap.count, 0);
	printf("after the #NM: %u more faults\n", rt_last_trap.count);

	/* Set and clear again: nothing faults. */
	CHECK_EQ(keel_hypercall_fpu_taskswitch(1), 0);
	CHECK_EQ(keel_hypercall_fpu_taskswitch(0), 0);
	rt_trap_reset();
	sse_op();
	CHECK_EQ(rt_last_trap.count, 0);

	/* TS survives a yield (context switch) until used: x87 faults too. */
	CHECK_EQ(keel_hypercall_fpu_taskswitch(1), 0);
	rt_yield();
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: fninit\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 7);
	CHECK_EQ(rt_last_trap.rip, at);
	printf("fpu_taskswitch(1), yield, fninit -> vector %u\n",
	       rt_last_trap.vector);

	CHECK_EQ(keel_hypercall_fpu_taskswitch(2), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_fpu_taskswitch(~0UL), -KEEL_EINVAL);
	/* The refused calls did not set TS. */
	rt_trap_reset();
	sse_op();
	CHECK_EQ(rt_last_trap.count, 0);
	printf("fpu_taskswitch(2) refused: the FPU stays usable\n");
}
