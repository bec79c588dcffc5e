/* x86-64 PV guest mechanics (arch/x86_64/pv/). */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <domain.h>
#include <errno_values.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/regs.h>

/* The vector number entry.S puts in frames built by `syscall`. */
#define VECTOR_SYSCALL 0x100

/* Guest registers of the vCPU running on this CPU: the frame at the top
 * of the CPU's primary stack, where both the syscall stubs and the CPU
 * (through TSS.rsp0) put it on entry from ring 3. */
static inline struct cpu_user_regs *guest_regs(void)
{
	return (struct cpu_user_regs *)get_cpu_info() - 1;
}

static inline bool regs_from_guest(const struct cpu_user_regs *regs)
{
	return (regs->cs & 3) == 3;
}

/* Flags a guest may set in its own RFLAGS through the iret hypercall:
 * the arithmetic flags, TF, DF, NT, AC and ID. IF is virtual (the upcall
 * mask); IOPL and VM never. NT is harmless to Keel: every entry clears
 * it (see pv/entry.S). */
#define GUEST_RFLAGS_MASK 0x244dd5ULL

/* A guest address range the hypervisor may access on the guest's behalf:
 * canonical, not wrapping, and clear of the hypervisor's slots. The first
 * and the last byte are checked; a zero-length range is checked as its
 * one address, which may become a base or a stack pointer. Inline: the
 * trap bounce and the iret hypercall check with it. */
static inline bool guest_range_ok(uint64_t addr, uint64_t len)
{
	const uint64_t user_half_end = 0x0000800000000000ULL;
	uint64_t last = addr + (len ? len - 1 : 0);

	if (last < addr)
		return false;
	if (last < user_half_end)
		return true;
	/* Upper half: only above the hypervisor's slots. */
	return addr >= HYPERVISOR_VIRT_END;
}
/* The copy itself (pv/copy_guarded.S): returns the bytes not copied. */
size_t raw_copy_guarded(void *dst, const void *src, size_t len);

/* Copy to or from the current guest's address space. Return 0, or
 * -EFAULT when the range is refused or a page is missing. Inline: the
 * trap bounce and the iret hypercall each make one. */
static inline int copy_to_guest(uint64_t dst, const void *src, size_t len)
{
	if (!guest_range_ok(dst, len))
		return -EFAULT;
	return raw_copy_guarded((void *)dst, src, len) ? -EFAULT : 0;
}

static inline int copy_from_guest(void *dst, uint64_t src, size_t len)
{
	if (!guest_range_ok(src, len))
		return -EFAULT;
	return raw_copy_guarded(dst, (const void *)src, len) ? -EFAULT : 0;
}
/* Called from the #PF/#GP path: resume at a fixup if the fault came from
 * a guarded access. */
bool fixup_exception(struct cpu_user_regs *regs);

/* Exceptions and system calls from ring 3 (pv/traps.c). */
void do_guest_trap(struct cpu_user_regs *regs);
void do_guest_syscall(struct cpu_user_regs *regs);
/* Push a bounce frame and enter the guest kernel at @handler. Returns
 * false (after crashing the domain) when the frame cannot be written. */
bool pv_bounce(struct vcpu *v, struct cpu_user_regs *regs, uint64_t handler,
	       uint64_t error_code);
/* Set the stack a bounce from user mode goes to (stack_switch), and
 * where its frame goes there. */
void pv_set_kernel_sp(struct vcpu *v, uint64_t kernel_sp);
/* Work on the way out to a guest, when pv/entry.S finds some:
 * reschedule, deliver events (pv/traps.c). */
void exit_to_guest_slow(struct cpu_user_regs *regs);

/* The initial layout of a PV guest's address space (domain_build.c). */
struct pv_layout {
	uint64_t virt_base;		/* guest page 0 is mapped here */
	uint64_t mapped_pages;		/* guest pages mapped from virt_base */
	uint64_t pt_first_page;		/* the page-table area: guest pages */
	uint64_t pt_pages;
	uint64_t user_pages;		/* the last pages form the user window */
	uint64_t user_window_vaddr;
	uint64_t shared_info_vaddr;
	uint64_t shared_info_mfn;
};
/* Pages the initial page tables of @l need, at most (pv/pagetable.c). */
uint64_t arch_pv_page_table_pages(const struct pv_layout *l);
/* Build them in the page-table area, pin both roots through validation
 * and give them to vCPU 0. @p2m maps guest pages to MFNs. */
int arch_pv_build_address_space(struct domain *d, const uint64_t *p2m,
				const struct pv_layout *l);

/* MMU (pv/mmu.c). */
void pv_mmu_cpu_init(unsigned int cpu);
/* Load page-table root @root of domain @domid (FRAME_OWNER_NONE: the
 * hypervisor's own) into CR3, tracking it for TLB shootdowns. */
void pv_load_page_table(uint16_t domid, paddr_t root);
/* True when this CPU has @domid's root @root loaded already (and
 * pv_load_page_table() would write nothing). */
bool pv_page_table_loaded(uint16_t domid, paddr_t root);
/* Set @v's roots (MFNs of L4s; @user_root may be 0). Takes the memory
 * lock. */
int pv_vcpu_set_roots(struct vcpu *v, uint64_t kernel_root,
		      uint64_t user_root);

/* Context (pv/context.c). */
/* Switch @v, running here, to guest kernel or user mode: its root and
 * GS base for that mode. (pv/entry.S's SWITCH_MODE is the same, written
 * out for its fast paths.) */
void pv_switch_mode(struct vcpu *v, bool kernel_mode);
/* The root each CPU has loaded (pv/mmu.c). */
extern paddr_t loaded_root[NR_CPUS];
/* Leave every guest's page tables for the hypervisor's own (going idle). */
void pv_switch_to_idle_address_space(void);
/* The running vCPU leaves this CPU for @next (NULL: idle): the idle
 * tables, unless @next runs on the root that is loaded. */
void pv_leave_address_space(const struct vcpu *next);
/* The TSS's iomap_base for @v in guest kernel or user mode: only the
 * hardware domain's kernel reaches the I/O ports, never its programs. */
static inline uint16_t pv_iomap_base(const struct vcpu *v, bool kernel_mode)
{
	return v->arch.io_ports && kernel_mode ? TSS_IO_BITMAP :
						 TSS_NO_IO_BITMAP;
}
/* The root (MFN) @v runs on in its current mode. */
static inline uint64_t pv_vcpu_root(const struct vcpu *v)
{
	return v->kernel_mode ? v->arch.kernel_root : v->arch.user_root;
}
/* Save a vCPU leaving this CPU (its frame is at @regs), and load one
 * arriving. Saving happens under the scheduler lock: once it is dropped,
 * another CPU may run the vCPU. */
void pv_save_context(struct vcpu *v, const struct cpu_user_regs *regs);
void pv_load_context(struct vcpu *v, struct cpu_user_regs *regs);
void pv_vcpu_time_update(struct vcpu *v);
int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
void pv_cpu_init(unsigned int cpu);
void fpu_init_boot(void);
bool fpu_uses_xsave(void);

/* bench_syscall: the bare syscall/sysret baseline (pv/bench.c). */
void bench_bare_syscall(void);

/* entry.S */
__noreturn void jump_to_guest(struct cpu_user_regs *regs);
__noreturn void reset_stack_and_jump(void (*fn)(void));
extern uint64_t syscall_scratch[][2];	/* [cpu] = { guest RSP, stack top } */
extern const char syscall_stubs[];

#endif
