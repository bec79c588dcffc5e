/*
 * x86-64 entry into C.
 *
 * head.S calls arch_start() on the boot CPU's stack, in long mode, on the
 * boot page tables (first 4 GiB mapped 1:1 and at DIRECTMAP_START). This
 * file gives the boot CPU its descriptor tables, so that a fault from here
 * on is reported rather than triple-faulting, reads the Multiboot2
 * information while it is still mapped, and hands over to the generic
 * start_hypervisor(). Secondary CPUs enter at start_secondary().
 */
#include <arch.h>
#include <cmdline.h>
#include <mm.h>
#include <multiboot2.h>
#include <percpu.h>
#include <printk.h>
#include <setup.h>
#include <string_ops.h>
#include <smp.h>
#include <timer.h>
#include <asm/apic.h>
#include <scheduler.h>
#include <asm/pv.h>
#include <asm/boot.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/serial.h>
#include <asm/traps.h>

#define DEBUG_EXIT_PORT 0xf4

static struct percpu boot_percpu;
static struct boot_info boot_info;

static char opt_console[32] = "com1";
OPTION_STRING("console", opt_console);

static const struct {
	const char *name;
	uint16_t port;
} serial_ports[] = {
	{ "com1", 0x3f8 }, { "com2", 0x2f8 }, { "com3", 0x3e8 }, { "com4", 0x2e8 },
};

void arch_console_init(void)
{
	uint64_t port;

	for (unsigned int i = 0; i < ARRAY_SIZE(serial_ports); i++) {
		if (!strcmp(opt_console, serial_ports[i].name)) {
			serial_init(serial_ports[i].port);
			return;
		}
	}
	if (!strcmp(opt_console, "none"))
		return;
	if (!parse_size(opt_console, strlen(opt_console), &port, false) &&
	    port > 0 && port < 0xfff8) {
		serial_init((uint16_t)port);
		return;
	}
	/* Unusable value: fall back to COM1 and say so. */
	serial_init(0x3f8);
	printk(LOG_WARNING "console=%s not understood; using com1\n",
	       opt_console);
}

__noreturn void arch_start(uint32_t mbi_phys)
{
	struct cpu_info *ci = stack_block_cpu_info(boot_stack_block);

	ci->percpu = &boot_percpu;
	ci->cpu = 0;
	boot_percpu.cpu = 0;
	boot_percpu.arch.stack_block = boot_stack_block;
	percpu_table[0] = &boot_percpu;

	cpu_features_detect(&boot_cpu_features);
	idt_init();
	arch_cpu_init(&boot_percpu);

	/* The boot tables map the first 4 GiB, where GRUB puts the block.
	 * Read its size first, then parse at most that much. */
	const uint8_t *mbi = (const uint8_t *)phys_to_virt(mbi_phys);
	uint32_t total = *(const uint32_t *)mbi;
	size_t avail = MIN((size_t)total, (size_t)MB2_INFO_MAX_SIZE);
	if ((uint64_t)mbi_phys + avail > BOOT_DIRECTMAP_LIMIT)
		avail = BOOT_DIRECTMAP_LIMIT - mbi_phys;
	int rc = multiboot2_parse(mbi, avail, &boot_info);

	start_hypervisor(&boot_info, rc);
}

__noreturn void start_secondary(void)
{
	struct percpu *pc = this_cpu();

	arch_cpu_init(pc);
	apic_cpu_init();
	timer_cpu_init(pc->cpu);
	scheduler_cpu_init(pc->cpu);
	pv_cpu_init(pc->cpu);
	printk("CPU%u: APIC id %u online\n", pc->cpu, apic_current_id());
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	WRITE_ONCE(pc->online, true);
	irq_enable();
	idle_loop();
}

void arch_boot_cpu_init_late(void)
{
	apic_cpu_init();
	boot_percpu.arch.apic_id = apic_current_id();
	apic_timer_calibrate();
	printk("CPU0: APIC id %u online (boot CPU)\n", boot_percpu.arch.apic_id);
}

__noreturn void arch_test_exit(unsigned int status)
{
	if (opt_test)
		outl(DEBUG_EXIT_PORT, status);
	/* Not in test mode, or no debug-exit device: stop here. */
	halt_forever();
}
