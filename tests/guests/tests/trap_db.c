/* #DB: single-stepping with TF set by popf traps after each instruction,
 * and the iret hypercall keeps TF so stepping continues, even when the
 * frame it returns with looks like a return from `syscall` (Keel may
 * then leave with sysretq, which with TF set would trap again at once,
 * before the instruction runs: stepping would never move on). */
#include "keeltest.h"

const char test_name[] = "trap_db";

#define TF 0x100ULL

static volatile unsigned int db_count;
static uint64_t db_rip[8], db_rflags[8], db_err[8], db_cs[8];
static unsigned int db_steps;	/* clear TF on this trap */
static bool db_sysret_shaped;	/* return with RCX = RIP, R11 = RFLAGS */

static bool db_hook(struct rt_regs *regs)
{
	if (regs->vector != 1)
		return false;
	unsigned int n = db_count;
	if (n < 8) {
		db_rip[n] = regs->rip;
		db_rflags[n] = regs->rflags;
		db_err[n] = regs->error_code;
		db_cs[n] = regs->cs;
	}
	db_count = n + 1;
	if (db_count >= db_steps)
		regs->rflags &= ~TF;
	if (db_sysret_shaped) {
		regs->rcx = regs->rip;
		regs->r11 = regs->rflags | 0x202;
	}
	return true;
}

/* Set TF and run three instructions: each must trap once, right after
 * it. The stepped code leaves RCX and R11 alone (the sysret-shaped
 * frames overwrite them). */
static void step_three(void)
{
	uint64_t after1, after2, after3;

	__asm__ volatile("pushfq\n\t"
			 "orq $0x100, (%%rsp)\n\t"
			 "popfq\n\t"
			 "mov $1, %%eax\n\t"
			 "1: add $2, %%eax\n\t"
			 "2: add $3, %%eax\n\t"
			 "3: nop\n\t"
			 "nop\n\t"
			 "lea 1b(%%rip), %0\n\t"
			 "lea 2b(%%rip), %1\n\t"
			 "lea 3b(%%rip), %2\n\t"
			 : "=r"(after1), "=r"(after2), "=r"(after3)
			 : : "rax", "rcx", "r11", "memory");
	CHECK_EQ(db_count, 3);
	CHECK_EQ(db_rip[0], after1);
	CHECK_EQ(db_rip[1], after2);
	CHECK_EQ(db_rip[2], after3);
}

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint64_t after1;

	rt_trap_hook = db_hook;

	/* One step: popf sets TF, the next instruction runs, then #DB. */
	vi->fault_vector = 0xdead;
	vi->fault_address = 0xdeadbeef;
	db_count = 0;
	db_steps = 1;
	__asm__ volatile("pushfq\n\t"
			 "orq $0x100, (%%rsp)\n\t"
			 "popfq\n\t"
			 "nop\n\t"
			 "1: nop\n\t"
			 "nop\n\t"
			 "lea 1b(%%rip), %0\n\t"
			 : "=r"(after1) : : "memory");
	CHECK_EQ(db_count, 1);
	CHECK_EQ(db_rip[0], after1);
	CHECK_EQ(db_err[0], 0);
	CHECK_EQ(db_cs[0], KEEL_GUEST_KERNEL_CS);
	CHECK(db_rflags[0] & TF, "TF not set in the #DB frame's rflags (%#llx)",
	      (unsigned long long)db_rflags[0]);
	CHECK_EQ(vi->fault_vector, 1);
	CHECK_EQ(vi->fault_error_code, 0);
	CHECK_EQ(vi->fault_address, 0xdeadbeef);	/* only a #PF writes it */
	printf("single step: #DB %u time(s), rip %#llx (after the instruction "
	       "following popf: %#llx)\n", db_count,
	       (unsigned long long)db_rip[0], (unsigned long long)after1);

	/* TF cleared by the handler: nothing more traps. */
	uint64_t x = 0;
	for (int i = 0; i < 10; i++)
		x += (uint64_t)i;
	rt_barrier();
	CHECK_EQ(db_count, 1);
	CHECK_EQ(x, 45);
	uint64_t fl;
	__asm__ volatile("pushfq; pop %0" : "=r"(fl));
	CHECK((fl & TF) == 0, "TF still set after the handler cleared it");

	/* Three steps: TF survives the iret hypercall. */
	db_count = 0;
	db_steps = 3;
	step_three();
	printf("three steps: #DB at %#llx, %#llx, %#llx\n",
	       (unsigned long long)db_rip[0], (unsigned long long)db_rip[1],
	       (unsigned long long)db_rip[2]);

	/* The same with frames shaped for sysretq: each step must still run
	 * one instruction. */
	db_count = 0;
	db_steps = 3;
	db_sysret_shaped = true;
	step_three();
	db_sysret_shaped = false;
	rt_trap_hook = NULL;
}
