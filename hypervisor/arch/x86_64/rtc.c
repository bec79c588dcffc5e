/*
 * The CMOS real-time clock, read once at boot for the guests' wall clock.
 */
#include <printk.h>
#include <system_time.h>
#include <asm/cpu.h>

uint64_t wallclock_boot_sec;
uint32_t wallclock_boot_nsec;

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 0xf) + 10 * (v >> 4);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
	y -= m <= 2;
	uint64_t era = y / 400;
	uint64_t yoe = y - era * 400;
	uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void wallclock_init(void)
{
	uint8_t sec, min, hour, day, mon, year, regb;

	/* Wait (bounded) for no update in progress, then read twice until
	 * two reads agree. */
	for (unsigned int tries = 0; tries < 10; tries++) {
		for (unsigned int i = 0; i < 100000 && (cmos_read(0x0a) & 0x80); i++)
			;
		sec = cmos_read(0x00);
		min = cmos_read(0x02);
		hour = cmos_read(0x04);
		day = cmos_read(0x07);
		mon = cmos_read(0x08);
		year = cmos_read(0x09);
		if (sec == cmos_read(0x00) && min == cmos_read(0x02))
			break;
	}
	uint64_t now = now_ns();
	regb = cmos_read(0x0b);
	bool binary = regb & 0x04;
	bool pm = !(regb & 0x02) && (hour & 0x80);
	unsigned int h = bcd(hour & 0x7f, binary);
	if (!(regb & 0x02))
		h = (h % 12) + (pm ? 12 : 0);

	uint64_t epoch = days_from_civil(2000 + bcd(year, binary),
					 bcd(mon, binary), bcd(day, binary)) *
				 86400 +
			 h * 3600 + bcd(min, binary) * 60 + bcd(sec, binary);
	/* Wall time at system time 0. */
	uint64_t boot_ns = epoch * NSEC_PER_SEC - now;
	wallclock_boot_sec = boot_ns / NSEC_PER_SEC;
	wallclock_boot_nsec = boot_ns % NSEC_PER_SEC;
	printk("Time: wall clock %04u-%02u-%02u %02u:%02u:%02u UTC (CMOS)\n",
	       2000 + bcd(year, binary), bcd(mon, binary), bcd(day, binary), h,
	       bcd(min, binary), bcd(sec, binary));
}
