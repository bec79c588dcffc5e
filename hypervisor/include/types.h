/* Basic types for the hypervisor and for the host-compiled unit tests.
 * Only freestanding compiler headers are used, so the same code builds in
 * both places. */
#ifndef KEEL_TYPES_H
#define KEEL_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;   /* a machine (physical) address */
typedef uint64_t pfn_t;     /* a machine frame number */

#define PAGE_SHIFT   12
#define PAGE_SIZE    (1UL << PAGE_SHIFT)
#define PAGE_MASK    (~(PAGE_SIZE - 1))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define __noreturn   __attribute__((noreturn))
#define __packed     __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __unused     __attribute__((unused))
/* Off the fast path: never inlined into it, laid out apart from it. */
#define __slow_path  __attribute__((noinline, cold))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x)    __builtin_expect(!!(x), 1)
#define unlikely(x)  __builtin_expect(!!(x), 0)

#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
