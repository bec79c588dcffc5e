/*
 * Exceptions and interrupts taken in the hypervisor.
 *
 * entry.S builds a struct cpu_user_regs for every vector and calls
 * do_interrupt(). An exception from a guest (ring 3) is the guest's and
 * is bounced to it (pv/traps.c); one from the hypervisor is its own bug,
 * unless it hit a guarded guest access (fixup_exception): it is dumped
 * with a symbolized backtrace and ends in panic(). NMIs are how a
 * panicking CPU stops the others.
 */
#include <arch.h>
#include <gsi.h>
#include <msi.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <smp.h>
#include <symbols.h>
#include <timer.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <asm/traps.h>

extern const char interrupt_stubs[];
static struct idt_entry idt[256] __aligned(16);

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved (15)",
	"#MF x87 floating point", "#AC alignment check", "#MC machine check",
	"#XM SIMD floating point", "#VE virtualization",
	"#CP control protection", "reserved (22)", "reserved (23)",
	"reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
	"#HV hypervisor injection", "#VC VMM communication",
	"#SX security", "reserved (31)",
};

const char *exception_name(unsigned int vector)
{
	return vector < 32 ? exception_names[vector] : "interrupt";
}

static void idt_set_gate(unsigned int vector, const void *handler,
			 unsigned int ist)
{
	uint64_t addr = (uint64_t)handler;

	idt[vector] = (struct idt_entry){
		.offset_low = addr & 0xffff,
		.selector = GDT_HYP_CS,
		.ist = ist,
		.type_attr = 0x8e,	/* present, ring 0, interrupt gate */
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_high = addr >> 32,
	};
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		idt_set_gate(v, interrupt_stubs + 16 * v, 0);
	/* These may arrive on a broken stack, or while another handler runs:
	 * give them stacks of their own. */
	idt_set_gate(VECTOR_NMI, interrupt_stubs + 16 * VECTOR_NMI, IST_NMI);
	idt_set_gate(VECTOR_DF, interrupt_stubs + 16 * VECTOR_DF, IST_DF);
	idt_set_gate(VECTOR_MC, interrupt_stubs + 16 * VECTOR_MC, IST_MC);
	/* int3 and into may be used by guest code in ring 3, as a real
	 * CPU's DPL-3 gates allow; every other `int n` raises #GP. */
	idt[3].type_attr = 0xee;
	idt[4].type_attr = 0xee;
}

void idt_load(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

	asm volatile("lidt %0" : : "m"(idtr));
}

static void print_symbol(const char *prefix, uint64_t addr)
{
	uint64_t offset, size;
	const char *name = symbol_lookup(&keel_symbols, addr, &offset, &size);

	if (name)
		printk(LOG_EMERG "%s[<%016llx>] %s+%#llx/%#llx\n", prefix,
		       (unsigned long long)addr, name,
		       (unsigned long long)offset, (unsigned long long)size);
	else
		printk(LOG_EMERG "%s[<%016llx>] ?\n", prefix,
		       (unsigned long long)addr);
}

/* Walk the frame-pointer chain. Each frame holds the caller's RBP and the
 * return address; only frames inside this CPU's stack block are followed,
 * so a corrupt chain ends the walk instead of faulting again. */
static bool on_this_stack(uint64_t addr, uint64_t len)
{
	uint64_t block = (uint64_t)get_cpu_info() + sizeof(struct cpu_info) -
			 STACK_SIZE;

	return addr >= block && addr + len <= block + STACK_SIZE;
}

static void print_backtrace(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	uint64_t offset, size;

	printk(LOG_EMERG "Backtrace:\n");
	if (rip)
		print_symbol("   ", rip);
	/* A jump or call to a bad address leaves RIP meaningless, but a call
	 * pushed its return address at RSP: show it as the likely caller. */
	if (rsp && !symbol_lookup(&keel_symbols, rip, &offset, &size) &&
	    on_this_stack(rsp, 8))
		print_symbol(" ? ", *(const uint64_t *)rsp);
	for (unsigned int depth = 0; depth < 32; depth++) {
		if (!on_this_stack(rbp, 16) || (rbp & 7))
			break;
		const uint64_t *frame = (const uint64_t *)rbp;
		if (frame[1] == 0)
			break;
		print_symbol("   ", frame[1]);
		rbp = frame[0];
	}
}

void arch_dump_state(const struct cpu_user_regs *r)
{
	if (!r) {
		print_backtrace(0, 0, read_rbp());
		return;
	}
	printk(LOG_EMERG "----[ Keel hypervisor fault on CPU%u ]----\n",
	       smp_processor_id());
	printk(LOG_EMERG "Vector: %llu (%s), error code %#llx\n",
	       (unsigned long long)r->vector, exception_name(r->vector),
	       (unsigned long long)r->error_code);
	print_symbol("RIP: ", r->rip);
	printk(LOG_EMERG "CS: %04llx  SS: %04llx  RFLAGS: %016llx\n",
	       (unsigned long long)r->cs, (unsigned long long)r->ss,
	       (unsigned long long)r->rflags);
	printk(LOG_EMERG "rax: %016llx  rbx: %016llx  rcx: %016llx\n",
	       (unsigned long long)r->rax, (unsigned long long)r->rbx,
	       (unsigned long long)r->rcx);
	printk(LOG_EMERG "rdx: %016llx  rsi: %016llx  rdi: %016llx\n",
	       (unsigned long long)r->rdx, (unsigned long long)r->rsi,
	       (unsigned long long)r->rdi);
	printk(LOG_EMERG "rbp: %016llx  rsp: %016llx  r8:  %016llx\n",
	       (unsigned long long)r->rbp, (unsigned long long)r->rsp,
	       (unsigned long long)r->r8);
	printk(LOG_EMERG "r9:  %016llx  r10: %016llx  r11: %016llx\n",
	       (unsigned long long)r->r9, (unsigned long long)r->r10,
	       (unsigned long long)r->r11);
	printk(LOG_EMERG "r12: %016llx  r13: %016llx  r14: %016llx\n",
	       (unsigned long long)r->r12, (unsigned long long)r->r13,
	       (unsigned long long)r->r14);
	printk(LOG_EMERG "r15: %016llx\n", (unsigned long long)r->r15);
	printk(LOG_EMERG "cr0: %016llx  cr2: %016llx  cr3: %016llx  cr4: %016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	print_backtrace(r->rip, r->rsp, r->rbp);
}

static void do_nmi(void)
{
	if (panic_in_progress) {
		/* Another CPU panicked: say so, and stop here for good. */
		__atomic_fetch_add(&cpus_stopped_by_panic, 1, __ATOMIC_SEQ_CST);
		halt_forever();
	}
	printk(LOG_WARNING "CPU%u: unexpected NMI\n", smp_processor_id());
}

void do_interrupt(struct cpu_user_regs *regs)
{
	unsigned int vector = (unsigned int)regs->vector;

	if (vector == VECTOR_NMI) {
		do_nmi();
		return;
	}
	/* #DF and #MC arrive on IST stacks and are fatal wherever they come
	 * from; everything else a guest causes is the guest's. */
	if (vector < 32 && regs_from_guest(regs) && vector != VECTOR_DF &&
	    vector != VECTOR_MC) {
		do_guest_trap(regs);
		return;
	}
	if ((vector == VECTOR_GP || vector == VECTOR_PF) &&
	    fixup_exception(regs))
		return;		/* a guarded access to guest memory */
	if (vector < 32)
		panic_with_regs(regs, "%s in the hypervisor",
				exception_name(vector));

	switch (vector) {
	case VECTOR_TIMER:
		apic_eoi();
		timer_interrupt();
		break;
	case VECTOR_CALL_FUNCTION:
		apic_eoi();
		smp_call_function_interrupt();
		break;
	case VECTOR_EVENT_CHECK:
		/* Nothing to do here: the point was to reach the guest-exit
		 * path (or wake the idle loop), which does the work. */
		apic_eoi();
		break;
	case VECTOR_SPURIOUS:
		break;		/* spurious interrupts take no EOI */
	case VECTOR_APIC_ERROR:
		printk(LOG_WARNING "CPU%u: APIC error %#x\n",
		       smp_processor_id(), apic_read_error());
		apic_eoi();
		break;
	default:
		if (vector >= VECTOR_GSI_BASE &&
		    vector < VECTOR_GSI_BASE + GSI_MAX) {
			/* Before the EOI: a level-triggered line gets masked
			 * there until its domain has handled it. */
			gsi_interrupt(vector - VECTOR_GSI_BASE);
			apic_eoi();
			break;
		}
		if (vector >= VECTOR_MSI_BASE &&
		    vector < VECTOR_MSI_BASE + MSI_MAX) {
			msi_interrupt(vector - VECTOR_MSI_BASE);
			apic_eoi();
			break;
		}
		printk(LOG_WARNING "CPU%u: unexpected interrupt vector %u\n",
		       smp_processor_id(), vector);
		apic_eoi();
		break;
	}
}
