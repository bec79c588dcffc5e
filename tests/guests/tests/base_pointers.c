/*
 * Page-table roots: MMUEXT_NEW_BASEPTR and NEW_USER_BASEPTR. Checks: a
 * new L4 built from the kernel root's entries (plus an alias of the
 * kernel's L3 in an empty slot, and junk in the hypervisor slots) pins,
 * its hypervisor slots become Keel's; switching to it keeps everything
 * running (code, stack, shared info, traps, hypercalls, user mode) and
 * the alias works only while it is the root; it cannot be unpinned while
 * in use; switching back and unpinning work, and its hypervisor slots
 * are cleared when it stops being an L4. Roots that are not L4s are
 * refused. A user root of 0 makes an iret to user mode fail into the
 * failsafe callback; putting the user root back makes user mode work.
 */
#include "keeltest.h"

const char test_name[] = "base_pointers";

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_A  0x20ULL
#define PTE_ADDR 0x000ffffffffff000ULL
#define RT_VECTOR_FAILSAFE 258
#define HV_FIRST 256
#define HV_LAST  271

int rt_setjmp(uint64_t *buf) __attribute__((returns_twice));
__attribute__((noreturn)) void rt_longjmp(uint64_t *buf, long value);

static uint64_t jmp[8];
static unsigned int failsafes;

static bool failsafe_hook(struct rt_regs *regs)
{
	if (regs->vector != RT_VECTOR_FAILSAFE)
		return false;
	failsafes++;
	rt_longjmp(jmp, 1);
}

RT_USER static void user_fn(void)
{
	long rc;

	__asm__ volatile("syscall"
			 : "=a"(rc)
			 : "a"(RT_SYS_exit), "D"(4242L)
			 : "rcx", "r11", "memory");
	for (;;)
		;
}

/* Run user_fn; -1 if the iret to user mode went to the failsafe. */
static long try_user(void)
{
	uint8_t mask = rt_vcpu_info()->evtchn_upcall_mask;
	long rc;

	rt_trap_hook = failsafe_hook;
	if (rt_setjmp(jmp) == 0)
		rc = rt_run_in_user(user_fn, 0);
	else
		rc = -1;
	rt_trap_hook = NULL;
	rt_vcpu_info()->evtchn_upcall_mask = mask;
	return rc;
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t uroot = rt_boot.user_root_mfn;
	const uint64_t *k = rt_mfn_to_va(kroot);
	uint64_t *n = rt_alloc_pages(1);
	uint64_t n_mfn = rt_va_to_mfn(n);
	uint64_t n_pte = rt_pte_read(kroot, (uint64_t)n, 1);

	/* Find an empty lower-half slot for the alias of slot 511. */
	unsigned int alias = 0;
	for (unsigned int i = 1; i < HV_FIRST && !alias; i++)
		if (!(k[i] & PTE_P))
			alias = i;
	CHECK(alias != 0, "no free L4 slot");
	CHECK(k[511] & PTE_P, "kernel root has no slot 511");

	/* The new root: every guest entry of the kernel root, the alias,
	 * and junk where Keel's slots go. */
	unsigned int present = 0;
	for (unsigned int i = 0; i < 512; i++) {
		if (i >= HV_FIRST && i <= HV_LAST)
			n[i] = 0x8000000000000067ULL | ((uint64_t)i << 12);
		else
			n[i] = k[i];
		present += (k[i] & PTE_P) && (i < HV_FIRST || i > HV_LAST);
	}
	n[alias] = k[511];
	printf("kernel root: %u guest entries; alias slot %u\n", present,
	       alias);
	/* Pinning needs it read-only in our tables. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L4_TABLE, n_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)n, n_pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L4_TABLE, n_mfn, 0), 0);
	/* (The CPU sets accessed bits as it walks: ignore those.) */
	for (unsigned int i = HV_FIRST; i <= HV_LAST; i++)
		CHECK((n[i] | PTE_A) == (k[i] | PTE_A),
		      "hypervisor slot %u: %#llx, the kernel root's %#llx", i,
		      (unsigned long long)n[i], (unsigned long long)k[i]);

	/* Where the alias puts the kernel's own variable. */
	static volatile uint64_t marker = 0x600dcafe;
	volatile uint64_t *via_alias =
		(volatile uint64_t *)(((uint64_t)alias << 39) |
				      ((uint64_t)&marker & ((1ULL << 39) - 1)));
	CHECK(rt_read_faults(via_alias, NULL), "the alias works already");

	/* Switch. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, n_mfn, 0), 0);
	uint64_t v = 0;
	CHECK(!rt_read_faults(via_alias, &v), "the alias does not work");
	CHECK_EQ(v, 0x600dcafe);
	marker = 0x5ca1ab1e;
	CHECK(!rt_read_faults(via_alias, &v), "the alias does not work");
	CHECK_EQ(v, 0x5ca1ab1e);
	/* Everything else still works: stack, calls, shared info, time,
	 * traps, hypercalls, user mode. */
	uint64_t t0 = rt_now_ns();
	CHECK(rt_now_ns() >= t0, "time went backwards");
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
	rt_trap_reset();
	__asm__ volatile("1: ud2\n\t2:\n\t" RT_EXTABLE(1b, 2b) ::: "memory");
	CHECK_EQ(rt_last_trap.vector, 6);
	CHECK_EQ(try_user(), 4242);
	printf("running on the new root\n");
	/* In use: not to be unpinned, nor made writable. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, n_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)n, n_pte,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EBUSY);
	/* update_va_mapping works on the current root's tables. */
	uint64_t *p = rt_alloc_pages(1);
	uint64_t p_pte = rt_pte_read(kroot, (uint64_t)p, 1);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, p_pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
	CHECK(rt_write_faults(p, 0), "read-only remap still writable");
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, p_pte,
						  KEEL_UVMF_INVLPG), 0);
	p[0] = 1;

	/* Back, and the new root is just a pinned table again. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, kroot, 0), 0);
	CHECK(rt_read_faults(via_alias, NULL), "the alias outlived its root");
	CHECK_EQ(marker, 0x5ca1ab1e);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, n_mfn, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, n_mfn, 0), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)n, n_pte,
						  KEEL_UVMF_INVLPG), 0);
	bool cleared = true;
	for (unsigned int i = HV_FIRST; i <= HV_LAST; i++)
		cleared &= n[i] == 0;
	CHECK(cleared, "Keel's slots were left in a frame that is no L4");
	CHECK_EQ(n[alias], k[511]);

	/* Roots that are not L4s: a writable page, an L1 in use, another
	 * domain's or no frame. Nothing changes. */
	uint64_t l1 = rt_pte_maddr(kroot, (uint64_t)n, 1) >> 12;
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, n_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, l1, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, 0, 0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, rt_boot.m2p_entries + 5,
			    0), -KEEL_EINVAL);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, n_mfn, 0),
		 -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, l1, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR,
			    rt_boot.m2p_entries + 5, 0), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
	CHECK_EQ(try_user(), 4242);

	/* No user root: the iret to user mode is refused. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
	CHECK_EQ(try_user(), -1);
	CHECK_EQ(failsafes, 1);
	/* The user root is still pinned; put it back. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, uroot, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L4_TABLE, uroot, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, uroot, 0), 0);
	CHECK_EQ(try_user(), 4242);
	CHECK_EQ(failsafes, 1);
	/* The kernel root, as user root, works as well (it maps the user
	 * window too); then back. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, kroot, 0), 0);
	CHECK_EQ(try_user(), 4242);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, uroot, 0), 0);
	CHECK_EQ(try_user(), 4242);
	/* Pinned and in use, the kernel root cannot be unpinned. */
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, kroot, 0), -KEEL_EBUSY);
}
