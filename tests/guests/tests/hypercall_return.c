/*
 * What a guest finds in its registers after a hypercall. Keel leaves with
 * sysretq when the frame allows it and with iretq otherwise; either way
 * the guest must see the same thing: RCX holding the address after the
 * `syscall` instruction and R11 the RFLAGS it had there (as `syscall`
 * itself leaves them), RFLAGS restored, every other register but RAX
 * preserved. Checked with DF, AC and NT clear and set (all can be
 * changed in ring 3), and on a return that delivers an event upcall first (the
 * frame is rewritten to enter the handler, so Keel leaves with iretq,
 * and the handler's iret hypercall then returns to the instruction after
 * the `syscall`).
 */
#include "keeltest.h"

const char test_name[] = "hypercall_return";

#define X86_EFLAGS_DF (1ULL << 10)
#define X86_EFLAGS_NT (1ULL << 14)
#define X86_EFLAGS_AC (1ULL << 18)

struct observed {
	uint64_t flags_before, flags_after, rip_after, rcx, r11, rax;
	uint64_t rbx, rdx, rsi, r8, r9, r10, r12;
};

/* version(ABI) with @set_flags ORed into RFLAGS around the call. */
static void hypercall_observed(uint64_t set_flags, struct observed *o)
{
	__asm__ volatile(
		"pushfq\n\t"
		"orq %[set], (%%rsp)\n\t"
		"popfq\n\t"
		"xorl %%eax, %%eax\n\t"
		"xorl %%edi, %%edi\n\t"
		/* No instruction below changes the flags until `syscall`. */
		"pushfq\n\t"
		"popq %[fb]\n\t"
		"leaq 1f(%%rip), %[ra]\n\t"
		"movq $0x1111, %%rbx\n\t"
		"movq $0x2222, %%rdx\n\t"
		"movq $0x3333, %%rsi\n\t"
		"movq $0x4444, %%r8\n\t"
		"movq $0x5555, %%r9\n\t"
		"movq $0x6666, %%r10\n\t"
		"movq $0x7777, %%r12\n\t"
		"syscall\n"
		"1:\tpushfq\n\t"
		"popq %[fa]\n\t"
		"pushq $0x202\n\t"
		"popfq\n\t"
		"movq %%rcx, %[rcx]\n\t"
		"movq %%r11, %[r11]\n\t"
		"movq %%rax, %[rax]\n\t"
		"movq %%rbx, %[rbx]\n\t"
		"movq %%rdx, %[rdx]\n\t"
		"movq %%rsi, %[rsi]\n\t"
		"movq %%r8, %[r8]\n\t"
		"movq %%r9, %[r9]\n\t"
		"movq %%r10, %[r10]\n\t"
		"movq %%r12, %[r12]\n\t"
		: [fb] "=m"(o->flags_before), [fa] "=m"(o->flags_after),
		  [ra] "=&r"(o->rip_after), [rcx] "=m"(o->rcx),
		  [r11] "=m"(o->r11), [rax] "=m"(o->rax), [rbx] "=m"(o->rbx),
		  [rdx] "=m"(o->rdx), [rsi] "=m"(o->rsi), [r8] "=m"(o->r8),
		  [r9] "=m"(o->r9), [r10] "=m"(o->r10), [r12] "=m"(o->r12)
		: [set] "r"(set_flags)
		: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		  "r11", "r12", "memory", "cc");
}

static void check(const char *what, uint64_t set_flags)
{
	struct observed o;

	hypercall_observed(set_flags, &o);
	CHECK_EQ(o.rax, KEEL_ABI_VERSION);
	CHECK_EQ(o.flags_before & set_flags, set_flags);
	CHECK_EQ(o.flags_after, o.flags_before);
	CHECK_EQ(o.rcx, o.rip_after);
	CHECK_EQ(o.r11, o.flags_before);
	CHECK_EQ(o.rbx, 0x1111);
	CHECK_EQ(o.rdx, 0x2222);
	CHECK_EQ(o.rsi, 0x3333);
	CHECK_EQ(o.r8, 0x4444);
	CHECK_EQ(o.r9, 0x5555);
	CHECK_EQ(o.r10, 0x6666);
	CHECK_EQ(o.r12, 0x7777);
	printf("%s: rcx %#llx r11 %#llx\n", what, (unsigned long long)o.rcx,
	       (unsigned long long)o.r11);
}

static volatile int upcalls;

static void on_event(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	upcalls++;
}

void test_main(void)
{
	check("plain", 0);
	check("DF set", X86_EFLAGS_DF);
	check("AC set", X86_EFLAGS_AC);
	check("DF and AC set", X86_EFLAGS_DF | X86_EFLAGS_AC);
	/* NT is the guest's too (ABI 1.2): the CPU keeps it across a
	 * native syscall, so Keel must return it. */
	check("NT set", X86_EFLAGS_NT);
	check("NT, DF and AC set", X86_EFLAGS_NT | X86_EFLAGS_DF |
	      X86_EFLAGS_AC);

	/* An event that is pending, unmasked, while events are enabled: the
	 * hypercall's return goes through the upcall first. */
	keel_port_t port;
	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	rt_event_set_handler(port, on_event, NULL);
	rt_events_disable();
	CHECK_EQ(rt_unmask(port), 0);
	CHECK_EQ(rt_send(port), 0);
	CHECK_EQ(upcalls, 0);
	__atomic_store_n(&rt_vcpu_info()->evtchn_upcall_mask, 0,
			 __ATOMIC_SEQ_CST);
	check("with an upcall on the way out", 0);
	CHECK_EQ(upcalls, 1);
}
