/* keel-test: vcpus=2 cpus=3 */
/*
 * Attack: write through a stale TLB entry. Our second vCPU stores into a
 * page as fast as it can while the first vCPU remaps that page read-only
 * and at once pins it as an L1 table. If Keel dropped the writable type
 * before every CPU running our tables had flushed the old translation,
 * the second vCPU could keep writing into what is now a page table. Its
 * stores must instead fault (#PF, present, write, user), and the table
 * must not change after the pin.
 */
#include "hostile.h"

const char test_name[] = "tlb_stale_write";

static uint64_t *page;
static volatile int started, writer_done, stop;
static volatile uint64_t stores;
static struct rt_trap_record writer_trap;

static void writer(void *arg)
{
	(void)arg;
	__atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
	for (uint64_t n = 1; !stop; n++) {
		/* Even values below 4096: as page-table entries, "not
		 * present" with no address (what Keel accepts there). */
		if (rt_write_faults(&page[5], (n & 0x7ff) << 1)) {
			writer_trap = rt_last_trap;
			break;
		}
		stores = n;
	}
	__atomic_store_n(&writer_done, 1, __ATOMIC_SEQ_CST);
}

void attack(void)
{
	page = rt_alloc_pages(1);
	uint64_t mfn = rt_va_to_mfn(page);
	uint64_t pte = hostile_pte(page);

	CHECK_EQ(rt_vcpu_start(1, writer, NULL), 0);
	/* Let it get going. */
	uint64_t deadline = rt_now_ns() + 10 * 1000000000ULL;
	while ((!started || stores < 10000) && rt_now_ns() < deadline)
		rt_yield();
	CHECK(stores >= 10000, "the writer never ran (%llu stores)",
	      (unsigned long long)stores);

	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)page,
						  pte & ~PTE_W,
						  KEEL_UVMF_NONE), 0);
	long pin = rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, mfn, 0);
	CHECK_EQ(pin, 0);
	uint64_t at_pin = page[5];
	uint64_t stores_at_pin = stores;

	CHECK(rt_wait_for(&writer_done, 10 * 1000000000ULL),
	      "the writer never stopped");
	stop = 1;
	CHECK_EQ(writer_trap.count, 1);
	CHECK_EQ(writer_trap.vector, 14);
	CHECK_EQ(writer_trap.error_code, PF_PRESENT | PF_WRITE);
	CHECK_EQ(writer_trap.fault_address, (uint64_t)&page[5]);
	CHECK_EQ(page[5], at_pin);
	printf("%llu stores (%llu by the pin), then #PF; the table kept "
	       "%#llx\n", (unsigned long long)stores,
	       (unsigned long long)stores_at_pin, (unsigned long long)at_pin);

	if (!pin)
		CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, mfn, 0), 0);
	hostile_make_writable(page);
}
