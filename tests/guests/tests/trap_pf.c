/* #PF: error code and fault address for not-present reads, writes and
 * fetches, and for the hypervisor's (present, supervisor-only) range.
 * The U bit says which guest mode faulted (ABI 1.2): clear for the guest
 * kernel, set for guest user mode, although both run in ring 3. And
 * fault_address, like CR2, changes only on a #PF. */
#include "keeltest.h"

const char test_name[] = "trap_pf";

#define HYP_ADDR 0xffff830000000000ULL

static void poison(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();

	vi->fault_vector = 0xdead;
	vi->fault_error_code = 0xdead;
	vi->fault_address = 0xdeadbeef;
	rt_trap_reset();
}

static void expect_pf(uint64_t at, uint64_t addr, uint64_t err,
		      const char *what)
{
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 14);
	CHECK_EQ(rt_last_trap.error_code, err);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 14);
	CHECK_EQ(rt_last_trap.vinfo_error_code, err);
	CHECK_EQ(rt_last_trap.fault_address, addr);
	printf("%s %#llx: vector %u, error %#llx, address %#llx\n", what,
	       (unsigned long long)addr, rt_last_trap.vector,
	       (unsigned long long)rt_last_trap.error_code,
	       (unsigned long long)rt_last_trap.fault_address);
}

static uint64_t do_read(uint64_t addr)
{
	uint64_t at;

	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: movq (%1), %%rax\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : "r"(addr) : "rax", "memory");
	return at;
}

static uint64_t do_write(uint64_t addr)
{
	uint64_t at;

	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: movl $0x1234, (%1)\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : "r"(addr) : "memory");
	return at;
}

/* Fetch faults: the hook sends the call back to its caller. */
static bool fetch_hook(struct rt_regs *regs)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();

	if (regs->vector != 14)
		return false;
	rt_last_trap.count++;
	rt_last_trap.vector = 14;
	rt_last_trap.error_code = regs->error_code;
	rt_last_trap.rip = regs->rip;
	rt_last_trap.cs = regs->cs;
	rt_last_trap.fault_address = vi->fault_address;
	rt_last_trap.vinfo_error_code = vi->fault_error_code;
	rt_last_trap.vinfo_vector = vi->fault_vector;
	regs->rip = *(uint64_t *)regs->rsp;	/* return address */
	regs->rsp += 8;
	return true;
}

/* User mode: three faulting accesses, each a 3-byte instruction that
 * the hook steps over, then exit. */
extern const char user_faults[], user_fault_read[], user_fault_write[],
	user_fault_kernel[];
__asm__(".pushsection .user_text, \"ax\"\n"
	"user_faults:\n\t"
	"mov $0x1000, %eax\n"
	"user_fault_read:\n\t"
	"movq (%rax), %rcx\n"		/* 48 8b 08 */
	"user_fault_write:\n\t"
	"movq %rcx, (%rax)\n\t"	/* 48 89 08 */
	"mov %rdi, %rax\n"
	"user_fault_kernel:\n\t"
	"movq (%rax), %rcx\n\t"	/* 48 8b 08 */
	"mov $60, %eax\n\t"
	"mov $0x600d, %edi\n\t"
	"syscall\n"
	"1:\tjmp 1b\n"
	".popsection");

static struct rt_trap_record user_pf[3];
static unsigned int nr_user_pf;

static bool user_hook(struct rt_regs *regs)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();

	if (regs->vector != 14 || regs->cs != KEEL_GUEST_USER_CS)
		return false;
	if (nr_user_pf < 3) {
		struct rt_trap_record *r = &user_pf[nr_user_pf];
		r->error_code = regs->error_code;
		r->rip = regs->rip;
		r->fault_address = vi->fault_address;
		r->vinfo_error_code = vi->fault_error_code;
	}
	nr_user_pf++;
	regs->rip += 3;
	return true;
}

static void do_call(uint64_t addr)
{
	__asm__ volatile("call *%0" : : "r"(addr)
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
			   "r10", "r11", "memory");
}

void test_main(void)
{
	uint64_t guard = rt_boot.virt_base + rt_boot.nr_pages * 4096;
	uint64_t at;

	CHECK_EQ((uint64_t)rt_boot.shared_info, guard + 4096);

	poison();
	at = do_read(guard + 0x10);
	expect_pf(at, guard + 0x10, 0x0, "read of the guard page");

	poison();
	at = do_write(guard + 0xff8);
	expect_pf(at, guard + 0xff8, 0x2, "write to the guard page");

	/* Unmapped in the low half too. */
	poison();
	at = do_read(0x1000);
	expect_pf(at, 0x1000, 0x0, "read of");

	poison();
	at = do_read(HYP_ADDR);
	expect_pf(at, HYP_ADDR, 0x1, "read of the hypervisor at");

	poison();
	at = do_write(HYP_ADDR + 0x100);
	expect_pf(at, HYP_ADDR + 0x100, 0x3, "write to the hypervisor at");

	/* Instruction fetches (NX is on: the I/D bit is reported). */
	rt_trap_hook = fetch_hook;
	poison();
	do_call(guard);
	expect_pf(guard, guard, 0x10, "fetch from the guard page");

	poison();
	do_call((uint64_t)rt_boot.shared_info);
	expect_pf((uint64_t)rt_boot.shared_info, (uint64_t)rt_boot.shared_info,
		  0x11, "fetch from the NX shared-info page");
	rt_trap_hook = NULL;

	/* Another exception leaves fault_address as the last #PF set it. */
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint64_t last = vi->fault_address;
	__asm__ volatile("1: ud2\n\t2:\n\t" RT_EXTABLE(1b, 2b) ::: "memory");
	CHECK_EQ(vi->fault_vector, 6);
	CHECK_EQ(vi->fault_address, last);
	printf("#UD left fault_address at %#llx\n", (unsigned long long)last);

	/* From user mode, U is set. */
	extern const char __user_blob_start[];
	uint64_t ubase = rt_boot.user_window_vaddr -
			 (uint64_t)__user_blob_start;
	rt_trap_hook = user_hook;
	long code = rt_run_in_user((void (*)(void))user_faults,
				   rt_boot.virt_base);
	rt_trap_hook = NULL;
	CHECK_EQ(code, 0x600d);
	CHECK_EQ(nr_user_pf, 3);
	static const uint64_t want_err[3] = { 0x4, 0x6, 0x4 };
	const char *const where[3] = { user_fault_read, user_fault_write,
				    user_fault_kernel };
	const uint64_t want_addr[3] = { 0x1000, 0x1000, rt_boot.virt_base };
	for (unsigned int i = 0; i < 3; i++) {
		CHECK_EQ(user_pf[i].error_code, want_err[i]);
		CHECK_EQ(user_pf[i].vinfo_error_code, want_err[i]);
		CHECK_EQ(user_pf[i].rip, ubase + (uint64_t)where[i]);
		CHECK_EQ(user_pf[i].fault_address, want_addr[i]);
	}
	printf("user mode: error codes %#llx %#llx %#llx\n",
	       (unsigned long long)user_pf[0].error_code,
	       (unsigned long long)user_pf[1].error_code,
	       (unsigned long long)user_pf[2].error_code);
}
