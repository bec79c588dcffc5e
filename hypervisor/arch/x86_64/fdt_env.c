/*
 * libfdt in the hypervisor.
 *
 * Debian's libfdt.a is built with the stack protector, so its functions
 * read the canary at %fs:0x28. In Keel, FS belongs to whichever guest last
 * ran on this CPU, so every call into libfdt is bracketed by
 * libfdt_enter()/libfdt_exit(), which point FS at a canary block of our
 * own and put the guest's base back afterwards. Nothing between the two
 * may leave this CPU for another vCPU: pv_save_context() reads the FS
 * base back as the guest's, and would take the canary block's address
 * for it. (Keel never reschedules inside a hypercall.)
 */
#include <libfdt_env_keel.h>
#include <panic.h>
#include <asm/cpu.h>

static uint64_t canary_block[8] = {
	[5] = 0x4b65656c43616e61ULL,	/* the word at offset 0x28 */
};

uint64_t libfdt_enter(void)
{
	uint64_t saved = rdmsr(MSR_FS_BASE);

	wrmsr(MSR_FS_BASE, (uint64_t)canary_block);
	return saved;
}

void libfdt_exit(uint64_t saved)
{
	wrmsr(MSR_FS_BASE, saved);
}

__noreturn void __stack_chk_fail(void);
__noreturn void __stack_chk_fail(void)
{
	panic("stack protector: a libfdt stack frame was overwritten");
}
