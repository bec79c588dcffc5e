/* A guest user program makes system calls to the guest kernel: the
 * hypervisor bounces each `syscall` from user mode to the kernel's
 * syscall callback with the user's registers intact. */
#include "keeltest.h"

const char test_name[] = "user_syscalls";

#define SYS_CUSTOM 0x1234
#define A1 0x1111111111111111ULL
#define A2 0x2222222222222222ULL
#define A3 0x3333333333333333ULL
#define A4 0x4444444444444444ULL
#define A5 0x5555555555555555ULL
#define A6 0x6666666666666666ULL
#define EXIT_CODE 0x5eed

extern char __user_blob_start[];
extern char user_custom_syscall_end[];

/* --- user side: only registers, the user stack and inline asm --- */

static inline __attribute__((always_inline)) long
usys(long nr, long a1, long a2, long a3)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
			 : "a"(nr) : "rcx", "r11", "r8", "r9", "r10", "memory");
	return ret;
}

RT_USER void user_main(void)
{
	/* "hello from user mode\n" built on the stack, no .rodata. */
	volatile uint64_t msg[3];
	msg[0] = 0x7266206f6c6c6568ULL;	/* "hello fr" */
	msg[1] = 0x2072657375206d6fULL;	/* "om user " */
	msg[2] = 0x00000a65646f6dULL;	/* "mode\n" */
	long n = usys(RT_SYS_write, 1, (long)msg, 21);
	usys(RT_SYS_REPORT, 0, n, 0);

	usys(RT_SYS_REPORT, 1, usys(RT_SYS_getpid, 0, 0, 0), 0);
	usys(RT_SYS_REPORT, 2, usys(999, 0, 0, 0), 0);

	/* All six argument registers, and every other register must come
	 * back as it went. */
	{
		register long r10 __asm__("r10") = (long)A4;
		register long r8 __asm__("r8") = (long)A5;
		register long r9 __asm__("r9") = (long)A6;
		register long rbx __asm__("rbx") = 0x0b0b0b0b0b0b0b0bLL;
		register long r12 __asm__("r12") = 0x1212121212121212LL;
		register long r15 __asm__("r15") = 0x1515151515151515LL;
		long rax = SYS_CUSTOM, rdi = (long)A1, rsi = (long)A2,
		     rdx = (long)A3;
		__asm__ volatile("syscall\n\t"
				 ".globl user_custom_syscall_end\n"
				 "user_custom_syscall_end:"
				 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
				   "+r"(r10), "+r"(r8), "+r"(r9), "+r"(rbx),
				   "+r"(r12), "+r"(r15)
				 : : "rcx", "r11", "memory");
		usys(RT_SYS_REPORT, 3, rax, 0);
		long bad = 0;
		bad |= (rdi != (long)A1) << 0;
		bad |= (rsi != (long)A2) << 1;
		bad |= (rdx != (long)A3) << 2;
		bad |= (r10 != (long)A4) << 3;
		bad |= (r8 != (long)A5) << 4;
		bad |= (r9 != (long)A6) << 5;
		bad |= (rbx != 0x0b0b0b0b0b0b0b0bLL) << 6;
		bad |= (r12 != 0x1212121212121212LL) << 7;
		bad |= (r15 != 0x1515151515151515LL) << 8;
		usys(RT_SYS_REPORT, 4, bad, 0);
	}
	usys(RT_SYS_exit, EXIT_CODE, 0, 0);
	for (;;)
		;
}

RT_USER void user_exit_negative(void)
{
	usys(RT_SYS_exit, -7, 0, 0);
	for (;;)
		;
}

/* --- kernel side --- */

static uint64_t reported[8];
static unsigned int report_mask;
static unsigned int custom_calls;
static uint64_t custom_args[6], custom_cs, custom_ss, custom_rip, custom_rcx,
	custom_r11, custom_rsp;

static bool syscall_hook(struct rt_regs *regs)
{
	switch (regs->rax) {
	case RT_SYS_REPORT:
		if (regs->rdi < 8) {
			reported[regs->rdi] = regs->rsi;
			report_mask |= 1u << regs->rdi;
		}
		regs->rax = 0;
		return true;
	case SYS_CUSTOM:
		custom_calls++;
		custom_args[0] = regs->rdi;
		custom_args[1] = regs->rsi;
		custom_args[2] = regs->rdx;
		custom_args[3] = regs->r10;
		custom_args[4] = regs->r8;
		custom_args[5] = regs->r9;
		custom_cs = regs->cs;
		custom_ss = regs->ss;
		custom_rip = regs->rip;
		custom_rcx = regs->rcx;
		custom_r11 = regs->r11;
		custom_rsp = regs->rsp;
		regs->rax = (regs->rdi ^ regs->rsi) + regs->rdx + regs->r10 +
			    regs->r8 + regs->r9;
		return true;
	}
	return false;
}

void test_main(void)
{
	uint64_t ubase = rt_boot.user_window_vaddr;
	uint64_t uend = ubase + rt_boot.user_window_size;

	rt_syscall_hook = syscall_hook;
	long code = rt_run_in_user(user_main, 0);
	CHECK_EQ(code, EXIT_CODE);
	printf("user program exited with %#lx\n", code);

	CHECK_EQ(report_mask, 0x1f);
	CHECK_EQ(reported[0], 21);
	CHECK_EQ(reported[1], rt_boot.domid);
	CHECK_EQ((long)reported[2], -KEEL_ENOSYS);
	printf("write -> %lld, getpid -> %lld, syscall 999 -> %lld\n",
	       (long long)reported[0], (long long)reported[1],
	       (long long)reported[2]);

	CHECK_EQ(custom_calls, 1);
	CHECK_EQ(custom_args[0], A1);
	CHECK_EQ(custom_args[1], A2);
	CHECK_EQ(custom_args[2], A3);
	CHECK_EQ(custom_args[3], A4);
	CHECK_EQ(custom_args[4], A5);
	CHECK_EQ(custom_args[5], A6);
	CHECK_EQ(reported[3], (A1 ^ A2) + A3 + A4 + A5 + A6);
	CHECK_EQ(reported[4], 0);
	printf("custom syscall: 6 arguments arrived, result %#llx, "
	       "registers preserved (mask %#llx)\n",
	       (unsigned long long)reported[3],
	       (unsigned long long)reported[4]);

	uint64_t want_rip = ubase + (user_custom_syscall_end - __user_blob_start);
	CHECK_EQ(custom_cs, KEEL_GUEST_USER_CS);
	CHECK_EQ(custom_ss, KEEL_GUEST_DS);
	CHECK_EQ(custom_rip, want_rip);
	CHECK_EQ(custom_rcx, want_rip);
	CHECK(custom_r11 & 0x200, "r11 (user rflags) %#llx lacks IF",
	      (unsigned long long)custom_r11);
	CHECK_EQ(custom_r11 & ~0x8d5ULL, 0x202);
	CHECK(custom_rsp >= ubase && custom_rsp < uend,
	      "user rsp %#llx outside the user window",
	      (unsigned long long)custom_rsp);
	printf("frame: cs %#llx ss %#llx rip %#llx rcx %#llx r11 %#llx "
	       "rsp %#llx\n", (unsigned long long)custom_cs,
	       (unsigned long long)custom_ss, (unsigned long long)custom_rip,
	       (unsigned long long)custom_rcx, (unsigned long long)custom_r11,
	       (unsigned long long)custom_rsp);

	/* Back in kernel mode: the kernel's GS (vCPU id) and hypercalls. */
	CHECK_EQ(rt_vcpu_id(), 0);
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);

	/* Again, with a negative exit code. */
	CHECK_EQ(rt_run_in_user(user_exit_negative, 0), -7);
	rt_syscall_hook = NULL;
}
