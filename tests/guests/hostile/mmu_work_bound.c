/*
 * Attack: hog the hypervisor with validation work. An L2 linking 64 L1
 * tables of 512 entries each costs about 33,000 entry checks to pin and
 * as many to unpin; a batch of 1024 alternating pins and unpins would
 * keep Keel busy (holding its memory lock) for a long time. The call must
 * instead stop once its work budget is spent, with -EAGAIN and a done
 * count of a few requests, leaving the table pinned exactly when an odd
 * number of requests ran. Resubmitting the rest finishes the batch, a
 * few requests per call, and the victim keeps counting throughout. A
 * multicall of eight such batches shares one budget: the first entry
 * does a few requests, the others none.
 */
#include "hostile.h"

const char test_name[] = "mmu_work_bound";

#define NR_L1  64
#define BATCH  1024

static struct keel_mmuext_op ops[BATCH];

void attack(void)
{
	uint64_t *data = rt_alloc_pages(1);
	uint64_t data_mfn = rt_va_to_mfn(data);
	uint64_t *l2 = rt_alloc_pages(1);
	uint64_t l2_mfn = rt_va_to_mfn(l2);

	for (unsigned int t = 0; t < NR_L1; t++) {
		uint64_t *l1 = rt_alloc_pages(1);

		for (unsigned int i = 0; i < 512; i++)
			l1[i] = (data_mfn << 12) | PTE_P | PTE_U;
		hostile_make_readonly(l1);
		l2[t] = (rt_va_to_mfn(l1) << 12) | PTE_P | PTE_W | PTE_U;
	}
	hostile_make_readonly(l2);
	for (unsigned int i = 0; i < BATCH; i++)
		ops[i] = (struct keel_mmuext_op){
			.cmd = i % 2 ? KEEL_MMUEXT_UNPIN_TABLE :
				       KEEL_MMUEXT_PIN_L2_TABLE,
			.arg1 = l2_mfn,
		};

	uint64_t done = ~0ULL;
	long rc = keel_hypercall_mmuext_op((unsigned long)ops, BATCH,
					   (unsigned long)&done,
					   KEEL_DOMID_SELF);
	printf("1024 pins/unpins of a 64-table L2: rc %ld after %llu\n", rc,
	       (unsigned long long)done);
	CHECK_EQ(rc, -KEEL_EAGAIN);
	CHECK(done >= 1 && done <= 4, "%llu requests in one call",
	      (unsigned long long)done);
	/* Pinned iff an odd number ran: a second pin says so. */
	long again = rt_mmuext1(KEEL_MMUEXT_PIN_L2_TABLE, l2_mfn, 0);
	CHECK_EQ(again, done % 2 ? -KEEL_EINVAL : 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, l2_mfn, 0), 0);

	/* The guest's side of the contract: resubmit what is left. */
	unsigned int calls = 0;
	uint64_t total = 0;
	while (total < BATCH) {
		rc = keel_hypercall_mmuext_op((unsigned long)&ops[total],
					      BATCH - total,
					      (unsigned long)&done,
					      KEEL_DOMID_SELF);
		CHECK(rc == 0 || rc == -KEEL_EAGAIN, "resubmit: rc %ld", rc);
		CHECK(done > 0, "a call made no progress");
		total += done;
		calls++;
	}
	CHECK_EQ(total, BATCH);
	CHECK(calls >= BATCH / 4, "only %u calls for %u requests", calls,
	      BATCH);
	printf("finished in %u calls; the L2 is unpinned again\n", calls);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, l2_mfn, 0), -KEEL_EINVAL);

	/* Eight batches in one multicall: one budget for all of them. */
	static struct keel_multicall_entry mc[8];
	static uint64_t mc_done[8];
	for (unsigned int i = 0; i < 8; i++) {
		mc_done[i] = ~0ULL;
		mc[i] = (struct keel_multicall_entry){
			.op = KEEL_HC_mmuext_op,
			.args = { (unsigned long)ops, BATCH,
				  (unsigned long)&mc_done[i], KEEL_DOMID_SELF },
		};
	}
	CHECK_EQ(keel_hypercall_multicall((unsigned long)mc, 8), 0);
	CHECK_EQ((long)mc[0].result, -KEEL_EAGAIN);
	CHECK(mc_done[0] >= 1 && mc_done[0] <= 4, "%llu requests in entry 0",
	      (unsigned long long)mc_done[0]);
	for (unsigned int i = 1; i < 8; i++) {
		CHECK_EQ((long)mc[i].result, -KEEL_EAGAIN);
		CHECK_EQ(mc_done[i], 0);
	}
	if (mc_done[0] % 2)
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, l2_mfn, 0), 0);
	printf("a multicall of 8 batches did %llu requests in all\n",
	       (unsigned long long)mc_done[0]);
	hostile_make_writable(l2);
}
