/* keel-test: vcpus=2 */
/* Every hypercall that takes a guest pointer refuses hypervisor,
 * non-canonical, unmapped and wrapping addresses with -EFAULT, changes
 * nothing, and the domain carries on. */
#include "keeltest.h"

const char test_name[] = "bad_pointers";

struct bad_addr {
	const char *what;
	uint64_t p;
	bool partial;	/* the first 2 bytes are readable */
};

static unsigned int checks;

#define EXPECT(b, call, want)                                             \
	do {                                                              \
		long __r = (call);                                        \
		checks++;                                                 \
		if (__r != (long)(want))                                  \
			test_fail_at(__FILE__, __LINE__,                  \
				     "%s (%#llx): %s = %ld, expected %ld",\
				     (b)->what, (unsigned long long)(b)->p,\
				     #call, __r, (long)(want));           \
	} while (0)

static volatile int ipi_count;

static void ipi_handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	ipi_count++;
}

static void try_all(const struct bad_addr *b)
{
	unsigned long p = b->p;
	unsigned int before = checks;

	EXPECT(b, keel_hypercall_console_write(p, 16), -KEEL_EFAULT);
	if (!b->partial)
		EXPECT(b, keel_hypercall_console_write(p, 1), -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_set_trap_table(p, 1), -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_set_trap_table(p, 32), -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_set_callbacks(p), -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_sched_op(KEEL_SCHEDOP_shutdown, p),
	       -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_sched_op(KEEL_SCHEDOP_poll, p), -KEEL_EFAULT);
	/* A good poll structure whose port array is bad. */
	struct keel_sched_poll poll = { .ports = p, .nr_ports = 1,
					.timeout = 1 };
	EXPECT(b, keel_hypercall_sched_op(KEEL_SCHEDOP_poll,
					  (unsigned long)&poll), -KEEL_EFAULT);
	poll.nr_ports = 128;
	EXPECT(b, keel_hypercall_sched_op(KEEL_SCHEDOP_poll,
					  (unsigned long)&poll), -KEEL_EFAULT);
	for (unsigned int op = KEEL_EVTCHNOP_alloc_unbound;
	     op <= KEEL_EVTCHNOP_bind_vcpu; op++)
		EXPECT(b, keel_hypercall_event_channel_op(op, p), -KEEL_EFAULT);
	/* vCPU 1 is down, so initialise gets as far as reading the context. */
	EXPECT(b, keel_hypercall_vcpu_op(KEEL_VCPUOP_initialise, 1, p),
	       -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_vcpu_op(KEEL_VCPUOP_get_runstate, 0, p),
	       -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_vcpu_op(KEEL_VCPUOP_get_runstate, 1, p),
	       -KEEL_EFAULT);
	EXPECT(b, keel_hypercall_version(KEEL_VERSION_STRING, p), -KEEL_EFAULT);

	/* Checks that come before the pointer is read. */
	EXPECT(b, keel_hypercall_set_trap_table(p, 257), -KEEL_EINVAL);
	EXPECT(b, keel_hypercall_vcpu_op(KEEL_VCPUOP_initialise, 0, p),
	       -KEEL_EEXIST);
	EXPECT(b, keel_hypercall_vcpu_op(KEEL_VCPUOP_initialise, 2, p),
	       -KEEL_ENOENT);
	poll.nr_ports = 0;
	EXPECT(b, keel_hypercall_sched_op(KEEL_SCHEDOP_poll,
					  (unsigned long)&poll), -KEEL_EINVAL);
	poll.nr_ports = 129;
	EXPECT(b, keel_hypercall_sched_op(KEEL_SCHEDOP_poll,
					  (unsigned long)&poll), -KEEL_EINVAL);
	/* Control calls: -EPERM before anything is read. */
	EXPECT(b, keel_hypercall_domctl(KEEL_DOMCTL_getinfo, p), -KEEL_EPERM);
	EXPECT(b, keel_hypercall_console_read(p, 16, p), -KEEL_EPERM);

	printf("%-28s %#018llx: %u calls refused as expected\n", b->what,
	       (unsigned long long)p, checks - before);
}

void test_main(void)
{
	uint64_t guard = rt_boot.virt_base + rt_boot.nr_pages * 4096;
	const struct bad_addr bad[] = {
		{ "NULL", 0, false },
		{ "hypervisor image", 0xffff82d080200000ULL, false },
		{ "hypervisor direct map", 0xffff830000000000ULL, false },
		{ "hypervisor range start", 0xffff800000000000ULL, false },
		{ "hypervisor range end", 0xffff87fffffffff8ULL, false },
		{ "non-canonical 1<<63", 0x8000000000000000ULL, false },
		{ "first non-canonical", 0x0000800000000000ULL, false },
		{ "last non-canonical page", 0xffff7ffffffff000ULL, false },
		{ "user half end - 8", 0x00007ffffffffff8ULL, false },
		{ "unmapped low", 0x10000000ULL, false },
		{ "unmapped upper half", 0xffff900000000000ULL, false },
		{ "guard page", guard, false },
		{ "guard page - 2", guard - 2, true },
		{ "wraps (top - 16)", 0xfffffffffffffff0ULL, false },
	};

	CHECK(!rt_boot.privileged, "this test wants an ordinary domain");
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		try_all(&bad[i]);

	/* A range that wraps: console_write of 64 bytes from 16 below the
	 * top of the address space. */
	const struct bad_addr wrap = { "wrapping range", 0xfffffffffffffff0ULL, false };
	EXPECT(&wrap, keel_hypercall_console_write(wrap.p, 64), -KEEL_EFAULT);
	EXPECT(&wrap, keel_hypercall_console_write(~0ULL, 2), -KEEL_EFAULT);
	printf("console_write(top - 16, 64) and (~0, 2): -EFAULT\n");

	/* The domain survived, and nothing changed. The trap table is intact:
	 * an exception still reaches the runtime's handler. */
	rt_trap_reset();
	__asm__ volatile("1: ud2\n2:\n" RT_EXTABLE(1b, 2b));
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 6);
	printf("trap table intact: #UD delivered to vector %u\n",
	       rt_last_trap.vector);

	/* The event callback is intact: an IPI still gets a handler call. */
	keel_port_t port;
	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	rt_event_set_handler(port, ipi_handler, NULL);
	rt_events_enable();
	CHECK_EQ(rt_send(port), 0);
	CHECK(rt_wait_for((volatile int *)&ipi_count, 1000000000ULL),
	      "no upcall after the refused set_callbacks calls");
	CHECK_EQ(ipi_count, 1);
	printf("event callback intact: IPI delivered\n");

	/* No port was allocated by the refused calls: the IPI port is the
	 * second one (the timer VIRQ has the first). */
	CHECK_EQ(port, 2);
	/* vCPU 1 was never initialised by the refused calls. */
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_up, 1, 0), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 1, 0), 0);
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
	printf("%u calls checked; domain alive\n", checks);
}
