/* Shared declarations for the host unit tests (tests/unit). */
#ifndef KEEL_UNIT_H
#define KEEL_UNIT_H

#include <check.h>
#include <stdint.h>

Suite *acpi_suite(void);
Suite *boot_fdt_suite(void);
Suite *cmdline_suite(void);
Suite *console_line_suite(void);
Suite *console_switch_suite(void);
Suite *elf_image_suite(void);
Suite *event_bitmap_suite(void);
Suite *format_suite(void);
Suite *frame_suite(void);
Suite *grant_entry_suite(void);
Suite *gsi_route_suite(void);
Suite *heap_suite(void);
Suite *log_ring_suite(void);
Suite *multiboot2_suite(void);
Suite *pci_config_suite(void);
Suite *range_suite(void);
Suite *ratelimit_suite(void);
Suite *symbols_suite(void);
Suite *timer_queue_suite(void);

/* Like ck_assert(), but silent while it holds. Every passing Check
 * assertion records a checkpoint with the parent process (a write), which
 * is far too slow in loops that run millions of times. */
#define ASSERT_FAST(expr)                                                     \
	do {                                                                  \
		if (!(expr))                                                  \
			ck_abort_msg("Assertion '%s' failed", #expr);         \
	} while (0)

/* A small deterministic PRNG (splitmix64), so randomized tests do the
 * same thing on every host. */
static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Little-endian stores for the tests that build firmware structures. */
static inline void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Uniform in [0, n), n > 0. */
static inline uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return rng_next(state) % n;
}

#endif
