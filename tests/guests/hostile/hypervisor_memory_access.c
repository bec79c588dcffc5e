/*
 * Attack: touch Keel's memory directly from the guest kernel. Reading or
 * writing Keel's direct map or image (supervisor-only at the top level)
 * must fault with #PF (present, user); writing the M2P window (read-only)
 * with #PF (present, write, user); a non-canonical address with #GP(0);
 * and jumping into Keel's image or the M2P window with #PF (present,
 * user, instruction fetch). Every fault is delivered to us; Keel's memory
 * is unchanged as far as we can tell (the M2P entry we tried to write).
 */
#include "hostile.h"

const char test_name[] = "hypervisor_memory_access";

#define PF_FETCH 0x10u

static uint64_t exec_target;
static struct rt_trap_record exec_trap;

/* A fault at the jump target: return to the caller, as if it had run. */
static bool exec_hook(struct rt_regs *regs)
{
	if (regs->rip != exec_target || regs->vector > 31)
		return false;
	exec_trap.count++;
	exec_trap.vector = (unsigned int)regs->vector;
	exec_trap.error_code = regs->error_code;
	exec_trap.fault_address = rt_vcpu_info()->fault_address;
	regs->rip = *(uint64_t *)regs->rsp;
	regs->rsp += 8;
	return true;
}

static void try_exec(uint64_t target)
{
	exec_target = target;
	memset(&exec_trap, 0, sizeof(exec_trap));
	rt_trap_hook = exec_hook;
	__asm__ volatile("call *%0" : : "r"(target)
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
			   "r10", "r11", "memory");
	rt_trap_hook = NULL;
	CHECK_EQ(exec_trap.count, 1);
	CHECK_EQ(exec_trap.vector, 14);
	CHECK_EQ(exec_trap.error_code, PF_PRESENT | PF_FETCH);
	CHECK_EQ(exec_trap.fault_address, target);
}

void attack(void)
{
	static const uint64_t supervisor[] = {
		HOSTILE_DIRECTMAP, HOSTILE_DIRECTMAP + 0x200000,
		HOSTILE_IMAGE_TEXT,
	};
	uint64_t v;

	for (unsigned int i = 0; i < 3; i++) {
		volatile uint64_t *p = (uint64_t *)supervisor[i];

		CHECK(rt_read_faults(p, &v), "%p readable", (void *)p);
		CHECK_PF(p, PF_PRESENT);
		CHECK(rt_write_faults(p, 0), "%p writable", (void *)p);
		CHECK_PF(p, PF_PRESENT | PF_WRITE);
	}

	/* The M2P window: readable, not writable. */
	uint64_t mfn = rt_va_to_mfn(rt_alloc_pages(1));
	volatile uint64_t *m2p = (uint64_t *)&rt_boot.m2p[mfn];
	uint64_t before = *m2p;
	CHECK(rt_write_faults(m2p, 0), "the M2P window is writable");
	CHECK_PF(m2p, PF_PRESENT | PF_WRITE);
	CHECK_EQ(*m2p, before);

	/* Non-canonical: #GP(0), no page walk at all. */
	CHECK(rt_read_faults((uint64_t *)HOSTILE_NONCANON, &v),
	      "non-canonical read did not fault");
	CHECK_EQ(rt_last_trap.vector, 13);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK(rt_write_faults((uint64_t *)0xffff700000000000ULL, 0),
	      "non-canonical write did not fault");
	CHECK_EQ(rt_last_trap.vector, 13);

	/* Executing Keel's code, or the (NX) M2P window. */
	try_exec(HOSTILE_IMAGE_TEXT);
	try_exec((uint64_t)m2p & ~4095ULL);
	printf("every access to Keel's range faulted in the guest\n");
}
