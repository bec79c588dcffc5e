/* set_trap_table and set_callbacks refuse bad input with the documented
 * errors, and a refused call changes nothing. */
#include "keeltest.h"

const char test_name[] = "trap_table_errors";

#define HYP_ADDR 0xffff830000000000ULL
#define NONCANON 0x8000000000000000ULL

static volatile unsigned int bogus_handler_runs;

/* If a refused table were installed anyway, #UD would land here. */
static void bogus_handler(void)
{
	bogus_handler_runs++;
	printf("FAIL: a refused trap table was installed\n");
	test_shutdown(KEEL_SHUTDOWN_crash);
}

RT_USER void user_exit42(void)
{
	long rax = RT_SYS_exit;

	__asm__ volatile("syscall" : "+a"(rax) : "D"(42L) : "rcx", "r11",
			 "memory");
	for (;;)
		;
}

static volatile int ipi_seen;

static void ipi_handler(keel_port_t port, void *data)
{
	ipi_seen++;
}

static uint64_t ud2_lands(void)
{
	uint64_t at;

	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: ud2\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	return at;
}

void test_main(void)
{
	uint64_t guard = rt_boot.virt_base + rt_boot.nr_pages * 4096;
	static struct keel_trap_info table[257];
	long rc;

	for (unsigned int i = 0; i < 257; i++)
		table[i] = (struct keel_trap_info){
			.vector = (uint8_t)i,
			.address = (uint64_t)bogus_handler,
		};

	rc = keel_hypercall_set_trap_table((unsigned long)table, 257);
	CHECK_EQ(rc, -KEEL_EINVAL);
	rc = keel_hypercall_set_trap_table((unsigned long)table, ~0UL);
	CHECK_EQ(rc, -KEEL_EINVAL);
	printf("count 257 / ~0: %ld\n", rc);

	/* One good entry, then a bad one: nothing is installed. */
	table[1].address = HYP_ADDR;
	rc = keel_hypercall_set_trap_table((unsigned long)table, 2);
	CHECK_EQ(rc, -KEEL_EINVAL);
	table[1].address = NONCANON;
	CHECK_EQ(keel_hypercall_set_trap_table((unsigned long)table, 2),
		 -KEEL_EINVAL);
	table[1].address = 0x0000800000000000ULL;
	CHECK_EQ(keel_hypercall_set_trap_table((unsigned long)table, 2),
		 -KEEL_EINVAL);
	table[1].address = (uint64_t)bogus_handler;
	table[1].flags = 0x2;	/* not a KEEL_TRAP_* flag */
	CHECK_EQ(keel_hypercall_set_trap_table((unsigned long)table, 2),
		 -KEEL_EINVAL);
	table[1].flags = 0;
	printf("handler in the hypervisor / non-canonical / bad flags: "
	       "-EINVAL\n");

	/* Tables that cannot be read. */
	CHECK_EQ(keel_hypercall_set_trap_table(guard, 1), -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_set_trap_table(HYP_ADDR, 1), -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_set_trap_table(NONCANON, 1), -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_set_trap_table(0, 1), -KEEL_EFAULT);
	/* Readable first entry (vector 6 -> bogus), unreadable second. */
	struct keel_trap_info *edge = (struct keel_trap_info *)(guard - 16);
	/* guard - 16 is the last 16 bytes of guest memory: the top of the
	 * user window, unused by this test. */
	*edge = (struct keel_trap_info){ .vector = 6,
					 .address = (uint64_t)bogus_handler };
	CHECK_EQ(keel_hypercall_set_trap_table((unsigned long)edge, 2),
		 -KEEL_EFAULT);
	printf("unmapped / hypervisor / non-canonical / straddling table: "
	       "-EFAULT\n");

	/* Callbacks. */
	struct keel_callbacks cb = { .event = HYP_ADDR };
	CHECK_EQ(keel_hypercall_set_callbacks(guard), -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_set_callbacks(HYP_ADDR), -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_set_callbacks(NONCANON), -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_set_callbacks(guard - 8), -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_set_callbacks((unsigned long)&cb), -KEEL_EINVAL);
	cb = (struct keel_callbacks){ .syscall = NONCANON };
	CHECK_EQ(keel_hypercall_set_callbacks((unsigned long)&cb), -KEEL_EINVAL);
	cb = (struct keel_callbacks){ .event = (uint64_t)bogus_handler,
				      .syscall = (uint64_t)bogus_handler,
				      .failsafe = 0xffff82d080001000ULL };
	CHECK_EQ(keel_hypercall_set_callbacks((unsigned long)&cb), -KEEL_EINVAL);
	printf("callbacks: bad pointer -EFAULT, hypervisor/non-canonical "
	       "entry -EINVAL\n");

	/* Nothing changed: traps still go to the runtime's table... */
	uint64_t at = ud2_lands();
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 6);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(bogus_handler_runs, 0);
	rt_trap_reset();
	__asm__ volatile("1: int3\n\t2:\n\t" RT_EXTABLE(2b, 2b) ::: "memory");
	CHECK_EQ(rt_last_trap.vector, 3);
	/* ... and the syscall and event callbacks are the old ones. */
	CHECK_EQ(rt_run_in_user(user_exit42, 0), 42);
	keel_port_t port;
	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	rt_event_set_handler(port, ipi_handler, NULL);
	rt_events_enable();
	CHECK_EQ(rt_send(port), 0);
	rt_wait_for(&ipi_seen, 1000000000ULL);
	rt_events_disable();
	CHECK_EQ(ipi_seen, 1);
	printf("afterwards: ud2 lands in the old table at %#llx, int3 too, "
	       "user syscalls and events still reach the old callbacks\n",
	       (unsigned long long)at);
}
