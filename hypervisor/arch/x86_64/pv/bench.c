/*
 * bench_syscall: measure a bare ring-3 syscall/sysret round trip on this
 * machine, as the baseline the PV benchmarks (bench/) divide by. It runs
 * on the boot CPU before any domain exists, in a throw-away address space
 * that maps one user code page and one user stack page.
 */
#include <cmdline.h>
#include <mm.h>
#include <printk.h>
#include <string_ops.h>
#include <asm/cpu.h>
#include <asm/paging.h>
#include <asm/pv.h>

#define MSR_LSTAR 0xc0000082
#define BENCH_CODE_VA  0x400000ULL
#define BENCH_STACK_VA 0x401000ULL
#define BENCH_ITERATIONS 100000

extern const char bare_user_code[], bare_user_code_end[];
extern char bare_syscall_entry[];
uint64_t bare_syscall_run(uint64_t rip, uint64_t rsp, uint64_t iterations);

static bool opt_bench_syscall;
OPTION_BOOL("bench_syscall", opt_bench_syscall);

struct bench_tables {
	paddr_t frames[8];
	unsigned int nr;
};

static uint64_t *bench_alloc(void *ctx)
{
	struct bench_tables *t = ctx;

	if (t->nr == ARRAY_SIZE(t->frames))
		return NULL;
	paddr_t pa = frame_alloc(0);
	if (!pa)
		return NULL;
	t->frames[t->nr++] = pa;
	return phys_to_virt(pa);
}

void bench_bare_syscall(void)
{
	struct bench_tables t = { .nr = 0 };
	uint64_t *root, *pte;

	if (!opt_bench_syscall)
		return;
	root = bench_alloc(&t);
	paddr_t code = frame_alloc(0), stack = frame_alloc(0);
	if (!root || !code || !stack) {
		printk(LOG_ERR "bench_syscall: out of memory\n");
		goto out;
	}
	pt_fill_hypervisor_slots(root);
	memcpy(phys_to_virt(code), bare_user_code,
	       bare_user_code_end - bare_user_code);
	pte = pt_walk_create(root, BENCH_CODE_VA, 1, bench_alloc, &t,
			     PTE_PRESENT | PTE_WRITE | PTE_USER);
	if (!pte)
		goto out;
	*pte = code | PTE_PRESENT | PTE_USER;
	pte = pt_walk_create(root, BENCH_STACK_VA, 1, bench_alloc, &t,
			     PTE_PRESENT | PTE_WRITE | PTE_USER);
	if (!pte)
		goto out;
	*pte = stack | PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX;

	unsigned long flags = irq_save();
	uint64_t cr3 = read_cr3(), lstar = rdmsr(MSR_LSTAR);
	write_cr3(virt_to_phys(root));
	wrmsr(MSR_LSTAR, (uint64_t)bare_syscall_entry);
	uint64_t cycles = bare_syscall_run(BENCH_CODE_VA,
					   BENCH_STACK_VA + PAGE_SIZE,
					   BENCH_ITERATIONS);
	wrmsr(MSR_LSTAR, lstar);
	write_cr3(cr3);
	irq_restore(flags);
	printk("BENCH bare_syscall_roundtrip %llu cycles/op (%u iterations)\n",
	       (unsigned long long)(cycles / BENCH_ITERATIONS), BENCH_ITERATIONS);
out:
	for (unsigned int i = 0; i < t.nr; i++)
		frame_free(t.frames[i], 0);
	if (code)
		frame_free(code, 0);
	if (stack)
		frame_free(stack, 0);
}
