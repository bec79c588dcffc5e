/* keel-test: cpus=1 vcpus=2 */
/*
 * A user program that loads a non-canonical RSP and is interrupted
 * before it touches the stack. Natively nothing happens until its next
 * stack access, which faults in ring 3 and goes to the kernel. Under Keel
 * the interrupt takes the vCPU through return_to_guest with that RSP in
 * its frame; neither iretq nor sysretq cares, so the program must run on
 * and fault at its first stack access, bounced to the guest kernel like any other
 * user fault. (Keel used to crash the whole domain here.)
 *
 * The interrupt is made certain: vCPU 1 shares the one physical CPU and
 * only gets to run when vCPU 0 is preempted, and it waits for the mark
 * the program writes after loading the bad RSP; only then does it let
 * the program go on to its stack access.
 */
#include "keeltest.h"

const char test_name[] = "user_noncanonical_rsp";

#define BAD_RSP 0x0000800000000000ULL

/* RDI: the user address of { mark, go }. */
__asm__(".pushsection .user_text, \"ax\"\n"
	"user_bad_rsp:\n\t"
	"mov %rsp, %rbx\n\t"
	"movabs $0x0000800000000000, %rsp\n\t"
	"movq $1, (%rdi)\n"		/* the mark */
	"1:\tcmpq $0, 8(%rdi)\n\t"	/* wait for go */
	"je 1b\n\t"
	"mov (%rsp), %rax\n"		/* faults: the RSP is not canonical */
	"user_bad_rsp_resume:\n\t"
	"mov %rbx, %rsp\n\t"
	"mov $60, %eax\n\t"
	"mov $0x600d, %edi\n\t"
	"syscall\n"
	"2:\tjmp 2b\n"
	".popsection");

extern const char user_bad_rsp[], user_bad_rsp_resume[], __user_blob_start[];

static uint64_t user_address(const char *sym)
{
	return rt_boot.user_window_vaddr +
	       ((uint64_t)sym - (uint64_t)__user_blob_start);
}

static volatile unsigned int faults, fault_vector;
static volatile uint64_t fault_rsp;

static bool fault_hook(struct rt_regs *regs)
{
	if (regs->cs != KEEL_GUEST_USER_CS || regs->rsp != BAD_RSP)
		return false;
	fault_vector = (unsigned int)regs->vector;
	fault_rsp = regs->rsp;
	faults++;
	/* Resume with the program's own stack back (the iret hypercall
	 * refuses a non-canonical RSP, as an upcall would find). */
	regs->rip = user_address(user_bad_rsp_resume);
	regs->rsp = regs->rbx;
	return true;
}

static volatile uint64_t *shared;	/* the kernel's view of { mark, go } */
static volatile int released, release_timed_out;

static void releaser(void *arg)
{
	uint64_t deadline = rt_now_ns() + 10000000000ULL;

	(void)arg;
	while (!shared[0] && rt_now_ns() < deadline)
		rt_yield();
	if (!shared[0])
		release_timed_out = 1;
	shared[1] = 1;
	released = 1;
}

void test_main(void)
{
	uint64_t area = rt_boot.user_window_size - 16;

	shared = (volatile uint64_t *)(rt_boot.user_window_kernel_vaddr + area);
	shared[0] = shared[1] = 0;
	rt_trap_hook = fault_hook;
	CHECK_EQ(rt_vcpu_start(1, releaser, NULL), 0);

	/* Events off in user mode: an upcall would return to the program
	 * through the iret hypercall, which refuses a non-canonical RSP
	 * (the failsafe callback then gets it; a kernel makes that a
	 * signal). What this test wants is Keel's own interrupt. */
	long code = rt_run_in_user_events_off((void (*)(void))user_bad_rsp,
					      rt_boot.user_window_vaddr + area);
	rt_trap_hook = NULL;

	CHECK_EQ(code, 0x600d);
	CHECK(!release_timed_out, "the program never wrote its mark");
	CHECK_EQ(released, 1);
	CHECK_EQ(faults, 1);
	/* #SS(0) on hardware; QEMU's TCG raises #GP(0) for it. */
	CHECK(fault_vector == 12 || fault_vector == 13,
	      "the stack access raised vector %u", fault_vector);
	CHECK_EQ(fault_rsp, BAD_RSP);
	printf("a stack access with RSP %#llx raised vector %u in user mode\n",
	       (unsigned long long)fault_rsp, fault_vector);
}
