/*
 * Boot-time self-tests and deliberate faults, chosen on the command line.
 * The integration runner (tests/integration/) drives them.
 *
 *   debug_fault=KIND                  fault on purpose after boot, to test
 *                                     the fault report and W^X. KIND is
 *                                     page, divide, ud, panic, write-text
 *                                     (write to our own code), write-text-
 *                                     alias (the same through the direct
 *                                     map), exec-data (jump into .data)
 *   debug_fault_cpu=N                 ... on CPU N (through a cross-CPU
 *                                     call) instead of the boot CPU
 *   selftest=timers[,smpcall]         run these tests; each prints
 *                                     "selftest <name>: PASS|FAIL ..."
 */
#include <cmdline.h>
#include <mm.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <setup.h>
#include <smp.h>
#include <string_ops.h>
#include <system_time.h>
#include <timer.h>
#include <asm/cpu.h>

static char opt_debug_fault[32];
OPTION_STRING("debug_fault", opt_debug_fault);
static unsigned int opt_debug_fault_cpu;
OPTION_UINT("debug_fault_cpu", opt_debug_fault_cpu);
static char opt_selftest[64];
OPTION_STRING("selftest", opt_selftest);

static volatile int zero;
/* A "function" in writable data: a ret instruction. */
static uint8_t data_ret[16] = { 0xc3 };

/* Not inlined, so the backtrace names it. */
static __attribute__((noinline, noclone)) void debug_trigger_fault(const char *kind)
{
	if (!strcmp(kind, "page"))
		*(volatile uint64_t *)0xffff8000dead0000ULL = 1;
	else if (!strcmp(kind, "divide"))
		/* In asm: the compiler rewrites 1 / x without a division. */
		asm volatile("divl %2" : "=a"(zero) : "a"(1), "r"(zero), "d"(0));
	else if (!strcmp(kind, "ud"))
		asm volatile("ud2");
	else if (!strcmp(kind, "panic"))
		panic("debug_fault=panic requested");
	else if (!strcmp(kind, "write-text"))
		*(volatile uint8_t *)(uintptr_t)debug_fault_maybe_trigger = 0xcc;
	else if (!strcmp(kind, "write-text-alias"))
		*(volatile uint8_t *)phys_to_virt(virt_to_phys(
			(const void *)(uintptr_t)debug_fault_maybe_trigger)) = 0xcc;
	else if (!strcmp(kind, "exec-data"))
		((void (*)(void))(uintptr_t)data_ret)();
	printk(LOG_WARNING "debug_fault=%s: did not fault (kinds: page, divide, "
	       "ud, panic, write-text, write-text-alias, exec-data)\n", kind);
}

static void debug_trigger_fault_here(void *kind)
{
	debug_trigger_fault(kind);
}

void debug_fault_maybe_trigger(void)
{
	unsigned int cpu = opt_debug_fault_cpu;

	if (!opt_debug_fault[0])
		return;
	if (cpu >= NR_CPUS || !(cpu_online_mask() & (1ULL << cpu))) {
		printk(LOG_WARNING "debug_fault_cpu=%u: no such CPU online\n", cpu);
		return;
	}
	printk("debug_fault=%s: faulting on purpose on CPU%u\n",
	       opt_debug_fault, cpu);
	if (cpu == smp_processor_id())
		debug_trigger_fault(opt_debug_fault);
	else
		smp_call_function_mask(1ULL << cpu, debug_trigger_fault_here,
				       opt_debug_fault);
}

/*
 * Timer test: every CPU arms TIMERS_PER_CPU one-shot timers with expiries
 * spread over ~20 ms in a scrambled order. Each timer records the time it
 * ran. Pass when, on every CPU, all ran, none ran before its expiry, and
 * they ran in expiry order.
 */
#define TIMERS_PER_CPU 100

struct timer_test_cpu {
	struct timer timers[TIMERS_PER_CPU];
	uint64_t fired_at[TIMERS_PER_CPU];
	unsigned int order[TIMERS_PER_CPU];	/* index of n-th to run */
	unsigned int fired;
};

static struct timer_test_cpu *timer_test[NR_CPUS];

static void timer_test_fn(struct timer *t, void *data)
{
	struct timer_test_cpu *tc = data;
	unsigned int idx = t - tc->timers;

	tc->fired_at[idx] = now_ns();
	tc->order[tc->fired] = idx;
	WRITE_ONCE(tc->fired, tc->fired + 1);
}

static void timer_test_arm(void *unused)
{
	unsigned int cpu = smp_processor_id();
	struct timer_test_cpu *tc = timer_test[cpu];
	uint64_t base = now_ns() + 2 * NSEC_PER_MSEC;

	(void)unused;
	for (unsigned int i = 0; i < TIMERS_PER_CPU; i++) {
		/* 37 is coprime with 100: a permutation of 0..99. */
		uint64_t slot = (i * 37) % TIMERS_PER_CPU;

		timer_init(&tc->timers[i], timer_test_fn, tc, cpu);
		timer_set(&tc->timers[i], base + slot * 200 * NSEC_PER_USEC +
					  cpu * 7 * NSEC_PER_USEC);
	}
}

static bool selftest_timers(void)
{
	cpumask_t online = cpu_online_mask();
	bool ok = true;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!(online & (1ULL << cpu)))
			continue;
		timer_test[cpu] = xzalloc(sizeof(struct timer_test_cpu));
		if (!timer_test[cpu])
			panic("selftest timers: out of memory");
	}
	smp_call_function_mask(online, timer_test_arm, NULL);

	/* Wait, bounded, for every CPU's timers. Poll rather than halt: no
	 * interrupt is due here once this CPU's own timers have run. */
	uint64_t deadline = now_ns() + 5 * NSEC_PER_SEC;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!timer_test[cpu])
			continue;
		while (READ_ONCE(timer_test[cpu]->fired) < TIMERS_PER_CPU &&
		       now_ns() < deadline)
			udelay(50);
	}

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct timer_test_cpu *tc = timer_test[cpu];
		unsigned int early = 0, out_of_order = 0;

		if (!tc)
			continue;
		for (unsigned int n = 0; n < tc->fired; n++) {
			struct timer *t = &tc->timers[tc->order[n]];

			if (tc->fired_at[tc->order[n]] < t->expires)
				early++;
			if (n && tc->timers[tc->order[n - 1]].expires > t->expires)
				out_of_order++;
		}
		bool cpu_ok = tc->fired == TIMERS_PER_CPU && !early &&
			      !out_of_order;
		printk("selftest timers: CPU%u: %u/%u fired, %u early, %u out "
		       "of order: %s\n", cpu, tc->fired, TIMERS_PER_CPU, early,
		       out_of_order, cpu_ok ? "ok" : "BAD");
		ok &= cpu_ok;
		for (unsigned int i = 0; i < TIMERS_PER_CPU; i++)
			timer_stop(&tc->timers[i]);
		xfree(tc);
		timer_test[cpu] = NULL;
	}
	return ok;
}

/* Cross-CPU call test: every online CPU increments a counter once. */
static unsigned int smpcall_hits[NR_CPUS];

static void smpcall_fn(void *data)
{
	(void)data;
	smpcall_hits[smp_processor_id()]++;
}

static bool selftest_smpcall(void)
{
	cpumask_t online = cpu_online_mask();
	bool ok = true;

	for (unsigned int round = 0; round < 100; round++)
		smp_call_function_mask(online, smpcall_fn, NULL);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		unsigned int want = (online & (1ULL << cpu)) ? 100 : 0;
		if (smpcall_hits[cpu] != want) {
			printk("selftest smpcall: CPU%u ran %u calls, "
			       "expected %u\n", cpu, smpcall_hits[cpu], want);
			ok = false;
		}
	}
	unsigned int targets = 0;
	for (cpumask_t m = online; m; m &= m - 1)
		targets++;
	printk("selftest smpcall: %u CPUs, 100 rounds\n", targets);
	return ok;
}

static const struct {
	const char *name;
	bool (*fn)(void);
} selftests[] = {
	{ "timers", selftest_timers },
	{ "smpcall", selftest_smpcall },
};

static bool word_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, word, n))
			return true;
		p += len + (end ? 1 : 0);
	}
	return false;
}

bool selftests_run(void)
{
	bool all_ok = true;

	for (unsigned int i = 0; i < ARRAY_SIZE(selftests); i++) {
		if (!word_in_list(opt_selftest, selftests[i].name))
			continue;
		bool ok = selftests[i].fn();
		printk("selftest %s: %s\n", selftests[i].name,
		       ok ? "PASS" : "FAIL");
		all_ok &= ok;
	}
	return all_ok;
}
