/*
 * CPU identification and per-CPU descriptor tables.
 */
#include <arch.h>
#include <percpu.h>
#include <printk.h>
#include <string_ops.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/traps.h>

struct cpu_features boot_cpu_features;

void cpu_features_detect(struct cpu_features *f)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t max_leaf = r.eax;

	memset(f, 0, sizeof(*f));
	memcpy(f->vendor + 0, &r.ebx, 4);
	memcpy(f->vendor + 4, &r.edx, 4);
	memcpy(f->vendor + 8, &r.ecx, 4);

	r = cpuid(1, 0);
	f->stepping = r.eax & 0xf;
	f->model = (r.eax >> 4) & 0xf;
	f->family = (r.eax >> 8) & 0xf;
	if (f->family == 0xf)
		f->family += (r.eax >> 20) & 0xff;
	if (f->family >= 6)
		f->model |= ((r.eax >> 16) & 0xf) << 4;
	f->apic = r.edx & (1u << 9);
	f->fxsr = r.edx & (1u << 24);
	f->vmx = r.ecx & (1u << 5);
	f->pcid = r.ecx & (1u << 17);
	f->x2apic = r.ecx & (1u << 21);
	f->tsc_deadline = r.ecx & (1u << 24);
	f->xsave = r.ecx & (1u << 26);
	f->avx = r.ecx & (1u << 28);
	f->hypervisor = r.ecx & (1u << 31);

	if (max_leaf >= 7) {
		r = cpuid(7, 0);
		f->smep = r.ebx & (1u << 7);
		f->avx512f = r.ebx & (1u << 16);
		f->smap = r.ebx & (1u << 20);
	}

	r = cpuid(0x80000000, 0);
	uint32_t max_ext = r.eax;
	if (max_ext >= 0x80000001) {
		r = cpuid(0x80000001, 0);
		f->svm = r.ecx & (1u << 2);
		f->nx = r.edx & (1u << 20);
		f->pdpe1gb = r.edx & (1u << 26);
	}
	if (max_ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i, 0);
			memcpy(f->brand + 16 * i + 0, &r.eax, 4);
			memcpy(f->brand + 16 * i + 4, &r.ebx, 4);
			memcpy(f->brand + 16 * i + 8, &r.ecx, 4);
			memcpy(f->brand + 16 * i + 12, &r.edx, 4);
		}
	}
	if (max_ext >= 0x80000007)
		f->invariant_tsc = cpuid(0x80000007, 0).edx & (1u << 8);
	f->phys_address_bits = 36;
	if (max_ext >= 0x80000008) {
		unsigned int bits = cpuid(0x80000008, 0).eax & 0xff;

		if (bits >= 32 && bits <= 52)
			f->phys_address_bits = bits;
	}
	if (f->svm && max_ext >= 0x8000000a)
		f->npt = cpuid(0x8000000a, 0).edx & (1u << 0);
}

void arch_print_cpu_banner(void)
{
	const struct cpu_features *f = &boot_cpu_features;
	const char *brand = f->brand;

	while (*brand == ' ')
		brand++;
	printk("CPU: %s family %#x model %#x stepping %u: %s\n", f->vendor,
	       f->family, f->model, f->stepping, brand);
	printk("CPU features:%s%s%s%s%s%s%s%s%s%s%s%s%s%s\n",
	       f->nx ? " nx" : "", f->pdpe1gb ? " pdpe1gb" : "",
	       f->apic ? " apic" : "", f->x2apic ? " x2apic" : "",
	       f->tsc_deadline ? " tsc-deadline" : "",
	       f->invariant_tsc ? " invariant-tsc" : "",
	       f->xsave ? " xsave" : "", f->avx ? " avx" : "",
	       f->avx512f ? " avx512f" : "", f->pcid ? " pcid" : "",
	       f->smep ? " smep" : "", f->smap ? " smap" : "",
	       f->hypervisor ? " hypervisor" : "", f->fxsr ? " fxsr" : "");
	printk("Virtualization: SVM %s%s, VMX %s\n",
	       f->svm ? "yes" : "no", f->svm ? (f->npt ? " (NPT)" : " (no NPT)") : "",
	       f->vmx ? "yes" : "no");
}

/* A 16-byte system descriptor for the TSS occupies two GDT slots. Its
 * limit takes in the I/O bitmap after it (struct arch_percpu). */
static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) + IO_BITMAP_SIZE - 1;

	/* The byte of ones after the bitmap is the last the limit takes. */
	BUILD_BUG_ON(TSS_IO_BITMAP + IO_BITMAP_BYTES !=
		     sizeof(struct tss64) + IO_BITMAP_SIZE - 1);

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

/*
 * The descriptor of the vCPU-id segment: read-only data, DPL 3, base 0,
 * byte granular, its 20-bit limit the vCPU id (and NUMA node 0 above bit
 * 12), as Linux's native GDT entry has it. Loading it into a data
 * register gives a guest nothing: in 64-bit mode base 0 and the limit is
 * not checked, and SS refuses a read-only segment.
 */
static uint64_t vcpu_id_descriptor(unsigned int vcpu_id)
{
	uint64_t limit = vcpu_id & 0xfff;

	return (limit & 0xffff) | (0xf5ULL << 40) |
	       (((limit >> 16) & 0xf) << 48) | (0x4ULL << 52);
}

void cpu_set_vcpu_id_segment(unsigned int vcpu_id)
{
	this_cpu()->arch.gdt[GDT_VCPU_ID / 8] = vcpu_id_descriptor(vcpu_id);
}

void arch_cpu_init(struct percpu *pc)
{
	struct arch_percpu *a = &pc->arch;
	char *block = a->stack_block;

	memset(a->gdt, 0, sizeof(a->gdt));
	a->gdt[GDT_HYP_CS / 8] = 0x00af9a000000ffffULL;
	a->gdt[GDT_HYP_DS / 8] = 0x00cf92000000ffffULL;
	/* The 32-bit slot only anchors sysret's selector arithmetic
	 * (STAR[63:48]): sysretq to 64-bit mode never reads it. It stays
	 * null, so no guest can enter compatibility mode, whose `syscall`
	 * would go through CSTAR. */
	a->gdt[GDT_USER_CS32 / 8] = 0;
	a->gdt[GDT_USER_DS / 8] = 0x00cff2000000ffffULL;
	a->gdt[GDT_USER_CS64 / 8] = 0x00affa000000ffffULL;
	a->gdt[GDT_VCPU_ID / 8] = vcpu_id_descriptor(0);

	memset(&a->tss, 0, sizeof(a->tss));
	a->tss.rsp[0] = (uint64_t)stack_block_cpu_info(block);
	/* IST stack n is page n of the block; it grows down from the page's
	 * end. */
	a->tss.ist[IST_NMI - 1] = (uint64_t)block + (IST_NMI + 1) * PAGE_SIZE;
	a->tss.ist[IST_DF - 1] = (uint64_t)block + (IST_DF + 1) * PAGE_SIZE;
	a->tss.ist[IST_MC - 1] = (uint64_t)block + (IST_MC + 1) * PAGE_SIZE;
	/* No ports until pv_cpu_init() has filled the bitmap, and then only
	 * for the hardware domain's vCPUs (pv_load_context()). */
	a->tss.iomap_base = TSS_NO_IO_BITMAP;
	gdt_set_tss(a->gdt, &a->tss);

	struct desc_ptr gdtr = { sizeof(a->gdt) - 1, (uint64_t)a->gdt };
	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "mov %2, %%ds\n\t"
		     "mov %2, %%es\n\t"
		     "mov %2, %%ss\n\t"
		     : : "m"(gdtr), "i"(GDT_HYP_CS), "r"(GDT_HYP_DS)
		     : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(GDT_TSS));
	idt_load();

	/* SMEP: ring 0 never executes a user page, i.e. guest memory. */
	write_cr4(read_cr4() | X86_CR4_PGE |
		  (boot_cpu_features.smep ? X86_CR4_SMEP : 0));
	write_cr0(read_cr0() | X86_CR0_WP);
}
