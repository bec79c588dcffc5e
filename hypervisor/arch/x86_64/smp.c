/*
 * Bringing up the secondary CPUs.
 *
 * For each CPU the MADT lists, the boot CPU prepares a stack block and a
 * struct percpu, copies the trampoline to low memory and sends the
 * INIT-SIPI-SIPI sequence the MP specification describes. The new CPU
 * walks the trampoline into long mode, arrives at ap_start64 (head.S) and
 * then start_secondary(), which sets itself online. The boot CPU waits a
 * bounded time for that, so a CPU that never answers is reported and
 * skipped rather than hanging the boot.
 */
#include <arch.h>
#include <mm.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <smp.h>
#include <string_ops.h>
#include <system_time.h>
#include <timer.h>
#include <asm/apic.h>
#include <asm/boot.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/platform.h>

/* Read by ap_start64 before it has a stack. */
uint64_t ap_boot_stack;
uint64_t ap_boot_cr3;

static void *trampoline_field(uint64_t *field)
{
	return (char *)phys_to_virt(TRAMPOLINE_PHYS) +
	       ((const char *)field - trampoline_start);
}

static void trampoline_install(void)
{
	size_t len = trampoline_end - trampoline_start;

	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, len);
	*(uint64_t *)trampoline_field(&tramp_cr3) =
		virt_to_phys(boot_pml4);
	*(uint64_t *)trampoline_field(&tramp_entry) = (uint64_t)ap_start64;
}

void *arch_alloc_stack_block(unsigned int cpu)
{
	paddr_t pa = frame_alloc(STACK_ORDER);

	if (!pa)
		return NULL;
	void *block = phys_to_virt(pa);
	struct cpu_info *ci = stack_block_cpu_info(block);
	ci->cpu = cpu;
	return block;
}

static bool start_cpu(unsigned int cpu, uint32_t apic_id)
{
	struct percpu *pc = xzalloc(sizeof(*pc));
	void *block = arch_alloc_stack_block(cpu);

	if (!pc || !block) {
		printk(LOG_ERR "SMP: no memory to start CPU%u\n", cpu);
		xfree(pc);
		if (block)
			frame_free(virt_to_phys(block), STACK_ORDER);
		return false;
	}
	pc->cpu = cpu;
	pc->arch.stack_block = block;
	pc->arch.apic_id = apic_id;
	stack_block_cpu_info(block)->percpu = pc;
	percpu_table[cpu] = pc;

	/* Start below the cpu_info and the guest-frame slot (asm/pv.h). */
	ap_boot_stack = (uint64_t)stack_block_cpu_info(block) - 256;
	ap_boot_cr3 = idle_pml4_phys;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	apic_send_ipi(apic_id, APIC_ICR_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
	udelay(10000);
	for (unsigned int sipi = 0; sipi < 2; sipi++) {
		apic_send_ipi(apic_id, APIC_ICR_STARTUP | (TRAMPOLINE_PHYS >> 12));
		udelay(200);
		if (READ_ONCE(pc->online))
			break;
	}
	/* Give it up to a second (TCG on a loaded host can be slow). */
	for (unsigned int i = 0; i < 10000 && !READ_ONCE(pc->online); i++)
		udelay(100);
	if (READ_ONCE(pc->online))
		return true;

	printk(LOG_ERR "SMP: CPU%u (APIC id %u) did not come online\n", cpu,
	       apic_id);
	/* The CPU may still be running the trampoline; leave its stack and
	 * percpu allocated rather than free memory it might touch. */
	percpu_table[cpu] = NULL;
	return false;
}

void smp_boot_cpus(unsigned int max_cpus)
{
	uint32_t self = apic_current_id();
	unsigned int next_cpu = 1;

	trampoline_install();
	for (unsigned int i = 0; i < platform_cpus.count; i++) {
		uint32_t id = platform_cpus.apic_ids[i];

		if (id == self)
			continue;
		if (next_cpu >= max_cpus || next_cpu >= NR_CPUS) {
			printk("SMP: CPU with APIC id %u left offline "
			       "(limit %u)\n", id, MIN(max_cpus, NR_CPUS));
			continue;
		}
		if (start_cpu(next_cpu, id))
			next_cpu++;
	}
}

void smp_stop_other_cpus(void)
{
	if (nr_cpus_online > 1)
		apic_send_ipi_all_but_self(APIC_ICR_NMI | APIC_ICR_ASSERT);
}

void arch_send_call_function_ipi(unsigned int cpu)
{
	apic_send_ipi(percpu_table[cpu]->arch.apic_id, VECTOR_CALL_FUNCTION);
}

void arch_send_event_check_ipi(unsigned int cpu)
{
	if (percpu_table[cpu])
		apic_send_ipi(percpu_table[cpu]->arch.apic_id,
			      VECTOR_EVENT_CHECK);
}
