/* keel-test: group=io_ports privileged=1 vcpus=2 cpus=1 */
/*
 * The hardware domain (the first domain of the boot, a control domain)
 * reaches the host's I/O ports directly, with no trap, except Keel's own:
 * the PICs and IMCR, the PIT and port 0x61, the CMOS RTC, isa-debug-exit,
 * the ELCR, the PCI configuration ports and its console UART (COM1 here).
 * Those fault with #GP, also for an access that only overlaps them, and
 * so does one that runs past port 0xffff. io_ports_b_control, a control
 * domain that is not the hardware domain, runs beside this one and has no
 * ports at all, and both share the boot's one CPU, so it switches between
 * the bitmap and none all the while:
 * each case is tried on both vCPUs in turn (the runtime's trap record is
 * one for the domain), many times, with yields between.
 *
 * Only the domain's kernel has the ports: its user programs have none,
 * as a native kernel's programs have none without ioperm(). A program
 * here tries the POST port between system calls, and each access must
 * fault, while the kernel's own go through before and after.
 */
#include "keeltest.h"
#include "rt_port_io.h"

const char test_name[] = "io_ports_a_hardware";

static const struct {
	uint16_t port;
	uint8_t size;
	bool write;
	bool faults;
} cases[] = {
	/* Allowed: reads of ports no device of Keel's uses, and the POST
	 * port, whose writes go nowhere. */
	{ 0x0080, 1, true, false },
	{ 0x0080, 1, false, false },
	{ 0x0064, 1, false, false },	/* i8042 status */
	{ 0x02f8, 1, false, false },	/* COM2, not Keel's console */
	{ 0x03f7, 1, false, false },	/* just below COM1 */
	{ 0x0400, 1, false, false },	/* just above it */
	{ 0x0cf7, 1, false, false },
	{ 0x0d00, 4, false, false },
	{ 0x04d2, 2, false, false },
	{ 0xfffe, 2, false, false },	/* the last two ports */
	/* Keel's. */
	{ 0x0020, 1, false, true },
	{ 0x0021, 1, false, true },
	{ 0x0022, 1, false, true },
	{ 0x0024, 1, false, true },	/* a PIC alias */
	{ 0x0050, 1, false, true },	/* a PIT alias */
	{ 0x0092, 1, false, true },
	{ 0x00f0, 1, false, true },
	{ 0x0040, 1, false, true },
	{ 0x0043, 1, false, true },
	{ 0x0061, 1, false, true },
	{ 0x0070, 1, true, true },
	{ 0x0071, 1, false, true },
	{ 0x00a1, 1, false, true },
	{ 0x00f4, 1, false, true },
	{ 0x04d0, 2, false, true },
	{ 0x0cf8, 4, false, true },
	{ 0x0cfc, 4, false, true },
	{ 0x0cf9, 1, false, true },
	{ 0x0cff, 1, false, true },
	{ 0x03f8, 1, false, true },
	{ 0x03fd, 1, false, true },
	{ 0x03ff, 1, false, true },
	/* Overlapping them, or the end of the port space. */
	{ 0x03f7, 2, false, true },
	{ 0x0cf5, 4, false, true },
	{ 0x001e, 4, false, true },
	{ 0xfffe, 4, false, true },
};

#define ROUNDS 20

static unsigned int failures_on[2];

static void run_cases(unsigned int vcpu)
{
	for (unsigned int r = 0; r < ROUNDS; r++) {
		for (unsigned int i = 0; i < (sizeof(cases) / sizeof(cases[0])); i++) {
			bool faulted = rt_port_io(cases[i].port, cases[i].size,
						  cases[i].write);
			unsigned int vector = rt_last_trap.vector;

			if (faulted == cases[i].faults &&
			    (!faulted || vector == 13))
				continue;
			failures_on[vcpu]++;
			printf("FAIL: vCPU %u round %u: %s%u at %#x: %s "
			       "(vector %u)\n", vcpu, r,
			       cases[i].write ? "out" : "in", cases[i].size,
			       cases[i].port, faulted ? "faulted" : "went through",
			       vector);
		}
		rt_yield();
	}
}

/* In user mode: in and out of the POST port (2-byte instructions, which
 * the hook steps over), with a system call between, @rdi times. */
RT_USER static void user_port_io(uint64_t rounds)
{
	for (uint64_t i = 0; i < rounds; i++) {
		__asm__ volatile("in $0x80, %%al" : : : "rax", "memory");
		__asm__ volatile("out %%al, $0x80" : : "a"(0) : "memory");
		long rax = RT_SYS_getpid;
		__asm__ volatile("syscall" : "+a"(rax) : : "rcx", "r11",
				 "memory");
	}
	__asm__ volatile("syscall" : : "a"((long)RT_SYS_exit), "D"(0x10L)
			 : "rcx", "r11", "memory");
	for (;;)
		;
}

static unsigned int user_gp, user_other;

static bool user_trap_hook(struct rt_regs *regs)
{
	if (regs->cs != KEEL_GUEST_USER_CS)
		return false;
	if (regs->vector == 13 && regs->error_code == 0)
		user_gp++;
	else
		user_other++;
	regs->rip += 2;
	return true;
}

static volatile bool second_done;

static void second_vcpu(void *arg)
{
	(void)arg;
	run_cases(1);
	second_done = true;
	for (;;)
		rt_yield();
}

void test_main(void)
{
	CHECK(!rt_port_io(0x80, 1, false), "the kernel's in $0x80 faulted");
	rt_trap_hook = user_trap_hook;
	long code = rt_run_in_user((void (*)(void))user_port_io, 50);
	rt_trap_hook = NULL;
	CHECK_EQ(code, 0x10);
	CHECK_EQ(user_gp, 100);
	CHECK_EQ(user_other, 0);
	CHECK(!rt_port_io(0x80, 1, true), "the kernel's out $0x80 faulted "
	      "after the program ran");
	printf("user mode: %u of 100 port accesses faulted with #GP; the "
	       "kernel's went through before and after\n", user_gp);

	run_cases(0);
	CHECK_EQ(rt_vcpu_start(1, second_vcpu, NULL), 0);
	uint64_t deadline = rt_now_ns() + 60000000000ULL;
	while (!second_done && rt_now_ns() < deadline)
		rt_yield();
	CHECK(second_done, "vCPU 1 did not finish");
	CHECK(failures_on[0] == 0 && failures_on[1] == 0,
	      "%u and %u wrong results on vCPUs 0 and 1", failures_on[0],
	      failures_on[1]);
	printf("%u port accesses on each of 2 vCPUs, %u rounds: the allowed "
	       "ones went through, Keel's faulted with #GP\n",
	       (unsigned int)(sizeof(cases) / sizeof(cases[0])), ROUNDS);
}
