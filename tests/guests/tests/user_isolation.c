/* Guest user mode cannot touch guest kernel memory (not mapped in the
 * user root), nor the hypervisor, nor run privileged instructions: each
 * fault is bounced to the guest kernel with the user's cs and rip. */
#include "keeltest.h"

const char test_name[] = "user_isolation";

#define HYP_ADDR 0xffff830000000000ULL
#define EXIT_FAULTED 0xfa17
#define EXIT_NO_FAULT 0x600d

extern char __user_blob_start[];
extern char user_read_insn[], user_write_insn[], user_cli_insn[];

static inline __attribute__((always_inline)) void uexit(long code)
{
	long rax = RT_SYS_exit;

	__asm__ volatile("syscall" : "+a"(rax) : "D"(code)
			 : "rcx", "r11", "memory");
}

RT_USER void user_read(uint64_t addr)
{
	__asm__ volatile(".globl user_read_insn\n"
			 "user_read_insn: movq (%0), %%rax"
			 : : "r"(addr) : "rax", "memory");
	uexit(EXIT_NO_FAULT);
	for (;;)
		;
}

RT_USER void user_write(uint64_t addr)
{
	__asm__ volatile(".globl user_write_insn\n"
			 "user_write_insn: movq $0x5a5a, (%0)"
			 : : "r"(addr) : "memory");
	uexit(EXIT_NO_FAULT);
	for (;;)
		;
}

RT_USER void user_cli(void)
{
	__asm__ volatile(".globl user_cli_insn\n"
			 "user_cli_insn: cli" : : : "memory");
	uexit(EXIT_NO_FAULT);
	for (;;)
		;
}

/* rt_run_in_user() passes its argument in RDI: echo it back. */
RT_USER void user_echo(uint64_t arg)
{
	uexit((long)arg);
	for (;;)
		;
}

/* Where the hook sends a faulting user program. */
RT_USER void user_after_fault(void)
{
	uexit(EXIT_FAULTED);
	for (;;)
		;
}

static uint64_t user_addr(const void *kernel_text)
{
	return rt_boot.user_window_vaddr +
	       ((uint64_t)kernel_text - (uint64_t)__user_blob_start);
}

static struct {
	unsigned int count;
	uint64_t vector, error_code, rip, cs, ss, rsp, fault_address;
} seen;

static bool user_fault_hook(struct rt_regs *regs)
{
	if (regs->cs != KEEL_GUEST_USER_CS)
		return false;
	seen.count++;
	seen.vector = regs->vector;
	seen.error_code = regs->error_code;
	seen.rip = regs->rip;
	seen.cs = regs->cs;
	seen.ss = regs->ss;
	seen.rsp = regs->rsp;
	seen.fault_address = rt_vcpu_info()->fault_address;
	regs->rip = user_addr((const void *)user_after_fault);
	return true;
}

static void check(const char *what, long code, uint64_t vector,
		  uint64_t err, uint64_t rip, uint64_t addr)
{
	uint64_t ubase = rt_boot.user_window_vaddr;

	CHECK(code == EXIT_FAULTED, "%s: user program exited with %#lx",
	      what, code);
	CHECK(seen.count == 1, "%s: %u user traps", what, seen.count);
	CHECK(seen.vector == vector, "%s: vector %llu, expected %llu", what,
	      (unsigned long long)seen.vector, (unsigned long long)vector);
	CHECK(seen.error_code == err, "%s: error code %#llx, expected %#llx",
	      what, (unsigned long long)seen.error_code,
	      (unsigned long long)err);
	CHECK(seen.rip == rip, "%s: rip %#llx, expected %#llx", what,
	      (unsigned long long)seen.rip, (unsigned long long)rip);
	CHECK(seen.cs == KEEL_GUEST_USER_CS, "%s: cs %#llx", what,
	      (unsigned long long)seen.cs);
	CHECK(seen.ss == KEEL_GUEST_DS, "%s: ss %#llx", what,
	      (unsigned long long)seen.ss);
	CHECK(seen.rsp >= ubase && seen.rsp < ubase + rt_boot.user_window_size,
	      "%s: rsp %#llx not the user stack", what,
	      (unsigned long long)seen.rsp);
	/* Like CR2, fault_address changes only on a #PF (ABI 1.2). */
	static uint64_t last_pf_address;
	uint64_t want = vector == 14 ? addr : last_pf_address;
	CHECK(seen.fault_address == want, "%s: fault address %#llx, "
	      "expected %#llx", what, (unsigned long long)seen.fault_address,
	      (unsigned long long)want);
	if (vector == 14)
		last_pf_address = addr;
	printf("%s: vector %llu, error %#llx, cs %#llx, rip %#llx, "
	       "address %#llx\n", what, (unsigned long long)seen.vector,
	       (unsigned long long)seen.error_code,
	       (unsigned long long)seen.cs, (unsigned long long)seen.rip,
	       (unsigned long long)seen.fault_address);
	memset(&seen, 0, sizeof(seen));
}

void test_main(void)
{
	uint64_t kaddr = rt_boot.virt_base;
	uint64_t shinfo = (uint64_t)rt_boot.shared_info;
	uint64_t read_rip = user_addr(user_read_insn);
	uint64_t write_rip = user_addr(user_write_insn);
	long code;

	/* The programs below take the address to touch as their argument. */
	code = rt_run_in_user((void (*)(void))user_echo, 0x1234567);
	CHECK(code == 0x1234567, "rt_run_in_user(fn, 0x1234567): the user "
	      "program's RDI was %#lx (runtime: rt_enter_user does not load "
	      "the argument?)", code);

	rt_trap_hook = user_fault_hook;

	/* Control: the user window itself is readable. */
	code = rt_run_in_user((void (*)(void))user_read,
			      rt_boot.user_window_vaddr);
	CHECK_EQ(code, EXIT_NO_FAULT);
	CHECK_EQ(seen.count, 0);

	code = rt_run_in_user((void (*)(void))user_read, kaddr);
	check("user read of the kernel image", code, 14, 0x4, read_rip, kaddr);

	code = rt_run_in_user((void (*)(void))user_write, kaddr + 0x100);
	check("user write to the kernel image", code, 14, 0x6, write_rip,
	      kaddr + 0x100);

	code = rt_run_in_user((void (*)(void))user_read, shinfo);
	check("user read of shared info", code, 14, 0x4, read_rip, shinfo);

	/* The kernel's view of the user window, at its kernel address. */
	code = rt_run_in_user((void (*)(void))user_read,
			      rt_boot.user_window_kernel_vaddr);
	check("user read of the window's kernel alias", code, 14, 0x4,
	      read_rip, rt_boot.user_window_kernel_vaddr);

	code = rt_run_in_user((void (*)(void))user_read, HYP_ADDR);
	check("user read of the hypervisor", code, 14, 0x5, read_rip,
	      HYP_ADDR);

	code = rt_run_in_user(user_cli, 0);
	check("user cli", code, 13, 0, user_addr(user_cli_insn), 0);

	rt_trap_hook = NULL;
	/* The kernel still reads its own memory. */
	CHECK_EQ(*(volatile uint64_t *)kaddr != 0xdeadbeef, 1);
	CHECK_EQ(rt_vcpu_id(), 0);
}
