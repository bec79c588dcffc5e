/* Unit tests for address-to-symbol lookup (hypervisor/common/symbols.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <symbols.h>

#include "unit.h"

static const uint64_t addrs[] = { 0x1000, 0x1010, 0x1100, 0x2000 };
static const uint32_t name_offsets[] = { 0, 6, 13, 19 };
static const char names[] = "start\0middle\0other\0last_fn";
static const struct symbol_table table = {
	.count = ARRAY_SIZE(addrs),
	.addrs = addrs,
	.name_offsets = name_offsets,
	.names = names,
	.text_end = 0x2400,
};

/* Look up @addr and check name, offset and size. */
static void expect(const struct symbol_table *t, uint64_t addr,
		   const char *name, uint64_t offset, uint64_t size)
{
	uint64_t off = 0xdead, sz = 0xbeef;
	const char *got = symbol_lookup(t, addr, &off, &sz);

	ck_assert_msg(got != NULL, "no symbol for %#llx",
		      (unsigned long long)addr);
	ck_assert_str_eq(got, name);
	ck_assert_uint_eq(off, offset);
	ck_assert_uint_eq(sz, size);
}

static void expect_none(const struct symbol_table *t, uint64_t addr)
{
	uint64_t off = 0xdead, sz = 0xbeef;

	ck_assert_ptr_null(symbol_lookup(t, addr, &off, &sz));
	ck_assert_uint_eq(off, 0xdead);
	ck_assert_uint_eq(sz, 0xbeef);
}

START_TEST(symbol_starts)
{
	expect(&table, 0x1000, "start", 0, 0x10);
	expect(&table, 0x1010, "middle", 0, 0xf0);
	expect(&table, 0x1100, "other", 0, 0xf00);
	expect(&table, 0x2000, "last_fn", 0, 0x400);
}
END_TEST

START_TEST(inside_symbols)
{
	expect(&table, 0x1001, "start", 1, 0x10);
	expect(&table, 0x100f, "start", 0xf, 0x10);
	expect(&table, 0x1050, "middle", 0x40, 0xf0);
	expect(&table, 0x10ff, "middle", 0xef, 0xf0);
	expect(&table, 0x1fff, "other", 0xeff, 0xf00);
}
END_TEST

START_TEST(last_symbol_to_text_end)
{
	expect(&table, 0x2001, "last_fn", 1, 0x400);
	expect(&table, 0x23ff, "last_fn", 0x3ff, 0x400);
	expect_none(&table, 0x2400);
	expect_none(&table, 0x2401);
	expect_none(&table, UINT64_MAX);
}
END_TEST

START_TEST(below_first)
{
	expect_none(&table, 0);
	expect_none(&table, 0xfff);
	expect_none(&table, 0x1);
}
END_TEST

START_TEST(every_address)
{
	for (uint64_t a = 0xf00; a < 0x2500; a++) {
		uint64_t off, sz;
		const char *got = symbol_lookup(&table, a, &off, &sz);
		int want = -1;

		for (unsigned int i = 0; i < ARRAY_SIZE(addrs); i++)
			if (addrs[i] <= a && a < table.text_end)
				want = i;
		if (want < 0) {
			ck_assert_ptr_null(got);
			continue;
		}
		ck_assert_ptr_eq(got, names + name_offsets[want]);
		ck_assert_uint_eq(off, a - addrs[want]);
	}
}
END_TEST

START_TEST(tiny_tables)
{
	static const uint64_t one_addr[] = { 0x5000 };
	static const uint32_t one_off[] = { 0 };
	const struct symbol_table one = {
		.count = 1, .addrs = one_addr, .name_offsets = one_off,
		.names = "only", .text_end = 0x5100,
	};
	const struct symbol_table empty = {
		.count = 0, .addrs = NULL, .name_offsets = NULL,
		.names = "", .text_end = 0x100000,
	};

	expect(&one, 0x5000, "only", 0, 0x100);
	expect(&one, 0x50ff, "only", 0xff, 0x100);
	expect_none(&one, 0x4fff);
	expect_none(&one, 0x5100);
	expect_none(&empty, 0x1000);
	expect_none(&empty, 0);
}
END_TEST

START_TEST(random_large_table)
{
	enum { N = 5000 };
	uint64_t *a = malloc(N * sizeof(*a));
	uint32_t *off = malloc(N * sizeof(*off));
	char *nm = malloc(N * 8);
	uint64_t seed = 31337, addr = 0xffffffff80000000ULL;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(off);
	ck_assert_ptr_nonnull(nm);
	for (unsigned int i = 0; i < N; i++) {
		addr += 1 + rng_below(&seed, 300);
		a[i] = addr;
		off[i] = i * 8;
		snprintf(nm + i * 8, 8, "f%u", i);
	}
	const struct symbol_table t = {
		.count = N, .addrs = a, .name_offsets = off, .names = nm,
		.text_end = addr + 100,
	};
	for (unsigned int k = 0; k < 20000; k++) {
		uint64_t q = a[0] - 50 + rng_below(&seed, t.text_end - a[0] + 100);
		uint64_t o, s;
		const char *got = symbol_lookup(&t, q, &o, &s);

		if (q < a[0] || q >= t.text_end) {
			ck_assert_ptr_null(got);
			continue;
		}
		/* The linear answer. */
		unsigned int i = 0;
		while (i + 1 < N && a[i + 1] <= q)
			i++;
		ck_assert_ptr_eq(got, nm + off[i]);
		ck_assert_uint_eq(o, q - a[i]);
		ck_assert_uint_eq(s, (i + 1 < N ? a[i + 1] : t.text_end) - a[i]);
	}
	free(a);
	free(off);
	free(nm);
}
END_TEST

Suite *symbols_suite(void)
{
	Suite *s = suite_create("symbols");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, symbol_starts);
	tcase_add_test(tc, inside_symbols);
	tcase_add_test(tc, last_symbol_to_text_end);
	tcase_add_test(tc, below_first);
	tcase_add_test(tc, every_address);
	tcase_add_test(tc, tiny_tables);
	tcase_add_test(tc, random_large_table);
	suite_add_tcase(s, tc);
	return s;
}
