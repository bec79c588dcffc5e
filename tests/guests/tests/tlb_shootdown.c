/* keel-test: group=tlb vcpus=2 cpus=2 timeout=120 */
/*
 * TLB shootdown across vCPUs. vCPU 1 spins on one virtual address,
 * reading (or writing) it, while vCPU 0 changes the mapping behind it.
 * Checks, each within a bounded time: after update_va_mapping with
 * UVMF_INVLPG|UVMF_ALL, and after mmu_update (which flushes when it
 * replaces a present entry), vCPU 1 reads the new frame; after the entry
 * is removed, even with no flush asked for, vCPU 1 faults; after a
 * writable entry is made read-only, with no flush asked for, vCPU 1's
 * writes fault and none lands any more. The flush calls themselves
 * (INVLPG_ALL, TLB_FLUSH_ALL, the _MULTI ones and their bitmap pointer).
 */
#include "keeltest.h"

const char test_name[] = "tlb_shootdown";

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_NX (1ULL << 63)

#define MODE_READ  1
#define MODE_WRITE 2
#define MODE_STOP  3
#define FAULTED    0xfa17fa17fa17fa17ULL
#define WROTE      0x3107e3107e3107eULL
#define TIMEOUT_NS (5 * 1000000000ULL)

static volatile uint64_t *win;		/* the address vCPU 1 uses */
static volatile int mode, stopped;
static volatile uint64_t seen, iters;

/* vCPU 1: touch win[0] (read) or win[1] (write) until told to stop,
 * publishing what each access found. */
static void spinner(void *arg)
{
	(void)arg;
	for (;;) {
		int m = __atomic_load_n(&mode, __ATOMIC_SEQ_CST);
		uint64_t v = 0, n = __atomic_load_n(&iters, __ATOMIC_SEQ_CST);

		if (m == MODE_STOP)
			break;
		if (m == MODE_READ)
			v = rt_read_faults(&win[0], &v) ? FAULTED : v;
		else
			v = rt_write_faults(&win[1], n) ? FAULTED : WROTE;
		__atomic_store_n(&seen, v, __ATOMIC_SEQ_CST);
		__atomic_store_n(&iters, n + 1, __ATOMIC_SEQ_CST);
	}
	stopped = 1;
}

/* Wait until vCPU 1 has made a few accesses that all found @want. */
static bool wait_seen(uint64_t want, const char *what)
{
	uint64_t start = rt_now_ns(), streak = 0, last = iters;

	while (rt_now_ns() - start < TIMEOUT_NS) {
		uint64_t n = __atomic_load_n(&iters, __ATOMIC_SEQ_CST);

		if (n == last) {
			__builtin_ia32_pause();
			continue;
		}
		last = n;
		streak = __atomic_load_n(&seen, __ATOMIC_SEQ_CST) == want ?
			 streak + 1 : 0;
		if (streak >= 3) {
			printf("%s: after %llu us\n", what,
			       (unsigned long long)(rt_now_ns() - start) / 1000);
			return true;
		}
	}
	CHECK(false, "%s: vCPU 1 still finds %#llx, not %#llx, after %llu "
	      "accesses", what, (unsigned long long)seen,
	      (unsigned long long)want, (unsigned long long)iters);
	return false;
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t *a = rt_alloc_pages(1), *b = rt_alloc_pages(1);
	uint64_t *c = rt_alloc_pages(1);
	const uint64_t flags = PTE_P | PTE_W | PTE_U | PTE_NX;
	uint64_t pa = (rt_va_to_mfn(a) << 12) | flags;
	uint64_t pb = (rt_va_to_mfn(b) << 12) | flags;
	uint64_t pc = (rt_va_to_mfn(c) << 12) | flags;

	if (rt_boot.nr_vcpus < 2)
		test_skip("needs two vCPUs");
	a[0] = 0xaaaa;
	b[0] = 0xbbbb;
	c[0] = 0xcccc;
	win = rt_alloc_pages(1);
	uint64_t win_pte = rt_pte_read(kroot, (uint64_t)win, 1);
	uint64_t slot = rt_pte_maddr(kroot, (uint64_t)win, 1);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)win, pa,
						  KEEL_UVMF_INVLPG), 0);

	mode = MODE_READ;
	CHECK_EQ(rt_vcpu_start(1, spinner, NULL), 0);
	if (!wait_seen(0xaaaa, "vCPU 1 reads frame A"))
		goto stop;
	struct keel_vcpu_runstate rs0, rs1;
	if (!keel_hypercall_vcpu_op(KEEL_VCPUOP_get_runstate, 0,
				    (unsigned long)&rs0) &&
	    !keel_hypercall_vcpu_op(KEEL_VCPUOP_get_runstate, 1,
				    (unsigned long)&rs1))
		printf("vCPU 0 on CPU %u, vCPU 1 on CPU %u\n", rs0.pcpu,
		       rs1.pcpu);

	/* update_va_mapping, flushing the address on every vCPU. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)win, pb,
						  KEEL_UVMF_INVLPG |
						  KEEL_UVMF_ALL), 0);
	if (!wait_seen(0xbbbb, "update_va_mapping INVLPG|ALL"))
		goto stop;

	/* mmu_update: no flush asked for, but it replaces a present entry. */
	CHECK_EQ(rt_mmu_update1(slot, pc), 0);
	if (!wait_seen(0xcccc, "mmu_update"))
		goto stop;

	/* The flush calls, which must leave things as they are. */
	uint64_t bitmap = 3;
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_ALL, (uint64_t)win, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_MULTI, (uint64_t)win,
			    (uint64_t)&bitmap), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_TLB_FLUSH_MULTI, 0, (uint64_t)&bitmap),
		 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_TLB_FLUSH_MULTI, 0,
			    0xffff830000000000ULL), -KEEL_EFAULT);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_ALL, 0xffff830000000000ULL, 0),
		 -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_LOCAL, 0x0000800000000000ULL, 0),
		 -KEEL_EINVAL);
	if (!wait_seen(0xcccc, "after the flush calls"))
		goto stop;

	/* Removed, no flush asked for: Keel drops the frame's reference,
	 * so it must flush anyway. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)win, 0,
						  KEEL_UVMF_NONE), 0);
	if (!wait_seen(FAULTED, "entry removed, UVMF_NONE"))
		goto stop;

	/* Writable, then read-only with no flush asked for: vCPU 1's
	 * writes must start faulting, and then none may land. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)win, pa,
						  KEEL_UVMF_INVLPG), 0);
	__atomic_store_n(&mode, MODE_WRITE, __ATOMIC_SEQ_CST);
	if (!wait_seen(WROTE, "vCPU 1 writes frame A"))
		goto stop;
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)win, pa & ~PTE_W,
						  KEEL_UVMF_NONE), 0);
	if (!wait_seen(FAULTED, "made read-only, UVMF_NONE"))
		goto stop;
	uint64_t last = __atomic_load_n(&a[1], __ATOMIC_SEQ_CST);
	uint64_t it = iters;
	uint64_t start = rt_now_ns();
	while (iters < it + 1000 && rt_now_ns() - start < TIMEOUT_NS)
		__builtin_ia32_pause();
	CHECK(iters >= it + 1000, "vCPU 1 stopped running");
	CHECK_EQ(__atomic_load_n(&a[1], __ATOMIC_SEQ_CST), last);
	CHECK(last != 0, "no write of vCPU 1 ever landed");
stop:
	__atomic_store_n(&mode, MODE_STOP, __ATOMIC_SEQ_CST);
	start = rt_now_ns();
	while (!stopped && rt_now_ns() - start < TIMEOUT_NS)
		__builtin_ia32_pause();
	CHECK(stopped, "vCPU 1 never stopped");
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)win, win_pte,
						  KEEL_UVMF_INVLPG |
						  KEEL_UVMF_ALL), 0);
}
