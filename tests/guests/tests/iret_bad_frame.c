/* The iret hypercall refuses a bad frame and bounces to the failsafe
 * callback, whose frame describes the state at the `syscall`. */
#include "keeltest.h"

const char test_name[] = "iret_bad_frame";

#define RT_VECTOR_FAILSAFE 258
#define HYP_ADDR 0xffff82d080000000ULL

int rt_setjmp(uint64_t *buf) __attribute__((returns_twice));
__attribute__((noreturn)) void rt_longjmp(uint64_t *buf, long value);
extern char iret_syscall_end[];

static uint64_t jmp[8];
static struct {
	unsigned int count;
	uint64_t vector, error_code, rip, cs, rsp, rax, rcx, r11, rflags;
	uint8_t mask;
} fs;

static bool failsafe_hook(struct rt_regs *regs)
{
	if (regs->vector != RT_VECTOR_FAILSAFE)
		return false;
	fs.count++;
	fs.vector = regs->vector;
	fs.error_code = regs->error_code;
	fs.rip = regs->rip;
	fs.cs = regs->cs;
	fs.rsp = regs->rsp;
	fs.rax = regs->rax;
	fs.rcx = regs->rcx;
	fs.r11 = regs->r11;
	fs.rflags = regs->rflags;
	fs.mask = rt_vcpu_info()->evtchn_upcall_mask;
	rt_longjmp(jmp, 1);
}

/* iret with RSP at @frame; only comes back through the failsafe. */
__attribute__((noinline)) static void do_iret(struct keel_iret_frame *frame)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov %1, %%eax\n\t"
			 "syscall\n\t"
			 ".globl iret_syscall_end\n"
			 "iret_syscall_end:\n\t"
			 "ud2"
			 : : "r"(frame), "i"(KEEL_HC_iret) : "memory");
	__builtin_unreachable();
}

static void try_frame(const char *what, struct keel_iret_frame *frame)
{
	unsigned int before = rt_last_trap.count;

	memset(&fs, 0, sizeof(fs));
	/* Events enabled at the iret: the failsafe entry masks them, and its
	 * frame's IF says they were enabled. */
	rt_vcpu_info()->evtchn_upcall_mask = 0;
	if (rt_setjmp(jmp) == 0)
		do_iret(frame);
	rt_vcpu_info()->evtchn_upcall_mask = 1;
	CHECK(fs.count == 1, "%s: failsafe ran %u times", what, fs.count);
	CHECK(rt_last_trap.count == before + 1 &&
	      rt_last_trap.vector == RT_VECTOR_FAILSAFE,
	      "%s: runtime did not record the failsafe", what);
	CHECK(fs.error_code == 0, "%s: error code %#llx", what,
	      (unsigned long long)fs.error_code);
	CHECK(fs.rip == (uint64_t)iret_syscall_end,
	      "%s: rip %#llx, expected %#llx (after the syscall)", what,
	      (unsigned long long)fs.rip,
	      (unsigned long long)iret_syscall_end);
	CHECK(fs.cs == KEEL_GUEST_KERNEL_CS, "%s: cs %#llx", what,
	      (unsigned long long)fs.cs);
	CHECK(fs.rsp == (uint64_t)frame, "%s: rsp %#llx, expected the frame "
	      "%#llx", what, (unsigned long long)fs.rsp,
	      (unsigned long long)frame);
	CHECK(fs.rax == KEEL_HC_iret, "%s: rax %#llx", what,
	      (unsigned long long)fs.rax);
	CHECK(fs.rcx == (uint64_t)iret_syscall_end, "%s: rcx %#llx", what,
	      (unsigned long long)fs.rcx);
	CHECK(fs.mask == 1, "%s: events not masked in the failsafe", what);
	CHECK(fs.rflags & 0x200, "%s: frame rflags %#llx lacks IF", what,
	      (unsigned long long)fs.rflags);
	printf("%s: failsafe, rip %#llx, rsp %#llx (frame %p), rax %llu\n",
	       what, (unsigned long long)fs.rip, (unsigned long long)fs.rsp,
	       (void *)frame, (unsigned long long)fs.rax);
}

void test_main(void)
{
	static uint64_t stack[512] __attribute__((aligned(16)));
	struct keel_iret_frame *f =
		(struct keel_iret_frame *)&stack[512 - 16];
	const struct keel_iret_frame good = {
		.rip = (uint64_t)iret_syscall_end,	/* never reached */
		.cs = KEEL_GUEST_KERNEL_CS,
		.rflags = 0x2,
		.rsp = (uint64_t)&stack[256],
		.ss = KEEL_GUEST_DS,
	};

	rt_trap_hook = failsafe_hook;

	*f = good;
	f->cs = 0x10;
	try_frame("cs 0x10", f);

	*f = good;
	f->cs = 0x33;
	try_frame("cs 0x33", f);

	*f = good;
	f->rip = 0x8000000000000000ULL;
	try_frame("non-canonical rip", f);

	*f = good;
	f->rip = HYP_ADDR;
	try_frame("rip in the hypervisor", f);

	*f = good;
	f->rsp = 0x8000000000000000ULL;
	try_frame("non-canonical rsp", f);

	*f = good;
	f->rsp = 0xffff830000000000ULL;
	try_frame("rsp in the hypervisor", f);

	*f = good;
	f->flags = 1;	/* none defined: must be 0 */
	try_frame("flags 1", f);

	/* A frame that cannot be read: RSP at the guard page above guest
	 * memory. The failsafe frame goes just below it, into the last page
	 * of guest memory (the top of the user window, unused here). */
	try_frame("unreadable frame",
		  (struct keel_iret_frame *)(rt_boot.virt_base +
					     rt_boot.nr_pages * 4096));

	/* The lowest non-canonical rsp, where a check of `rsp + 0` ends
	 * exactly at the top of the lower half. (Were it taken, the first
	 * push would fault on a non-canonical stack and the domain crash.) */
	*f = good;
	f->rsp = 0x0000800000000000ULL;
	try_frame("rsp 0x0000800000000000", f);

	rt_trap_hook = NULL;
	/* Still healthy: traps and their iret work. */
	rt_trap_reset();
	__asm__ volatile("1: ud2\n\t2:\n\t" RT_EXTABLE(1b, 2b) ::: "memory");
	CHECK_EQ(rt_last_trap.vector, 6);
}
