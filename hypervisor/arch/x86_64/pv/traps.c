/*
 * Exceptions and system calls from PV guests: the trap bounce.
 *
 * A guest kernel runs in ring 3, so the CPU sends its exceptions to Keel,
 * not to the guest. Keel "bounces" each one: it writes a frame (struct
 * keel_trap_frame, keel/callbacks.h) on the guest kernel's stack, as the
 * CPU would have on a real ring-0 kernel's, and resumes the guest at the
 * handler its trap table names. The guest returns with the iret
 * hypercall.
 *
 * The same mechanism delivers event upcalls and, for `syscall` executed
 * in guest user mode, the guest's own system calls: Keel owns the syscall
 * instruction (it is how guest kernels make hypercalls), so a user
 * program's syscall lands here first and is bounced to the guest kernel's
 * registered syscall entry.
 *
 * Privileged instructions in the guest (cli, hlt, mov to CR3, wrmsr, in,
 * out, lgdt, ...) need nothing special: in ring 3 the CPU itself raises
 * #GP (or #UD), which is bounced like any other exception, so the guest
 * sees exactly what a real CPU would show it.
 */
#include <domain.h>
#include <format.h>
#include <hypercall.h>
#include <panic.h>
#include <printk.h>
#include <scheduler.h>
#include <asm/cpu.h>
#include <asm/insn_int.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <asm/traps.h>

#define X86_EFLAGS_IF_BIT X86_EFLAGS_IF

/* Out of pv_bounce()'s way: its message buffer would cost every bounce
 * a stack frame. */
static __slow_path void bounce_frame_unwritable(struct vcpu *v, uint64_t sp,
						 bool from_user, uint64_t rip)
{
	char why[96];

	format_string(why, sizeof(why), "cannot write a trap frame at %#llx "
		      "(from %s mode, rip %#llx)", (unsigned long long)sp,
		      from_user ? "user" : "kernel", (unsigned long long)rip);
	domain_crash(v->domain, why);
}

/* Where a bounce puts its frame on the stack whose top is @sp. */
static uint64_t trap_frame_below(uint64_t sp)
{
	return (sp & ~15ULL) - sizeof(struct keel_trap_frame);
}

void pv_set_kernel_sp(struct vcpu *v, uint64_t kernel_sp)
{
	uint64_t frame = trap_frame_below(kernel_sp);

	v->arch.kernel_sp = kernel_sp;
	v->arch.user_trap_frame =
		guest_range_ok(frame, sizeof(struct keel_trap_frame)) ? frame : 0;
}

/* pv/entry.S's .Luser_syscall is this, for a system call from user
 * mode: a change here is a change there. */
bool pv_bounce(struct vcpu *v, struct cpu_user_regs *regs, uint64_t handler,
	       uint64_t error_code)
{
	struct keel_vcpu_info *vi = v->vcpu_info;
	bool from_user = !v->kernel_mode;
	struct keel_trap_frame frame = {
		.error_code = error_code,
		.rip = regs->rip,
		.cs = from_user ? KEEL_GUEST_USER_CS : KEEL_GUEST_KERNEL_CS,
		/* The guest sees its virtual interrupt flag, not the real
		 * one (which is always set while it runs). */
		.rflags = (regs->rflags & ~X86_EFLAGS_IF_BIT) |
			  (READ_ONCE(vi->evtchn_upcall_mask) ? 0 :
							      X86_EFLAGS_IF_BIT),
		.rsp = regs->rsp,
		.ss = KEEL_GUEST_DS,
	};

	/* From user mode the frame goes on the stack the kernel registered
	 * with stack_switch, and that stack is only mapped in the kernel's
	 * page tables: switch first, then write. */
	uint64_t sp = trap_frame_below(from_user ? v->arch.kernel_sp :
						   regs->rsp);
	if (from_user)
		pv_switch_mode(v, true);
	if (unlikely(copy_to_guest(sp, &frame, sizeof(frame)))) {
		bounce_frame_unwritable(v, sp, from_user, regs->rip);
		return false;
	}

	regs->rip = handler;
	regs->rsp = sp;
	/* Handlers start with TF, AC and DF clear, like an interrupt gate. */
	regs->rflags = X86_EFLAGS_IF_BIT | 0x2;
	WRITE_ONCE(vi->evtchn_upcall_mask, 1);
	return true;
}

/*
 * `int n` from the guest is a #GP naming IDT entry n (only int3 and into
 * have DPL 3). The vector comes from the instruction bytes at RIP, read
 * through the guarded copy, not from the error code: QEMU's TCG encodes
 * that error code wrongly (asm/insn_int.h), and the bytes also give the
 * length of a prefixed `int n`. If the bytes are not an `int n` (another
 * vCPU rewrote them, or unmapped them, since), the #GP goes to the guest
 * as it is.
 *
 * If the trap table allows vector n from guest code, deliver n, as a
 * DPL-3 gate would, with RIP past the instruction. Otherwise the guest
 * gets its #GP, with the error code in the SDM's form, (n << 3) | 2, on
 * every CPU model.
 */
static void soft_interrupt(struct domain *d, struct cpu_user_regs *regs,
			   unsigned int *vector)
{
	uint8_t insn[X86_MAX_INSN_LEN];
	size_t got = 0;
	unsigned int n, len;

	if (regs->vector != VECTOR_GP || (regs->error_code & 7) != 2)
		return;
	/* Byte by byte: the instruction may end just before an unmapped
	 * page, and the CPU read only what it needed. */
	while (got < sizeof(insn) &&
	       !copy_from_guest(insn + got, regs->rip + got, 1))
		got++;
	len = insn_decode_int_n(insn, got, &n);
	if (!len)
		return;
	if (!(d->trap_flags[n] & KEEL_TRAP_USER_INT) || !d->trap_handler[n]) {
		regs->error_code = ((uint64_t)n << 3) | 2;
		return;
	}
	regs->rip += len;
	regs->error_code = 0;
	*vector = n;
}

void do_guest_trap(struct cpu_user_regs *regs)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	unsigned int vector = (unsigned int)regs->vector;
	/* A real page fault; not `int $14`, which soft_interrupt() may turn
	 * into vector 14 below. */
	bool page_fault = vector == VECTOR_PF;
	uint64_t fault_address = page_fault ? read_cr2() : 0;

	irq_enable();
	if (vector == VECTOR_NM && v->virtual_ts) {
		/* The guest asked for this with fpu_taskswitch(1); like
		 * Xen, clear its virtual TS as the fault is delivered. */
		v->virtual_ts = false;
		asm volatile("clts");
	}
	soft_interrupt(d, regs, &vector);
	/* The CPU sets the U bit of every #PF the guest takes, since guest
	 * kernel and user both run in ring 3. Say what a ring-0 kernel
	 * would see: U only for a fault in guest user mode. */
	if (page_fault && v->kernel_mode)
		regs->error_code &= ~X86_PF_USER;

	struct keel_vcpu_info *vi = v->vcpu_info;
	/* Like CR2, fault_address changes only on a #PF. */
	if (page_fault)
		vi->fault_address = fault_address;
	vi->fault_error_code = (uint32_t)regs->error_code;
	vi->fault_vector = vector;

	if (console_loglevel >= 7)	/* guests could flood the log */
		printk(LOG_DEBUG "d%u: %s at %#llx, error %#llx, address "
		       "%#llx, rsp %#llx\n", d->domid, exception_name(vector),
		       (unsigned long long)regs->rip,
		       (unsigned long long)regs->error_code,
		       (unsigned long long)fault_address,
		       (unsigned long long)regs->rsp);
	uint64_t handler = d->trap_handler[vector];
	if (!handler) {
		char why[96];
		format_string(why, sizeof(why), "%s at %#llx with no trap "
			      "handler", exception_name(vector),
			      (unsigned long long)regs->rip);
		domain_crash(d, why);
		return;
	}
	pv_bounce(v, regs, handler, regs->error_code);
}

void do_guest_syscall(struct cpu_user_regs *regs)
{
	struct vcpu *v = current_vcpu();

	irq_enable();
	if (v->kernel_mode) {
		do_hypercall(regs);
		return;
	}
	/* A system call of the guest's own user program. */
	uint64_t handler = v->domain->callbacks.syscall;
	if (!handler) {
		/* As a CPU with syscall disabled would: #UD. */
		regs->vector = VECTOR_UD;
		regs->error_code = 0;
		regs->rip -= 2;		/* back onto the syscall instruction */
		do_guest_trap(regs);
		return;
	}
	pv_bounce(v, regs, handler, 0);
}

/* iretq to a non-canonical RIP faults in ring 0, and sysretq worse (see
 * pv/entry.S), so a frame leaves only with a canonical RIP. Its RSP is
 * not checked: neither instruction loads it in a way that faults, and a
 * guest program with a bad one faults on its next stack access, in ring
 * 3. Where else RIP points is the guest's business: in the hypervisor's
 * slots it faults in ring 3, and the guest gets its #PF. */
static bool frame_rip_canonical(const struct cpu_user_regs *regs)
{
	return regs->rip + (1ULL << 47) < (1ULL << 48);
}

/* An upcall is due: events are pending for the vCPU and it has not
 * masked them. */
static bool upcall_due(const struct vcpu *v)
{
	const struct keel_vcpu_info *vi = v->vcpu_info;

	return READ_ONCE(vi->evtchn_upcall_pending) &&
	       !READ_ONCE(vi->evtchn_upcall_mask) &&
	       v->domain->callbacks.event;
}

/*
 * The way out to a guest when pv/entry.S's return_to_guest found work to
 * do: a reschedule, an event upcall, or a frame whose RIP is not
 * canonical. Reschedule, deliver the upcall, and repeat until neither is
 * needed; then return_to_guest leaves. Interrupts are off throughout.
 */
void exit_to_guest_slow(struct cpu_user_regs *regs)
{
	struct vcpu *v;

	do {
		schedule_on_exit(regs);
		v = current_vcpu();
		if (upcall_due(v))
			pv_bounce(v, regs, v->domain->callbacks.event, 0);
		/* e.g. a hypercall at the very top of the lower half */
		if (!frame_rip_canonical(regs)) {
			domain_crash(v->domain, "return to a non-canonical "
				     "address");
			/* This frame must never leave: go round again, and
			 * the scheduler takes the vCPU off, its domain no
			 * longer running. (domain_crash() asks for that
			 * itself, except when the domain was shutting down
			 * already: another vCPU may be stopping its vCPUs
			 * one by one and not have reached this one yet.) */
			sched_request_reschedule();
		}
	} while (sched_reschedule_pending());
}
