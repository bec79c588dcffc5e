/* keel-test: vcpus=3 cpus=2 timeout=120 */
/*
 * The vCPU-id segment (ABI 1.2): `lsl` of selector 0x7b (Keel's GDT slot
 * 15, where Linux keeps its CPU-number segment) gives the running vCPU's
 * id, in kernel and in user mode, as Linux's vDSO getcpu expects. Three
 * vCPUs on two CPUs, yielding all the time, so that each runs on every
 * CPU and after every other: the segment must follow the vCPU.
 */
#include "keeltest.h"

const char test_name[] = "vcpu_id_segment";

#define VCPU_ID_SELECTOR 0x7b
#define NV 3
#define ROUNDS 300

/* The segment's limit, or ~0 if lsl refused the selector. */
static inline uint64_t vcpu_id_from_segment(void)
{
	uint64_t limit = ~0ULL;
	uint8_t ok;

	__asm__ volatile("lsl %[sel], %[lim]\n\tsetz %[ok]"
			 : [lim] "+r"(limit), [ok] "=q"(ok)
			 : [sel] "r"((uint64_t)VCPU_ID_SELECTOR) : "cc");
	return ok ? limit : ~0ULL;
}

RT_USER void user_read_segment(void)
{
	uint64_t limit = ~0ULL;
	uint8_t ok;
	long rax = RT_SYS_exit;

	__asm__ volatile("lsl %[sel], %[lim]\n\tsetz %[ok]"
			 : [lim] "+r"(limit), [ok] "=q"(ok)
			 : [sel] "r"((uint64_t)VCPU_ID_SELECTOR) : "cc");
	__asm__ volatile("syscall" : "+a"(rax) : "D"(ok ? limit : 0xbad)
			 : "rcx", "r11", "memory");
	for (;;)
		;
}

static volatile int done[NV];
static volatile uint64_t wrong[NV], last_seen[NV];

static void reader(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t seen = vcpu_id_from_segment();

		if (seen != id) {
			wrong[id]++;
			last_seen[id] = seen;
		}
		rt_yield();
	}
	done[id] = 1;
}

void test_main(void)
{
	CHECK_EQ(rt_boot.nr_vcpus, NV);
	CHECK_EQ(vcpu_id_from_segment(), 0);
	CHECK_EQ(rt_run_in_user(user_read_segment, 0), 0);
	for (unsigned int i = 1; i < NV; i++)
		CHECK_EQ(rt_vcpu_start(i, reader, (void *)(uintptr_t)i), 0);
	reader((void *)0);
	for (unsigned int i = 1; i < NV; i++)
		CHECK(rt_wait_for(&done[i], 60000000000ULL),
		      "vCPU %u did not finish", i);
	for (unsigned int i = 0; i < NV; i++)
		CHECK(wrong[i] == 0, "vCPU %u read %llu wrong ids (last %#llx)",
		      i, (unsigned long long)wrong[i],
		      (unsigned long long)last_seen[i]);
	printf("%d vCPUs read their own id %d times each\n", NV, ROUNDS);
}
