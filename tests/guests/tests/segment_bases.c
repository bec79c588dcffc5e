/* set_segment_base: FS (both modes), GS for kernel and for user mode
 * kept apart, and the refused values. */
#include "keeltest.h"

const char test_name[] = "segment_bases";

#define FS_MARK0 0x0f0f0f0f11111111ULL
#define FS_MARK1 0x0f0f0f0f22222222ULL
#define GSK_MARK 0x6767676733333333ULL
#define UGS_MARK0 0x7575757544444444ULL
#define UGS_MARK1 0x7575757555555555ULL
#define UFS_MARK0 0x5f5f5f5f66666666ULL
/* Reads %gs:0, %gs:8 and %fs:0 in user mode, reports them, and also
 * reports them again after a system call (which switches to kernel mode
 * and back). */
RT_USER void user_read_bases(void)
{
	uint64_t g0, g8, f0;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(g0));
	__asm__ volatile("movq %%gs:8, %0" : "=r"(g8));
	__asm__ volatile("movq %%fs:0, %0" : "=r"(f0));
	rt_user_report(0, g0);
	rt_user_report(1, g8);
	rt_user_report(2, f0);
	__asm__ volatile("movq %%gs:0, %0" : "=r"(g0));
	rt_user_report(3, g0);
	__asm__ volatile("syscall" : : "a"((long)RT_SYS_exit), "D"(0x6500L)
			 : "rcx", "r11", "memory");
	for (;;)
		;
}

static uint64_t reported[8];
static unsigned int report_mask;
static uint64_t kernel_gs_in_syscall;

static bool report_hook(struct rt_regs *regs)
{
	if (regs->rax != RT_SYS_REPORT || regs->rdi >= 8)
		return false;
	reported[regs->rdi] = regs->rsi;
	report_mask |= 1u << regs->rdi;
	/* In the kernel's syscall entry, GS is the kernel's again. */
	__asm__ volatile("movq %%gs:8, %0" : "=r"(kernel_gs_in_syscall));
	regs->rax = 0;
	return true;
}

static uint64_t fs_read(unsigned int off)
{
	uint64_t v;

	if (off == 0)
		__asm__ volatile("movq %%fs:0, %0" : "=r"(v) : : "memory");
	else
		__asm__ volatile("movq %%fs:8, %0" : "=r"(v) : : "memory");
	return v;
}

static uint64_t gs_read(unsigned int off)
{
	uint64_t v;

	if (off == 0)
		__asm__ volatile("movq %%gs:0, %0" : "=r"(v) : : "memory");
	else
		__asm__ volatile("movq %%gs:8, %0" : "=r"(v) : : "memory");
	return v;
}

void test_main(void)
{
	static uint64_t fsbuf[2] = { FS_MARK0, FS_MARK1 };
	/* Stands in for the runtime's per-vCPU block: %gs:0 is the vCPU id
	 * (0), so rt_vcpu_id() keeps working with it. */
	static uint64_t gsk[2] = { 0, GSK_MARK };

	/* FS in kernel mode. */
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_FS,
						 (unsigned long)fsbuf), 0);
	CHECK_EQ(fs_read(0), FS_MARK0);
	CHECK_EQ(fs_read(8), FS_MARK1);
	fsbuf[1] = 0x1234;
	CHECK_EQ(fs_read(8), 0x1234);
	printf("FS base %p: %%fs:0 %#llx, %%fs:8 %#llx\n", (void *)fsbuf,
	       (unsigned long long)fs_read(0), (unsigned long long)fs_read(8));

	/* GS in kernel mode. */
	CHECK_EQ(rt_vcpu_id(), 0);
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_KERNEL,
						 (unsigned long)gsk), 0);
	CHECK_EQ(gs_read(0), 0);
	CHECK_EQ(gs_read(8), GSK_MARK);
	CHECK_EQ(rt_vcpu_id(), 0);
	printf("GS kernel base %p: %%gs:8 %#llx\n", (void *)gsk,
	       (unsigned long long)gs_read(8));

	/* User mode: GS_USER and FS must point into the user window. */
	uint64_t off = (rt_boot.user_window_size / 2) & ~4095ULL;
	uint64_t *kview = (uint64_t *)(rt_boot.user_window_kernel_vaddr + off);
	uint64_t uaddr = rt_boot.user_window_vaddr + off;
	kview[0] = UGS_MARK0;
	kview[1] = UGS_MARK1;
	kview[2] = UFS_MARK0;
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_USER, uaddr), 0);
	/* ... which does not change the kernel's GS now. */
	CHECK_EQ(gs_read(8), GSK_MARK);
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_FS, uaddr + 16), 0);
	CHECK_EQ(fs_read(0), UFS_MARK0);

	rt_syscall_hook = report_hook;
	long code = rt_run_in_user(user_read_bases, 0);
	rt_syscall_hook = NULL;
	CHECK_EQ(code, 0x6500);
	CHECK_EQ(report_mask, 0xf);
	CHECK_EQ(reported[0], UGS_MARK0);
	CHECK_EQ(reported[1], UGS_MARK1);
	CHECK_EQ(reported[2], UFS_MARK0);
	CHECK_EQ(reported[3], UGS_MARK0);
	CHECK_EQ(kernel_gs_in_syscall, GSK_MARK);
	printf("user mode: %%gs:0 %#llx, %%gs:8 %#llx, %%fs:0 %#llx; "
	       "kernel %%gs:8 in the syscall entry %#llx\n",
	       (unsigned long long)reported[0], (unsigned long long)reported[1],
	       (unsigned long long)reported[2],
	       (unsigned long long)kernel_gs_in_syscall);
	/* Back in the kernel: its GS again. */
	CHECK_EQ(gs_read(8), GSK_MARK);
	CHECK_EQ(rt_vcpu_id(), 0);

	/* Refused: a bad selector, non-canonical and hypervisor bases --
	 * and nothing changes. */
	CHECK_EQ(keel_hypercall_set_segment_base(99, (unsigned long)fsbuf),
		 -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_set_segment_base(3, 0), -KEEL_EINVAL);
	static const uint64_t bad[] = {
		/* 0x0000800000000000: the lowest non-canonical value; on a
		 * real CPU, loading it into the base MSR faults in the
		 * hypervisor. */
		0x8000000000000000ULL, 0x0000800000000000ULL,
		0x0000800000000001ULL,
		0x00ff000000000000ULL, 0xffff7fffffffffffULL,
		0xffff830000000000ULL, 0xffff82d080000000ULL,
		0xffff800000000000ULL,
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (unsigned int which = 0; which < 3; which++) {
			long rc = keel_hypercall_set_segment_base(which, bad[i]);
			CHECK(rc == -KEEL_EINVAL,
			      "set_segment_base(%u, %#llx) = %ld", which,
			      (unsigned long long)bad[i], rc);
		}
	CHECK_EQ(fs_read(0), UFS_MARK0);
	CHECK_EQ(gs_read(8), GSK_MARK);
	printf("bad selector and %u bad bases refused with -EINVAL\n",
	       (unsigned int)(sizeof(bad) / sizeof(bad[0])));

	/* Both ends of the allowed ranges are accepted. */
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_USER,
						 0x00007fffffffffffULL), 0);
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_USER,
						 0xffff880000000000ULL), 0);
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_USER, 0), 0);
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_FS, 0), 0);
}
