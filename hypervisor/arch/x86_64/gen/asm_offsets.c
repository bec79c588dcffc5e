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
#include <asm/percpu.h>
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
}
