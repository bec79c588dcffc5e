/*
 * multicall. Checks: a batch mixing update_va_mapping, mmu_update,
 * mmuext_op, memory_op, grant_table_op and version runs every entry in
 * order, writes every result back and has each entry's effect; a failing
 * entry does not stop the ones after it; nested multicall, iret and
 * sched_op entries get -EINVAL and do nothing (a sched_op shutdown in a
 * batch would end this test); an unknown call gets -ENOSYS; the batch
 * limits, and a batch whose results cannot be written back (-EFAULT).
 */
#include "keeltest.h"

const char test_name[] = "multicall";

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_NX (1ULL << 63)
#define UNSET  0xdeadbeefcafef00dULL

static struct keel_multicall_entry call(uint64_t op, uint64_t a0, uint64_t a1,
					uint64_t a2, uint64_t a3)
{
	return (struct keel_multicall_entry){
		.op = op, .result = UNSET, .args = { a0, a1, a2, a3, 0 },
	};
}

static bool write_faults(volatile uint64_t *p)
{
	return rt_write_faults(p, *p);
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t *ro = rt_alloc_pages(1);	/* made read-only */
	uint64_t *alias = rt_alloc_pages(1);	/* to be other's frame */
	uint64_t *other = rt_alloc_pages(1);
	uint64_t ro_pte = rt_pte_read(kroot, (uint64_t)ro, 1);
	uint64_t alias_pte = rt_pte_read(kroot, (uint64_t)alias, 1);
	uint64_t alias_slot = rt_pte_maddr(kroot, (uint64_t)alias, 1);
	other[0] = 0x07e4;
	alias[0] = 0xa1a5;
	ro[0] = 0x40;

	struct keel_mmu_update req = {
		.ptr = alias_slot,
		.val = (rt_va_to_mfn(other) << 12) | PTE_P | PTE_W | PTE_U |
		       PTE_NX,
	};
	struct keel_mmu_update bad_req = {	/* a hypervisor L4 slot */
		.ptr = (kroot << 12) + 256 * 8, .val = 0,
	};
	struct keel_mmuext_op invlpg = {
		.cmd = KEEL_MMUEXT_INVLPG_LOCAL, .arg1 = (uint64_t)alias,
	};
	uint64_t done = UNSET, bad_done = UNSET;
	struct keel_gnttab_query_size q = { .domid = KEEL_DOMID_SELF,
					    .status = 99 };
	struct keel_sched_shutdown sd = { .reason = KEEL_SHUTDOWN_poweroff };
	struct keel_multicall_entry inner[1] = {
		call(KEEL_HC_update_va_mapping, (uint64_t)ro, ro_pte & ~PTE_W,
		     KEEL_UVMF_INVLPG, 0),
	};

	struct keel_multicall_entry mc[] = {
		/* 0 */ call(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0, 0),
		/* 1 */ call(KEEL_HC_update_va_mapping, (uint64_t)ro,
			     ro_pte & ~PTE_W, KEEL_UVMF_INVLPG, 0),
		/* 2 */ call(KEEL_HC_mmu_update, (uint64_t)&req, 1,
			     (uint64_t)&done, KEEL_DOMID_SELF),
		/* 3 */ call(KEEL_HC_mmuext_op, (uint64_t)&invlpg, 1, 0,
			     KEEL_DOMID_SELF),
		/* 4 */ call(KEEL_HC_mmu_update, (uint64_t)&bad_req, 1,
			     (uint64_t)&bad_done, KEEL_DOMID_SELF),
		/* 5 */ call(KEEL_HC_version, KEEL_VERSION_FEATURES, 0, 0, 0),
		/* 6 */ call(KEEL_HC_multicall, (uint64_t)inner, 1, 0, 0),
		/* 7 */ call(KEEL_HC_iret, 0, 0, 0, 0),
		/* 8 */ call(KEEL_HC_sched_op, KEEL_SCHEDOP_shutdown,
			     (uint64_t)&sd, 0, 0),
		/* 9 */ call(KEEL_HC_sched_op, KEEL_SCHEDOP_yield, 0, 0, 0),
		/* 10 */ call(99, 0, 0, 0, 0),
		/* 11 */ call(KEEL_HC_grant_table_op, KEEL_GNTTABOP_query_size,
			      (uint64_t)&q, 1, 0),
		/* 12 */ call(KEEL_HC_memory_op,
			      KEEL_MEMOP_current_reservation, KEEL_DOMID_SELF,
			      0, 0),
		/* 13 */ call(KEEL_HC_update_va_mapping, 0xffff830000000000ULL,
			      0, 0, 0),
		/* 14 */ call(KEEL_HC_mmuext_op, (uint64_t)&invlpg, 1, 0, 77),
		/* 15 */ call(KEEL_HC_console_read, 0, 0, 0, 0),
		/* 16 */ call(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0, 0),
	};
	unsigned int n = sizeof(mc) / sizeof(mc[0]);
	const long want[] = {
		KEEL_ABI_VERSION, 0, 0, 0, -KEEL_EPERM, -1 /* features */,
		-KEEL_EINVAL, -KEEL_EINVAL, -KEEL_EINVAL, -KEEL_EINVAL,
		-KEEL_ENOSYS, 0, (long)rt_boot.nr_pages, -KEEL_EINVAL,
		-KEEL_EPERM, -KEEL_EPERM, KEEL_ABI_VERSION,
	};

	CHECK_EQ(keel_hypercall_multicall((unsigned long)mc, n), 0);
	for (unsigned int i = 0; i < n; i++) {
		CHECK(mc[i].result != UNSET, "entry %u: no result", i);
		if (i == 5)
			CHECK_EQ(mc[i].result, keel_hypercall_version(
					 KEEL_VERSION_FEATURES, 0));
		else
			CHECK(mc[i].result == (uint64_t)want[i],
			      "entry %u: result %lld, expected %ld", i,
			      (long long)mc[i].result, want[i]);
		/* The entries themselves are not changed. */
		CHECK(mc[i].args[4] == 0, "entry %u: args changed", i);
	}
	CHECK_EQ(mc[2].op, KEEL_HC_mmu_update);

	/* Each entry had its effect. */
	CHECK_EQ(done, 1);
	CHECK_EQ(bad_done, 0);
	CHECK(write_faults(ro), "entry 1 did not make the page read-only");
	CHECK_EQ(ro[0], 0x40);
	CHECK_EQ(alias[0], 0x07e4);		/* entry 2 (and 3's flush) */
	CHECK_EQ(q.status, 0);
	CHECK_EQ(q.max_nr_frames, KEEL_GRANT_MAX_FRAMES);
	/* The nested batch did not run. */
	CHECK_EQ(inner[0].result, UNSET);

	/* Put both pages back with one more batch. */
	struct keel_multicall_entry back[] = {
		call(KEEL_HC_update_va_mapping, (uint64_t)ro, ro_pte,
		     KEEL_UVMF_INVLPG, 0),
		call(KEEL_HC_update_va_mapping, (uint64_t)alias, alias_pte,
		     KEEL_UVMF_INVLPG, 0),
	};
	CHECK_EQ(keel_hypercall_multicall((unsigned long)back, 2), 0);
	CHECK_EQ(back[0].result, 0);
	CHECK_EQ(back[1].result, 0);
	CHECK_EQ(alias[0], 0xa1a5);
	ro[1] = 1;
	CHECK_EQ(ro[1], 1);

	/* Limits: count, pointer. */
	CHECK_EQ(keel_hypercall_multicall((unsigned long)mc,
					  KEEL_MULTICALL_MAX + 1),
		 -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_multicall(0xffff830000000000ULL, 1),
		 -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_multicall((unsigned long)mc, 0), 0);
	/* A full batch of KEEL_MULTICALL_MAX. */
	static struct keel_multicall_entry full[KEEL_MULTICALL_MAX];
	for (unsigned int i = 0; i < KEEL_MULTICALL_MAX; i++)
		full[i] = call(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0, 0);
	CHECK_EQ(keel_hypercall_multicall((unsigned long)full,
					  KEEL_MULTICALL_MAX), 0);
	bool all = true;
	for (unsigned int i = 0; i < KEEL_MULTICALL_MAX; i++)
		all &= full[i].result == KEEL_ABI_VERSION;
	CHECK(all, "a full batch left results unwritten");

	/* The batch in a page mapped read-only: it can be read, but the
	 * first result cannot be written back. Nothing is written. */
	struct keel_multicall_entry *rop = (void *)ro;
	rop[0] = call(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0, 0);
	rop[1] = call(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0, 0);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)ro, ro_pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(keel_hypercall_multicall((unsigned long)rop, 2), -KEEL_EFAULT);
	CHECK_EQ(rop[0].result, UNSET);
	CHECK_EQ(rop[1].result, UNSET);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)ro, ro_pte,
						  KEEL_UVMF_INVLPG), 0);
	/* A batch whose last entry lies past the end of guest memory. */
	struct keel_multicall_entry *edge =
		(void *)(rt_boot.virt_base + rt_boot.nr_pages * 4096 -
			 sizeof(*edge));
	struct keel_multicall_entry saved = *edge;
	*edge = call(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0, 0);
	CHECK_EQ(keel_hypercall_multicall((unsigned long)edge, 2),
		 -KEEL_EFAULT);
	CHECK_EQ(edge->result, KEEL_ABI_VERSION);	/* the first ran */
	*edge = saved;
}
