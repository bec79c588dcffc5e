/* System time: nanoseconds since boot, from the TSC (arch/x86_64/time.c). */
#ifndef KEEL_SYSTEM_TIME_H
#define KEEL_SYSTEM_TIME_H

#include <types.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

uint64_t now_ns(void);
void udelay(uint64_t us);
void time_init(void);
extern uint64_t tsc_khz;

#endif
