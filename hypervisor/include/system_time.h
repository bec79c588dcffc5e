/* System time: nanoseconds since boot, from the TSC (arch/x86_64/time.c). */
#ifndef KEEL_SYSTEM_TIME_H
#define KEEL_SYSTEM_TIME_H

#include <types.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

uint64_t now_ns(void);
/* System time at TSC value @tsc (arch). */
uint64_t tsc_to_system_time(uint64_t tsc);
/* Wall-clock seconds since 1970 at system time 0 (arch/x86_64/rtc.c). */
extern uint64_t wallclock_boot_sec;
extern uint32_t wallclock_boot_nsec;
void wallclock_init(void);
void udelay(uint64_t us);
void time_init(void);
extern uint64_t tsc_khz;

#endif
