/* A GS base that a user program changes itself, by loading a segment
 * register, survives its system calls: the switch to kernel mode and
 * back swaps the two GS bases (as swapgs would) instead of reloading the
 * user's from what set_segment_base last said. */
#include "keeltest.h"

const char test_name[] = "segment_base_selector_load";

#define MARK_AT_0 0x5e1ec7a000000000ULL
#define MARK_AT_8 0x5e1ec7a000000008ULL
static inline __attribute__((always_inline)) uint64_t gs_read(uint64_t off)
{
	uint64_t v;

	__asm__ volatile("movq %%gs:(%1), %0" : "=r"(v) : "r"(off) : "memory");
	return v;
}

/* @rdi: the window address A whose two words hold the marks. With the
 * GS base 8, %gs:A reads the second; after a load of the data selector
 * (base 0 in its descriptor), the first. */
RT_USER void user_load_gs(uint64_t a)
{
	rt_user_report(0, gs_read(a));
	__asm__ volatile("mov %0, %%gs" : : "r"((uint16_t)KEEL_GUEST_DS));
	rt_user_report(1, gs_read(a));
	/* rt_user_report(1) made a system call: the base must still be 0. */
	rt_user_report(2, gs_read(a));
	__asm__ volatile("syscall" : : "a"((long)RT_SYS_exit), "D"(0x5e1L)
			 : "rcx", "r11", "memory");
	for (;;)
		;
}

static uint64_t reported[4];
static unsigned int report_mask;

static bool report_hook(struct rt_regs *regs)
{
	if (regs->rax != RT_SYS_REPORT || regs->rdi >= 4)
		return false;
	reported[regs->rdi] = regs->rsi;
	report_mask |= 1u << regs->rdi;
	regs->rax = 0;
	return true;
}

void test_main(void)
{
	uint64_t off = (rt_boot.user_window_size / 2) & ~4095ULL;
	uint64_t *kview = (uint64_t *)(rt_boot.user_window_kernel_vaddr + off);
	uint64_t a = rt_boot.user_window_vaddr + off;

	kview[0] = MARK_AT_0;
	kview[1] = MARK_AT_8;
	CHECK_EQ(keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_USER, 8), 0);

	rt_syscall_hook = report_hook;
	long code = rt_run_in_user((void (*)(void))user_load_gs, (long)a);
	rt_syscall_hook = NULL;
	CHECK_EQ(code, 0x5e1);
	CHECK_EQ(report_mask, 0x7);
	CHECK_EQ(reported[0], MARK_AT_8);
	CHECK_EQ(reported[1], MARK_AT_0);
	CHECK_EQ(reported[2], MARK_AT_0);
	printf("%%gs:A with base 8: %#llx; after loading %#x into GS: %#llx, "
	       "and after a system call: %#llx\n",
	       (unsigned long long)reported[0], KEEL_GUEST_DS,
	       (unsigned long long)reported[1],
	       (unsigned long long)reported[2]);
	/* The kernel's own GS is untouched by all this. */
	CHECK_EQ(rt_vcpu_id(), 0);
}
