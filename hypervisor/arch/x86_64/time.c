/*
 * System time from the TSC, calibrated once against PIT channel 2.
 *
 * Channel 2's gate is controlled through port 0x61 and its output can be
 * read there, so it can be used without interrupts: count down a known
 * interval and see how far the TSC moved.
 */
#include <panic.h>
#include <printk.h>
#include <system_time.h>
#include <asm/cpu.h>

#define PIT_HZ          1193182ULL
#define PIT_CALIBRATE_MS 50

uint64_t tsc_khz;
static uint64_t tsc_at_boot;
static uint64_t ns_per_tsc_shift32;	/* ns per TSC tick, 32.32 fixed point */

static uint64_t pit_measure_tsc(unsigned int ms)
{
	uint64_t count = PIT_HZ * ms / 1000;
	uint8_t gate = inb(0x61);

	outb(0x61, (gate & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);			/* ch2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, (count >> 8) & 0xff);

	uint64_t start = rdtsc();
	uint64_t polls = 0;
	while (!(inb(0x61) & 0x20)) {
		if (++polls > 100000000ULL)
			panic("PIT channel 2 never counted down");
	}
	uint64_t end = rdtsc();
	outb(0x61, gate);
	return end - start;
}

void time_init(void)
{
	uint64_t ticks = pit_measure_tsc(PIT_CALIBRATE_MS);

	tsc_khz = ticks / PIT_CALIBRATE_MS;
	if (tsc_khz == 0)
		panic("TSC does not count");
	ns_per_tsc_shift32 = (NSEC_PER_MSEC << 32) / tsc_khz;
	tsc_at_boot = rdtsc() - ticks;
	printk("Time: TSC runs at %llu.%03llu MHz (against the PIT)\n",
	       (unsigned long long)tsc_khz / 1000,
	       (unsigned long long)tsc_khz % 1000);
}

uint64_t tsc_to_system_time(uint64_t tsc)
{
	if (!tsc_khz)
		return 0;
	uint64_t delta = tsc - tsc_at_boot;
	return (uint64_t)(((unsigned __int128)delta * ns_per_tsc_shift32) >> 32);
}

uint64_t now_ns(void)
{
	return tsc_to_system_time(rdtsc());
}

void udelay(uint64_t us)
{
	uint64_t start = rdtsc();
	uint64_t ticks = us * tsc_khz / 1000;

	while (rdtsc() - start < ticks)
		cpu_relax();
}
