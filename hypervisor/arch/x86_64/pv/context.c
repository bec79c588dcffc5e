/*
 * vCPU context: what changes on the CPU when a different vCPU, or a
 * different mode of the same vCPU, runs.
 *
 * A PV vCPU's state is its register frame (saved in struct vcpu while it
 * is off-CPU), its FPU/SSE/AVX state, its FS and GS bases, and which page
 * tables it runs on: the domain's kernel root in guest kernel mode, the
 * user root in guest user mode. The FPU state is switched eagerly, with
 * XSAVE when the CPU has it: guests never see another vCPU's registers.
 */
#include <frame_type.h>
#include <mm.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <string_ops.h>
#include <system_time.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/serial.h>

#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_FMASK  0xc0000084
#define MSR_SYSENTER_CS 0x174
#define EFER_SCE   (1ULL << 0)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_OSXSAVE    (1UL << 18)
#define XCR0_X87   (1ULL << 0)
#define XCR0_SSE   (1ULL << 1)
#define XCR0_AVX   (1ULL << 2)

static bool use_xsave;
static uint64_t xsave_mask;
static void *fpu_template;	/* the state of a freshly reset FPU */

bool fpu_uses_xsave(void)
{
	return use_xsave;
}

static void xsetbv(uint32_t reg, uint64_t v)
{
	asm volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)));
}

static void fpu_save(void *area)
{
	if (use_xsave)
		asm volatile("xsave64 (%0)" : : "r"(area),
			     "a"((uint32_t)xsave_mask),
			     "d"((uint32_t)(xsave_mask >> 32)) : "memory");
	else
		asm volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fpu_restore(const void *area)
{
	if (use_xsave)
		asm volatile("xrstor64 (%0)" : : "r"(area),
			     "a"((uint32_t)xsave_mask),
			     "d"((uint32_t)(xsave_mask >> 32)) : "memory");
	else
		asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* Every CPU: the syscall entry, and FPU/SSE/AVX enabled for guests. */
void pv_cpu_init(unsigned int cpu)
{
	const struct cpu_features *f = &boot_cpu_features;

	/* syscall: CS/SS from STAR[47:32]; sysret: from STAR[63:48]. */
	wrmsr(MSR_STAR, ((uint64_t)GDT_USER_CS32 << 48) |
			((uint64_t)GDT_HYP_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_stubs + 64 * cpu);
	/* Enter with IF, TF, DF, AC and NT clear. */
	wrmsr(MSR_FMASK, 0x200 | 0x100 | 0x400 | 0x40000 | 0x4000);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* No way in by sysenter: with SYSENTER_CS 0 it raises #GP in ring 3
	 * (and is #UD on AMD in 64-bit mode anyway). Whatever a loader left
	 * there must not enter ring 0 without clearing TF and NT. */
	wrmsr(MSR_SYSENTER_CS, 0);
	syscall_scratch[cpu][1] = (uint64_t)get_cpu_info();
	pv_mmu_cpu_init(cpu);
	/* The console's port is known by now. */
	io_bitmap_fill_hardware_domain(this_cpu()->arch.io_bitmap,
				       serial_port_base());

	/* AM lets a guest that sets RFLAGS.AC get alignment checks (#AC). */
	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP |
		  X86_CR0_NE | X86_CR0_AM);
	uint64_t cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (f->xsave)
		cr4 |= X86_CR4_OSXSAVE;
	write_cr4(cr4);
	if (f->xsave)
		xsetbv(0, xsave_mask);
}

void fpu_init_boot(void)
{
	const struct cpu_features *f = &boot_cpu_features;

	use_xsave = f->xsave;
	xsave_mask = XCR0_X87 | XCR0_SSE | (f->avx ? XCR0_AVX : 0);
	pv_cpu_init(0);
	if (use_xsave && cpuid(0xd, 0).ebx > PAGE_SIZE)
		panic("XSAVE area larger than a page");

	paddr_t pa = frame_alloc(0);
	if (!pa)
		panic("no memory for the FPU template");
	fpu_template = phys_to_virt(pa);
	uint32_t mxcsr = 0x1f80;
	asm volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	fpu_save(fpu_template);
	printk("FPU: guest state saved with %s (%s)\n",
	       use_xsave ? "XSAVE" : "FXSAVE",
	       xsave_mask & XCR0_AVX ? "x87, SSE, AVX" : "x87, SSE");
}

int arch_vcpu_init(struct vcpu *v)
{
	paddr_t pa = frame_alloc(0);

	if (!pa)
		return -KEEL_ENOMEM;
	v->arch.fpu_state = phys_to_virt(pa);
	memcpy(v->arch.fpu_state, fpu_template, PAGE_SIZE);
	v->arch.io_ports = v->domain->hardware;
	return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
	if (v->arch.fpu_state)
		frame_free(virt_to_phys(v->arch.fpu_state), 0);
	v->arch.fpu_state = NULL;
}

void pv_switch_to_idle_address_space(void)
{
	pv_load_page_table(FRAME_OWNER_NONE, idle_pml4_phys);
}

/*
 * The running vCPU leaves this CPU for @next (NULL: the idle loop). Its
 * page tables must not stay loaded: once the scheduler's lock drops,
 * another CPU may run it, and it may give up its root, which then stops
 * being a page table and becomes a page the guest may write, hypervisor
 * slots and all, while this CPU still runs on it. So switch to the idle
 * tables, unless @next runs on the very root that is loaded: @next holds
 * its own reference on it, so it stays a validated L4, and the switch
 * and switch back would be two CPU-wide TLB flushes for nothing. (SMP
 * guest kernels run every vCPU on one root most of the time.)
 */
void pv_leave_address_space(const struct vcpu *next)
{
	if (next && pv_page_table_loaded(next->domain->domid,
					 pv_vcpu_root(next) << PAGE_SHIFT))
		return;
	pv_switch_to_idle_address_space();
}

/* pvclock: time = system_time + (((tsc - tsc_timestamp) << shift) * mul
 * >> 32). Pick shift so that mul fits in 32 bits with full precision. */
static void pvclock_scale(uint32_t *mul, int8_t *shift)
{
	uint64_t m = (NSEC_PER_MSEC << 32) / tsc_khz;
	int s = 0;

	while (m >= (1ULL << 32)) {
		m >>= 1;
		s++;
	}
	while (m < (1ULL << 31) && s > -31) {
		m <<= 1;
		s--;
	}
	*mul = (uint32_t)m;
	*shift = (int8_t)s;
}

void pv_vcpu_time_update(struct vcpu *v)
{
	struct keel_vcpu_time_info *t = &v->vcpu_info->time;
	uint64_t tsc = rdtsc();

	WRITE_ONCE(t->version, t->version + 1);	/* odd: update under way */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = tsc_to_system_time(tsc);
	pvclock_scale(&t->tsc_to_system_mul, &t->tsc_shift);
	t->flags = KEEL_PVCLOCK_TSC_STABLE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(t->version, t->version + 1);
}

void pv_save_context(struct vcpu *v, const struct cpu_user_regs *regs)
{
	/* TS may be set for v's virtual TS; the FPU must be usable to save
	 * it. */
	asm volatile("clts");
	v->regs = *regs;
	fpu_save(v->arch.fpu_state);
	/* The GS bases as the guest left them, selector loads and all (the
	 * FS base is what set_segment_base last said, as before). */
	uint64_t gs_active = rdmsr(MSR_GS_BASE);
	uint64_t gs_inactive = rdmsr(MSR_KERNEL_GS_BASE);

	v->arch.gs_base_kernel = v->kernel_mode ? gs_active : gs_inactive;
	v->arch.gs_base_user = v->kernel_mode ? gs_inactive : gs_active;
}

void pv_load_context(struct vcpu *v, struct cpu_user_regs *regs)
{
	asm volatile("clts");
	*regs = v->regs;
	fpu_restore(v->arch.fpu_state);
	wrmsr(MSR_FS_BASE, v->arch.fs_base);
	wrmsr(MSR_GS_BASE, v->kernel_mode ? v->arch.gs_base_kernel :
					    v->arch.gs_base_user);
	wrmsr(MSR_KERNEL_GS_BASE, v->kernel_mode ? v->arch.gs_base_user :
						   v->arch.gs_base_kernel);
	cpu_set_vcpu_id_segment(v->vcpu_id);
	this_cpu()->arch.tss.iomap_base = pv_iomap_base(v, v->kernel_mode);
	pv_switch_mode(v, v->kernel_mode);	/* the root: the mode stays */
	if (v->virtual_ts)
		write_cr0(read_cr0() | X86_CR0_TS);
	pv_vcpu_time_update(v);
}
