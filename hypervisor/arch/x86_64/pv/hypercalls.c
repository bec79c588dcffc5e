/*
 * The x86-64 PV hypercalls: how a guest kernel sets up its traps and
 * callbacks, its stacks and segment bases, and returns from handlers.
 * Each documents its errors in hypercall-abi/docs/hypercalls.md.
 */
#include <domain.h>
#include <errno_values.h>
#include <hypercall.h>
#include <mm.h>
#include <scheduler.h>
#include <asm/cpu.h>
#include <asm/pv.h>

/* Where a guest may ask to run: canonical and not in the hypervisor. */
static bool guest_code_address_ok(uint64_t addr)
{
	return guest_range_ok(addr, 1);
}

long do_set_trap_table(unsigned long table, unsigned long count)
{
	struct domain *d = current_vcpu()->domain;
	struct keel_trap_info info;
	uint64_t handlers[256] = { 0 };
	uint8_t flags[256] = { 0 };

	if (count > KEEL_TRAP_TABLE_MAX)
		return -EINVAL;
	/* Validate everything before changing anything. */
	for (unsigned long i = 0; i < count; i++) {
		if (copy_from_guest(&info, table + i * sizeof(info),
				    sizeof(info)))
			return -EFAULT;
		if (!guest_code_address_ok(info.address) ||
		    (info.flags & ~KEEL_TRAP_USER_INT))
			return -EINVAL;
		handlers[info.vector] = info.address;
		flags[info.vector] = info.flags;
	}
	spin_lock(&d->lock);
	for (unsigned int v = 0; v < 256; v++) {
		d->trap_handler[v] = handlers[v];
		d->trap_flags[v] = flags[v];
	}
	spin_unlock(&d->lock);
	return 0;
}

long do_set_callbacks(unsigned long ptr)
{
	struct domain *d = current_vcpu()->domain;
	struct keel_callbacks cb;

	if (copy_from_guest(&cb, ptr, sizeof(cb)))
		return -EFAULT;
	if ((cb.event && !guest_code_address_ok(cb.event)) ||
	    (cb.syscall && !guest_code_address_ok(cb.syscall)) ||
	    (cb.failsafe && !guest_code_address_ok(cb.failsafe)))
		return -EINVAL;
	d->callbacks = cb;
	return 0;
}

long do_stack_switch(unsigned long kernel_sp)
{
	/* Checked when a bounce writes to it; an unusable stack then crashes
	 * the domain, as a real CPU would triple-fault. */
	pv_set_kernel_sp(current_vcpu(), kernel_sp);
	return 0;
}

long do_set_segment_base(unsigned long which, unsigned long base)
{
	struct vcpu *v = current_vcpu();

	/* A non-canonical base would make wrmsr fault in the hypervisor. */
	if (!guest_range_ok(base, 0) && base != 0)
		return -EINVAL;
	switch (which) {
	case KEEL_SEGBASE_FS:
		v->arch.fs_base = base;
		wrmsr(MSR_FS_BASE, base);
		return 0;
	/* The current mode's GS base is in GS_BASE, the other's in
	 * KERNEL_GS_BASE (asm/domain.h). */
	case KEEL_SEGBASE_GS_KERNEL:
		v->arch.gs_base_kernel = base;
		wrmsr(v->kernel_mode ? MSR_GS_BASE : MSR_KERNEL_GS_BASE, base);
		return 0;
	case KEEL_SEGBASE_GS_USER:
		v->arch.gs_base_user = base;
		wrmsr(v->kernel_mode ? MSR_KERNEL_GS_BASE : MSR_GS_BASE, base);
		return 0;
	default:
		return -EINVAL;
	}
}

long do_fpu_taskswitch(unsigned long set)
{
	struct vcpu *v = current_vcpu();

	if (set > 1)
		return -EINVAL;
	v->virtual_ts = set;
	if (set)
		write_cr0(read_cr0() | X86_CR0_TS);
	else
		asm volatile("clts");
	return 0;
}

/* The iret frame is refused: the failsafe callback gets the vCPU, or
 * without one the domain crashes. RAX stays the frame's (the dispatcher
 * stores the return value there). */
static __slow_path long iret_refused(struct vcpu *v,
				     struct cpu_user_regs *regs)
{
	uint64_t failsafe = v->domain->callbacks.failsafe;

	if (failsafe && pv_bounce(v, regs, failsafe, 0))
		return regs->rax;
	domain_crash(v->domain, "iret hypercall with a bad frame");
	return regs->rax;
}

/* pv/entry.S's .Liret_hypercall is this, for a frame it takes: a change
 * here is a change there. */
long do_iret(void)
{
	struct vcpu *v = current_vcpu();
	struct cpu_user_regs *regs = guest_regs();
	struct keel_iret_frame f;

	if (unlikely(copy_from_guest(&f, regs->rsp, sizeof(f)) ||
		     !guest_code_address_ok(f.rip) ||
		     !guest_range_ok(f.rsp, 0) ||
		     (f.cs != KEEL_GUEST_KERNEL_CS &&
		      f.cs != KEEL_GUEST_USER_CS) ||
		     (f.cs == KEEL_GUEST_USER_CS && !v->arch.user_root) ||
		     f.flags != 0))
		return iret_refused(v, regs);

	if (f.cs == KEEL_GUEST_USER_CS && v->kernel_mode)
		pv_switch_mode(v, false);
	regs->r11 = f.r11;
	regs->rcx = f.rcx;
	regs->rip = f.rip;
	regs->rsp = f.rsp;
	regs->rflags = (f.rflags & GUEST_RFLAGS_MASK) | X86_EFLAGS_IF | 0x2;
	/* IF in the frame is the virtual interrupt flag to return with. */
	WRITE_ONCE(v->vcpu_info->evtchn_upcall_mask,
		   (f.rflags & X86_EFLAGS_IF) ? 0 : 1);
	/* The dispatcher stores the return value in RAX: return the frame's. */
	return (long)f.rax;
}
