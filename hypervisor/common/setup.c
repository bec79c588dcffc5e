/*
 * The boot sequence, from the first C code on the boot CPU to the idle
 * loop. Each step is a call into a subsystem; docs/boot.md walks through
 * them with the files that implement each.
 */
#include <arch.h>
#include <domain.h>
#include <domain_build.h>
#include <scheduler.h>
#include <asm/pv.h>
#include <cmdline.h>
#include <iomem.h>
#include <memory.h>
#include <mm.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <setup.h>
#include <smp.h>
#include <string_ops.h>
#include <system_time.h>
#include <timer.h>
#include <version.h>
#include <asm/cpu.h>

extern const struct option __options_start[], __options_end[];

bool opt_test;
OPTION_BOOL("test", opt_test);

static unsigned int opt_smp = NR_CPUS;
OPTION_UINT("smp", opt_smp);

struct percpu *percpu_table[NR_CPUS];
unsigned int nr_cpus_online = 1;

static void report_bad_option(const char *word, size_t len, const char *why)
{
	printk(LOG_WARNING "Command line: ignoring '%.*s': %s\n", (int)len,
	       word, why);
}

static void print_boot_information(const struct boot_info *bi, int parse_rc)
{
	printk("Keel %s (git %s) starting\n", keel_version, keel_git_revision);
	printk("Built: %s\n", keel_build_info);
	printk("Boot loader: %s\n", bi->loader_name[0] ? bi->loader_name :
							  "(unnamed)");
	printk("Command line: %s\n", bi->cmdline);
	for (unsigned int i = 0; i < bi->nr_warnings; i++)
		printk(LOG_WARNING "Multiboot2: %s\n", bi->warnings[i]);
	if (parse_rc)
		printk(LOG_WARNING "Multiboot2: information block is damaged; "
		       "using what came before the damage\n");
	arch_print_cpu_banner();
}

static void print_modules(const struct boot_info *bi)
{
	printk("Modules: %u\n", bi->nr_modules);
	for (unsigned int i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];

		printk("  module %u: [%#010llx-%#010llx) %llu bytes, "
		       "command line \"%s\"\n", i,
		       (unsigned long long)m->start, (unsigned long long)m->end,
		       (unsigned long long)(m->end - m->start), m->cmdline);
	}
}

__noreturn void test_exit(unsigned int status)
{
	printk(LOG_EMERG "KEEL-EXIT: %s\n",
	       status == TEST_EXIT_SUCCESS ? "success" : "failure");
	arch_test_exit(status);
}

__noreturn void start_hypervisor(struct boot_info *bi, int parse_rc)
{
	/* Options first: they decide the console and the log level. Errors
	 * go to the log ring now and reach the console when it registers. */
	cmdline_parse(bi->cmdline, __options_start, __options_end,
		      report_bad_option);
	arch_console_init();
	print_boot_information(bi, parse_rc);
	if (bi->nr_mmap == 0)
		panic("the boot loader gave no memory map");

	mm_init(bi);
	iomem_init(bi);
	memory_init();
	print_modules(bi);

	arch_platform_init(bi);
	time_init();
	arch_boot_cpu_init_late();
	timer_cpu_init(0);
	scheduler_init();
	scheduler_cpu_init(0);
	percpu_table[0]->online = true;
	wallclock_init();
	fpu_init_boot();
	irq_enable();

	smp_boot_cpus(opt_smp ? opt_smp : 1);
	printk("SMP: %u CPU%s online\n", nr_cpus_online,
	       nr_cpus_online == 1 ? "" : "s");

	debug_fault_maybe_trigger();
	bool ok = selftests_run();
	bench_bare_syscall();
	domain_build_all(bi);

	struct mm_stats st;
	mm_get_stats(&st);
	printk("Memory: %llu frames free, %llu used; heap %llu bytes in "
	       "%llu objects\n", (unsigned long long)st.free_frames,
	       (unsigned long long)st.used_frames,
	       (unsigned long long)st.heap.bytes_in_use,
	       (unsigned long long)st.heap.objects_in_use);
	printk("Keel: boot complete\n");

	/* In test mode, the boot's work is done now, unless domains run:
	 * then the last one to exit ends the machine (domain_reap). */
	if (opt_test && (!ok || nr_domains_created == 0))
		test_exit(ok ? TEST_EXIT_SUCCESS : TEST_EXIT_FAILURE);
	idle_loop();
}

/*
 * Every CPU ends up here when it has no vCPU to run. Interrupts are
 * disabled while it looks for work, and `sti; hlt` waits atomically, so
 * a wake-up IPI cannot slip in between the look and the halt.
 */
__noreturn void idle_loop(void)
{
	for (;;) {
		/* The reaper's work first: a CPU sent here to reap
		 * (schedule_on_exit) would otherwise take a vCPU at once. */
		if (domain_reap_wanted()) {
			irq_enable();
			domain_reap();
		}
		irq_disable();
		schedule_from_idle();	/* does not return if it found a vCPU */
		irq_enable();
		domain_reap();
		irq_disable();
		if (sched_reschedule_pending())
			continue;
		safe_halt();
	}
}
