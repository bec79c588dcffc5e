/*
 * PV-core benchmark guest: cycles per null hypercall, per guest system
 * call bounced through the hypervisor (user -> guest kernel -> user; once
 * through the test runtime's C trap path, once through an entry that
 * returns at once), and
 * per inter-domain event round trip (with pv_core_peer). Prints
 * "BENCH <name> <cycles> cycles/op" lines for bench/pv-core/run.py.
 */
#include "keeltest.h"

const char test_name[] = "pv_core";

#define ITERATIONS 100000
#define PINGPONG   10000

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* In guest user mode: time @rdi getpid system calls, exit with cycles. */
RT_USER static void user_syscall_loop(void)
{
	__asm__ volatile(
		"mov %rdi, %r9\n\t"
		"rdtsc\n\t"
		"shl $32, %rdx\n\t"
		"or %rdx, %rax\n\t"
		"mov %rax, %r8\n\t"
		"1: mov $39, %eax\n\t"
		"syscall\n\t"
		"dec %r9\n\t"
		"jnz 1b\n\t"
		"rdtsc\n\t"
		"shl $32, %rdx\n\t"
		"or %rdx, %rax\n\t"
		"sub %r8, %rax\n\t"
		"mov %rax, %rdi\n\t"
		"mov $60, %eax\n\t"
		"syscall\n\t"
		"ud2");
}

/*
 * For syscall_bounce_minimal: a guest kernel syscall entry that does no
 * work of its own. getpid's frame goes straight back with the iret
 * hypercall; every other call (the loop's exit) goes on to the
 * runtime's entry. Keel enters with RSP at the trap frame (error code,
 * rip, cs, rflags, rsp, ss) and RCX, R11 as `syscall` left them; the
 * iret frame needs rax, r11, rcx and flags below rip.
 */
extern const uint64_t trap_stub_table[];
uint64_t runtime_syscall_entry;

__attribute__((naked)) static void minimal_syscall_entry(void)
{
	__asm__ volatile(
		"cmp %[getpid], %%eax\n\t"
		"jne 1f\n\t"
		"add $8, %%rsp\n\t"		/* error code */
		"pushq $0\n\t"		/* flags */
		"push %%rcx\n\t"
		"push %%r11\n\t"
		"push %%rax\n\t"
		"mov %[iret], %%eax\n\t"
		"syscall\n"
		"1:\tjmp *runtime_syscall_entry(%%rip)"
		: : [getpid] "i"(39), [iret] "i"(KEEL_HC_iret));
}

static void set_syscall_entry(uint64_t entry)
{
	struct keel_callbacks cb = {
		.event = trap_stub_table[32],
		.syscall = entry,
		.failsafe = trap_stub_table[34],
	};

	CHECK_EQ(keel_hypercall_set_callbacks((unsigned long)&cb), 0);
}

static bool wait_port(keel_port_t port)
{
	return rt_wait_port(port, rt_now_ns() + 5000000000ULL);
}

void test_main(void)
{
	/* Offer the event channel first: the peer binds while we measure. */
	struct keel_evtchn_alloc_unbound a = { .dom = KEEL_DOMID_SELF,
					       .remote_dom = 1 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	rt_mask(a.port);

	uint64_t t0 = rdtsc();
	for (unsigned int i = 0; i < ITERATIONS; i++)
		keel_hypercall_version(KEEL_VERSION_ABI, 0);
	printf("BENCH null_hypercall_roundtrip %llu cycles/op\n",
	       (unsigned long long)((rdtsc() - t0) / ITERATIONS));

	long cycles = rt_run_in_user(user_syscall_loop, ITERATIONS);
	printf("BENCH syscall_bounce_roundtrip %llu cycles/op\n",
	       (unsigned long long)(cycles / ITERATIONS));

	/* The same, with a guest kernel entry that does nothing: what is
	 * left is Keel's own share of the bounce and the iret back. */
	runtime_syscall_entry = trap_stub_table[33];
	set_syscall_entry((uint64_t)minimal_syscall_entry);
	cycles = rt_run_in_user(user_syscall_loop, ITERATIONS);
	set_syscall_entry(runtime_syscall_entry);
	printf("BENCH syscall_bounce_minimal %llu cycles/op\n",
	       (unsigned long long)(cycles / ITERATIONS));

	/* Event ping-pong with the peer domain (domain 1). */
	if (!wait_port(a.port)) {
		CHECK(false, "the peer never bound");
		return;
	}
	t0 = rdtsc();
	for (unsigned int i = 0; i < PINGPONG; i++) {
		rt_send(a.port);
		if (!wait_port(a.port)) {
			CHECK(false, "lost round trip %u", i);
			return;
		}
	}
	printf("BENCH evtchn_pingpong_roundtrip %llu cycles/op\n",
	       (unsigned long long)((rdtsc() - t0) / PINGPONG));
}
