/*
 * Local APIC: interrupts, IPIs and the per-CPU one-shot timer.
 *
 * x2APIC mode is used when the CPU has it (and `x2apic=off` is not given):
 * registers are MSRs and the ICR is written in one go. Otherwise the xAPIC
 * registers are reached through an uncached mapping of the APIC page.
 */
#include <arch.h>
#include <cmdline.h>
#include <mm.h>
#include <panic.h>
#include <printk.h>
#include <system_time.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>

#define APIC_ID        0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_ESR       0x280
#define APIC_ICR_LOW   0x300
#define APIC_ICR_HIGH  0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE  0x3e0

#define APIC_LVT_MASKED    (1u << 16)
#define APIC_SVR_ENABLE    (1u << 8)
#define APIC_ICR_BUSY      (1u << 12)
#define APIC_BASE_ENABLE   (1ULL << 11)
#define APIC_BASE_X2APIC   (1ULL << 10)
#define X2APIC_MSR_BASE    0x800
#define X2APIC_MSR_ICR     0x830

static bool opt_x2apic = true;
OPTION_BOOL("x2apic", opt_x2apic);

static bool x2apic_mode;
static volatile uint32_t *xapic_regs;
static uint64_t apic_timer_khz;	/* timer ticks per ms, at divide-by-16 */

bool apic_x2apic_mode(void)
{
	return x2apic_mode;
}

static uint32_t apic_read(unsigned int reg)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return xapic_regs[reg / 4];
}

static void apic_write(unsigned int reg, uint32_t v)
{
	if (x2apic_mode)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		xapic_regs[reg / 4] = v;
}

void apic_bsp_init(uint64_t lapic_phys)
{
	x2apic_mode = boot_cpu_features.x2apic && opt_x2apic;
	if (!x2apic_mode)
		xapic_regs = ioremap(lapic_phys, PAGE_SIZE);

	/* The legacy PICs stay masked: Keel routes nothing through them. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	printk("APIC: %s mode, local APIC at %#llx\n",
	       x2apic_mode ? "x2APIC" : "xAPIC", (unsigned long long)lapic_phys);
}

void apic_cpu_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	if (x2apic_mode) {
		/* xAPIC must be enabled before x2APIC mode can be entered. */
		wrmsr(MSR_APIC_BASE, base);
		base |= APIC_BASE_X2APIC;
	}
	wrmsr(MSR_APIC_BASE, base);

	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	apic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | VECTOR_SPURIOUS);
	apic_write(APIC_TIMER_DIVIDE, 0x3);	/* divide by 16 */
	apic_write(APIC_LVT_TIMER, VECTOR_TIMER);	/* one-shot */
	apic_write(APIC_TIMER_INITIAL, 0);
	apic_eoi();
}

uint32_t apic_current_id(void)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (APIC_ID >> 4));
	return apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

uint32_t apic_read_error(void)
{
	apic_write(APIC_ESR, 0);
	return apic_read(APIC_ESR);
}

static void xapic_wait_icr_idle(void)
{
	for (unsigned int i = 0; i < 1000000; i++)
		if (!(apic_read(APIC_ICR_LOW) & APIC_ICR_BUSY))
			return;
	printk(LOG_ERR "APIC: ICR stuck busy\n");
}

void apic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	if (x2apic_mode) {
		/* A write to the x2APIC ICR is not serialising: without the
		 * fence the IPI may overtake the stores it announces (a
		 * reschedule request, say), and the target find nothing. */
		asm volatile("mfence; lfence" ::: "memory");
		wrmsr(X2APIC_MSR_ICR, (uint64_t)apic_id << 32 | icr_low);
		return;
	}
	unsigned long flags = irq_save();
	xapic_wait_icr_idle();
	apic_write(APIC_ICR_HIGH, apic_id << 24);
	apic_write(APIC_ICR_LOW, icr_low);
	irq_restore(flags);
}

void apic_send_ipi_all_but_self(uint32_t icr_low)
{
	if (x2apic_mode) {
		wrmsr(X2APIC_MSR_ICR, icr_low | APIC_ICR_ALL_BUT_SELF);
		return;
	}
	unsigned long flags = irq_save();
	xapic_wait_icr_idle();
	apic_write(APIC_ICR_LOW, icr_low | APIC_ICR_ALL_BUT_SELF);
	irq_restore(flags);
}

/* Count timer ticks over 10 ms of TSC time. */
void apic_timer_calibrate(void)
{
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
	apic_write(APIC_TIMER_INITIAL, UINT32_MAX);
	udelay(10000);
	uint32_t elapsed = UINT32_MAX - apic_read(APIC_TIMER_CURRENT);
	apic_write(APIC_TIMER_INITIAL, 0);
	apic_write(APIC_LVT_TIMER, VECTOR_TIMER);

	apic_timer_khz = elapsed / 10;
	if (apic_timer_khz == 0)
		panic("APIC timer does not count");
	printk("APIC: timer runs at %llu.%03llu MHz (after divide-by-16)\n",
	       (unsigned long long)apic_timer_khz / 1000,
	       (unsigned long long)apic_timer_khz % 1000);
}

void arch_timer_program(uint64_t deadline)
{
	if (deadline == UINT64_MAX) {
		apic_write(APIC_TIMER_INITIAL, 0);
		return;
	}
	uint64_t now = now_ns();
	uint64_t delta = deadline > now ? deadline - now : 0;
	/* Round up, so the interrupt is not early by a fraction of a tick;
	 * timer.c never runs a timer early whatever the hardware does. */
	uint64_t ticks;
	if (delta > UINT64_MAX / (apic_timer_khz + 1))
		ticks = UINT32_MAX;
	else
		ticks = (delta * apic_timer_khz + NSEC_PER_MSEC - 1) /
			NSEC_PER_MSEC;
	if (ticks == 0)
		ticks = 1;
	if (ticks > UINT32_MAX)
		ticks = UINT32_MAX;	/* fires early; timer.c re-arms */
	apic_write(APIC_TIMER_INITIAL, (uint32_t)ticks);
}
