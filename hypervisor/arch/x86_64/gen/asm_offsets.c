/*
 * Structure offsets and constants for assembly (pv/entry.S's fast paths).
 *
 * Not linked: the build compiles this file to assembly and turns each
 * "->NAME value" marker below into "#define NAME value" in
 * $(BUILD)/hypervisor/include/asm_offsets.h (hypervisor/build.mk). So an
 * offset in assembly is always the compiler's own, and a change to a
 * structure cannot leave entry.S reading the wrong field.
 */
#include <domain.h>
#include <hypercall.h>
#include <keel/callbacks.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/regs.h>

#define DEFINE(name, value) \
	asm volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))
#define OFFSET(name, type, member) DEFINE(name, offsetof(type, member))

void asm_offsets(void);

void asm_offsets(void)
{
	/* The CPU number, from a stack address ORed with STACK_SIZE - 1. */
	DEFINE(CPU_INFO_CPU_FROM_STACK_END,
	       (long)offsetof(struct cpu_info, cpu) + 1 -
	       (long)sizeof(struct cpu_info));
	DEFINE(CPU_INFO_SIZE, sizeof(struct cpu_info));
	DEFINE(REGS_SIZE, sizeof(struct cpu_user_regs));
	/* The syscall stubs and their scratch slots: one per CPU. */
	DEFINE(ASM_NR_CPUS, NR_CPUS);

	/* entry_regs.h pushes the caller-saved registers first, so they
	 * end at r11, and the callee-saved ones below them. */
	_Static_assert(offsetof(struct cpu_user_regs, r15) == 0 &&
		       offsetof(struct cpu_user_regs, rbx) == 5 * 8 &&
		       offsetof(struct cpu_user_regs, r11) == 6 * 8 &&
		       offsetof(struct cpu_user_regs, rdi) == 14 * 8,
		       "struct cpu_user_regs is not in push order");
	OFFSET(REGS_RAX, struct cpu_user_regs, rax);
	OFFSET(REGS_RCX, struct cpu_user_regs, rcx);
	OFFSET(REGS_R11, struct cpu_user_regs, r11);
	OFFSET(REGS_RIP, struct cpu_user_regs, rip);
	OFFSET(REGS_CS, struct cpu_user_regs, cs);
	OFFSET(REGS_RFLAGS, struct cpu_user_regs, rflags);
	OFFSET(REGS_RSP, struct cpu_user_regs, rsp);
	OFFSET(REGS_SS, struct cpu_user_regs, ss);

	OFFSET(VCPU_DOMAIN, struct vcpu, domain);
	OFFSET(DOMAIN_EVENT_CALLBACK, struct domain, callbacks.event);
	OFFSET(VCPU_KERNEL_MODE, struct vcpu, kernel_mode);
	OFFSET(VCPU_VCPU_INFO, struct vcpu, vcpu_info);
	OFFSET(VCPU_INFO_UPCALL_PENDING, struct keel_vcpu_info,
	       evtchn_upcall_pending);
	OFFSET(VCPU_INFO_UPCALL_MASK, struct keel_vcpu_info,
	       evtchn_upcall_mask);

	DEFINE(HYPERCALL_COUNT, KEEL_HC_COUNT);

	/* The bounce of a user program's system call and the iret
	 * hypercall, which entry.S takes without C when nothing is out of
	 * the ordinary. */
	DEFINE(HYPERCALL_IRET, KEEL_HC_iret);
	OFFSET(DOMAIN_SYSCALL_CALLBACK, struct domain, callbacks.syscall);
	OFFSET(VCPU_USER_TRAP_FRAME, struct vcpu, arch.user_trap_frame);
	OFFSET(VCPU_USER_ROOT, struct vcpu, arch.user_root);
	OFFSET(VCPU_KERNEL_ROOT, struct vcpu, arch.kernel_root);
	DEFINE(ASM_PAGE_SHIFT, PAGE_SHIFT);
	/* The hardware domain's I/O bitmap, on and off with guest kernel
	 * mode (SWITCH_MODE). */
	OFFSET(VCPU_IO_PORTS, struct vcpu, arch.io_ports);
	DEFINE(CPU_INFO_PERCPU_FROM_STACK_END,
	       (long)offsetof(struct cpu_info, percpu) + 1 -
	       (long)sizeof(struct cpu_info));
	OFFSET(PERCPU_TSS_IOMAP_BASE, struct percpu, arch.tss.iomap_base);
	DEFINE(ASM_TSS_IO_BITMAP, TSS_IO_BITMAP);
	DEFINE(ASM_TSS_NO_IO_BITMAP, TSS_NO_IO_BITMAP);
	DEFINE(TRAP_FRAME_SIZE, sizeof(struct keel_trap_frame));
	OFFSET(TRAP_FRAME_ERROR_CODE, struct keel_trap_frame, error_code);
	OFFSET(TRAP_FRAME_RIP, struct keel_trap_frame, rip);
	OFFSET(TRAP_FRAME_CS, struct keel_trap_frame, cs);
	OFFSET(TRAP_FRAME_RFLAGS, struct keel_trap_frame, rflags);
	OFFSET(TRAP_FRAME_RSP, struct keel_trap_frame, rsp);
	OFFSET(TRAP_FRAME_SS, struct keel_trap_frame, ss);
	DEFINE(IRET_FRAME_SIZE, sizeof(struct keel_iret_frame));
	OFFSET(IRET_FRAME_RAX, struct keel_iret_frame, rax);
	OFFSET(IRET_FRAME_R11, struct keel_iret_frame, r11);
	OFFSET(IRET_FRAME_RCX, struct keel_iret_frame, rcx);
	OFFSET(IRET_FRAME_FLAGS, struct keel_iret_frame, flags);
	OFFSET(IRET_FRAME_RIP, struct keel_iret_frame, rip);
	OFFSET(IRET_FRAME_CS, struct keel_iret_frame, cs);
	OFFSET(IRET_FRAME_RFLAGS, struct keel_iret_frame, rflags);
	OFFSET(IRET_FRAME_RSP, struct keel_iret_frame, rsp);
	DEFINE(GUEST_KERNEL_CS, KEEL_GUEST_KERNEL_CS);
	DEFINE(GUEST_USER_CS, KEEL_GUEST_USER_CS);
	DEFINE(GUEST_DS, KEEL_GUEST_DS);
	DEFINE(GUEST_RFLAGS_ALLOWED, GUEST_RFLAGS_MASK);
}
